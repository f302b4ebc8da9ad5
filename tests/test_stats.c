/* tests/test_stats.c -- the summary's call statistics (src/stats.c) alone: talk time and the
 * distributions over final speech frames, counts and durations of final events only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "tonemon.h"
#include "stats.h"

static void test_frames_and_events(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    tm_callstats s;
    assert_int_equal(tmi_stats_init(&s, &c, 100), 0);
    /* 300 agent speech hops: levels -30, -20, -10 dB (100 each), F0 100..199 Hz once each for
     * the voiced first 100 hops; 50 caller hops of silence (not speech) that must not count */
    for (int i = 0; i < 300; i++) {
        tm_frame f;
        memset(&f, 0, sizeof f);
        f.channel = TM_AGENT;
        f.speech = 1;
        f.level_db = -30.0f + 10.0f * (float)(i / 100);
        f.loudness_lufs = f.level_db - 3.0f;
        f.f0_hz = i < 100 ? 100.0f + (float)i : 0.0f;
        tmi_stats_frame(&s, &f);
    }
    for (int i = 0; i < 50; i++) {
        tm_frame f;
        memset(&f, 0, sizeof f);
        f.channel = TM_CALLER;
        f.level_db = -20.0f;
        tmi_stats_frame(&s, &f);
    }
    /* an overlap of 1.5 s (early alert and its complete event), a silence of 6 s, two caller
     * interruptions, a prompt */
    tm_event e;
    memset(&e, 0, sizeof e);
    e.type = TM_EV_OVERLAP;
    e.speaker = TM_NOBODY;
    e.start = 16000;
    e.end = 16000 + 24000;
    tmi_stats_event(&s, &e);                 /* not final: not counted */
    e.final = 1;
    tmi_stats_event(&s, &e);
    e.type = TM_EV_SILENCE;
    e.end = e.start + 6 * 16000;
    tmi_stats_event(&s, &e);
    e.type = TM_EV_INTERRUPTION;
    e.speaker = TM_CALLER;
    tmi_stats_event(&s, &e);
    tmi_stats_event(&s, &e);
    e.type = TM_EV_DEESCALATION;
    tmi_stats_event(&s, &e);
    tm_stats out;
    memset(&out, 0, sizeof out);
    tmi_stats_fill(&s, 2, 0.01, &out);
    assert_true(fabs(out.speaker[0].talk_s - 3.0) < 1e-9);
    assert_true(out.speaker[1].talk_s == 0.0);
    assert_true(fabsf(out.speaker[0].level_median_db - (-20.0f)) <= 0.25f);
    assert_true(fabsf(out.speaker[0].level_p90_db - (-10.0f)) <= 0.25f);
    assert_true(fabsf(out.speaker[0].loudness_median_lufs - (-23.0f)) <= 0.25f);
    assert_true(fabsf(out.speaker[0].f0_median_hz - 149.5f) <= 1.0f);
    assert_true(fabsf(out.speaker[0].f0_p10_hz - 109.5f) <= 1.0f);
    assert_true(out.speaker[1].f0_median_hz == 0.0f);            /* no voiced speech: 0 */
    assert_true(out.speaker[1].level_median_db == -120.0f);
    assert_int_equal(out.overlaps, 1);
    assert_true(fabs(out.overlap_s - 1.5) < 1e-9);
    assert_int_equal(out.silences, 1);
    assert_true(fabs(out.silence_s - 6.0) < 1e-9);
    assert_int_equal(out.speaker[1].interruptions_made, 2);
    assert_int_equal(out.speaker[0].interruptions_made, 0);
    assert_int_equal(out.deescalations, 1);
    /* reset: all gone */
    tmi_stats_reset(&s);
    memset(&out, 0, sizeof out);
    tmi_stats_fill(&s, 2, 0.01, &out);
    assert_true(out.speaker[0].talk_s == 0.0 && out.overlaps == 0);
    tmi_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_and_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
