#define _GNU_SOURCE
/* tests/live/jack_feeder.c WAV CLIENT T0_FILE [swap] -- exposes a stereo WAV as a JACK client with two
 * output ports, so that PortAudio lists it as a capture device on a machine without a sound card
 * (shared/LIVE-TESTING.md, way A). It stays silent until something connects to its ports, then
 * plays the file once at the server's pace and writes the wall-clock time of the first frame to
 * T0_FILE. With "swap" the file's right channel comes out first (a second device that carries
 * the caller on its first input). T0_FILE.tl gets "wall_clock frames" lines: the wall clock of
 * each JACK cycle and how many frames of the file had gone out by its end, so a test can tell
 * when a moment of the file reached the listener even when a loaded machine slows the server's
 * clock. Runs until killed.
 *
 * jack_feeder --pair WAV CLIENT_A CLIENT_B [TIMES]: two clients, the second one swapped (an agent's
 * and a caller's device), that play the file on the server's one frame clock from the cycle after
 * both have a listener. Two devices opened one after the other start listening at different
 * moments; the truth of a two-device call is what both sides said at the same moment, not what
 * each said since its own listener came. TIMES gets "HEARD_A HEARD_B XRUNS XRUN_AT": the frames
 * each client's listener heard before the file's first frame, so a test knows which moment of the
 * file each listener's first frame was (the listener that came last starts a two-device call:
 * what the other one heard before has no partner and is dropped), and the xruns the server
 * reported since, with the frames of the file played at the first (-1: none): a client late for
 * a cycle hears nothing of it, so from there the moments are known only roughly. */
#include <jack/jack.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static jack_port_t *port[2];
static float *data;
static size_t frames, pos;
static atomic_int started, wrote_t0;
static struct timespec t0;
static int swap;
typedef struct { double wall; size_t pos; } cycle_t;
static cycle_t *cycles;
static size_t max_cycles;
static atomic_size_t n_cycles;

/* --pair: the clients and their ports; the frame time of the cycle in which the file starts
 * (PAIR_UNSET until both have a listener); per client, the frames its listener heard before the
 * file started (PAIR_UNSET until then). The file advances by the cycles the server runs, not by
 * its frame time: a loaded machine's dummy server skips frame time, and a listener hears only
 * the cycles that ran, so the truth of what it heard when is the count of those cycles. */
#define PAIR_UNSET 0xffffffffu
static jack_client_t *pc[2];
static jack_port_t *pp[2][2];
static _Atomic jack_nframes_t origin = PAIR_UNSET, heard_before[2] = {PAIR_UNSET, PAIR_UNSET};
static size_t heard[2];                 /* each touched by its own client's process thread only */
static atomic_size_t played[2];
static atomic_int listening[2];
static int playing[2];
/* A late client misses cycles (it hears nothing of them), which the server reports to every
 * client as an xrun: after the first one, what a listener heard when is no longer known exactly. */
static atomic_uint xruns;
static atomic_size_t xrun_at = (size_t)-1;   /* frames of the file played at the first xrun */

static int on_xrun(void *arg)
{
    (void)arg;
    if (listening[0] || listening[1]) {
        size_t none = (size_t)-1;
        atomic_compare_exchange_strong(&xrun_at, &none, atomic_load(&played[0]));
        atomic_fetch_add(&xruns, 1);
    }
    return 0;
}

static int connected(jack_port_t **p) { return jack_port_connected(p[0]) > 0 || jack_port_connected(p[1]) > 0; }

static int process_pair(jack_nframes_t n, void *arg)
{
    int k = (int)(intptr_t)arg;
    jack_nframes_t now = jack_last_frame_time(pc[k]), o = atomic_load(&origin);
    if (!listening[k] && connected(pp[k])) listening[k] = 1;
    /* two cycles ahead, so that the other client, which may already have run in this cycle,
     * starts in the same cycle */
    if (o == PAIR_UNSET && connected(pp[0]) && connected(pp[1])) {
        jack_nframes_t want = now + 2 * n;
        if (!atomic_compare_exchange_strong(&origin, &o, want)) o = atomic_load(&origin);
        else o = want;
    }
    if (!playing[k] && o != PAIR_UNSET && (int32_t)(now - o) >= 0) {
        playing[k] = 1;
        atomic_store(&heard_before[k], (jack_nframes_t)heard[k]);
    }
    float *out[2] = {jack_port_get_buffer(pp[k][0], n), jack_port_get_buffer(pp[k][1], n)};
    size_t pos = atomic_load(&played[k]);
    for (jack_nframes_t i = 0; i < n; i++) {
        size_t at = pos + i;
        int on = playing[k] && at < frames;
        out[0][i] = on ? data[2 * at + (size_t)k] : 0.0f;
        out[1][i] = on ? data[2 * at + 1 - (size_t)k] : 0.0f;
    }
    if (playing[k]) atomic_store(&played[k], pos + n);
    if (listening[k]) heard[k] += n;
    return 0;
}

static int process(jack_nframes_t n, void *arg)
{
    (void)arg;
    float *out[2] = {jack_port_get_buffer(port[0], n), jack_port_get_buffer(port[1], n)};
    if (!atomic_load(&started) && (jack_port_connected(port[0]) > 0 || jack_port_connected(port[1]) > 0)) {
        clock_gettime(CLOCK_REALTIME, &t0);
        atomic_store(&started, 1);
    }
    int was_on = atomic_load(&started) && pos < frames;
    for (jack_nframes_t i = 0; i < n; i++) {
        int on = atomic_load(&started) && pos < frames;
        out[0][i] = on ? data[2 * pos + (size_t)swap] : 0.0f;
        out[1][i] = on ? data[2 * pos + 1 - (size_t)swap] : 0.0f;
        if (on) pos++;
    }
    size_t k = atomic_load(&n_cycles);
    if (was_on && k < max_cycles) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        cycles[k].wall = (double)now.tv_sec + now.tv_nsec / 1e9;
        cycles[k].pos = pos;
        atomic_store(&n_cycles, k + 1);
    }
    return 0;
}

/* Report our own latency as zero, or PortAudio computes garbage from an unset range. */
static void latency(jack_latency_callback_mode_t mode, void *arg)
{
    jack_port_t **p = arg;
    jack_latency_range_t r = {0, 0};
    if (mode == JackPlaybackLatency)
        for (int k = 0; k < 2; k++) jack_port_set_latency_range(p[k], mode, &r);
}

static int load(const char *path)
{
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf || info.channels != 2) { fprintf(stderr, "jack_feeder: %s: need a stereo file\n", path); return -1; }
    frames = (size_t)info.frames;
    data = malloc(frames * 2 * sizeof(float));
    if (!data) { fprintf(stderr, "jack_feeder: out of memory\n"); return -1; }
    sf_readf_float(sf, data, (sf_count_t)frames);
    sf_close(sf);
    return info.samplerate;
}

static jack_client_t *open_client(const char *name, int rate, jack_port_t **p, JackProcessCallback cb, void *arg)
{
    jack_status_t st;
    jack_client_t *c = jack_client_open(name, JackNoStartServer, &st);
    if (!c) { fprintf(stderr, "jack_feeder: no JACK server (status 0x%x)\n", st); return NULL; }
    if ((int)jack_get_sample_rate(c) != rate) {
        fprintf(stderr, "jack_feeder: server runs at %u Hz, file is %d Hz\n", jack_get_sample_rate(c), rate);
        return NULL;
    }
    p[0] = jack_port_register(c, "out_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    p[1] = jack_port_register(c, "out_2", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(c, cb, arg);
    jack_set_latency_callback(c, latency, p);
    return c;
}

static int pair(char **argv, const char *times)
{
    int rate = load(argv[2]);
    if (rate < 0) return 1;
    for (int k = 0; k < 2; k++)
        if (!(pc[k] = open_client(argv[3 + k], rate, pp[k], process_pair, (void *)(intptr_t)k))) return 1;
    jack_set_xrun_callback(pc[0], on_xrun, NULL);
    for (int k = 0; k < 2; k++)
        if (jack_activate(pc[k])) { fprintf(stderr, "jack_feeder: cannot activate\n"); return 1; }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", times ? times : "");
    for (unsigned told = 0; ; usleep(10000)) {   /* told: 1 + the xruns last written */
        jack_nframes_t a = atomic_load(&heard_before[0]), b = atomic_load(&heard_before[1]);
        unsigned x = atomic_load(&xruns);
        if (!times || told == 1 + x || a == PAIR_UNSET || b == PAIR_UNSET) continue;
        size_t at = atomic_load(&xrun_at);
        FILE *f = fopen(tmp, "w");
        if (!f) { fprintf(stderr, "jack_feeder: cannot write %s\n", tmp); return 1; }
        fprintf(f, "%u %u %u %ld\n", a, b, x, at == (size_t)-1 ? -1L : (long)at);
        fclose(f);
        rename(tmp, times);   /* whole, for a reader at any moment */
        told = 1 + x;
    }
}

int main(int argc, char **argv)
{
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "--pair")) return pair(argv, argc == 6 ? argv[5] : NULL);
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: jack_feeder WAV CLIENT T0_FILE [swap]\n"
                        "       jack_feeder --pair WAV CLIENT_A CLIENT_B [TIMES]\n");
        return 2;
    }
    swap = argc == 5 && !strcmp(argv[4], "swap");
    int rate = load(argv[1]);
    if (rate < 0) return 1;
    max_cycles = frames / 16 + 16;
    cycles = malloc(max_cycles * sizeof *cycles);
    char tl_path[4096];
    snprintf(tl_path, sizeof tl_path, "%s.tl", argv[3]);
    FILE *tl = fopen(tl_path, "w");
    if (!cycles || !tl) { fprintf(stderr, "jack_feeder: out of memory or cannot write %s\n", tl_path); return 1; }
    jack_client_t *c = open_client(argv[2], rate, port, process, NULL);
    if (!c) return 1;
    if (jack_activate(c)) { fprintf(stderr, "jack_feeder: cannot activate\n"); return 1; }
    size_t written = 0;
    for (;;) {
        usleep(10000);
        for (size_t k = atomic_load(&n_cycles); written < k; written++)
            fprintf(tl, "%.6f %zu\n", cycles[written].wall, cycles[written].pos);
        fflush(tl);
        if (atomic_load(&started) && !atomic_load(&wrote_t0)) {
            FILE *f = fopen(argv[3], "w");
            if (f) { fprintf(f, "%.6f\n", (double)t0.tv_sec + t0.tv_nsec / 1e9); fclose(f); }
            atomic_store(&wrote_t0, 1);
        }
    }
}
