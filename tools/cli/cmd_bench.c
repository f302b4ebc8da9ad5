/* tools/cmd_bench.c -- `tonemon bench`: speed and memory of the analysis on one core.
 * A synthesized minute of call (noise, leak) is fed again and again through one analyzer, so the
 * measured time is the analyzer's alone and memory shows whether it grows with the call. Then
 * the costly stages run alone over the same audio (the library's private stage API: a benchmark
 * is the one front end that looks inside), to show where the time goes. */
#include "cli.h"
#include "synth.h"
#include "echo.h"
#include "energy.h"
#include "pitch.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

/* CPU of the energy and pitch stages alone, per second of audio per channel, on the same call:
 * pitch analysed on every hop (an upper bound: the analyzer skips hops too quiet to be voice). */
static void stage_costs(const synth_opts *o0, int rate, double target_s, double whole_ms)
{
    synth_opts o = *o0;
    float *l, *r;
    size_t n;
    synth_truth t;
    if (synth_generate(&o, &l, &r, &n, &t)) return;
    tm_config cfg = tm_config_default(rate);
    int hop = rate / 100;
    size_t hops = n / (size_t)hop;
    float *dc = malloc((size_t)hop * sizeof *dc);
    tm_energy e;
    tm_pitch p;
    if (!dc || tmi_pitch_init(&p, rate, hop, cfg.f0_min_hz, cfg.f0_max_hz, cfg.pitch_peak_ratio,
                          cfg.voicing_min)) {
        free(dc);
        synth_free(l, r, &t);
        return;
    }
    tmi_energy_init(&e, rate, hop);
    /* the echo canceller cue, both directions, as the analyzer runs it (resting while the
     * reference is silent); measured whether the profile turns it on or not */
    tm_echo ec;
    int echo_ok = !tmi_echo_init(&ec, rate, hop, cfg.echo_filter_ms, cfg.speech_min_level_db, cfg.echo_warmup_s);
    double t_energy = 0.0, t_pitch = 0.0, t_echo = 0.0, audio_s = 0.0;
    float lev, loud, f0, v;
    int64_t k;
    volatile float sink = 0.0f;
    while (audio_s < target_s) {
        for (int c = 0; c < 2; c++) {
            const float *x = c ? r : l;
            double t0 = cpu_s();
            for (size_t h = 0; h < hops; h++) {
                tmi_energy_hop(&e, x + h * (size_t)hop, dc, &lev, &loud);
                sink += lev;
            }
            double t1 = cpu_s();
            for (size_t h = 0; h < hops; h++) {
                tmi_pitch_push(&p, x + h * (size_t)hop);
                tmi_pitch_estimate(&p, &f0, &v);
                while (tmi_pitch_final(&p, 0, &k, &f0, &v)) sink += f0;
            }
            t_pitch += cpu_s() - t1;
            t_energy += t1 - t0;
        }
        if (echo_ok) {
            double t2 = cpu_s();
            for (size_t h = 0; h < hops; h++)
                tmi_echo_hop(&ec, (int64_t)h, l + h * (size_t)hop, r + h * (size_t)hop);
            t_echo += cpu_s() - t2;
            tmi_echo_reset(&ec);
        }
        audio_s += (double)n / rate;
    }
    (void)sink;
    tmi_pitch_free(&p);
    int echo_hz = echo_ok && ec.on ? rate / ec.dec : 0;
    if (echo_ok) tmi_echo_free(&ec);
    free(dc);
    synth_free(l, r, &t);
    /* per channel: the pipeline figure above is for the two channels together */
    double e_ms = t_energy / (2.0 * audio_s) * 1000.0, p_ms = t_pitch / (2.0 * audio_s) * 1000.0;
    double c_ms = t_echo / (2.0 * audio_s) * 1000.0;
    printf("  CPU per audio second, per channel, stage alone:\n");
    printf("    energy + loudness   %.3f ms\n", e_ms);
    printf("    pitch, every hop    %.3f ms (candidates, path, refinement)\n", p_ms);
    if (echo_hz)
        printf("    echo canceller      %.3f ms (one direction at %d Hz, resting while the other side is\n"
               "                        silent; %s)\n", c_ms, echo_hz,
               cfg.echo_canceller ? "in the pipeline's figure" : "off by default: on adds twice this to the pipeline's");
    else
        printf("    echo canceller      none at this rate\n");
    printf("    the rest            %.3f ms (floor, leak, speech, turns, raised, frames; pitch\n"
           "                        skipped on quiet hops), from the pipeline's figure\n",
           whole_ms / 2.0 - e_ms - p_ms - (cfg.echo_canceller ? c_ms : 0.0) > 0.0
               ? whole_ms / 2.0 - e_ms - p_ms - (cfg.echo_canceller ? c_ms : 0.0) : 0.0);
}

int cmd_bench(int argc, char **argv)
{
    double minutes = 10.0;
    int rate = 16000, block = 4096;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            puts("usage: tonemon bench [--minutes M] [--rate HZ] [--block N]\n"
                 "Prints real-time factor, CPU ms per second of audio and memory of the analysis.");
            return 0;
        }
        if (!strcmp(a, "--minutes")) { if (arg_double("bench", a, next, 0.1, 600, &minutes)) return 2; i++; }
        else if (!strcmp(a, "--rate")) { if (arg_int("bench", a, next, 8000, 48000, &rate)) return 2; i++; }
        else if (!strcmp(a, "--block")) { if (arg_int("bench", a, next, 1, 1 << 20, &block)) return 2; i++; }
        else { fprintf(stderr, "tonemon bench: unknown option %s\n", a); return 2; }
    }
    synth_opts o = synth_defaults();
    o.rate_hz = rate;
    o.duration_s = 60.0;
    o.snr_db = 25.0;
    o.bleed_db = -25.0;
    float *l, *r;
    size_t n;
    synth_truth t;
    if (synth_generate(&o, &l, &r, &n, &t)) { fputs("tonemon bench: out of memory\n", stderr); return 1; }

    tm_config cfg = tm_config_default(rate);
    tm_analyzer *a;
    long rss0 = rss_kb();
    if (tm_analyzer_create(&cfg, &a) != TM_OK) { fputs("tonemon bench: cannot create analyzer\n", stderr); return 1; }
    long rss_created = rss_kb();
    double audio_s = 0.0, target = minutes * 60.0, t0 = cpu_s();
    long rss_mid = 0;
    size_t events = 0;
    tm_event ev;
    while (audio_s < target) {
        for (size_t i = 0; i < n; i += (size_t)block) {
            size_t k = n - i < (size_t)block ? n - i : (size_t)block;
            tm_analyzer_process(a, l + i, r + i, k);
            while (tm_analyzer_next_event(a, &ev)) events++;
        }
        audio_s += (double)n / rate;
        if (!rss_mid && audio_s >= target / 2) rss_mid = rss_kb();
    }
    tm_analyzer_finish(a);
    while (tm_analyzer_next_event(a, &ev)) events++;
    double cpu = cpu_s() - t0;
    long rss_end = rss_kb();
    tm_analyzer_destroy(a);
    synth_free(l, r, &t);

    printf("tonemon bench: %.1f min of stereo %d Hz call audio (noise 25 dB SNR, leak -25 dB), blocks of %d\n",
           audio_s / 60.0, rate, block);
    printf("  real-time factor      %.0fx (one core)\n", audio_s / cpu);
    printf("  CPU per audio second  %.3f ms\n", cpu / audio_s * 1000.0);
    printf("  one hour of call in   %.2f s\n", cpu / audio_s * 3600.0);
    printf("  analyzer memory       %ld kB at create, %ld kB at half, %ld kB at end (RSS growth)\n",
           rss_created - rss0, rss_mid - rss0, rss_end - rss0);
    printf("  events                %zu\n", events);
    stage_costs(&o, rate, minutes * 60.0, cpu / audio_s * 1000.0);
    return 0;
}
