/* tests/test_noise_stages.c -- the stages that keep real call audio from prompting: the noise
 * floor (bias, digital silence), the speaker-relative speech gate, the hold stage (tones, beeps,
 * music) and the merging of overlaps, each against a known answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "emit.h"
#include "floor.h"
#include "hold.h"
#include "signal.h"
#include "tonemon.h"
#include "twice.h"
#include "vad.h"

#define RATE 16000
#define HOP 160

/* ---- floor ------------------------------------------------------------------------------ */

static float lcg_uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (float)((*s >> 33) & 0xffffff) / (float)0x1000000;
}

/* The stages read their thresholds from a profile: these are the ones the tests below assume. */
static tm_config stage_cfg(void)
{
    tm_config c = tm_config_default(16000);
    c.floor_window_s = 3.0f;
    c.speech_min_level_db = -60.0f;
    c.floor_digital_db = -100.0f;
    c.floor_bias_max_db = 10.0f;
    c.speech_over_mean_db = 6.0f;
    c.onset_ms = 30.0f;
    c.hangover_ms = 200.0f;
    c.weak_bridge_ms = 200.0f;
    c.speech_rel_db = 15.0f;
    return c;
}

static float floor_feed(tm_floor *f, float level_db)
{
    tmi_hop h = {0};
    h.level_db = level_db;
    tmi_floor_update(f, &h);
    return f->floor_db;
}

/* One hop with this pitch (0: unvoiced); returns tmi_vad_update's flags, a closed segment's end
 * in *end. */
static int vad_feed_f0(tm_vad *v, int64_t n, int active, float f0_hz, float level_db, int64_t *end)
{
    tmi_hop h = {0};
    tmi_span closed = {0, 0, 0};
    h.n = n;
    h.active = active;
    h.f0_hz = f0_hz;
    h.level_db = level_db;
    int r = tmi_vad_update(v, &h, &closed);
    if (r & TMI_SEG_CLOSED) *end = closed.end;
    return r;
}

/* A talker at 120 Hz. */
static int vad_feed(tm_vad *v, int64_t n, int active, int voiced, float level_db, int64_t *end)
{
    return vad_feed_f0(v, n, active, voiced ? 120.0f : 0.0f, level_db, end);
}

/* count phrases from hop *n: on_hops voiced hops at level_db, then off_hops of silence. Returns 1
 * when a segment was confirmed in them. */
static int vad_phrases(tm_vad *v, int64_t *n, int count, int on_hops, int off_hops, float level_db,
                       int64_t *end)
{
    int confirmed = 0;
    for (int k = 0; k < count; k++) {
        for (int i = 0; i < on_hops; i++, (*n)++)
            confirmed |= vad_feed(v, *n, 1, 1, level_db, end) & TMI_SEG_CONFIRMED;
        for (int i = 0; i < off_hops; i++, (*n)++) vad_feed(v, *n, 0, 0, -80.0f, end);
    }
    return confirmed;
}

static void test_floor_skips_digital_silence(void **state)
{
    (void)state;
    tm_floor f;
    tm_config cfg = stage_cfg();
    tmi_floor_init(&f, &cfg, 100);
    float fl = 0.0f;
    /* 10 s of steady line noise at -50 dBFS with one lost packet (two zeroed hops) in ten */
    for (int n = 0; n < 1000; n++) fl = floor_feed(&f, n % 10 < 2 ? -120.0f : -50.0f);
    assert_true(fabsf(fl - (-50.0f)) < 0.5f);
    assert_true(fabsf(f.mean_db - (-50.0f)) < 0.5f);
}

static void test_floor_mean_corrects_fluctuating_noise(void **state)
{
    (void)state;
    tm_floor f;
    tm_config cfg = stage_cfg();
    tmi_floor_init(&f, &cfg, 100);
    uint64_t seed = 7;
    /* babble-like levels: uniform in -52..-38 dB (mean -45): the minimum sits at -52 */
    for (int n = 0; n < 2000; n++) floor_feed(&f, -52.0f + 14.0f * lcg_uniform(&seed));
    print_message("floor min %.1f, noise mean %.1f (seed 7)\n", f.floor_db, f.mean_db);
    assert_true(f.floor_db < -51.0f);
    assert_true(f.mean_db > -47.0f && f.mean_db < -43.0f);
}

/* ---- speech gate ------------------------------------------------------------------------ */

static void test_vad_weak_voiced_sound_does_not_start_speech(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0;
    int64_t n = 0;
    /* the talker: 3 s of voiced speech at -20 dBFS in 300 ms phrases */
    vad_phrases(&v, &n, 10, 30, 30, -20.0f, &e);
    assert_true(v.spk_db > -22.0f && v.spk_db < -18.0f);
    /* babble: voiced and active but 20 dB under the talker: never speech */
    int confirmed = 0;
    for (int i = 0; i < 300; i++, n++) confirmed |= vad_feed(&v, n, 1, 1, -40.0f, &e) & TMI_SEG_CONFIRMED;
    assert_false(confirmed);
    /* the talker 10 dB softer (a backchannel) still is */
    for (int i = 0; i < 30; i++, n++) vad_feed(&v, n, 0, 0, -80.0f, &e);
    for (int i = 0; i < 10; i++, n++) confirmed |= vad_feed(&v, n, 1, 1, -30.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
}

static void test_vad_raised_turn_keeps_normal_voice(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    cfg.speech_rel_db = 10.0f;   /* the contact-center profile's gate */
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0, n = 0;
    /* the talker: 3 s at -30 dBFS in 300 ms phrases, then a raised turn of 8 s at -18 dBFS
     * (+12 dB, the loudest the corpus scripts), voiced three hops in four */
    vad_phrases(&v, &n, 10, 30, 30, -30.0f, &e);
    vad_phrases(&v, &n, 8, 75, 25, -18.0f, &e);
    print_message("talker level after the raised turn: %.1f dBFS\n", v.spk_db);
    /* then the normal voice again, 2 dB soft at the start of the phrase: it is still speech */
    int confirmed = 0;
    for (int i = 0; i < 30; i++, n++) confirmed |= vad_feed(&v, n, 1, 1, -32.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
}

/* A neighbour's voice an octave over the talker's, 8 dB under them (inside speech_rel_db, so
 * the level alone cannot tell), starts no speech; the talker's own soft voice and their raised
 * voice, higher and louder, do; and a stretch of the talker's speech read at an odd pitch (a
 * mixture in double-talk) does not split their segment. */
static void test_vad_other_voice_under_talker_does_not_start_speech(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0, n = 0;
    int confirmed = 0, closed = 0;
    for (int k = 0; k < 10; k++) {
        for (int i = 0; i < 30; i++, n++) vad_feed_f0(&v, n, 1, 110.0f + (float)i, -20.0f, &e);
        for (int i = 0; i < 30; i++, n++) vad_feed_f0(&v, n, 0, 0.0f, -80.0f, &e);
    }
    print_message("register %.0f Hz\n", exp2f(v.reg_oct));
    assert_true(fabsf(v.reg_oct - log2f(125.0f)) < 0.1f);
    /* the neighbour: 3 s of 400 ms phrases at 240-260 Hz, -28 dBFS */
    for (int k = 0; k < 5; k++) {
        for (int i = 0; i < 40; i++, n++)
            confirmed |= vad_feed_f0(&v, n, 1, 240.0f + (float)(i % 20), -28.0f, &e) & TMI_SEG_CONFIRMED;
        for (int i = 0; i < 20; i++, n++) vad_feed_f0(&v, n, 0, 0.0f, -80.0f, &e);
    }
    assert_false(confirmed);
    /* the talker, soft: speech */
    for (int i = 0; i < 10; i++, n++)
        confirmed |= vad_feed_f0(&v, n, 1, 118.0f, -28.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
    for (int i = 0; i < 60; i++, n++) closed |= vad_feed_f0(&v, n, 0, 0.0f, -80.0f, &e) & TMI_SEG_CLOSED;
    assert_true(closed);
    /* the talker, raised: 0.7 octave up and 6 dB louder: speech */
    confirmed = 0;
    for (int i = 0; i < 10; i++, n++)
        confirmed |= vad_feed_f0(&v, n, 1, 200.0f, -14.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
    /* then 400 ms of their speech read at 60-70 Hz, 8 dB under: the segment goes on */
    closed = 0;
    for (int i = 0; i < 40; i++, n++)
        closed |= vad_feed_f0(&v, n, 1, 60.0f + (float)(i % 10), -28.0f, &e) & TMI_SEG_CLOSED;
    assert_false(closed);
}

/* The agent waits for the caller while a neighbour talks behind them, 20 dB under the agent's
 * own voice: the first second of "speech" that sets the agent's level is the neighbour's. Once
 * the agent has spoken a second at their own level, the neighbour is no speech any more. */
static void test_vad_talker_after_babble_learns_their_level(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0, n = 0;
    /* the neighbour: 3 s of 300 ms phrases at -38 dBFS */
    vad_phrases(&v, &n, 6, 30, 20, -38.0f, &e);
    print_message("level from the neighbour: %.1f dBFS\n", v.spk_db);
    /* the agent: 2 s at -18 dBFS */
    vad_phrases(&v, &n, 4, 40, 10, -18.0f, &e);
    print_message("level after the agent spoke: %.1f dBFS\n", v.spk_db);
    for (int i = 0; i < 30; i++, n++) vad_feed(&v, n, 0, 0, -80.0f, &e);
    int confirmed = 0;
    /* the neighbour again, in the agent's pause */
    confirmed |= vad_phrases(&v, &n, 6, 30, 20, -38.0f, &e);
    assert_false(confirmed);
    /* and the agent's "mm" 8 dB under their level still is speech */
    for (int i = 0; i < 10; i++, n++) confirmed |= vad_feed(&v, n, 1, 1, -26.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
}

/* A neighbour's voice, 16 dB under the agent, crosses the gate now and then and so wins the
 * warm-up of the agent's level while the agent waits; the agent's first words then come in short phrases whose loudest hops stay within
 * 18 dB of the neighbour (not a second of them 3 dB further up: a raised turn's margin). Once
 * the agent has spoken a block of anchors, the neighbour is no speech any more, and the agent's
 * own soft "mm" still is. */
static void test_vad_warm_up_won_by_babble_gives_way_to_the_talker(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0, n = 0;
    /* the neighbour: 200 ms words now and then over 4.2 s */
    vad_phrases(&v, &n, 6, 20, 60, -42.0f, &e);
    assert_true(v.spk_db < -40.0f);
    print_message("level from the neighbour: %.1f dBFS\n", v.spk_db);
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 40; i++, n++) vad_feed(&v, n, 1, 1, i % 5 < 2 ? -26.0f : -31.0f, &e);
        for (int i = 0; i < 20; i++, n++) vad_feed(&v, n, 0, 0, -80.0f, &e);
    }
    print_message("level after the agent's first words: %.1f dBFS\n", v.spk_db);
    for (int i = 0; i < 30; i++, n++) vad_feed(&v, n, 0, 0, -80.0f, &e);
    int confirmed = vad_phrases(&v, &n, 6, 30, 20, -42.0f, &e);
    assert_false(confirmed);
    for (int i = 0; i < 10; i++, n++) confirmed |= vad_feed(&v, n, 1, 1, -33.0f, &e) & TMI_SEG_CONFIRMED;
    assert_true(confirmed);
}

static void test_vad_clicks_do_not_chain(void **state)
{
    (void)state;
    tm_vad v;
    tm_config cfg = stage_cfg();
    tmi_vad_init(&v, &cfg, 100);
    int64_t e = 0, n = 0;
    for (int i = 0; i < 100; i++, n++) vad_feed(&v, n, 1, 1, -20.0f, &e);   /* a phrase */
    /* then keyboard clicks: one unvoiced active hop every 150 ms for 3 s */
    int closed = 0;
    int64_t end = -1;
    for (int i = 0; i < 300; i++, n++) {
        int r = vad_feed(&v, n, i % 15 == 0, 0, -35.0f, &e);
        if (r & TMI_SEG_CLOSED) { closed = 1; end = e; }
    }
    assert_true(closed);
    /* the segment ends within the weak-hop bridge (200 ms) of the phrase's last voiced hop */
    assert_true(end <= 100 + 21);
}

/* ---- hold ------------------------------------------------------------------------------- */

typedef struct { int holds, speech_hops, hops, silences; double hold_start, hold_end, sil_start, sil_end, sil_detected; } run_res;


static run_res events_of(tm_analyzer *a);

/* Analyses the audio, then replays its frames (what eval and calibrate do): both must find the
 * same holds. */
static run_res run_analyzer(const float *l, const float *r, size_t n)
{
    twice t;
    assert_int_equal(twice_analyze(l, r, n, RATE, &t), 0);
    run_res res = events_of(t.audio);
    run_res rep = events_of(t.frames);
    twice_free(&t);
    assert_int_equal(rep.holds, res.holds);
    assert_int_equal(rep.silences, res.silences);
    assert_true(fabs(rep.hold_start - res.hold_start) < 0.011 && fabs(rep.hold_end - res.hold_end) < 0.011);
    return res;
}

static run_res events_of(tm_analyzer *a)
{
    run_res res = {0};
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev))
        if (ev.type == TM_EV_HOLD && ev.speaker == TM_CALLER) {
            res.holds++;
            res.hold_start = (double)ev.start / RATE;
            res.hold_end = (double)ev.end / RATE;
        } else if (ev.type == TM_EV_SPEECH && ev.speaker == TM_CALLER) {
            res.speech_hops += (int)((ev.end - ev.start) / HOP);
        } else if (ev.type == TM_EV_SILENCE && ev.final) {
            res.silences++;
            res.sil_start = (double)ev.start / RATE;
            res.sil_end = (double)ev.end / RATE;
            res.sil_detected = (double)ev.detected / RATE;
        }
    return res;
}

/* A hold beep of 0.4 s at hz every period s from first until until, added to r. */
static void beeps_from(double first, double period, double until, float hz, float *r)
{
    for (double t = first; t < until; t += period) {
        size_t a = (size_t)(t * RATE), k = (size_t)(0.4 * RATE);
        float *tone = calloc(k, sizeof *tone);
        sig_sine(tone, k, RATE, hz, 0.1f);
        sig_add(r + a, tone, k, 1.0f);
        free(tone);
    }
}

/* 30 s in which nobody speaks: both channels a faint noise (seeds s, s + 1); n gets the length. */
static void quiet_call(float **l, float **r, size_t *n, unsigned s)
{
    *n = 30 * RATE;
    *l = calloc(*n, sizeof **l);
    *r = calloc(*n, sizeof **r);
    sig_noise(*l, *n, 0.0005f, s);
    sig_noise(*r, *n, 0.0005f, s + 1);
}

static void test_recurring_beeps_are_a_hold(void **state)
{
    (void)state;
    size_t n;
    float *l, *r;
    quiet_call(&l, &r, &n, 11);
    /* a 425 Hz hold beep of 0.4 s every 3 s from 5 s to 23 s */
    beeps_from(5.0, 3.0, 23.0, 425.0f, r);
    run_res res = run_analyzer(l, r, n);
    print_message("beeps: %d holds, %.2f-%.2f s, %d speech hops\n", res.holds, res.hold_start, res.hold_end, res.speech_hops);
    assert_int_equal(res.holds, 1);
    assert_true(fabs(res.hold_start - 5.0) < 0.2);
    assert_true(fabs(res.hold_end - 20.4) < 0.3);
    assert_true(res.speech_hops < 50);    /* the first beep's hops at most */
    /* the 5 s of quiet before the hold were dead air, and it ended where the hold began */
    assert_int_equal(res.silences, 1);
    assert_true(fabs(res.sil_end - 5.0) < 0.2);
    free(l);
    free(r);
}

/* Nobody speaks, and a hold of beeps starts 1.5 s in: its second beep comes at 5.5 s, after 5 s
 * of quiet would be dead air. The line was on hold from 1.5 s, which is no dead air; the quiet
 * before it lasted 1.5 s. */
static void test_dead_air_waits_for_a_hold_of_beeps(void **state)
{
    (void)state;
    size_t n;
    float *l, *r;
    quiet_call(&l, &r, &n, 13);
    beeps_from(1.5, 4.0, 22.0, 440.0f, r);
    run_res res = run_analyzer(l, r, n);
    print_message("beeps from 1.5 s: %d holds from %.2f s, %d silences\n", res.holds, res.hold_start, res.silences);
    assert_int_equal(res.holds, 1);
    assert_true(fabs(res.hold_start - 1.5) < 0.2);
    assert_int_equal(res.silences, 0);
    /* one lone beep is no hold: the dead air around it is told, dated from its start */
    memset(r, 0, n * sizeof *r);
    sig_noise(r, n, 0.0005f, 14);
    beeps_from(1.5, 100.0, 2.0, 440.0f, r);
    res = run_analyzer(l, r, n);
    print_message("one beep at 1.5 s: %d holds, %d silences from %.2f s, told at %.2f s\n", res.holds,
                  res.silences, res.sil_start, res.sil_detected);
    assert_int_equal(res.holds, 0);
    assert_int_equal(res.silences, 1);
    assert_true(res.sil_start < 0.05);
    /* told once the beep has gone 5 s without a second: 1.9 s + 5 s */
    assert_true(res.sil_detected > 6.8 && res.sil_detected < 7.1);
    /* a steady tone of 20 s is no beep about to recur: the dead air is told at 5 s */
    memset(r, 0, n * sizeof *r);
    sig_noise(r, n, 0.0005f, 14);
    float *tone = calloc(20 * RATE, sizeof *tone);
    sig_sine(tone, 20 * RATE, RATE, 1000.0f, 0.1f);
    sig_add(r + 4 * RATE, tone, 20 * RATE, 1.0f);
    free(tone);
    res = run_analyzer(l, r, n);
    print_message("a 1 kHz tone from 4 s: %d holds, %d silences from %.2f s, told at %.2f s\n", res.holds,
                  res.silences, res.sil_start, res.sil_detected);
    assert_int_equal(res.silences, 1);
    assert_true(res.sil_detected < 7.2);
    free(l);
    free(r);
}

static void test_tuned_notes_are_a_hold_and_speechlike_pitch_is_not(void **state)
{
    (void)state;
    size_t n = 24 * RATE;
    float *l = calloc(n, sizeof *l), *r = calloc(n, sizeof *r), *note = malloc(RATE * sizeof *note);
    sig_noise(l, n, 0.0005f, 21);
    sig_noise(r, n, 0.0005f, 22);
    /* 4..16 s: a melody of 0.5 s notes on the A440 grid (harmonic tones, as a keyboard plays) */
    static const int semis[] = {0, 2, 4, 5, 7, 5, 4, 2};
    for (int k = 0; k < 24; k++) {
        float f0 = 220.0f * powf(2.0f, semis[k % 8] / 12.0f);
        sig_harmonics(note, RATE / 2, RATE, f0, 1, 6, 0.15f);
        sig_add(r + (size_t)(4 * RATE) + (size_t)k * (RATE / 2), note, RATE / 2, 1.0f);
    }
    run_res res = run_analyzer(l, r, n);
    print_message("notes: %d holds, %.2f-%.2f s\n", res.holds, res.hold_start, res.hold_end);
    assert_int_equal(res.holds, 1);
    assert_true(res.hold_start > 3.5 && res.hold_start < 4.5);
    assert_true(res.hold_end > 15.5 && res.hold_end < 16.5);

    /* the same loudness and rhythm with a gliding, off-grid pitch (intonation): no hold */
    memset(r, 0, n * sizeof *r);
    sig_noise(r, n, 0.0005f, 22);
    for (int k = 0; k < 24; k++) {
        float *dst = r + (size_t)(4 * RATE) + (size_t)k * (RATE / 2);
        double ph = 0.0;
        for (int i = 0; i < RATE / 2; i++) {
            double f0 = 131.0 + 25.0 * sin(6.2831853 * (k * 0.5 + i / (double)RATE) * 0.7);
            ph += 6.2831853 * f0 / RATE;
            float v = 0.0f;
            for (int h = 1; h <= 6; h++) v += (float)(sin(h * ph) / h);
            dst[i] += 0.06f * v * (i < RATE * 2 / 5 ? 1.0f : 0.0f);   /* 100 ms pause per "word" */
        }
    }
    res = run_analyzer(l, r, n);
    print_message("gliding voice: %d holds, %d speech hops\n", res.holds, res.speech_hops);
    assert_int_equal(res.holds, 0);
    assert_true(res.speech_hops > 800);
    free(l);
    free(r);
    free(note);
}

/* eight digits of 100 ms with 100 ms gaps from 3 s into r: 697 + 1209 Hz ("1") and 852 + 1477
 * ("9"), each tone at amplitude 0.08 */
static void dial(float *r)
{
    size_t m = RATE / 10;
    float *lo = malloc(m * sizeof *lo), *hi = malloc(m * sizeof *hi);
    for (int k = 0; k < 8; k++) {
        size_t a = (size_t)(3 * RATE) + (size_t)k * (RATE / 5);
        memset(lo, 0, m * sizeof *lo);
        memset(hi, 0, m * sizeof *hi);
        sig_sine(lo, m, RATE, k % 2 ? 852.0f : 697.0f, 0.08f);
        sig_sine(hi, m, RATE, k % 2 ? 1477.0f : 1209.0f, 0.08f);
        sig_add(r + a, lo, m, 1.0f);
        sig_add(r + a, hi, m, 1.0f);
    }
    free(lo);
    free(hi);
}

/* The digits on the caller's leg over faint hiss, or (rumble) dialled in a street: a car's rumble
 * (under 200 Hz) 11 dB under them. Read plainly the rumble took 10-15 % of the tone window's
 * energy and the digits were no tone, but speech (seed 20 c13). */
static run_res dtmf_call(int rumble)
{
    size_t n = 10 * RATE;
    float *l = calloc(n, sizeof *l), *r = calloc(n, sizeof *r);
    sig_noise(l, n, 0.0005f, 31);
    sig_noise(r, n, rumble ? 1.0f : 0.0005f, 32);
    if (rumble) {
        /* two one-pole low-passes at 100 Hz, then to 11 dB under the digits (rms 0.08) */
        float a = expf(-6.2831853f * 100.0f / RATE), y1 = 0.0f, y2 = 0.0f;
        double e = 0.0;
        for (size_t i = 0; i < n; i++) {
            y1 = (1.0f - a) * r[i] + a * y1;
            y2 = (1.0f - a) * y1 + a * y2;
            r[i] = y2;
            e += (double)y2 * y2;
        }
        float g = 0.08f * powf(10.0f, -11.0f / 20.0f) / (float)sqrt(e / (double)n);
        for (size_t i = 0; i < n; i++) r[i] *= g;
    }
    dial(r);
    run_res res = run_analyzer(l, r, n);
    print_message("dtmf%s: %d speech hops, %d holds\n", rumble ? " in rumble" : "", res.speech_hops, res.holds);
    free(l);
    free(r);
    return res;
}

static void test_dtmf_is_not_speech(void **state)
{
    (void)state;
    for (int rumble = 0; rumble < 2; rumble++) {
        run_res res = dtmf_call(rumble);
        assert_true(res.speech_hops <= 10);
        assert_int_equal(res.holds, 0);
    }
}

/* Mains hum on the caller's leg (60 Hz and four harmonics over faint hiss), before the caller
 * has said a word, which a line's AGC lifts from -50 to -36 dBFS within half a second and holds
 * there for 3 s, every 6 s (the floor, a 3 s minimum, stays under it): the pitch tracker reads a
 * voice standing on 60 Hz, and it started speech that "talked" over every turn of the agent's
 * (seed 26 c32, seed 24 c17). */
static void test_mains_hum_is_not_speech(void **state)
{
    (void)state;
    size_t n = 20 * RATE;
    float *l = calloc(n, sizeof *l), *r = calloc(n, sizeof *r), *hum = calloc(n, sizeof *hum);
    sig_noise(l, n, 0.0005f, 41);
    sig_noise(r, n, 0.0005f, 42);
    sig_harmonics(hum, n, RATE, 60.0f, 1, 5, 1.0f);
    float g0 = powf(10.0f, (-50.0f - sig_rms_db(hum, n)) / 20.0f);
    for (size_t i = 0; i < n; i++) {
        double t = fmod((double)i / RATE, 6.0);
        double up_db = t < 3.0 ? 0.0 : fmin(14.0, 28.0 * (t - 3.0));
        r[i] += hum[i] * g0 * powf(10.0f, (float)up_db / 20.0f);
    }
    run_res res = run_analyzer(l, r, n);
    print_message("mains hum under an AGC: %d speech hops\n", res.speech_hops);
    assert_true(res.speech_hops <= 10);
    free(l);
    free(r);
    free(hum);
}

/* Keyed digits through a line, replayed from their hop features: what the front measured on one
 * digit of the realistic corpus (c14: DTMF under AGC with line echo, a digit whose pitch reads
 * near the caller's). The 30 ms tone window reads
 * the burst's ramps as part tone, so the ramp hops are loud, voiced and no tone yet: three of
 * them started a speech segment at every digit, and the digits chained into speech (and broke
 * the dead air they were keyed in). The caller has spoken before, so their level is known. */
static void test_keyed_digits_are_not_speech(void **state)
{
    (void)state;
    static const struct { float level_db, f0_hz, tone; } digit[] = {
        {-55.3f, 0.0f, 0.20f}, {-30.4f, 191.3f, 0.52f}, {-27.5f, 191.3f, 0.87f},
        {-27.5f, 191.3f, 1.00f}, {-27.5f, 191.3f, 1.02f}, {-27.5f, 191.2f, 0.99f},
        {-27.7f, 191.3f, 0.99f}, {-27.6f, 191.3f, 0.99f}, {-27.5f, 191.3f, 1.02f},
        {-27.6f, 191.3f, 0.91f}, {-30.3f, 191.2f, 0.57f}};
    const int nd = (int)(sizeof digit / sizeof digit[0]), gap = 9, talk = 150, lead = 300;
    const int hops = lead + 16 * (nd + gap) + 700;
    tm_frame *f = calloc((size_t)hops * 2, sizeof *f);
    for (int h = 0; h < hops; h++)
        for (int c = 0; c < 2; c++) {
            tm_frame *x = &f[h * 2 + c];
            x->start = (int64_t)h * HOP;
            x->channel = c;
            x->level_db = -66.0f;
            x->loudness_lufs = -66.0f;
        }
    for (int h = 50; h < 50 + talk; h++) {   /* the caller: 1.5 s at 180 Hz, -22 dBFS */
        tm_frame *x = &f[h * 2 + TM_CALLER];
        x->level_db = x->loudness_lufs = -22.0f;
        x->f0_hz = x->f0_live_hz = 180.0f;
        x->voicing = 0.9f;
    }
    for (int k = 0; k < 16; k++)
        for (int i = 0; i < nd; i++) {
            tm_frame *x = &f[(lead + k * (nd + gap) + i) * 2 + TM_CALLER];
            x->level_db = x->loudness_lufs = digit[i].level_db;
            x->f0_hz = x->f0_live_hz = digit[i].f0_hz;
            x->voicing = digit[i].f0_hz > 0.0f ? 0.9f : 0.2f;
            x->tone_frac = digit[i].tone;
        }
    tm_config cfg = tm_config_default(RATE);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&cfg, &a), TM_OK);
    assert_int_equal(tm_analyzer_process_frames(a, f, (size_t)hops), TM_OK);
    tm_analyzer_finish(a);
    int phrase_hops = 0, digit_hops = 0, silences = 0;
    double sil_start = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (ev.type == TM_EV_SPEECH && ev.start < (int64_t)lead * HOP)
            phrase_hops += (int)((ev.end - ev.start) / HOP);
        else if (ev.type == TM_EV_SPEECH)
            digit_hops += (int)((ev.end - ev.start) / HOP);
        else if (ev.type == TM_EV_SILENCE && ev.final) {
            silences++;
            sil_start = (double)ev.start / RATE;
        }
    }
    tm_analyzer_destroy(a);
    free(f);
    print_message("keyed digits: %d speech hops (phrase %d), %d silences from %.2f s\n", digit_hops,
                  phrase_hops, silences, sil_start);
    assert_true(phrase_hops > 120);
    assert_int_equal(digit_hops, 0);
    /* the dead air runs from the end of the phrase (2 s) through the digits */
    assert_int_equal(silences, 1);
    assert_true(sil_start > 1.9 && sil_start < 2.2);
}

/* The whole pipeline with the built-in profile over these hop features (freed). */
static tm_analyzer *run_frames(tm_frame *f, int hops)
{
    tm_config cfg = tm_config_default(RATE);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&cfg, &a), TM_OK);
    assert_int_equal(tm_analyzer_process_frames(a, f, (size_t)hops), TM_OK);
    tm_analyzer_finish(a);
    free(f);
    return a;
}

/* Replays hop features: a voiced stretch per entry on one channel, floor noise elsewhere. */
typedef struct { int ch; double start_s, end_s; float level_db, f0_hz; } stretch;

/* hops of both channels at a quiet line's level (-66 dBFS), unvoiced */
static tm_frame *quiet_frames(int hops)
{
    tm_frame *f = calloc((size_t)hops * 2, sizeof *f);
    for (int h = 0; h < hops; h++)
        for (int c = 0; c < 2; c++) {
            tm_frame *x = &f[h * 2 + c];
            x->start = (int64_t)h * HOP;
            x->channel = c;
            x->level_db = x->loudness_lufs = -66.0f;
        }
    return f;
}

static tm_analyzer *replay(const stretch *st, int ns, int hops)
{
    tm_frame *f = quiet_frames(hops);
    for (int i = 0; i < ns; i++)
        for (int h = (int)(st[i].start_s * 100.0); h < (int)(st[i].end_s * 100.0) && h < hops; h++) {
            tm_frame *x = &f[h * 2 + st[i].ch];
            x->level_db = x->loudness_lufs = st[i].level_db;
            x->f0_hz = x->f0_live_hz = st[i].f0_hz;
            x->voicing = 0.9f;
        }
    return run_frames(f, hops);
}

/* In dead air a neighbour's word at the agent's pitch crosses the speech gate for 300 ms, 11 dB
 * under the agent's level: the agent's own short words peak within 8 dB of it. It is no speech,
 * and the dead air around it is one silence, from the agent's last word to the caller's. */
static void test_neighbours_word_in_dead_air_is_not_speech(void **state)
{
    (void)state;
    const stretch st[] = {{TM_AGENT, 0.5, 2.5, -20.0f, 200.0f}, {TM_AGENT, 5.0, 5.3, -31.0f, 205.0f},
                          {TM_CALLER, 10.5, 12.0, -22.0f, 120.0f}};
    tm_analyzer *a = replay(st, 3, 1300);
    int agent_speech = 0, silences = 0;
    double sil_start = -1.0, sil_end = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (ev.type == TM_EV_SPEECH && ev.speaker == TM_AGENT) agent_speech++;
        if (ev.type == TM_EV_SILENCE && ev.final) {
            silences++;
            sil_start = (double)ev.start / RATE;
            sil_end = (double)ev.end / RATE;
        }
    }
    tm_analyzer_destroy(a);
    print_message("agent speech events %d, %d silences, last %.2f-%.2f s\n", agent_speech, silences,
                  sil_start, sil_end);
    assert_int_equal(agent_speech, 1);
    assert_int_equal(silences, 1);
    assert_true(fabs(sil_start - 2.5) < 0.05 && fabs(sil_end - 10.5) < 0.05);
    /* the agent's own "mm", 7 dB under, is speech */
    const stretch st2[] = {{TM_AGENT, 0.5, 2.5, -20.0f, 200.0f}, {TM_AGENT, 5.0, 5.3, -27.0f, 205.0f},
                           {TM_CALLER, 10.5, 12.0, -22.0f, 120.0f}};
    a = replay(st2, 3, 1300);
    agent_speech = 0;
    while (tm_analyzer_next_event(a, &ev))
        if (ev.type == TM_EV_SPEECH && ev.speaker == TM_AGENT) agent_speech++;
    tm_analyzer_destroy(a);
    assert_int_equal(agent_speech, 2);
}

/* The caller says "mm" into the agent's turn, then a neighbour's words at the caller's pitch,
 * 11 dB under them, reach the caller's headset 0.3 s later: the "mm" stays a backchannel, and
 * the neighbour neither carries it on into an interruption of the agent nor is speech. */
static void test_neighbour_after_a_backchannel_is_no_interruption(void **state)
{
    (void)state;
    const stretch st[] = {{TM_CALLER, 0.3, 2.0, -22.0f, 200.0f}, {TM_AGENT, 2.3, 8.0, -20.0f, 120.0f},
                          {TM_CALLER, 4.0, 4.3, -26.0f, 205.0f}, {TM_CALLER, 4.6, 4.9, -33.0f, 200.0f},
                          {TM_CALLER, 5.1, 5.4, -33.0f, 210.0f}};
    tm_analyzer *a = replay(st, 5, 900);
    int intr = 0, bc = 0, caller_speech = 0;
    double bc_start = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (ev.type == TM_EV_INTERRUPTION) intr++;
        if (ev.type == TM_EV_BACKCHANNEL) {
            bc++;
            bc_start = (double)ev.start / RATE;
        }
        if (ev.type == TM_EV_SPEECH && ev.speaker == TM_CALLER) caller_speech++;
    }
    tm_analyzer_destroy(a);
    print_message("%d interruptions, %d backchannels (from %.2f s), %d caller speech events\n", intr, bc,
                  bc_start, caller_speech);
    assert_int_equal(intr, 0);
    assert_int_equal(bc, 1);
    assert_true(fabs(bc_start - 4.0) < 0.05);
    assert_int_equal(caller_speech, 2);
}

/* A caller in a car: engine noise at -31 dBFS from the first hop, with a voiced hum of the engine
 * now and then at the noise's own level, and the caller's first words at 6.6 s. Nothing before
 * them is speech: the floor reads the noise from the start of the call, not after its first
 * window (a quiet line assumed until then made the hum "caller speech" in the first 3 s). */
static void test_noise_from_the_first_hop_is_not_speech(void **state)
{
    (void)state;
    int hops = 900;
    uint64_t seed = 17;
    tm_frame *f = calloc((size_t)hops * 2, sizeof *f);
    int hum_at = 20, hum_len = 0;
    float hum_hz = 0.0f;
    for (int h = 0; h < hops; h++)
        for (int c = 0; c < 2; c++) {
            tm_frame *x = &f[h * 2 + c];
            x->start = (int64_t)h * HOP;
            x->channel = c;
            x->level_db = x->loudness_lufs = c == TM_CALLER ? -32.5f + 3.0f * lcg_uniform(&seed) : -66.0f;
            if (c == TM_CALLER && h == hum_at) {   /* the hum: 100-200 ms, 0.4-1.2 s apart */
                hum_len = 10 + (int)(10.0f * lcg_uniform(&seed));
                hum_hz = 80.0f + 20.0f * lcg_uniform(&seed);
                hum_at = h + hum_len + 40 + (int)(80.0f * lcg_uniform(&seed));
            }
            if (c == TM_CALLER && hum_len > 0) {
                hum_len--;
                x->f0_hz = x->f0_live_hz = hum_hz;
                x->voicing = 0.6f;
            }
            double t = h / 100.0;
            if (c == TM_AGENT && t >= 0.5 && t < 2.5) {
                x->level_db = x->loudness_lufs = -20.0f;
                x->f0_hz = x->f0_live_hz = 200.0f;
                x->voicing = 0.9f;
            }
            if (c == TM_CALLER && t >= 6.6 && t < 8.4) {   /* intonation: no steady note of music */
                x->level_db = x->loudness_lufs = -20.0f + 3.0f * (float)sin(t * 9.0);
                x->f0_hz = x->f0_live_hz = 110.0f * powf(2.0f, 0.15f * (float)sin(t * 11.0));
                x->voicing = 0.9f;
            }
        }
    tm_analyzer *a = run_frames(f, hops);
    int caller_speech = 0, backchannels = 0;
    double first = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (ev.type == TM_EV_SPEECH && ev.speaker == TM_CALLER && caller_speech++ == 0)
            first = (double)ev.start / RATE;
        if (ev.type == TM_EV_BACKCHANNEL) backchannels++;
    }
    tm_analyzer_destroy(a);
    print_message("%d caller speech events, the first from %.2f s; %d backchannels\n", caller_speech, first,
                  backchannels);
    assert_int_equal(caller_speech, 1);
    assert_true(fabs(first - 6.6) < 0.05);
    assert_int_equal(backchannels, 0);
}

/* The agent hands over: the caller comes in 0.2 s before the agent's phrase ends, and the agent
 * answers "mm" after a quiet pause of 0.4 s: a hand-over and a backchannel, no interruption. Had
 * the agent gone on talking after that pause, the caller would have cut into their turn. */
static void test_uh_huh_after_a_hand_over_is_no_interruption(void **state)
{
    (void)state;
    /* and a caller who says only 1.2 s while the agent's "mm" (0.9 s) or their going on is heard:
     * a short turn, or an interruption; no backchannel (longer than one) either way */
    for (int k = 0; k < 4; k++) {
        int goes_on = k % 2, short_caller = k / 2;
        const stretch st[] = {{TM_AGENT, 0.5, 3.0, -20.0f, 200.0f},
                              {TM_CALLER, 2.8, short_caller ? 4.0 : 6.0, -22.0f, 120.0f},
                              {TM_AGENT, 3.4, goes_on ? 5.0 : short_caller ? 4.3 : 3.65, -24.0f, 205.0f}};
        tm_analyzer *a = replay(st, 3, 800);
        int intr = 0, bc = 0, caller_bc = 0, by = -1;
        tm_event ev;
        while (tm_analyzer_next_event(a, &ev)) {
            if (ev.type == TM_EV_INTERRUPTION && ev.final) {
                intr++;
                by = ev.speaker;
            }
            if (ev.type == TM_EV_BACKCHANNEL && ev.speaker == TM_AGENT) bc++;
            if (ev.type == TM_EV_BACKCHANNEL && ev.speaker == TM_CALLER) caller_bc++;
        }
        tm_analyzer_destroy(a);
        print_message("caller %s, agent %s: %d interruptions (by %d), %d agent and %d caller backchannels\n",
                      short_caller ? "1.2 s" : "3.2 s", goes_on ? "goes on" : "says mm", intr, by, bc, caller_bc);
        assert_int_equal(caller_bc, 0);
        if (goes_on) {
            assert_int_equal(intr, 1);
            assert_int_equal(by, TM_CALLER);
        } else {
            assert_int_equal(intr, 0);
            if (!short_caller) assert_int_equal(bc, 1);
        }
    }
}

/* A recording cut to start mid-phrase: the agent talks from the first hop, syllables of 150 ms
 * with 50 ms dips 25 dB down (stop closures, joins) between them. The floor reads the minimum
 * heard so far, and the first dip shows it the voice is no noise: speech is found from the
 * syllable after it (the first, before any dip, is the price), and the rest of the phrase is one
 * segment. (A steady sound from the first hop is the floor: no level statistic tells it from
 * noise.) */
static void test_speech_from_the_first_hop_is_found(void **state)
{
    (void)state;
    int hops = 400;
    tm_frame *f = quiet_frames(hops);
    for (int h = 0; h < 300; h++) {
        tm_frame *x = &f[h * 2 + TM_AGENT];
        int syl = h % 20 < 15;
        x->level_db = x->loudness_lufs = syl ? -20.0f : -45.0f;
        x->f0_hz = x->f0_live_hz = syl ? 200.0f * powf(2.0f, 0.1f * (float)sin(h * 0.2)) : 0.0f;
        x->voicing = syl ? 0.9f : 0.1f;
    }
    tm_analyzer *a = run_frames(f, hops);
    int n = 0;
    double first = -1.0, end = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev))
        if (ev.type == TM_EV_SPEECH && ev.speaker == TM_AGENT && n++ == 0) {
            first = (double)ev.start / RATE;
            end = (double)ev.end / RATE;
        }
    tm_analyzer_destroy(a);
    print_message("%d agent speech events, the first %.2f-%.2f s\n", n, first, end);
    assert_int_equal(n, 1);
    assert_true(first >= 0.0 && first < 0.25);
    assert_true(fabs(end - 2.95) < 0.1);
}

/* Counts of one run's final events. */
typedef struct { int speech[2], silences, interruptions, raised[2]; double sil_start, sil_end; } tally;

static tally tally_of(tm_analyzer *a)
{
    tally t;
    memset(&t, 0, sizeof t);
    t.sil_start = t.sil_end = -1.0;
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        if (ev.type == TM_EV_SPEECH) t.speech[ev.speaker]++;
        if (ev.type == TM_EV_INTERRUPTION && ev.final) t.interruptions++;
        if (ev.type == TM_EV_RAISED_VOICE && ev.final) t.raised[ev.speaker]++;
        if (ev.type == TM_EV_SILENCE && ev.final) {
            t.silences++;
            t.sil_start = (double)ev.start / RATE;
            t.sil_end = (double)ev.end / RATE;
        }
    }
    tm_analyzer_destroy(a);
    return t;
}

/* Neighbours talk behind the caller for 12 s before the caller's first word, 26 dB under the
 * caller's voice and an octave under its pitch: their voice sets the caller's level and raised-
 * voice baselines. The caller's normal voice then is no raised voice: once the speech gate has
 * learnt the caller's own level, the baselines start again from it. */
static void test_babble_before_the_caller_is_not_their_normal_voice(void **state)
{
    (void)state;
    stretch st[40];
    int ns = 0;
    for (int k = 0; k < 20; k++) st[ns++] = (stretch){TM_CALLER, 0.5 + 0.55 * k, 0.8 + 0.55 * k, -46.0f, 110.0f};
    const stretch talk[] = {{TM_AGENT, 0.3, 3.0, -20.0f, 120.0f},      {TM_CALLER, 13.0, 16.0, -20.0f, 220.0f},
                            {TM_CALLER, 17.0, 19.0, -20.0f, 225.0f},   {TM_AGENT, 20.0, 24.0, -20.0f, 120.0f},
                            {TM_CALLER, 25.0, 29.0, -20.0f, 215.0f},   {TM_AGENT, 30.0, 34.0, -20.0f, 120.0f},
                            {TM_CALLER, 35.0, 38.0, -20.0f, 220.0f}};
    for (size_t k = 0; k < sizeof talk / sizeof talk[0]; k++) st[ns++] = talk[k];
    tally t = tally_of(replay(st, ns, 4000));
    print_message("raised voices: agent %d, caller %d\n", t.raised[TM_AGENT], t.raised[TM_CALLER]);
    assert_int_equal(t.raised[TM_CALLER], 0);
    assert_int_equal(t.raised[TM_AGENT], 0);
}

/* The agent laughs in dead air: five "ha" pulses of 120 ms at 230 Hz, near an octave over their
 * 120 Hz voice and as loud. The laugh is no speech, and the dead air is one silence from the
 * agent's last word to the caller's first. Short words at the agent's own pitch (250 ms, as
 * long as a "yes", 200 ms apart) are speech; pulses of 120 ms at their own pitch are a laugh too
 * (laugh_pulses_min, tests/test_vad_hops.c). */
static void test_laugh_in_dead_air_is_not_speech(void **state)
{
    (void)state;
    for (int own = 0; own < 2; own++) {
        stretch st[10] = {{TM_AGENT, 0.5, 3.0, -20.0f, 120.0f}, {TM_CALLER, 11.0, 12.5, -22.0f, 200.0f}};
        int ns = 2;
        for (int k = 0; k < 5; k++)
            st[ns++] = own ? (stretch){TM_AGENT, 5.0 + 0.45 * k, 5.25 + 0.45 * k, -20.0f, 125.0f}
                           : (stretch){TM_AGENT, 5.0 + 0.22 * k, 5.12 + 0.22 * k, -20.0f, 230.0f};
        tally t = tally_of(replay(st, ns, 1400));
        print_message("%s: agent speech events %d, %d silences, last %.2f-%.2f s\n",
                      own ? "own pitch" : "laugh", t.speech[TM_AGENT], t.silences, t.sil_start, t.sil_end);
        if (own) {
            assert_int_equal(t.speech[TM_AGENT], 2);
            continue;
        }
        assert_int_equal(t.speech[TM_AGENT], 1);
        assert_int_equal(t.silences, 1);
        assert_true(fabs(t.sil_start - 3.0) < 0.05 && fabs(t.sil_end - 11.0) < 0.05);
    }
}

/* The agent laughs for 1.3 s while the caller talks: no interruption of the caller. */
static void test_laugh_over_the_caller_is_no_interruption(void **state)
{
    (void)state;
    stretch st[12] = {{TM_AGENT, 0.3, 2.5, -20.0f, 120.0f}, {TM_CALLER, 3.0, 9.0, -22.0f, 200.0f}};
    int ns = 2;
    for (int k = 0; k < 6; k++)
        st[ns++] = (stretch){TM_AGENT, 5.0 + 0.22 * k, 5.12 + 0.22 * k, -20.0f, 240.0f};
    tally t = tally_of(replay(st, ns, 1100));
    print_message("%d interruptions, agent speech events %d\n", t.interruptions, t.speech[TM_AGENT]);
    assert_int_equal(t.interruptions, 0);
    assert_int_equal(t.speech[TM_AGENT], 1);
}

/* Dead air of 8 s after the agent's last word, in which a neighbour's words at the agent's pitch
 * cross the speech gate twice, 8 dB under the agent's level (speech, but no talk that ends dead
 * air): one silence from the agent's last word to the caller's first. The agent's own "hm" at
 * their level in the middle ends it, and neither half lasts 5 s. */
static void test_neighbours_words_do_not_split_dead_air(void **state)
{
    (void)state;
    for (int own = 0; own < 2; own++) {
        const stretch neighbour[] = {{TM_AGENT, 0.5, 3.0, -20.0f, 120.0f}, {TM_AGENT, 5.0, 5.6, -28.0f, 125.0f},
                                     {TM_AGENT, 7.0, 7.5, -28.0f, 118.0f}, {TM_CALLER, 11.0, 12.5, -22.0f, 200.0f}};
        const stretch hm[] = {{TM_AGENT, 0.5, 3.0, -20.0f, 120.0f}, {TM_AGENT, 6.5, 7.0, -21.0f, 120.0f},
                              {TM_CALLER, 11.0, 12.5, -22.0f, 200.0f}};
        tally t = own ? tally_of(replay(hm, 3, 1400)) : tally_of(replay(neighbour, 4, 1400));
        print_message("%s: agent speech events %d, %d silences, last %.2f-%.2f s\n", own ? "own hm" : "neighbour",
                      t.speech[TM_AGENT], t.silences, t.sil_start, t.sil_end);
        if (own) {
            assert_int_equal(t.silences, 0);
            continue;
        }
        assert_int_equal(t.speech[TM_AGENT], 3);
        assert_int_equal(t.silences, 1);
        assert_true(fabs(t.sil_start - 3.0) < 0.05 && fabs(t.sil_end - 11.0) < 0.05);
    }
}

/* The hold stage alone, on scripted hops (exact pitches, no tracker in between): the hops of
 * [from, to) s sound at f0 (0: unvoiced noise), the rest is quiet. Returns the holds reported;
 * *start and *end get the last one's, s. */
typedef struct { double from, to; float f0, f0_alt; } hold_part;
static int stage_holds;
static double stage_start, stage_end;
static double stage_starts[8], stage_ends[8];
static void on_stage_event(void *ctx, const tm_event *ev)
{
    (void)ctx;
    if (ev->type != TM_EV_HOLD) return;
    stage_start = (double)ev->start / 100.0;
    stage_end = (double)ev->end / 100.0;
    if (stage_holds < 8) {
        stage_starts[stage_holds] = stage_start;
        stage_ends[stage_holds] = stage_end;
    }
    stage_holds++;
}

/* ... with the profile's hold_window_s and hold_lead_max_s set to these (0: the default's) */
static float stage_win_s, stage_lead_s;
static int hold_stage_run(const hold_part *parts, int nparts, double call_s)
{
    static tm_hold h;
    tm_config c = tm_config_default(RATE);
    if (stage_win_s > 0.0f) c.hold_window_s = stage_win_s;
    if (stage_lead_s > 0.0f) c.hold_lead_max_s = stage_lead_s;
    tmi_hold_init(&h, &c, 100);
    tm_emitter em = {on_stage_event, NULL};
    stage_holds = 0;
    for (int64_t n = 0; n < (int64_t)(call_s * 100.0); n++) {
        tmi_hop hp;
        memset(&hp, 0, sizeof hp);
        hp.n = n;
        hp.ch = 1;
        hp.level_db = -70.0f;
        double t = (double)n / 100.0;
        for (int k = 0; k < nparts; k++)
            if (t >= parts[k].from && t < parts[k].to) {
                hp.active = 1;
                hp.level_db = -30.0f;
                /* f0_alt: the pitch jumps between the two from hop to hop (never standing still);
                 * f0_alt < 0: a signalling tone at f0 (all of the hop's energy in it) */
                hp.f0_hz = n % 2 && parts[k].f0_alt > 0.0f ? parts[k].f0_alt : parts[k].f0;
                if (parts[k].f0_alt < 0.0f) hp.tone_frac = 1.0f;
            }
        int64_t started;
        tmi_hold_update(&h, &hp, 0, 0, &em, &started);
    }
    tmi_hold_finish(&h, 1, &em);
    return stage_holds;
}

/* The music window rules 3 s after a sound began; when it rules on a hop that is no note and
 * no note follows, the "music" is over by the time it is heard: it heard one note, or a flat
 * voice standing on the grid (seed 26 c12: a 10 ms hold in the agent's words). A held 220 Hz
 * note from 1 s, then 0.3 s of a pitch jumping off the grid from 2.9 s, then quiet: the window
 * rules at 3 s, on the jumping pitch, and no hold is reported. The same note held on to 8 s is
 * a hold from 1 s to 8 s. */
static void test_a_hold_that_never_sounds_again_is_none(void **state)
{
    (void)state;
    const hold_part over[] = {{1.0, 2.9, 220.0f, 0.0f}, {2.9, 3.2, 225.1f, 227.7f}};
    int over_n = hold_stage_run(over, 2, 12.0);
    double os = stage_start, oe = stage_end;
    const hold_part held[] = {{1.0, 8.0, 220.0f, 0.0f}};
    int held_n = hold_stage_run(held, 1, 16.0);
    print_message("one note, then a jumping pitch: %d holds (last %.2f-%.2f s); the note held to 8 s: "
                  "%d holds, %.2f-%.2f s\n", over_n, os, oe, held_n, stage_start, stage_end);
    assert_int_equal(over_n, 0);
    assert_int_equal(held_n, 1);
    assert_true(fabs(stage_start - 1.0) < 0.05 && fabs(stage_end - 8.0) < 0.05);
    /* two hold beeps (0.4 s, 3 s apart) are a hold from the first to the end of the second, though
     * no beep sounds after the hop the second one started it on */
    const hold_part beeps[] = {{2.0, 2.4, 425.0f, -1.0f}, {5.0, 5.4, 425.0f, -1.0f}};
    int beeps_n = hold_stage_run(beeps, 2, 16.0);
    print_message("two beeps: %d holds, %.2f-%.2f s\n", beeps_n, stage_start, stage_end);
    assert_int_equal(beeps_n, 1);
    assert_true(fabs(stage_start - 2.0) < 0.05 && fabs(stage_end - 5.4) < 0.05);
}

/* A lead-in may reach back a window and hold_lead_max_s; with a window shorter than the lead (a
 * profile may ask for 0.5 s and 3 s) it reached into a hold already reported, and two hold events
 * overlapped (a review's probe). Music from 1 s with a 10 ms dropout at 5.6 s, a drone off the
 * grid from 6 s, music again from 8 s: the holds reported never overlap. */
static void test_holds_never_overlap(void **state)
{
    (void)state;
    const float drone = 220.0f * powf(2.0f, 0.5f / 12.0f);
    const hold_part parts[] = {{1.0, 5.6, 220.0f, 0.0f}, {5.61, 6.0, 220.0f, 0.0f}, {6.0, 8.0, drone, 0.0f},
                               {8.0, 14.0, 220.0f, 0.0f}};
    stage_win_s = 0.5f;
    stage_lead_s = 3.0f;
    int n = hold_stage_run(parts, 4, 16.0);
    stage_win_s = stage_lead_s = 0.0f;
    print_message("window 0.5 s, lead 3 s: %d holds:", n);
    for (int k = 0; k < n && k < 8; k++) print_message(" %.2f-%.2f", stage_starts[k], stage_ends[k]);
    print_message(" s\n");
    assert_true(n >= 1 && n <= 8);
    for (int k = 1; k < n; k++) assert_true(stage_starts[k] >= stage_ends[k - 1] - 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floor_skips_digital_silence),
        cmocka_unit_test(test_floor_mean_corrects_fluctuating_noise),
        cmocka_unit_test(test_vad_weak_voiced_sound_does_not_start_speech),
        cmocka_unit_test(test_vad_raised_turn_keeps_normal_voice),
        cmocka_unit_test(test_vad_other_voice_under_talker_does_not_start_speech),
        cmocka_unit_test(test_vad_talker_after_babble_learns_their_level),
        cmocka_unit_test(test_vad_warm_up_won_by_babble_gives_way_to_the_talker),
        cmocka_unit_test(test_vad_clicks_do_not_chain),
        cmocka_unit_test(test_recurring_beeps_are_a_hold),
        cmocka_unit_test(test_dead_air_waits_for_a_hold_of_beeps),
        cmocka_unit_test(test_tuned_notes_are_a_hold_and_speechlike_pitch_is_not),
        cmocka_unit_test(test_dtmf_is_not_speech),
        cmocka_unit_test(test_mains_hum_is_not_speech),
        cmocka_unit_test(test_keyed_digits_are_not_speech),
        cmocka_unit_test(test_neighbours_word_in_dead_air_is_not_speech),
        cmocka_unit_test(test_neighbour_after_a_backchannel_is_no_interruption),
        cmocka_unit_test(test_noise_from_the_first_hop_is_not_speech),
        cmocka_unit_test(test_uh_huh_after_a_hand_over_is_no_interruption),
        cmocka_unit_test(test_speech_from_the_first_hop_is_found),
        cmocka_unit_test(test_babble_before_the_caller_is_not_their_normal_voice),
        cmocka_unit_test(test_laugh_in_dead_air_is_not_speech),
        cmocka_unit_test(test_laugh_over_the_caller_is_no_interruption),
        cmocka_unit_test(test_neighbours_words_do_not_split_dead_air),
        cmocka_unit_test(test_a_hold_that_never_sounds_again_is_none),
        cmocka_unit_test(test_holds_never_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
