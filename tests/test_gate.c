/* tests/test_gate.c -- the level gate (src/gate.c) alone: which hops are speech candidates, which
 * get the pitch tracker, which are looked at for tones, with the thresholds of
 * tm_config_default() (speech margin over the floor, over the noise mean, absolute minimum). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "tonemon.h"
#include "gate.h"

static tm_config C;
static tm_gate G;

static void setup(void)
{
    C = tm_config_default(16000);
    tmi_gate_init(&G, &C, 100);
}

static tmi_hop hop(int64_t n, float level, float floor_db, float mean_db)
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    h.n = n;
    h.level_db = level;
    h.floor_db = floor_db;
    h.noise_mean_db = mean_db;
    return h;
}

static void test_candidate_thresholds(void **state)
{
    (void)state;
    setup();
    float fl = -50.0f, m = C.speech_margin_db;
    /* just over and just under each of the three tests */
    tmi_hop h = hop(0, fl + m + 0.1f, fl, fl);
    assert_true(tmi_gate_update(&G, &h));
    h = hop(0, fl + m - 0.1f, fl, fl);
    assert_false(tmi_gate_update(&G, &h));
    /* fluctuating noise: the mean sits 8 dB over the minimum, so the margin over the floor
     * is not enough, the hop must also clear the mean by speech_over_mean_db */
    float mean = fl + 8.0f;
    h = hop(0, mean + C.speech_over_mean_db - 0.1f, fl, mean);
    assert_false(tmi_gate_update(&G, &h));
    h = hop(0, mean + C.speech_over_mean_db + 0.1f, fl, mean);
    assert_true(tmi_gate_update(&G, &h));
    /* under the absolute minimum, whatever the floor */
    h = hop(0, C.speech_min_level_db - 0.1f, -110.0f, -110.0f);
    assert_false(tmi_gate_update(&G, &h));
}

static void test_pitch_gate(void **state)
{
    (void)state;
    setup();
    float fl = -60.0f, m = C.speech_margin_db;
    /* levels of hops 0..4 pushed as the front would: a loud hop 2 with quiet neighbours */
    float lev[5] = {-30.0f, -30.0f, -30.0f, -30.0f, -30.0f};
    for (int k = 0; k < 5; k++) tmi_gate_push(&G, k, lev[k], fl);
    tmi_hop h = hop(2, -30.0f, fl, fl);
    assert_true(tmi_gate_pitch(&G, &h, 0));
    /* 3 dB of slack under the speech margin (a leak, a soft onset), not more */
    tmi_gate_push(&G, 2, fl + m - 2.9f, fl);
    h = hop(2, fl + m - 2.9f, fl, fl);
    assert_false(tmi_gate_pitch(&G, &h, 0));   /* but 15 dB under its neighbours: a dip */
    for (int k = 0; k < 5; k++) tmi_gate_push(&G, k, fl + m - 2.9f, fl);
    assert_true(tmi_gate_pitch(&G, &h, 0));
    h = hop(2, fl + m - 3.1f, fl, fl);
    for (int k = 0; k < 5; k++) tmi_gate_push(&G, k, fl + m - 3.1f, fl);
    assert_false(tmi_gate_pitch(&G, &h, 0));
    assert_true(tmi_gate_pitch(&G, &h, 1));     /* on hold: the music's notes are followed */
    /* the dip rule: 14.9 dB under the loudest neighbour within two hops is pitched, 15.1 not */
    for (int k = 0; k < 5; k++) tmi_gate_push(&G, k, -30.0f, fl);
    tmi_gate_push(&G, 2, -44.9f, fl);
    h = hop(2, -44.9f, fl, fl);
    assert_true(tmi_gate_pitch(&G, &h, 0));
    tmi_gate_push(&G, 2, -45.1f, fl);
    h = hop(2, -45.1f, fl, fl);
    assert_false(tmi_gate_pitch(&G, &h, 0));
    /* a neighbour three hops away is outside the 40 ms window */
    for (int k = 0; k < 8; k++) tmi_gate_push(&G, k, -45.1f, fl);
    tmi_gate_push(&G, 5, -20.0f, fl);
    assert_true(tmi_gate_pitch(&G, &h, 0));
}

static void test_tone_gate(void **state)
{
    (void)state;
    setup();
    float fl = -60.0f, m = C.speech_margin_db;
    assert_true(tmi_gate_push(&G, 0, fl + m, fl));
    assert_false(tmi_gate_push(&G, 1, fl + m - 0.1f, fl));
    assert_false(tmi_gate_push(&G, 2, C.speech_min_level_db - 0.1f, -120.0f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_candidate_thresholds),
        cmocka_unit_test(test_pitch_gate),
        cmocka_unit_test(test_tone_gate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
