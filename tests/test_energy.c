/* tests/test_energy.c -- level and BS.1770 loudness against known answers and libebur128. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include "harness.h"
#include "signal.h"
#include "tonemon.h"

typedef struct { float level[4000], loud[4000]; int n; } mono_frames;

static void grab(void *u, const tm_frame *f)
{
    mono_frames *m = u;
    if (m->n < 4000) { m->level[m->n] = f->level_db; m->loud[m->n] = f->loudness_lufs; m->n++; }
}

static void run_mono(const float *x, size_t n, int rate, mono_frames *m)
{
    tm_config c = tm_config_default(rate);
    c.channels = 1;
    c.on_frame = grab;
    c.on_frame_user = m;
    m->n = 0;
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    assert_int_equal(tm_analyzer_process(a, x, NULL, n), TM_OK);
    tm_analyzer_finish(a);
    tm_analyzer_destroy(a);
}

/* A -20 dBFS (peak) sine reads -23.01 dBFS RMS in every full hop, at every rate. */
static void test_sine_level(void **state)
{
    (void)state;
    int rates[] = {8000, 16000, 44100, 48000};
    for (int k = 0; k < 4; k++) {
        size_t n = (size_t)rates[k] * 2;
        float *x = malloc(n * sizeof *x);
        sig_sine(x, n, rates[k], 1000.0f, 0.1f);
        mono_frames *m = calloc(1, sizeof *m);
        run_mono(x, n, rates[k], m);
        assert_int_equal(m->n, 200);
        for (int h = 5; h < m->n; h++) {
            if (fabsf(m->level[h] - (-23.01f)) > 0.1f) print_error("rate %d hop %d level %.3f\n", rates[k], h, m->level[h]);
            assert_true(fabsf(m->level[h] - (-23.01f)) <= 0.1f);
        }
        free(m);
        free(x);
    }
}

/* Digital silence reads the -120 dB floor, not -inf or NaN. */
static void test_silence_floor(void **state)
{
    (void)state;
    float *x = calloc(16000, sizeof *x);
    mono_frames *m = calloc(1, sizeof *m);
    run_mono(x, 16000, 16000, m);
    for (int h = 0; h < m->n; h++) {
        assert_true(m->level[h] == -120.0f);
        assert_true(m->loud[h] == -120.0f);
    }
    free(m);
    free(x);
}

/* Momentary loudness matches libebur128 (an independent BS.1770 implementation) within 0.1 LU
 * on tones, noise and synthesized speech at every supported rate. */
static void test_loudness_vs_libebur128(void **state)
{
    (void)state;
    int rates[] = {8000, 16000, 44100, 48000};
    for (int k = 0; k < 4; k++) {
        int rate = rates[k], hop = rate / 100;
        size_t n = (size_t)rate * 6;
        float *x = calloc(n, sizeof *x), *tmp = calloc(n, sizeof *tmp);
        sig_sine(x, (size_t)rate * 2, rate, 1000.0f, 0.1f);                 /* 0-2 s: 1 kHz */
        sig_sine(x + 2 * rate, (size_t)rate, rate, 100.0f, 0.3f);           /* 2-3 s: 100 Hz */
        sig_noise(x + 3 * rate, (size_t)rate, 0.05f, 7);                    /* 3-4 s: noise */
        synth_opts o = synth_defaults();
        o.rate_hz = rate;
        o.duration_s = 5.0;
        o.seed = 3;
        float *l, *r;
        size_t sn;
        synth_truth st;
        assert_int_equal(synth_generate(&o, &l, &r, &sn, &st), 0);
        for (size_t i = 0; i < (size_t)rate * 2 && i < sn; i++) x[4 * rate + i] = l[i] + r[i];  /* 4-6 s: speech */
        synth_free(l, r, &st);

        mono_frames *m = calloc(1, sizeof *m);
        run_mono(x, n, rate, m);
        ebur128_state *eb = ebur128_init(1, (unsigned)rate, EBUR128_MODE_M);
        assert_non_null(eb);
        size_t fed = 0;
        int compared = 0;
        for (int h = 0; h < m->n; h++) {
            size_t upto = (size_t)(h + 1) * (size_t)hop;
            ebur128_add_frames_float(eb, x + fed, upto - fed);
            fed = upto;
            double ref;
            assert_int_equal(ebur128_loudness_momentary(eb, &ref), EBUR128_SUCCESS);
            if (h < 40 || ref < -70.0) continue;   /* a full window of audible signal */
            if (fabs(m->loud[h] - ref) > 0.1) print_error("rate %d hop %d ours %.3f ebur128 %.3f\n", rate, h, m->loud[h], ref);
            assert_true(fabs(m->loud[h] - ref) <= 0.1);
            compared++;
        }
        assert_true(compared > 400);
        ebur128_destroy(&eb);
        free(m);
        free(x);
        free(tmp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sine_level),
        cmocka_unit_test(test_silence_floor),
        cmocka_unit_test(test_loudness_vs_libebur128),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
