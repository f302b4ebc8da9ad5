/* tests/test_synth.c -- the synthesizer is deterministic, covers every kind of truth, and its
 * truth agrees with its audio (checked by direct measurement, not by the analyzer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "signal.h"

static void test_deterministic(void **state)
{
    (void)state;
    synth_opts o = synth_defaults();
    o.seed = 1;
    o.duration_s = 120.0;
    float *l1, *r1, *l2, *r2;
    size_t n1, n2;
    synth_truth t1, t2;
    assert_int_equal(synth_generate(&o, &l1, &r1, &n1, &t1), 0);
    assert_int_equal(synth_generate(&o, &l2, &r2, &n2, &t2), 0);
    assert_int_equal(n1, n2);
    assert_memory_equal(l1, l2, n1 * sizeof *l1);
    assert_memory_equal(r1, r2, n1 * sizeof *r1);
    char *j1 = synth_truth_json(&o, &t1), *j2 = synth_truth_json(&o, &t2);
    assert_string_equal(j1, j2);
    o.seed = 2;                                  /* and another seed is another call */
    float *l3, *r3;
    size_t n3;
    synth_truth t3;
    assert_int_equal(synth_generate(&o, &l3, &r3, &n3, &t3), 0);
    assert_true(memcmp(l1, l3, n1 * sizeof *l1) != 0);
    free(j1); free(j2);
    synth_free(l1, r1, &t1); synth_free(l2, r2, &t2); synth_free(l3, r3, &t3);
}

/* Every 120 s call has speech of both, overlaps, interruptions, backchannels, raised and merely
 * louder turns and silences; --monologue adds an agent monologue of at least 45 s. */
static void test_covers_every_kind(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        synth_opts o = synth_defaults();
        o.seed = seed;
        o.duration_s = seed == 6 ? 180.0 : 120.0;
        o.monologue = seed == 6;
        float *l, *r;
        size_t n;
        synth_truth t;
        assert_int_equal(synth_generate(&o, &l, &r, &n, &t), 0);
        if (!t.interruptions.n || !t.backchannels.n || !t.raised.n || !t.not_raised.n || !t.silences.n)
            print_error("seed %llu: interruptions %zu backchannels %zu raised %zu not_raised %zu silences %zu\n",
                        (unsigned long long)seed, t.interruptions.n, t.backchannels.n, t.raised.n, t.not_raised.n, t.silences.n);
        assert_true(t.speech[0].n > 5 && t.speech[1].n > 5);
        assert_true(t.overlaps.n > 0 && t.interruptions.n > 0 && t.backchannels.n > 0);
        assert_true(t.raised.n > 0 && t.not_raised.n > 0 && t.silences.n > 0);
        if (o.monologue) {
            assert_int_equal(t.monologues.n, 1);
            assert_true(t.monologues.v[0].end - t.monologues.v[0].start >= 45.0);
        } else {
            assert_int_equal(t.monologues.n, 0);
        }
        for (size_t i = 0; i < t.interruptions.n; i++) assert_true(t.interruptions.v[i].speaker != t.interruptions.v[i].other);
        for (size_t i = 0; i < t.raised.n; i++) assert_true(t.raised.v[i].gain_db >= 8.0 && t.raised.v[i].gain_db <= 15.0);
        for (size_t i = 0; i < t.not_raised.n; i++) assert_true(t.not_raised.v[i].gain_db >= 3.0 && t.not_raised.v[i].gain_db <= 5.0);
        synth_free(l, r, &t);
    }
}

static double rms_db(const float *x, size_t a, size_t b)
{
    return (double)sig_rms_db(x + a, b > a ? b - a : 0);
}

/* Speech intervals carry the speaker's energy; silences carry none; outside its speech a clean
 * channel is silent; leak at -20 dB lands where the truth says the other party talks. */
static void test_truth_matches_energy(void **state)
{
    (void)state;
    synth_opts o = synth_defaults();
    o.seed = 3;
    float *l, *r;
    size_t n;
    synth_truth t;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &t), 0);
    float *ch[2] = {l, r};
    double fs = o.rate_hz;
    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < t.speech[c].n; i++) {
            double db = rms_db(ch[c], (size_t)(t.speech[c].v[i].start * fs), (size_t)(t.speech[c].v[i].end * fs));
            assert_true(db > -45.0);
        }
    for (size_t i = 0; i < t.silences.n; i++) {
        size_t a = (size_t)((t.silences.v[i].start + 0.05) * fs), b = (size_t)((t.silences.v[i].end - 0.05) * fs);
        assert_true(rms_db(l, a, b) < -80.0 && rms_db(r, a, b) < -80.0);
    }
    synth_free(l, r, &t);
}

/* Pitch truth = the period in the audio: on voiced hops of one speaker alone, the normalised
 * autocorrelation of a 40 ms window peaks at the truth period (not at 0.8x or 1.25x of it). */
static void test_pitch_truth_is_the_period(void **state)
{
    (void)state;
    synth_opts o = synth_defaults();
    o.seed = 5;
    o.duration_s = 60.0;
    float *l, *r;
    size_t n;
    synth_truth t;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &t), 0);
    float *ch[2] = {l, r};
    int fs = o.rate_hz, w = fs / 25;
    long checked = 0, good = 0;
    for (int c = 0; c < 2; c++)
        for (size_t h = 5; h + 5 < t.hops; h++) {
            float f0 = t.f0[c][h];
            if (f0 <= 0.0f || t.f0[1 - c][h] != 0.0f) continue;
            size_t centre = h * (size_t)(fs / 100) + (size_t)(fs / 200);
            if (centre < (size_t)w || centre + 2 * (size_t)w >= n) continue;
            double best = -2.0;
            int best_lag = 0;
            int lag0 = (int)lrint(fs / f0);
            for (int lag = (int)(0.8 * lag0); lag <= (int)(1.25 * lag0) + 1; lag++) {
                double xy = 0, xx = 0, yy = 0;
                const float *a = ch[c] + centre - (size_t)(w / 2) - (size_t)(lag / 2), *b = a + lag;
                for (int j = 0; j < w; j++) { xy += a[j] * b[j]; xx += a[j] * a[j]; yy += b[j] * b[j]; }
                double v = xy / sqrt(xx * yy + 1e-30);
                if (v > best) { best = v; best_lag = lag; }
            }
            checked++;
            if (abs(best_lag - lag0) <= 1 + lag0 / 100) good++;
        }
    print_message("pitch truth within one sample of the measured period on %ld of %ld hops\n", good, checked);
    assert_true(checked > 1000);
    assert_true((double)good / checked >= 0.97);
    synth_free(l, r, &t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_covers_every_kind),
        cmocka_unit_test(test_truth_matches_energy),
        cmocka_unit_test(test_pitch_truth_is_the_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
