#define _GNU_SOURCE
/* tests/live/web_feeder.c WAV CLIENT CLOCK_FILE -- like jack_feeder.c (a stereo WAV as a JACK
 * client whose two output ports PortAudio lists as a capture device; silent until connected,
 * then the file once at the server's pace), and it logs its clock: "WALL FRAME" lines, the wall
 * time at which each period's first frame went out. A dummy JACK server on a loaded machine
 * runs late and does not catch up, so "detected" times must be turned into wall-clock moments
 * through this log, not by adding them to the first frame's time. Runs until killed. */
#include <jack/jack.h>
#include <sndfile.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define LOGN 65536
static jack_port_t *port[2];
static float *data;
static size_t frames, pos;
static atomic_int started;
static double log_wall[LOGN];
static size_t log_pos[LOGN];
static atomic_size_t log_n;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static int process(jack_nframes_t n, void *arg)
{
    (void)arg;
    float *out[2] = {jack_port_get_buffer(port[0], n), jack_port_get_buffer(port[1], n)};
    if (!atomic_load(&started) && (jack_port_connected(port[0]) > 0 || jack_port_connected(port[1]) > 0))
        atomic_store(&started, 1);
    if (atomic_load(&started) && pos < frames) {
        size_t k = atomic_load(&log_n);
        if (k < LOGN) {
            log_wall[k] = now_s();
            log_pos[k] = pos;
            atomic_store(&log_n, k + 1);
        }
    }
    for (jack_nframes_t i = 0; i < n; i++) {
        int on = atomic_load(&started) && pos < frames;
        out[0][i] = on ? data[2 * pos] : 0.0f;
        out[1][i] = on ? data[2 * pos + 1] : 0.0f;
        if (on) pos++;
    }
    return 0;
}

static void latency(jack_latency_callback_mode_t mode, void *arg)
{
    (void)arg;
    jack_latency_range_t r = {0, 0};
    if (mode == JackPlaybackLatency)
        for (int k = 0; k < 2; k++) jack_port_set_latency_range(port[k], mode, &r);
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: web_feeder WAV CLIENT CLOCK_FILE\n"); return 2; }
    SF_INFO info = {0};
    SNDFILE *sf = sf_open(argv[1], SFM_READ, &info);
    if (!sf || info.channels != 2) { fprintf(stderr, "web_feeder: %s: need a stereo file\n", argv[1]); return 1; }
    frames = (size_t)info.frames;
    data = malloc(frames * 2 * sizeof(float));
    sf_readf_float(sf, data, (sf_count_t)frames);
    sf_close(sf);
    jack_status_t st;
    jack_client_t *c = jack_client_open(argv[2], JackNoStartServer, &st);
    if (!c) { fprintf(stderr, "web_feeder: no JACK server (status 0x%x)\n", st); return 1; }
    if ((int)jack_get_sample_rate(c) != info.samplerate) {
        fprintf(stderr, "web_feeder: server runs at %u Hz, file is %d Hz\n", jack_get_sample_rate(c), info.samplerate);
        return 1;
    }
    port[0] = jack_port_register(c, "out_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    port[1] = jack_port_register(c, "out_2", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(c, process, NULL);
    jack_set_latency_callback(c, latency, NULL);
    if (jack_activate(c)) { fprintf(stderr, "web_feeder: cannot activate\n"); return 1; }
    FILE *f = fopen(argv[3], "w");
    if (!f) { fprintf(stderr, "web_feeder: cannot write %s\n", argv[3]); return 1; }
    size_t done = 0;
    for (;;) {
        usleep(20000);
        size_t k = atomic_load(&log_n);
        for (; done < k; done++) fprintf(f, "%.6f %zu\n", log_wall[done], log_pos[done]);
        fflush(f);
    }
}
