/* tools/io/live_capture.c -- `tonemon live` and `tonemon replay` through PortAudio (live_capture.h).
 *
 * Real-time rule: the PortAudio callback only copies the mapped channels into a lock-free SPSC
 * ring (ring.c); the main thread drains the ring every 10 ms, runs the analyzer, prints the
 * alerts and streams the events. Two devices (the agent's microphone and a loopback of the
 * caller's side) get a ring each; their clocks drift, so the reader keeps them within 50 ms by
 * dropping the excess of the one ahead, and reports how much it dropped. */
#include "live_capture.h"
#include "audio_dev.h"
#include "live_session.h"
#include "ring.h"
#include "term_live.h"
#include <portaudio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
static void on_signal(int s) { (void)s; g_stop = 1; }

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- live capture ------------------------------------------------------------------------ */

typedef struct { tm_ring *ring; int channels, map[2]; double rate; } cap_t;

static int capture_cb(const void *in, void *out, unsigned long n, const PaStreamCallbackTimeInfo *ti,
                      PaStreamCallbackFlags flags, void *user)
{
    (void)out; (void)flags;
    cap_t *c = user;
    /* when the host says when the block was captured, two devices are paired by that, not by when
     * their blocks came (a device that buffers more delivers later what was said at the same time) */
    if (ti) ring_stamp(c->ring, live_wall_now(), ti->currentTime, ti->inputBufferAdcTime, c->rate);
    ring_write(c->ring, in, c->channels, c->map, n);   /* copy only: no allocation, lock or I/O */
    return paContinue;
}

/* One device with both sides, or two devices with a ring each. */
typedef struct {
    int two, rate, idx[2];
    tm_ring ring[2];
    cap_t cap[2];
    PaStream *stream[2];
} capture;

static const char *dev_name(const capture *c, int k) { return Pa_GetDeviceInfo(c->idx[k])->name; }

/* The devices asked for, and the rate; 1 after saying why not. */
static int find_devices(const capture_opts *o, capture *c)
{
    int ach = o->agent_ch, cch = o->caller_ch;
    const char *spec[2] = {c->two ? o->agent_dev : o->dev, o->caller_dev};
    for (int k = 0; k < 1 + c->two; k++) {
        c->idx[k] = spec[k] ? audio_dev_find(spec[k], 1) : Pa_GetDefaultInputDevice();
        if (c->idx[k] < 0) {
            fprintf(stderr, "tonemon: no input device %s%s%s\n", spec[k] ? "'" : "(no default input)",
                    spec[k] ? tesc(spec[k]) : "", spec[k] ? "' (see tonemon devices)" : "");
            return 1;
        }
    }
    const PaDeviceInfo *d0 = Pa_GetDeviceInfo(c->idx[0]);
    c->rate = o->rate ? o->rate : (int)d0->defaultSampleRate;
    if (!c->two && d0->maxInputChannels < (ach > cch ? ach : cch) + 1) {
        fprintf(stderr, "tonemon: %s has %d input channel%s; channel %d does not exist\n", tesc(d0->name),
                d0->maxInputChannels, d0->maxInputChannels == 1 ? "" : "s", ach > cch ? ach : cch);
        return 1;
    }
    return 0;
}

/* Starts a stream per device, each copying into its ring; 1 after saying why not. */
static int open_streams(const capture_opts *o, capture *c)
{
    int ach = o->agent_ch, cch = o->caller_ch;
    for (int k = 0; k < 1 + c->two; k++) {
        c->cap[k].ring = &c->ring[k];
        c->cap[k].rate = c->rate;
        c->cap[k].channels = c->two ? 1 : (ach > cch ? ach : cch) + 1;
        c->cap[k].map[0] = c->two ? 0 : ach;
        c->cap[k].map[1] = c->two ? 0 : cch;
        PaStreamParameters in = {c->idx[k], c->cap[k].channels, paFloat32, Pa_GetDeviceInfo(c->idx[k])->defaultLowInputLatency, NULL};
        PaError e = Pa_OpenStream(&c->stream[k], &in, NULL, c->rate, paFramesPerBufferUnspecified, paClipOff, capture_cb, &c->cap[k]);
        if (e == paNoError) e = Pa_StartStream(c->stream[k]);
        if (e != paNoError) {
            fprintf(stderr, "tonemon: %s: cannot capture at %d Hz: %s\n", tesc(dev_name(c, k)), c->rate, Pa_GetErrorText(e));
            return 1;
        }
    }
    return 0;
}

/* Drains the rings into the session every 10 ms until a signal, the duration or a device that
 * stops delivering (then 1, said on stderr). *total: frames analysed. */
static int capture_loop(const capture_opts *o, capture *c, live_ctx *L, ring_pair *rp, float *buf, float *tmp,
                        size_t *total)
{
    int dead = 0, two = c->two, rate = c->rate;
    double duration = o->duration_s;
    while (!g_stop) {
        Pa_Sleep(10);
        double now = live_wall_now();
        int stalled = ring_pair_poll(rp, now);
        for (int k = 0; k < 1 + two; k++)
            if (Pa_IsStreamActive(c->stream[k]) != 1) stalled |= 1 << k;
        if (stalled) {
            /* Either device: a stream that stops, or stays silent of frames for 2 s, has lost its
             * device. The call ends at the last moment both delivered; the outputs are kept. */
            for (int k = 0; k < 1 + two; k++)
                if (stalled & (1 << k))
                    fprintf(stderr, "tonemon: %s%s stopped delivering audio (device gone?); the call ends, the outputs so far are kept\n",
                            tesc(dev_name(c, k)), !two ? "" : k == 0 ? " (agent)" : " (caller)");
            g_stop = 1;
            dead = 1;
        }
        for (;;) {
            size_t n = ring_pair_read(rp, buf, tmp, 8192, now);
            if (!n) break;
            if (duration > 0 && *total + n > (size_t)(duration * rate)) n = (size_t)(duration * rate) - *total;
            live_feed(L, buf, n);
            *total += n;
            if (duration > 0 && *total >= (size_t)(duration * rate)) g_stop = 1;
            if (!n || g_stop) break;
        }
        live_status(L, (double)*total / rate);
    }
    return dead;
}

int live_capture_run(const capture_opts *o, const tm_profile *prof)
{
    capture c;
    memset(&c, 0, sizeof c);
    c.two = o->agent_dev != NULL;
    if (audio_dev_start()) return 1;
    if (find_devices(o, &c)) {
        Pa_Terminate();
        return 1;
    }
    int two = c.two, rate = c.rate, rc = 0;
    live_ctx L;
    int opened = 0;
    float *buf = malloc(8192 * 2 * sizeof(float)), *tmp = malloc(8192 * sizeof(float));
    for (int k = 0; k < 1 + two; k++)
        if (ring_init(&c.ring[k], (size_t)rate * 4, two ? 1 : 2)) rc = 1;   /* 4 s: room for a stalled reader */
    if (rc || !buf || !tmp) {
        fprintf(stderr, "tonemon: out of memory\n");
        rc = 1;
        goto done;
    }
    if (open_streams(o, &c)) { rc = 1; goto done; }
    if (live_open(&L, prof, rate, 2, o->events, o->alerts, o->quiet)) { rc = 1; goto done; }
    opened = 1;
    int web_failed;
    L.web = web_live_start(o->web, L.res.name, L.res.nch, &web_failed);
    if (web_failed) { g_stop = 1; rc = 2; }
    catch_signals();
    if (!o->quiet) fprintf(stderr, "tonemon: listening on %s%s%s at %d Hz (Ctrl-C ends the call)\n", tesc(dev_name(&c, 0)),
                           two ? " + " : "", two ? tesc(dev_name(&c, 1)) : "", rate);
    size_t total = 0;
    L.wall0 = live_wall_now();
    tm_ring *rings[2] = {&c.ring[0], &c.ring[1]};
    ring_pair rp;
    /* two clocks within 50 ms; a device silent of frames for 2 s has stalled */
    ring_pair_init(&rp, rings, 1 + two, rate, 2.0, L.wall0);
    int dead = capture_loop(o, &c, &L, &rp, buf, tmp, &total);
    if (dead) rc = 1;
    /* outputs first: tearing down a stream whose device died can block inside the host API */
    unsigned long overflows = atomic_load(&c.ring[0].overflows) + (two ? atomic_load(&c.ring[1].overflows) : 0);
    if (live_close(&L, o->summary)) rc = 1;
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
        if (c.stream[k]) { Pa_AbortStream(c.stream[k]); Pa_CloseStream(c.stream[k]); }
    for (int k = 0; k < 1 + two; k++) ring_free(&c.ring[k]);
    free(buf);
    free(tmp);
    Pa_Terminate();
    return rc;
}

/* ---- replay ------------------------------------------------------------------------------ */

int live_replay_run(const replay_opts *o, const tm_profile *prof)
{
    const char *file = o->file, *dev = o->dev;
    double speed = o->speed;
    int no_audio = o->no_audio, quiet = o->quiet;
    audio_in in;
    char err[600];
    if (audio_open(&in, file, o->agent_ch, o->caller_ch, err, sizeof err)) {
        fprintf(stderr, "tonemon: %s: %s\n", tesc(file), tesc(err));
        audio_close(&in);
        return 1;
    }
    if (speed != 1.0) no_audio = 1;   /* sound at another speed would only mislead */
    PaStream *out = NULL;
    int rc = 0;
    if (!no_audio) {
        if (audio_dev_start()) { audio_close(&in); return 1; }
        int od = dev ? audio_dev_find(dev, 0) : Pa_GetDefaultOutputDevice();
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
    if (live_open(&L, prof, in.out_rate, in.nout, o->events, o->alerts, quiet)) {
        if (out) { Pa_AbortStream(out); Pa_CloseStream(out); Pa_Terminate(); }
        audio_close(&in);
        return 1;
    }
    snprintf(L.res.name, sizeof L.res.name, "%s", file);
    int web_failed;
    L.web = web_live_start(o->web, L.res.name, L.res.nch, &web_failed);
    if (web_failed) { g_stop = 1; rc = 2; }
    catch_signals();
    size_t total = 0, block = (size_t)in.out_rate / 50;     /* 20 ms steps */
    float *b0 = malloc(block * sizeof(float)), *b1 = malloc(block * sizeof(float)), *inter = malloc(block * 2 * sizeof(float));
    if (!b0 || !b1 || !inter) { fprintf(stderr, "tonemon: out of memory\n"); rc = 1; g_stop = 1; }
    L.wall0 = live_wall_now();
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
        live_feed(&L, inter, (size_t)n);
        total += (size_t)n;
        if (!out) {
            double due = L.wall0 + (double)total / in.out_rate / speed, now = live_wall_now();
            if (due > now) usleep((useconds_t)((due - now) * 1e6));
        }
        live_status(&L, (double)total / in.out_rate);
    }
    if (out) { Pa_StopStream(out); Pa_CloseStream(out); Pa_Terminate(); }
    L.res.nonfinite += in.nonfinite;   /* the file reader cleaned them before live_feed() saw them */
    if (live_close(&L, o->summary)) rc = 1;
    audio_close(&in);
    free(b0); free(b1); free(inter);
    return rc;
}
