/* tests/package/consumer.c -- a program outside the tree, built against the installed package:
 * two synthetic talkers (agent 0.5-2.0 s, caller 1.5-3.0 s, voiced and syllabic over a quiet
 * noise floor) must give speech on both channels and an overlap starting at 1.5 s. */
#include <tonemon.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define RATE 16000
#define SECONDS 4

static uint32_t rng = 12345u;
static float noise(void)   /* uniform in [-1, 1) */
{
    rng = rng * 1664525u + 1013904223u;
    return (float)((double)(rng >> 8) / 8388608.0 - 1.0);
}

/* A vowel-like voice: harmonics of a gliding F0, opened and closed four times a second. */
static void talk(float *x, double from_s, double to_s, double f0_hz)
{
    double phase = 0.0;
    for (size_t i = (size_t)(from_s * RATE); i < (size_t)(to_s * RATE); i++) {
        double t = (double)i / RATE - from_s;
        double f0 = f0_hz * (1.0 + 0.08 * sin(2.0 * M_PI * 0.7 * t));
        phase += 2.0 * M_PI * f0 / RATE;
        double v = 0.0;
        for (int h = 1; h <= 12; h++) v += sin(h * phase) / h;
        double env = 0.55 - 0.45 * cos(2.0 * M_PI * 4.0 * t);
        x[i] += (float)(0.12 * env * v);
    }
}

int main(void)
{
    if (strcmp(tm_version(), TM_VERSION_STRING) != 0) {
        fprintf(stderr, "consumer: header %s, library %s\n", TM_VERSION_STRING, tm_version());
        return 1;
    }
    static float ch[2][RATE * SECONDS];
    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < RATE * SECONDS; i++) ch[c][i] = 0.0005f * noise();
    talk(ch[0], 0.5, 2.0, 120.0);
    talk(ch[1], 1.5, 3.0, 210.0);

    tm_config cfg = tm_config_default(RATE);
    tm_analyzer *a = NULL;
    tm_status st = tm_analyzer_create(&cfg, &a);
    if (st != TM_OK) {
        fprintf(stderr, "consumer: create: %s\n", tm_strerror(st));
        return 1;
    }
    for (size_t i = 0; i < RATE * SECONDS; i += 160)
        if (tm_analyzer_process(a, ch[0] + i, ch[1] + i, 160) != TM_OK) return 1;
    tm_analyzer_finish(a);
    int speech[2] = {0, 0}, overlap_ok = 0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (!ev.final) continue;
        printf("%s %d %.3f %.3f\n", tm_event_type_name(ev.type), ev.speaker,
               (double)ev.start / RATE, (double)ev.end / RATE);
        if (ev.type == TM_EV_SPEECH && ev.speaker >= 0) speech[ev.speaker] = 1;
        if (ev.type == TM_EV_OVERLAP && fabs((double)ev.start / RATE - 1.5) <= 0.1) overlap_ok = 1;
    }
    tm_analyzer_destroy(a);
    if (!speech[0] || !speech[1] || !overlap_ok) {
        fprintf(stderr, "consumer: expected speech on both channels and an overlap at 1.5 s\n");
        return 1;
    }
    printf("consumer: ok (tonemon %s)\n", tm_version());
    return 0;
}
