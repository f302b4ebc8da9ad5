/* tests/test_raised.c -- the raised-voice stage (src/raised.c) alone on scripted per-hop loudness
 * and F0, with the thresholds of tm_config_default(): after 20 s of steady speech (-30 LUFS,
 * 120 Hz), a step of +12 dB with a pitch rise (150 Hz, +3.9 semitones) for 3 s is a raised voice
 * from the step's first hop, known raised_min_s later; +4 or +5 dB with the same pitch rise is
 * only a louder turn, and +12 dB at the same pitch only a closer microphone. A raised phrase
 * is raised from its first word. A reply of the other party's ends an episode; a level and a
 * pitch both just over their thresholds are not raised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "raised.h"

#define HPS 100
#define MAXEV 64

static int H(double s) { return (int)lrint(s * HPS); }

static tm_event ev[MAXEV];
static int nev;
static void collect(void *ctx, const tm_event *e)
{
    (void)ctx;
    assert_true(nev < MAXEV);
    ev[nev++] = *e;
}

/* ---- adapter: every call into the stage is in this section ------------------------------- */

static tm_raised R;
static const tm_emitter EM = {collect, NULL};
static int min_hops;

static void setup(void)
{
    tm_config c = tm_config_default(16000);
    assert_int_equal(tmi_raised_init(&R, &c, HPS), 0);
    min_hops = H(c.raised_min_s);
    nev = 0;
}
/* one hop of the caller's own speech (active), its loudness and F0 (0 unvoiced) */
static void feed_hop(int64_t n, int active, float loudness_lufs, float f0_hz)
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    h.n = n;
    h.ch = TM_CALLER;
    h.active = h.seg_on = active;
    h.loud_lufs = loudness_lufs;
    h.f0_hz = f0_hz;
    tmi_raised_update(&R, &h, NULL, &EM);
}
/* the same, inside the speech segment that started at hop seg, in its phrase from hop phrase
 * (after a pause the segmenter's longer hangover bridged) */
static void feed_phrase_hop(int64_t n, int64_t seg, int64_t phrase, float loudness_lufs, float f0_hz)
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    h.n = n;
    h.ch = TM_CALLER;
    h.active = h.seg_on = 1;
    h.seg_start = seg;
    h.phrase_start = phrase;
    h.loud_lufs = loudness_lufs;
    h.f0_hz = f0_hz;
    tmi_raised_update(&R, &h, NULL, &EM);
}
static void feed_seg_hop(int64_t n, int64_t seg, float loudness_lufs, float f0_hz)
{
    feed_phrase_hop(n, seg, seg, loudness_lufs, f0_hz);
}
/* one hop of the caller's (active or not), the agent's speech heard or not in the same hop: the
 * agent's speech segments are its runs of speech hops (no hangover) */
static int64_t agent_seg_start;
static void feed_pair(int64_t n, int active, float loudness_lufs, float f0_hz, int agent_speech)
{
    tmi_hop h, o;
    memset(&h, 0, sizeof h);
    memset(&o, 0, sizeof o);
    h.n = o.n = n;
    h.ch = TM_CALLER;
    o.ch = TM_AGENT;
    h.active = h.seg_on = active;
    h.loud_lufs = loudness_lufs;
    h.f0_hz = f0_hz;
    if (agent_speech && agent_seg_start < 0) agent_seg_start = n;
    if (!agent_speech) agent_seg_start = -1;
    o.active = o.seg_on = o.speech = agent_speech;
    o.seg_start = agent_speech ? agent_seg_start : 0;
    o.seg_last = agent_speech ? n : -1;
    tmi_raised_update(&R, &h, &o, &EM);
}
static void finish(int64_t n_end)
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    h.n = n_end;
    h.ch = TM_CALLER;
    tmi_raised_finish(&R, &h, &EM);
    tmi_raised_free(&R);
}

/* ---- the script -------------------------------------------------------------------------- */

#define BASE_LUFS (-30.0f)
#define BASE_F0 120.0f

/* 20 s of steady speech, then 3 s at +step_db and f0_hz, then 5 s back at the baseline. */
static void run(float step_db, float f0_hz)
{
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_hop(n, 1, BASE_LUFS, BASE_F0);
    for (; n < H(23.0); n++) feed_hop(n, 1, BASE_LUFS + step_db, f0_hz);
    for (; n < H(28.0); n++) feed_hop(n, 1, BASE_LUFS, BASE_F0);
    finish(n);
}

/* ---- the tests --------------------------------------------------------------------------- */

static void test_step_with_pitch_rise_is_raised(void **state)
{
    (void)state;
    run(12.0f, 150.0f);
    assert_int_equal(nev, 2);
    const tm_event *early = &ev[0], *fin = &ev[1];
    assert_int_equal(early->type, TM_EV_RAISED_VOICE);
    assert_int_equal(early->final, 0);
    assert_int_equal(early->speaker, TM_CALLER);
    assert_int_equal(early->start, H(20.0));
    assert_int_equal(early->detected, H(20.0) + min_hops - 1);   /* raised_min_s of it */
    assert_int_equal(fin->type, TM_EV_RAISED_VOICE);
    assert_int_equal(fin->final, 1);
    assert_int_equal(fin->start, H(20.0));
    assert_int_equal(fin->end, H(23.0));
    assert_int_equal(fin->detected, early->detected);
    /* +12 dB and +3.86 semitones over the baselines, within a bin (0.25 dB, 0.1 st) */
    print_message("level +%.2f dB, pitch +%.2f st\n", fin->level_db, fin->pitch_st);
    assert_true(fabsf(fin->level_db - 12.0f) <= 0.25f);
    assert_true(fabsf(fin->pitch_st - 12.0f * log2f(150.0f / BASE_F0)) <= 0.1f);
}

static void test_louder_turn_is_not_raised(void **state)
{
    (void)state;
    run(4.0f, 150.0f);
    assert_int_equal(nev, 0);
    run(5.0f, 150.0f);
    assert_int_equal(nev, 0);
}

/* Just over raised_min_db (6 dB): +7 dB with the pitch rise is raised, from the step's first hop;
 * +5.5 dB, just under, is not. */
static void test_step_just_over_the_threshold_is_raised(void **state)
{
    (void)state;
    run(7.0f, 150.0f);
    assert_int_equal(nev, 2);
    assert_int_equal(ev[1].start, H(20.0));
    assert_int_equal(ev[1].end, H(23.0));
    run(5.5f, 150.0f);
    assert_int_equal(nev, 0);
}

static void test_louder_at_same_pitch_is_not_raised(void **state)
{
    (void)state;
    run(12.0f, BASE_F0);
    assert_int_equal(nev, 0);
}

static void test_pause_inside_episode_bridged(void **state)
{
    (void)state;
    /* raised 20-22 s, a 1.5 s pause (an episode bridges 2 s), raised again 23.5-25 s: one
     * episode 20-25 s */
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_hop(n, 1, BASE_LUFS, BASE_F0);
    for (; n < H(22.0); n++) feed_hop(n, 1, BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(23.5); n++) feed_hop(n, 0, -70.0f, 0.0f);
    for (; n < H(25.0); n++) feed_hop(n, 1, BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(30.0); n++) feed_hop(n, 1, BASE_LUFS, BASE_F0);
    finish(n);
    assert_int_equal(nev, 2);
    assert_int_equal(ev[1].start, H(20.0));
    assert_int_equal(ev[1].end, H(25.0));
}

/* Raised 20-22 s, a 1.5 s pause, then +5 dB at the talker's own pitch 23.5-25 s (over
 * raised_exit_db, under raised_min_db): with the agent quiet in the pause, the episode bridges it
 * and runs to 25 s; when the agent answered there in one stretch longer than a backchannel
 * (backchannel_max_s, 1 s), the episode ends at 22 s and the louder turn is judged on its own.
 * Two "uh-huh"s of 0.55 s in the pause are no reply. The agent talks over [a1, b1) and
 * [a2, b2), s. */
static int64_t final_start(void);
static int64_t episode_end_after_reply(double a1, double b1, double a2, double b2)
{
    setup();
    agent_seg_start = -1;
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_pair(n, 1, BASE_LUFS, BASE_F0, 0);
    for (; n < H(22.0); n++) feed_pair(n, 1, BASE_LUFS + 12.0f, 150.0f, 0);
    for (; n < H(23.5); n++)
        feed_pair(n, 0, -70.0f, 0.0f, (n >= H(a1) && n < H(b1)) || (n >= H(a2) && n < H(b2)));
    for (; n < H(25.0); n++) feed_pair(n, 1, BASE_LUFS + 5.0f, BASE_F0, 0);
    for (; n < H(30.0); n++) feed_pair(n, 1, BASE_LUFS, BASE_F0, 0);
    finish(n);
    return final_start() == H(20.0) ? ev[nev - 1].end : -1;
}

static void test_reply_of_the_other_party_ends_the_episode(void **state)
{
    (void)state;
    assert_int_equal(episode_end_after_reply(0, 0, 0, 0), H(25.0));
    assert_int_equal(episode_end_after_reply(22.1, 22.6, 0, 0), H(25.0));        /* an "uh-huh" */
    assert_int_equal(episode_end_after_reply(22.1, 22.65, 22.8, 23.35), H(25.0)); /* two */
    assert_int_equal(episode_end_after_reply(22.1, 23.4, 0, 0), H(22.0));        /* a reply */
}

/* A level and a pitch that both clear their thresholds (raised_min_db 6 dB, raised_min_st 1.5
 * semitones) by a hair, their margins adding up to less than raised_joint_db_st (1), are a turn's
 * loud, high opening, not vocal effort: +6.25 dB at +1.75 semitones is not raised. A clear margin
 * on either side is: +7.5 dB at +1.75 semitones, +6.25 dB at +3 semitones. */
static void test_level_and_pitch_both_marginal_is_not_raised(void **state)
{
    (void)state;
    float st175 = BASE_F0 * exp2f(1.75f / 12.0f), st3 = BASE_F0 * exp2f(3.0f / 12.0f);
    run(6.25f, st175);
    assert_int_equal(nev, 0);
    run(7.5f, st175);
    assert_int_equal(nev, 2);
    assert_int_equal(ev[1].start, H(20.0));
    run(6.25f, st3);
    assert_int_equal(nev, 2);
    assert_int_equal(ev[1].start, H(20.0));
}

/* A 50 ms blip as loud as the raised turn (an echo fragment the leak stage let through), a
 * second before it, is not where the raised voice started. */
static void test_fragment_before_raised_turn_does_not_start_it(void **state)
{
    (void)state;
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_seg_hop(n, 0, BASE_LUFS, BASE_F0);
    for (; n < H(20.05); n++) feed_seg_hop(n, H(20.0), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(21.0); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(24.0); n++) feed_seg_hop(n, H(21.0), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(29.0); n++) feed_seg_hop(n, H(24.2), BASE_LUFS, BASE_F0);
    finish(n);
    int found = 0;
    for (int i = 0; i < nev; i++)
        if (ev[i].final) {
            found++;
            assert_int_equal(ev[i].start, H(21.0));
        }
    assert_int_equal(found, 1);
}

/* A raised phrase whose first second is at the talker's normal loudness (an unstressed lead-in)
 * was raised from its first word, up to RAISED_PHRASE_BACK_S (1.5 s) of such a lead-in; a phrase
 * that ran at their normal voice for longer before it rose was not, and its raised voice starts
 * where it rose. */
static int64_t final_start(void)
{
    int64_t start = -1;
    int found = 0;
    for (int i = 0; i < nev; i++)
        if (ev[i].final) {
            found++;
            start = ev[i].start;
        }
    assert_int_equal(found, 1);
    return start;
}

static int64_t raised_start_after(double normal_s)
{
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_seg_hop(n, 0, BASE_LUFS, BASE_F0);
    for (; n < H(20.5); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(20.5 + normal_s); n++) feed_seg_hop(n, H(20.5), BASE_LUFS, BASE_F0);
    for (; n < H(23.5 + normal_s); n++) feed_seg_hop(n, H(20.5), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(24.0 + normal_s); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(29.0 + normal_s); n++) feed_seg_hop(n, H(24.0 + normal_s), BASE_LUFS, BASE_F0);
    finish(n);
    return final_start();
}

/* A normal phrase, a pause of 0.25 s that the segmenter bridged (one segment), then the raised
 * phrase, its first 0.3 s not yet loud: the raised voice starts with the raised phrase, not with
 * the segment (seed 43 s00: 0.65 s early, out of the onset tolerance) nor with its first loud
 * hop */
static void test_raised_starts_with_its_phrase_not_its_segment(void **state)
{
    (void)state;
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_seg_hop(n, 0, BASE_LUFS, BASE_F0);
    for (; n < H(20.5); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(20.9); n++) feed_seg_hop(n, H(20.5), BASE_LUFS, BASE_F0);
    for (; n < H(21.15); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(21.45); n++) feed_phrase_hop(n, H(20.5), H(21.15), BASE_LUFS, BASE_F0);
    for (; n < H(24.45); n++) feed_phrase_hop(n, H(20.5), H(21.15), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(24.6); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(29.0); n++) feed_seg_hop(n, H(24.6), BASE_LUFS, BASE_F0);
    finish(n);
    assert_int_equal(final_start(), H(21.15));
}

static void test_raised_phrase_starts_at_its_first_word(void **state)
{
    (void)state;
    assert_int_equal(raised_start_after(1.0), H(20.5));
    assert_int_equal(raised_start_after(1.5), H(20.5));
    assert_int_equal(raised_start_after(1.6), H(22.1));
    assert_int_equal(raised_start_after(3.0), H(23.5));
}

/* A normal phrase whose last 0.3 s is loud, a pause of 0.7 s, then a raised phrase: the run
 * carried over the pause began in the first phrase, whose normal words are not raised; the
 * episode starts where the run did, not at the first phrase's start. */
static void test_run_carried_over_a_pause_keeps_its_start(void **state)
{
    (void)state;
    setup();
    int64_t n = 0;
    for (; n < H(20.0); n++) feed_seg_hop(n, 0, BASE_LUFS, BASE_F0);
    for (; n < H(20.5); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(21.5); n++) feed_seg_hop(n, H(20.5), BASE_LUFS, BASE_F0);
    for (; n < H(21.8); n++) feed_seg_hop(n, H(20.5), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(22.5); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(25.5); n++) feed_seg_hop(n, H(22.5), BASE_LUFS + 12.0f, 150.0f);
    for (; n < H(26.0); n++) feed_hop(n, 0, -80.0f, 0.0f);
    for (; n < H(30.0); n++) feed_seg_hop(n, H(26.0), BASE_LUFS, BASE_F0);
    finish(n);
    assert_int_equal(final_start(), H(21.5));
}

static void test_loud_talker_from_the_start_is_not_raised(void **state)
{
    (void)state;
    /* a talker 8 dB over the loudness prior from their first word, at their own steady pitch:
     * loud, not raised (before their pitch register is known nothing is judged); then a real
     * outburst at 5 s, +12 dB and +3.9 semitones over them, is */
    setup();
    int64_t n = 0;
    float loud = -26.0f + 8.0f;   /* prior_loudness_lufs of the defaults, + 8 dB */
    for (; n < H(5.0); n++) feed_hop(n, 1, loud, BASE_F0);
    for (; n < H(8.0); n++) feed_hop(n, 1, loud + 12.0f, 150.0f);
    for (; n < H(12.0); n++) feed_hop(n, 1, loud, BASE_F0);
    finish(n);
    assert_int_equal(nev, 2);
    assert_int_equal(ev[0].final, 0);
    assert_int_equal(ev[1].start, H(5.0));
    assert_int_equal(ev[1].end, H(8.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_with_pitch_rise_is_raised),
        cmocka_unit_test(test_louder_turn_is_not_raised),
        cmocka_unit_test(test_step_just_over_the_threshold_is_raised),
        cmocka_unit_test(test_louder_at_same_pitch_is_not_raised),
        cmocka_unit_test(test_pause_inside_episode_bridged),
        cmocka_unit_test(test_loud_talker_from_the_start_is_not_raised),
        cmocka_unit_test(test_fragment_before_raised_turn_does_not_start_it),
        cmocka_unit_test(test_raised_phrase_starts_at_its_first_word),
        cmocka_unit_test(test_raised_starts_with_its_phrase_not_its_segment),
        cmocka_unit_test(test_run_carried_over_a_pause_keeps_its_start),
        cmocka_unit_test(test_reply_of_the_other_party_ends_the_episode),
        cmocka_unit_test(test_level_and_pitch_both_marginal_is_not_raised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
