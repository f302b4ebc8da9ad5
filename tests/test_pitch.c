/* tests/test_pitch.c -- F0 against signals of known pitch and the synthesizer's pitch truth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "signal.h"

typedef struct { float f0[400]; int n; } f0s;
static void grab(void *u, const tm_frame *f)
{
    f0s *m = u;
    if (m->n < 400) m->f0[m->n++] = f->f0_hz;
}

/* Median F0 over hops 10..n-10 and the share of them voiced. */
static void pitch_of(const float *x, size_t n, int rate, float *median, float *voiced)
{
    tm_config c = tm_config_default(rate);
    c.channels = 1;
    f0s *m = calloc(1, sizeof *m);
    c.on_frame = grab;
    c.on_frame_user = m;
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    tm_analyzer_process(a, x, NULL, n);
    tm_analyzer_finish(a);
    tm_analyzer_destroy(a);
    float v[400];
    int k = 0;
    for (int i = 10; i < m->n - 10; i++) if (m->f0[i] > 0) v[k++] = m->f0[i];
    *voiced = (float)k / (float)(m->n - 20);
    for (int i = 1; i < k; i++) for (int j = i; j > 0 && v[j] < v[j - 1]; j--) { float t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
    *median = k ? v[k / 2] : 0.0f;
    free(m);
}

static void test_sine(void **state)
{
    (void)state;
    float *x = malloc(16000 * sizeof *x), med, vr;
    sig_sine(x, 16000, 16000, 220.0f, 0.3f);
    pitch_of(x, 16000, 16000, &med, &vr);
    assert_true(fabsf(med - 220.0f) < 1.0f);
    assert_true(vr > 0.9f);
    free(x);
}

/* Harmonic voices across the range, at 8 and 16 kHz, with and without the fundamental. */
static void test_harmonics(void **state)
{
    (void)state;
    float f0s_hz[] = {70, 100, 150, 250, 400};
    int rates[] = {8000, 16000, 44100};
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 5; i++)
            for (int first = 1; first <= 3; first += 2) {
                int rate = rates[r];
                if (first == 3 && f0s_hz[i] > 200) continue;   /* 3rd harmonic of 250 Hz is no telephone case */
                size_t n = (size_t)rate * 3 / 2;
                float *x = malloc(n * sizeof *x), med, vr;
                sig_harmonics(x, n, rate, f0s_hz[i], first, first + 8, 0.3f);
                pitch_of(x, n, rate, &med, &vr);
                if (fabsf(med / f0s_hz[i] - 1.0f) > 0.01f || vr < 0.9f)
                    print_error("rate %d f0 %.0f first harmonic %d: median %.2f voiced %.2f\n", rate, f0s_hz[i], first, med, vr);
                assert_true(fabsf(med / f0s_hz[i] - 1.0f) <= 0.01f);
                assert_true(vr >= 0.9f);
                free(x);
            }
}

/* White noise has no pitch. */
static void test_noise_unvoiced(void **state)
{
    (void)state;
    float *x = malloc(16000 * sizeof *x), med, vr;
    sig_noise(x, 16000, 0.1f, 11);
    pitch_of(x, 16000, 16000, &med, &vr);
    if (vr > 0.05f) print_error("noise voiced on %.2f of hops (seed 11)\n", vr);
    assert_true(vr <= 0.05f);
    free(x);
}

/* Issue targets on synthesized calls: gross error <= 1% clean, <= 3% telephone band with 20 dB
 * SNR, fine error <= 20 cents, voicing decision error <= 6%. */
static void check_condition(const char *name, double gross_max)
{
    score_tally t;
    memset(&t, 0, sizeof t);
    const condition *c = harness_condition(name);
    for (uint64_t seed = 1; seed <= 4; seed++) assert_int_equal(harness_run(c, seed, 90.0, NULL, 4096, &t), 0);
    double gross = (double)t.pitch_gross / (double)t.pitch_both_voiced;
    double fine = t.pitch_fine_cents_sum / (double)(t.pitch_both_voiced - t.pitch_gross);
    double vde = (double)t.voicing_errors / (double)t.pitch_hops;
    print_message("%-10s gross %.2f%% fine %.1f cents voicing error %.2f%% (%ld voiced hops)\n", name,
                  100 * gross, fine, 100 * vde, t.pitch_both_voiced);
    assert_true(t.pitch_both_voiced > 5000);
    assert_true(gross <= gross_max);
    assert_true(fine <= 20.0);
    assert_true(vde <= 0.06);
}

static void test_synth_clean(void **state) { (void)state; check_condition("clean", 0.01); }
static void test_synth_telephone(void **state) { (void)state; check_condition("telephone", 0.03); }
static void test_synth_wide48k(void **state) { (void)state; check_condition("wide48k", 0.01); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sine),
        cmocka_unit_test(test_harmonics),
        cmocka_unit_test(test_noise_unvoiced),
        cmocka_unit_test(test_synth_clean),
        cmocka_unit_test(test_synth_telephone),
        cmocka_unit_test(test_synth_wide48k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
