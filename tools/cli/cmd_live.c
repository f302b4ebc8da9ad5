/* tools/cli/cmd_live.c -- `tonemon devices`, `tonemon live` and `tonemon replay` through PortAudio.
 *
 * Real-time rule: the PortAudio callback only copies the mapped channels into a lock-free SPSC
 * ring (tools/ring.c); the main thread drains the ring every 10 ms, runs the analyzer, prints the
 * alerts and streams the events. Two devices (the agent's microphone and a loopback of the
 * caller's side) get a ring each; their clocks drift, so the reader keeps them within 50 ms by
 * dropping the excess of the one ahead, and reports how much it dropped. */
#include "cli.h"
#include "call.h"
#include "evtype.h"
#include "ring.h"
#include "term_live.h"
#include "web_live.h"
#include "writers.h"
#include <alsa/asoundlib.h>
#include <ctype.h>
#include <jack/jack.h>
#include <errno.h>
#include <math.h>
#include <portaudio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
static void on_signal(int s) { (void)s; g_stop = 1; }

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* ---- PortAudio without the start-up noise ----------------------------------------------- */

static void alsa_quiet(const char *file, int line, const char *fn, int err, const char *fmt, ...)
{
    (void)file; (void)line; (void)fn; (void)err; (void)fmt;
}
static void jack_quiet(const char *msg) { (void)msg; }

static int pa_start(void)
{
    /* ALSA and JACK print dozens of probing lines on a machine without a sound card; an agent
     * should see tonemon's own messages only. */
    snd_lib_error_set_handler(alsa_quiet);
    jack_set_error_function(jack_quiet);
    jack_set_info_function(jack_quiet);
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        fprintf(stderr, "tonemon: audio system: %s\n", Pa_GetErrorText(e));
        return -1;
    }
    return 0;
}

/* A device by index or by (part of) its name; input or output. -1 if none. */
static int find_device(const char *spec, int want_input)
{
    int n = Pa_GetDeviceCount();
    char *end;
    long idx = strtol(spec, &end, 10);
    if (*spec && !*end) {
        if (idx < 0 || idx >= n) return -1;
        const PaDeviceInfo *d = Pa_GetDeviceInfo((PaDeviceIndex)idx);
        return d && (want_input ? d->maxInputChannels : d->maxOutputChannels) > 0 ? (int)idx : -1;
    }
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d && strstr(d->name, spec) && (want_input ? d->maxInputChannels : d->maxOutputChannels) > 0) return i;
    }
    return -1;
}

int cmd_devices(int argc, char **argv)
{
    const arg_spec none[] = {{NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("devices", argc, argv, none, &first);
    if (prc == ARGS_HELP) {
        puts("usage: tonemon devices\nLists the audio devices: index, host API, input and output channels, default rate.");
        return 0;
    }
    if (prc) return 2;
    if (first < argc) { fprintf(stderr, "tonemon devices: unknown argument %s\n", tesc(argv[first])); return 2; }
    if (pa_start()) return 1;
    int n = Pa_GetDeviceCount();
    if (n < 0) {
        fprintf(stderr, "tonemon: audio system: %s\n", Pa_GetErrorText(n));
        Pa_Terminate();
        return 1;
    }
    printf("index\thost_api\tinputs\toutputs\trate_hz\tname\n");
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        const PaHostApiInfo *h = d ? Pa_GetHostApiInfo(d->hostApi) : NULL;
        if (d) printf("%d\t%s\t%d\t%d\t%.0f\t%s\n", i, h ? tesc(h->name) : "?", d->maxInputChannels,
                      d->maxOutputChannels, d->defaultSampleRate, tesc(d->name));
    }
    if (n == 0) fprintf(stderr, "tonemon: no audio devices found\n");
    Pa_Terminate();
    return 0;
}

/* ---- the analysis side, shared by live and replay -------------------------------------- */

typedef struct {
    tm_analyzer *a;
    const tm_profile *prof;
    call_result res;          /* final events and statistics, for the summary */
    out_file events;
    FILE *alerts;
    int have_events, quiet, tty, colour;
    double wall0;             /* wall clock at stream time 0 */
    double last_status;
    float *b0, *b1;
    size_t alerts_n, lost_events;
    const char *events_path;
    FILE *human;              /* alerts and meter: stdout, or stderr when stdout carries JSON */
    web_live *web;            /* --web, --report-to (tools/web_live.c) */
} live_ctx;

/* The options of the live web view and the wall (web_live.h), shared by live and replay. */
#define WEB_SPECS(o) \
    {"web", 0, ARG_STR, &(o).web, 0, 0, NULL}, {"report-to", 0, ARG_STR, &(o).report_to, 0, 0, NULL}, \
    {"agent-id", 0, ARG_STR, &(o).agent_id, 0, 0, NULL}, {"token-file", 0, ARG_STR, &(o).token_file, 0, 0, NULL}

/* An alert's headline: the type's title in capitals ("RAISED VOICE"). */
static const char *type_label(tm_event_type t, char *buf, size_t cap)
{
    const ev_type_info *ti = ev_type(t);
    size_t i = 0;
    for (const char *s = ti ? ti->title : "?"; *s && i + 1 < cap; s++) buf[i++] = (char)toupper((unsigned char)*s);
    buf[i] = 0;
    return buf;
}

static void alert(live_ctx *L, const tm_event *e)
{
    double t = (double)e->detected / L->res.rate_hz, wall = wall_now();
    L->alerts_n++;
    if (L->alerts) {
        char *js = event_json(e, &L->res, L->prof);
        /* the event as analyze writes it (end = detection time: the alert comes before the end),
         * plus the wall clock at which the alert was shown, for latency measurements */
        if (js) {
            size_t n = strlen(js);
            if (n && js[n - 1] == '}') js[n - 1] = 0;
            fprintf(L->alerts, "%s,\"alert\":true,\"wall\":%.6f}\n", js, wall);
            fflush(L->alerts);
            free(js);
        }
    }
    if (L->quiet) return;
    int m = (int)(t / 60.0);
    const char *on = "", *off = "";
    if (L->colour) {
        on = e->type == TM_EV_DEESCALATION ? (e->severity >= 2 ? "\033[1;31m" : "\033[1;33m") : "\033[1m";
        off = "\033[0m";
    }
    FILE *h = L->human;
    char label[32];
    if (L->tty) fputs("\r\033[K", h);
    if (e->type == TM_EV_DEESCALATION && e->count > 1) {
        /* a repeat merged into the prompt shown (src/deesc.c): a counter, not the prompt again */
        fprintf(h, "%s[%02d:%04.1f] >> (again: %d times since %.0f s)%s\n", on, m, t - 60 * m, e->count,
                (double)e->start / L->res.rate_hz, off);
    } else if (e->type == TM_EV_DEESCALATION) {
        /* profile texts are the user's: shown, never obeyed by the terminal */
        const tm_texts *tx = &L->prof->text[e->reason];
        fprintf(h, "%s[%02d:%04.1f] >> %s: %s%s\n", on, m, t - 60 * m, tesc(tx->reason),
                tesc(e->severity >= 2 ? tx->suggestion_high : tx->suggestion), off);
    } else if (e->type == TM_EV_INTERRUPTION) {
        fprintf(h, "%s[%02d:%04.1f] %s: %s interrupts %s%s\n", on, m, t - 60 * m, type_label(e->type, label, sizeof label),
                speaker_name(e->speaker, L->res.nch), speaker_name(e->other, L->res.nch), off);
    } else {
        fprintf(h, "%s[%02d:%04.1f] %s%s%s%s\n", on, m, t - 60 * m, type_label(e->type, label, sizeof label), e->speaker >= 0 ? ": " : "",
                e->speaker >= 0 ? speaker_name(e->speaker, L->res.nch) : "", off);
    }
    fflush(h);
}

static void status(live_ctx *L, double stream_s)
{
    web_live_tick(L->web, L->a, stream_s);
    if (!L->tty || L->quiet) return;
    double now = wall_now();
    if (now - L->last_status < 0.2) return;
    L->last_status = now;
    float lv[2];
    int talk[2];
    tm_analyzer_meter(L->a, lv, talk);
    FILE *h = L->human;
    fprintf(h, "\r\033[K%02d:%02d ", (int)(stream_s / 60), (int)fmod(stream_s, 60));
    for (int c = 0; c < L->res.nch; c++) {
        int bars = (int)((lv[c] + 60.0f) / 6.0f);
        bars = bars < 0 ? 0 : bars > 10 ? 10 : bars;
        fprintf(h, " %-6s [%.*s%.*s] %4.0f dB%s", speaker_name(c, L->res.nch), bars, "##########", 10 - bars,
                "          ", lv[c], talk[c] ? " talking" : "        ");
    }
    fflush(h);
}

static void drain(live_ctx *L)
{
    tm_event e;
    while (tm_analyzer_next_event(L->a, &e)) {
        web_live_event(L->web, &e, &L->res, L->prof);
        if (!e.final) {
            if (ev_type(e.type) && ev_type(e.type)->prompts) alert(L, &e);
            continue;
        }
        if (events_push(&L->res.ev, &e)) L->lost_events++;
        if (L->have_events) {
            char *js = event_json(&e, &L->res, L->prof);
            if (js) {
                fprintf(L->events.f, "%s\n", js);
                fflush(L->events.f);   /* a dashboard reads the file as it grows */
                free(js);
            }
        }
    }
}

/* Feeds n interleaved frames (L->res.nch channels). */
static void feed(live_ctx *L, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < L->res.nch; c++) {
            /* cleaned and counted as file input is (tools/audio_in.c), for the summary's input
             * quality: a device or loopback can deliver NaN or Inf */
            float v = x[i * (size_t)L->res.nch + (size_t)c];
            if (!isfinite(v)) { L->res.nonfinite++; v = 0.0f; }
            double m = fabs((double)v);
            if (m > L->res.peak) L->res.peak = m;
            if (m >= 0.999) L->res.clipped++;
            (c ? L->b1 : L->b0)[i] = v;
        }
    }
    tm_analyzer_process(L->a, L->b0, L->res.nch == 2 ? L->b1 : NULL, n);
    drain(L);
}

static void live_free(live_ctx *L)
{
    if (L->have_events && !L->events.is_stdout) fclose(L->events.f);
    if (L->alerts) fclose(L->alerts);
    tm_analyzer_destroy(L->a);
    call_free(&L->res);
    free(L->b0);
    free(L->b1);
    memset(L, 0, sizeof *L);
}

static int live_open(live_ctx *L, const tm_profile *p, int rate, int nch, const char *events_path,
                     const char *alerts_path, int quiet)
{
    memset(L, 0, sizeof *L);
    L->prof = p;
    L->quiet = quiet;
    L->res.rate_hz = rate;
    L->res.nch = nch;
    snprintf(L->res.name, sizeof L->res.name, "live");
    tm_config cfg = p->cfg;
    cfg.sample_rate_hz = rate;
    cfg.channels = nch;
    tm_status st = tm_analyzer_create(&cfg, &L->a);
    if (st != TM_OK) { fprintf(stderr, "tonemon: cannot analyse at %d Hz: %s\n", rate, tm_strerror(st)); return -1; }
    L->b0 = malloc(8192 * sizeof(float));
    L->b1 = malloc(8192 * sizeof(float));
    if (!L->b0 || !L->b1) { fprintf(stderr, "tonemon: out of memory\n"); live_free(L); return -1; }
    if (events_path) {
        /* events stream as they end: written in place, not via a temporary name */
        L->events_path = events_path;
        L->events.is_stdout = !strcmp(events_path, "-");
        L->events.f = L->events.is_stdout ? stdout : fopen(events_path, "w");
        if (!L->events.f) {
            fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(events_path), strerror(errno));
            live_free(L);
            return -1;
        }
        L->have_events = 1;
    }
    if (alerts_path && !(L->alerts = fopen(alerts_path, "w"))) {
        fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(alerts_path), strerror(errno));
        live_free(L);
        return -1;
    }
    /* JSON Lines on stdout stay pure: the alerts and the meter go to stderr then */
    L->human = L->events.is_stdout ? stderr : stdout;
    L->tty = isatty(fileno(L->human));
    L->colour = L->tty && getenv("NO_COLOR") == NULL;
    return 0;
}

static int live_close(live_ctx *L, const char *summary_path)
{
    int rc = 0;
    tm_analyzer_finish(L->a);
    drain(L);
    tm_analyzer_stats(L->a, &L->res.stats);
    L->res.duration_s = L->res.stats.duration_s;
    web_live_end(L->web, L->a, L->res.duration_s);
    events_sort(&L->res.ev);
    if (L->tty && !L->quiet) fputs("\r\033[K", L->human);
    if (L->lost_events) {
        fprintf(stderr, "tonemon: out of memory: %zu events are missing from the summary\n", L->lost_events);
        rc = -1;
    }
    if (L->have_events) {
        int bad = fflush(L->events.f) != 0 || ferror(L->events.f);
        if (!L->events.is_stdout) {
            bad |= fclose(L->events.f) != 0;
            L->have_events = 0;
        }
        if (bad) {
            fprintf(stderr, "tonemon: %s: cannot write the events\n", L->events.is_stdout ? "standard output" : tesc(L->events_path));
            rc = -1;
        }
    }
    if (summary_path) {
        out_file f;
        char err[1200];
        if (out_open(&f, summary_path, err, sizeof err) || write_summary(f.f, &L->res, L->prof) ||
            out_commit(&f, err, sizeof err)) {
            fprintf(stderr, "tonemon: %s\n", tesc(err));
            rc = -1;
        }
    }
    live_free(L);
    return rc;
}

/* ---- live capture ------------------------------------------------------------------------ */

typedef struct { tm_ring *ring; int channels, map[2]; } cap_t;

static int capture_cb(const void *in, void *out, unsigned long n, const PaStreamCallbackTimeInfo *ti,
                      PaStreamCallbackFlags flags, void *user)
{
    (void)out; (void)ti; (void)flags;
    cap_t *c = user;
    ring_write(c->ring, in, c->channels, c->map, n);   /* copy only: no allocation, lock or I/O */
    return paContinue;
}

static void help_live(FILE *f)
{
    fputs("usage: tonemon live [--device DEV] [--agent-channel N --caller-channel N]\n"
          "                    [--agent-device DEV --caller-device DEV] [--rate HZ] [--profile P]\n"
          "                    [--events PATH] [--alerts PATH] [--summary PATH] [--duration S] [--quiet]\n"
          "Captures both sides of a call and raises alerts as they happen. DEV is an index or part of a\n"
          "name from `tonemon devices`. One device with two channels (agent = 0, caller = 1 unless\n"
          "mapped) or two devices (the agent's microphone and a loopback of the caller's side).\n"
          "--events streams the final events as JSON Lines (flushed per event); --alerts writes each alert\n"
          "with the wall-clock time it was shown; --summary is written when the call ends (Ctrl-C or\n"
          "--duration). A device (either of two) that delivers nothing for 2 s ends the call: it is named on\n"
          "stderr and the outputs of the call so far are written. With --events - the alerts go to stderr.\n"
          "Exit status: 0 ended normally, 1 a device failed or stalled (outputs so far are kept).\n", f);
    fputs(web_opts_help, f);
}

int cmd_live(int argc, char **argv)
{
    const char *dev = NULL, *adev = NULL, *cdev = NULL, *events = NULL, *alerts = NULL, *summary = NULL,
               *profile = NULL;
    int ach = 0, cch = 1, quiet = 0, rate = 0;
    double duration = 0.0;
    web_opts wo = {0};
    const arg_spec opts[] = {
        {"device", 0, ARG_STR, &dev, 0, 0, NULL},
        {"agent-device", 0, ARG_STR, &adev, 0, 0, NULL},
        {"caller-device", 0, ARG_STR, &cdev, 0, 0, NULL},
        {"events", 0, ARG_STR, &events, 0, 0, NULL},
        {"alerts", 0, ARG_STR, &alerts, 0, 0, NULL},
        {"summary", 0, ARG_STR, &summary, 0, 0, NULL},
        {"profile", 0, ARG_STR, &profile, 0, 0, NULL},
        {"quiet", 0, ARG_FLAG, &quiet, 0, 0, NULL},
        {"agent-channel", 0, ARG_INT, &ach, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &cch, 0, 255, NULL},
        {"rate", 0, ARG_INT, &rate, 8000, 48000, NULL},
        {"duration", 0, ARG_DOUBLE, &duration, 0.1, 86400, NULL},
        WEB_SPECS(wo),
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("live", argc, argv, opts, &first);
    if (prc == ARGS_HELP) { help_live(stdout); return 0; }
    if (prc) return 2;
    if (first < argc) { fprintf(stderr, "tonemon live: unknown argument %s\n", tesc(argv[first])); help_live(stderr); return 2; }
    if ((adev != NULL) != (cdev != NULL) || (adev && dev)) {
        fprintf(stderr, "tonemon live: give --device, or both --agent-device and --caller-device\n");
        return 2;
    }
    tm_profile prof;
    if (load_profile(&prof, profile)) return 2;
    if (pa_start()) return 1;
    int two = adev != NULL, rc = 0;
    int idx[2] = {-1, -1};
    const char *spec[2] = {two ? adev : dev, cdev};
    for (int k = 0; k < 1 + two; k++) {
        idx[k] = spec[k] ? find_device(spec[k], 1) : Pa_GetDefaultInputDevice();
        if (idx[k] < 0) {
            fprintf(stderr, "tonemon: no input device %s%s%s\n", spec[k] ? "'" : "(no default input)",
                    spec[k] ? tesc(spec[k]) : "", spec[k] ? "' (see tonemon devices)" : "");
            Pa_Terminate();
            return 1;
        }
    }
    const PaDeviceInfo *d0 = Pa_GetDeviceInfo(idx[0]);
    if (!rate) rate = (int)d0->defaultSampleRate;
    if (!two && d0->maxInputChannels < (ach > cch ? ach : cch) + 1) {
        fprintf(stderr, "tonemon: %s has %d input channel%s; channel %d does not exist\n", tesc(d0->name),
                d0->maxInputChannels, d0->maxInputChannels == 1 ? "" : "s", ach > cch ? ach : cch);
        Pa_Terminate();
        return 1;
    }
    tm_ring ring[2] = {{0}, {0}};
    cap_t cap[2];
    PaStream *stream[2] = {NULL, NULL};
    live_ctx L;
    int opened = 0;
    float *buf = malloc(8192 * 2 * sizeof(float)), *tmp = malloc(8192 * sizeof(float));
    for (int k = 0; k < 1 + two; k++)
        if (ring_init(&ring[k], (size_t)rate * 4, two ? 1 : 2)) rc = 1;   /* 4 s: room for a stalled reader */
    if (rc || !buf || !tmp) {
        fprintf(stderr, "tonemon: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int k = 0; k < 1 + two; k++) {
        cap[k].ring = &ring[k];
        cap[k].channels = two ? 1 : (ach > cch ? ach : cch) + 1;
        cap[k].map[0] = two ? 0 : ach;
        cap[k].map[1] = two ? 0 : cch;
        PaStreamParameters in = {idx[k], cap[k].channels, paFloat32, Pa_GetDeviceInfo(idx[k])->defaultLowInputLatency, NULL};
        PaError e = Pa_OpenStream(&stream[k], &in, NULL, rate, paFramesPerBufferUnspecified, paClipOff, capture_cb, &cap[k]);
        if (e == paNoError) e = Pa_StartStream(stream[k]);
        if (e != paNoError) {
            fprintf(stderr, "tonemon: %s: cannot capture at %d Hz: %s\n", tesc(Pa_GetDeviceInfo(idx[k])->name), rate, Pa_GetErrorText(e));
            rc = 1;
            goto done;
        }
    }
    if (live_open(&L, &prof, rate, 2, events, alerts, quiet)) { rc = 1; goto done; }
    opened = 1;
    int web_failed;
    L.web = web_live_start(&wo, L.res.name, L.res.nch, &web_failed);
    if (web_failed) { g_stop = 1; rc = 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (!quiet) fprintf(stderr, "tonemon: listening on %s%s%s at %d Hz (Ctrl-C ends the call)\n", tesc(d0->name),
                        two ? " + " : "", two ? tesc(Pa_GetDeviceInfo(idx[1])->name) : "", rate);
    size_t total = 0;
    L.wall0 = wall_now();
    tm_ring *rings[2] = {&ring[0], &ring[1]};
    ring_pair rp;
    /* two clocks within 50 ms; a device silent of frames for 2 s has stalled */
    ring_pair_init(&rp, rings, 1 + two, (size_t)rate / 20, 2.0, L.wall0);
    int dead = 0;
    while (!g_stop) {
        Pa_Sleep(10);
        double now = wall_now();
        int stalled = ring_pair_poll(&rp, now);
        for (int k = 0; k < 1 + two; k++)
            if (Pa_IsStreamActive(stream[k]) != 1) stalled |= 1 << k;
        if (stalled) {
            /* Either device: a stream that stops, or stays silent of frames for 2 s, has lost its
             * device. The call ends at the last moment both delivered; the outputs are kept. */
            for (int k = 0; k < 1 + two; k++)
                if (stalled & (1 << k))
                    fprintf(stderr, "tonemon: %s%s stopped delivering audio (device gone?); the call ends, the outputs so far are kept\n",
                            tesc(Pa_GetDeviceInfo(idx[k])->name), !two ? "" : k == 0 ? " (agent)" : " (caller)");
            g_stop = 1;
            dead = 1;
            rc = 1;
        }
        for (;;) {
            size_t n = ring_pair_read(&rp, buf, tmp, 8192, now);
            if (!n) break;
            if (duration > 0 && total + n > (size_t)(duration * rate)) n = (size_t)(duration * rate) - total;
            feed(&L, buf, n);
            total += n;
            if (duration > 0 && total >= (size_t)(duration * rate)) g_stop = 1;
            if (!n || g_stop) break;
        }
        status(&L, (double)total / rate);
    }
    /* outputs first: tearing down a stream whose device died can block inside the host API */
    unsigned long overflows = atomic_load(&ring[0].overflows) + (two ? atomic_load(&ring[1].overflows) : 0);
    if (live_close(&L, summary)) rc = 1;
    opened = 0;
    fprintf(stderr, "tonemon: call ended after %.1f s; %lu overflow%s", (double)total / rate, overflows, overflows == 1 ? "" : "s");
    if (two) fprintf(stderr, ", %zu frames dropped to keep the two devices aligned", rp.dropped);
    fputc('\n', stderr);
    if (dead) {
        fflush(NULL);
        _exit(rc);   /* the host API may hang on a dead device's teardown; everything is written */
    }
done:
    if (opened) live_close(&L, NULL);
    for (int k = 0; k < 1 + two; k++)
        if (stream[k]) { Pa_AbortStream(stream[k]); Pa_CloseStream(stream[k]); }
    for (int k = 0; k < 1 + two; k++) ring_free(&ring[k]);
    free(buf);
    free(tmp);
    Pa_Terminate();
    return rc;
}

/* ---- replay ------------------------------------------------------------------------------ */

static void help_replay(void)
{
    puts("usage: tonemon replay [--speed X] [--no-audio] [--device DEV] [--profile P] [--events PATH]\n"
         "                      [--alerts PATH] [--summary PATH] [--quiet] FILE\n"
         "Plays a recorded call (through DEV, default output) while the live pipeline runs on it, so\n"
         "the alerts appear when they would have. --speed X goes X times faster (without sound);\n"
         "--no-audio paces by the clock without a device. One call at a time; with --events - the\n"
         "alerts go to stderr, so stdout stays JSON Lines.");
    fputs(web_opts_help, stdout);
    fputs(web_opts_help, stdout);
}

int cmd_replay(int argc, char **argv)
{
    const char *file = NULL, *events = NULL, *alerts = NULL, *summary = NULL, *profile = NULL, *dev = NULL;
    double speed = 1.0;
    int no_audio = 0, quiet = 0, ach = -1, cch = -1;
    web_opts wo = {0};
    const arg_spec opts[] = {
        {"events", 0, ARG_STR, &events, 0, 0, NULL},
        {"alerts", 0, ARG_STR, &alerts, 0, 0, NULL},
        {"summary", 0, ARG_STR, &summary, 0, 0, NULL},
        {"profile", 0, ARG_STR, &profile, 0, 0, NULL},
        {"device", 0, ARG_STR, &dev, 0, 0, NULL},
        {"no-audio", 0, ARG_FLAG, &no_audio, 0, 0, NULL},
        {"quiet", 0, ARG_FLAG, &quiet, 0, 0, NULL},
        {"speed", 0, ARG_DOUBLE, &speed, 0.1, 1000, NULL},
        {"agent-channel", 0, ARG_INT, &ach, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &cch, 0, 255, NULL},
        WEB_SPECS(wo),
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("replay", argc, argv, opts, &first);
    if (prc == ARGS_HELP) { help_replay(); return 0; }
    if (prc) return 2;
    if (argc - first > 1) {
        fprintf(stderr, "tonemon replay: one call at a time (got %s and %s)\n", tesc(argv[first]), tesc(argv[first + 1]));
        return 2;
    }
    if (first < argc) file = argv[first];
    if (!file) { fprintf(stderr, "tonemon replay: no file (try --help)\n"); return 2; }
    tm_profile prof;
    if (load_profile(&prof, profile)) return 2;
    audio_in in;
    char err[600];
    if (audio_open(&in, file, ach, cch, err, sizeof err)) {
        fprintf(stderr, "tonemon: %s: %s\n", tesc(file), tesc(err));
        audio_close(&in);
        return 1;
    }
    if (speed != 1.0) no_audio = 1;   /* sound at another speed would only mislead */
    PaStream *out = NULL;
    int rc = 0;
    if (!no_audio) {
        if (pa_start()) { audio_close(&in); return 1; }
        int od = dev ? find_device(dev, 0) : Pa_GetDefaultOutputDevice();
        PaError e = paDeviceUnavailable;
        if (od >= 0) {
            PaStreamParameters op = {od, 2, paFloat32, Pa_GetDeviceInfo(od)->defaultLowOutputLatency, NULL};
            e = Pa_OpenStream(&out, NULL, &op, in.out_rate, 1024, paClipOff, NULL, NULL);
            if (e == paNoError) e = Pa_StartStream(out);
        }
        if (e != paNoError) {
            fprintf(stderr, "tonemon: no output device to play %s (%s); use --no-audio\n", tesc(file),
                    od < 0 ? "none found" : Pa_GetErrorText(e));
            Pa_Terminate();
            audio_close(&in);
            return 1;
        }
    }
    live_ctx L;
    if (live_open(&L, &prof, in.out_rate, in.nout, events, alerts, quiet)) {
        if (out) { Pa_AbortStream(out); Pa_CloseStream(out); Pa_Terminate(); }
        audio_close(&in);
        return 1;
    }
    snprintf(L.res.name, sizeof L.res.name, "%s", file);
    int web_failed;
    L.web = web_live_start(&wo, L.res.name, L.res.nch, &web_failed);
    if (web_failed) { g_stop = 1; rc = 2; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    size_t total = 0, block = (size_t)in.out_rate / 50;     /* 20 ms steps */
    float *b0 = malloc(block * sizeof(float)), *b1 = malloc(block * sizeof(float)), *inter = malloc(block * 2 * sizeof(float));
    if (!b0 || !b1 || !inter) { fprintf(stderr, "tonemon: out of memory\n"); rc = 1; g_stop = 1; }
    L.wall0 = wall_now();
    while (!g_stop) {
        long n = audio_read(&in, b0, b1, block, err, sizeof err);
        if (n < 0) { fprintf(stderr, "tonemon: %s: %s\n", tesc(file), tesc(err)); rc = 1; break; }
        if (n == 0) break;
        for (long i = 0; i < n; i++) {
            inter[i * in.nout] = b0[i];
            if (in.nout == 2) inter[i * 2 + 1] = b1[i];
        }
        if (out) {
            float *st = inter;
            float mono[2048];
            if (in.nout == 1) { for (long i = 0; i < n && i < 1024; i++) mono[2 * i] = mono[2 * i + 1] = b0[i]; st = mono; }
            Pa_WriteStream(out, st, (unsigned long)n);   /* the sound card sets the pace */
        }
        feed(&L, inter, (size_t)n);
        total += (size_t)n;
        if (!out) {
            double due = L.wall0 + (double)total / in.out_rate / speed, now = wall_now();
            if (due > now) usleep((useconds_t)((due - now) * 1e6));
        }
        status(&L, (double)total / in.out_rate);
    }
    if (out) { Pa_StopStream(out); Pa_CloseStream(out); Pa_Terminate(); }
    L.res.nonfinite += in.nonfinite;   /* the file reader cleaned them before feed() saw them */
    if (live_close(&L, summary)) rc = 1;
    audio_close(&in);
    free(b0); free(b1); free(inter);
    return rc;
}
