/* tools/cmd_bench.c -- `tonemon bench`: speed and memory of the analysis on one core.
 * A synthesized minute of call (noise, leak) is fed again and again through one analyzer, so the
 * measured time is the analyzer's alone and memory shows whether it grows with the call. Then
 * a second run times each stage, to show where the time goes. */
#include "cli.h"
#include "synth.h"
#include "stageprof.h"
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

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
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

/* Where the time goes: the same call through an analyzer that times its stages (the
 * library's private profile, src/stageprof.h: a benchmark is the one front end that looks
 * inside). Reported per second of stereo audio, in the pipeline as it runs: pitch only where
 * the level gate asks for it, tones only on loud hops. */
static void stage_costs(const float *l, const float *r, size_t n, int rate, int block,
                        double target_s, double whole_ms)
{
#ifdef TONEMON_BENCH_NO_STAGES
    (void)l; (void)r; (void)n; (void)rate; (void)block; (void)target_s; (void)whole_ms;
    puts("  (per-stage CPU needs the static library: a shared libtonemon hides its stages)");
#else
    tm_config cfg = tm_config_default(rate);
    /* the echo canceller is timed here even where a profile turns it off: its line says what
     * it costs */
    int echo_default = cfg.echo_canceller;
    cfg.echo_canceller = 1;
    tm_analyzer *a;
    if (tm_analyzer_create(&cfg, &a) != TM_OK) return;
    tmi_analyzer_profile(a, 1);
    double audio_s = 0.0, t0 = cpu_s(), w0 = wall_s();
    tm_event ev;
    while (audio_s < target_s) {
        for (size_t i = 0; i < n; i += (size_t)block) {
            size_t k = n - i < (size_t)block ? n - i : (size_t)block;
            if (tm_analyzer_process(a, l + i, r + i, k) != TM_OK) break;
            while (tm_analyzer_next_event(a, &ev)) {}
        }
        audio_s += (double)n / rate;
    }
    tm_analyzer_finish(a);
    double cpu = cpu_s() - t0, wall = wall_s() - w0;
    double sec[TMI_ST__COUNT], sum = 0.0;
    tmi_analyzer_stage_seconds(a, sec);
    tm_analyzer_destroy(a);
    /* The stages are timed by the wall clock (a CPU clock costs a system call a reading): on a
     * shared machine the other programs' turns land in whichever stage was running, in
     * proportion to its time, so each stage gets the run's CPU time per wall-clock second. */
    for (int k = 0; k < TMI_ST__COUNT; k++) {
        if (wall > 0.0) sec[k] *= cpu / wall;
        sum += sec[k];
    }
    double echo_ms = sec[TMI_ST_ECHO] / audio_s * 1000.0;
    /* what the timed run took beyond the plain run and the canceller: the clock readings */
    double prof_ms = cpu / audio_s * 1000.0;
    double extra = prof_ms - whole_ms - (echo_default ? 0.0 : echo_ms);
    printf("  CPU per audio second by stage (stereo; a second run with the stages timed and the\n"
           "  echo canceller on, %.3f ms, of which the clock readings take about %.0f %%):\n",
           prof_ms, extra > 0.0 ? 100.0 * extra / prof_ms : 0.0);
    for (int k = 0; k < TMI_ST__COUNT; k++)
        printf("    %-26s %.3f ms  %4.1f %%%s\n", tmi_stage_name(k), sec[k] / audio_s * 1000.0,
               sum > 0.0 ? 100.0 * sec[k] / sum : 0.0,
               k == TMI_ST_ECHO ? (echo_default ? "  (on by default; rests where the leak is weak)"
                                                : "  (off by default: profile echo_canceller 1)")
                                 : "");
    if (echo_default)
        printf("  without the echo canceller: about %.0fx real time (one core)\n",
               1000.0 / (whole_ms - echo_ms));
    else
        printf("  with the echo canceller on: about %.0fx real time (one core)\n",
               1000.0 / (whole_ms + echo_ms));
#endif
}

int cmd_bench(int argc, char **argv)
{
    double minutes = 10.0;
    double leak_db = -25.0;
    int rate = 16000, block = 4096;
    const arg_spec spec[] = {
        {"minutes", 0, ARG_DOUBLE, &minutes, 0.1, 600, NULL},
        {"rate", 0, ARG_INT, &rate, 8000, 48000, NULL},
        {"block", 0, ARG_INT, &block, 1, 1 << 20, NULL},
        {"leak", 0, ARG_DOUBLE, &leak_db, -60, -3, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("bench", argc, argv, spec, &first);
    if (prc == ARGS_HELP)
        puts("usage: tonemon bench [--minutes M] [--rate HZ] [--block N] [--leak DB]\n"
             "Prints real-time factor, CPU ms per second of audio and memory of the analysis.\n"
             "--leak: each party's echo in the other's channel (default -25 dB; -6 is a\n"
             "speakerphone, where the echo canceller runs all the time)");
    if (prc) return prc == ARGS_HELP ? 0 : 2;
    if (first < argc) { fprintf(stderr, "tonemon bench: unknown argument %s\n", argv[first]); return 2; }
    synth_opts o = synth_defaults();
    o.rate_hz = rate;
    o.duration_s = 60.0;
    o.snr_db = 25.0;
    o.bleed_db = leak_db;
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
            if (tm_analyzer_process(a, l + i, r + i, k) != TM_OK) {
                fprintf(stderr, "tonemon bench: the analyzer refused audio\n");
                exit(1);
            }
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

    printf("tonemon bench: %.1f min of stereo %d Hz call audio (noise 25 dB SNR, leak %.0f dB), blocks of %d\n",
           audio_s / 60.0, rate, leak_db, block);
    printf("  real-time factor      %.0fx (one core)\n", audio_s / cpu);
    printf("  CPU per audio second  %.3f ms\n", cpu / audio_s * 1000.0);
    printf("  one hour of call in   %.2f s\n", cpu / audio_s * 3600.0);
    printf("  analyzer memory       %ld kB at create, %ld kB at half, %ld kB at end (RSS growth)\n",
           rss_created - rss0, rss_mid - rss0, rss_end - rss0);
    printf("  events                %zu\n", events);
    stage_costs(l, r, n, rate, block, target, cpu / audio_s * 1000.0);
    synth_free(l, r, &t);
    return 0;
}
