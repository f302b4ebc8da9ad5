/* tests/test_events.c -- conversation events against the synthesizer's scripted truth: F1 per
 * event type with the project's matching rule (same type and speaker, intervals overlap, onsets
 * within 1 s), no raised voice on merely louder turns, and alert latency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "profile.h"

#ifndef TONEMON_MODELS_DIR
#define TONEMON_MODELS_DIR "models"
#endif

static tm_config profile_cfg(const char *name)
{
    tm_profile p;
    char path[512], err[256];
    profile_default(&p);
    snprintf(path, sizeof path, "%s/%s.json", TONEMON_MODELS_DIR, name);
    if (profile_load(&p, path, err, sizeof err)) fail_msg("%s: %s", path, err);
    return p.cfg;
}

static void tally(const char *cond, const char *profile, int seeds, double dur, score_tally *t)
{
    memset(t, 0, sizeof *t);
    const condition *c = harness_condition(cond);
    tm_config cfg = profile_cfg(profile);
    for (int s = 1; s <= seeds; s++) assert_int_equal(harness_run(c, (uint64_t)s, dur, &cfg, 4096, t), 0);
    print_message("== %s with models/%s.json, %d seeds x %.0f s\n", cond, profile, seeds, dur);
    score_print(stdout, t);
}

static void expect_f1(const score_tally *t, tm_event_type type, double min_f1, int min_truth)
{
    type_score s = score_type(t, type);
    if (s.f1 < min_f1 || s.tp + s.fn < min_truth)
        print_error("%s: F1 %.3f (tp %d fp %d fn %d), want >= %.2f on >= %d truth events\n",
                    tm_event_type_name(type), s.f1, s.tp, s.fp, s.fn, min_f1, min_truth);
    assert_true(s.tp + s.fn >= min_truth);
    assert_true(s.f1 >= min_f1);
}

/* The targets, per condition: overlap >= 0.95, interruption >= 0.90 (with by/of),
 * backchannel >= 0.90, raised voice >= 0.90 and none on the +3..5 dB turns, silence >= 0.95. */
static void check(const char *cond, const char *profile)
{
    score_tally t;
    tally(cond, profile, 6, 120.0, &t);
    expect_f1(&t, TM_EV_OVERLAP, 0.95, 15);
    expect_f1(&t, TM_EV_INTERRUPTION, 0.90, 4);
    expect_f1(&t, TM_EV_BACKCHANNEL, 0.90, 6);
    expect_f1(&t, TM_EV_RAISED_VOICE, 0.90, 4);
    expect_f1(&t, TM_EV_SILENCE, 0.95, 4);
    assert_true(t.not_raised_total >= 3);
    assert_int_equal(t.raised_on_not_raised, 0);
    /* alert latency: an interruption is known at the backchannel limit, a silence at 5 s */
    type_score in = score_type(&t, TM_EV_INTERRUPTION), rv = score_type(&t, TM_EV_RAISED_VOICE);
    type_score si = score_type(&t, TM_EV_SILENCE);
    assert_true(in.latency_p90 <= 1.0 + 0.2);
    assert_true(rv.latency_mean <= 1.5);
    assert_true(si.latency_p90 <= 5.0 + 0.2);
}

static void test_clean(void **state) { (void)state; check("clean", "default"); }
static void test_telephone(void **state) { (void)state; check("telephone", "telephony"); }
static void test_noise15(void **state) { (void)state; check("noise15", "default"); }
static void test_bleed20(void **state) { (void)state; check("bleed20", "default"); }

/* Monologues: an agent talking 46-55 s with the caller's backchannels in it. */
static void test_monologue(void **state)
{
    (void)state;
    score_tally t;
    tally("monologue", "default", 5, 180.0, &t);
    expect_f1(&t, TM_EV_MONOLOGUE, 0.95, 5);
    expect_f1(&t, TM_EV_SILENCE, 0.95, 4);
    expect_f1(&t, TM_EV_BACKCHANNEL, 0.90, 10);
    type_score m = score_type(&t, TM_EV_MONOLOGUE);
    assert_true(m.latency_p90 <= 45.0 + 0.2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_telephone),
        cmocka_unit_test(test_noise15),
        cmocka_unit_test(test_bleed20),
        cmocka_unit_test(test_monologue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
