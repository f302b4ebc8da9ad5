/* tests/test_hold_ring.c -- a desk phone ringing in the room is no hold.
 *
 * An electronic ringer warbles: two tones alternate 16-25 times a second, in bursts of 0.4-2 s
 * with a cadence. Heard in the room, on the agent's channel, it is loud, periodic and steady for
 * a second or more at a time, as hold music and hold beeps are. A hold beep is one steady tone
 * (or a steady chord); the ringer's two tones take turns. Every call below is synthesized, so
 * the truth is known: the rings hold no hold and no speech, and the beeps and the notes of the
 * same loudness next to them are still a hold. Each call is also replayed from its frames (what
 * eval and calibrate do), which must find the same holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "signal.h"
#include "tonemon.h"
#include "twice.h"

#define RATE 16000
#define HOP 160
#define CALL_S 30

typedef struct { int holds[2], speech_hops[2]; double hold_start, hold_end; } run_res;


static run_res events_of(tm_analyzer *a)
{
    run_res res = {{0, 0}, {0, 0}, 0.0, 0.0};
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        int c = ev.speaker == TM_CALLER;
        if (ev.type == TM_EV_HOLD) {
            res.holds[c]++;
            res.hold_start = (double)ev.start / RATE;
            res.hold_end = (double)ev.end / RATE;
        } else if (ev.type == TM_EV_SPEECH) {
            res.speech_hops[c] += (int)((ev.end - ev.start) / HOP);
        }
    }
    return res;
}

static run_res run_analyzer(const float *l, const float *r, size_t n)
{
    twice t;
    assert_int_equal(twice_analyze(l, r, n, RATE, &t), 0);
    run_res res = events_of(t.audio);
    run_res rep = events_of(t.frames);
    twice_free(&t);
    assert_int_equal(rep.holds[0], res.holds[0]);
    assert_int_equal(rep.holds[1], res.holds[1]);
    return res;
}

/* A ringer sounding tones f1 and f2 in turn, every half period of trill_hz, during the "on" parts
 * of cadence (seconds on, off, on, off, ...), repeated from first until until. retuned: one
 * oscillator retuned at each switch (its phase runs on); else two free-running oscillators gated
 * in turn. */
static void ring(float *x, size_t n, double first, double until, float f1, float f2, float trill_hz,
                 const double *cadence, int parts, int retuned, float amp)
{
    double ph = 0.0;
    for (double t = first; t < until;) {
        for (int k = 0; k < parts; k++) {
            size_t a = (size_t)(t * RATE), m = (size_t)(cadence[k] * RATE);
            if (k % 2 == 0)
                for (size_t i = 0; i < m && a + i < n; i++) {
                    float f = fmod((double)i / RATE * trill_hz, 1.0) >= 0.5 ? f2 : f1;
                    ph = retuned ? ph + 6.283185307 * f / RATE : 6.283185307 * f * (double)(a + i) / RATE;
                    /* 5 ms ramps: a ringer's burst does not click */
                    double env = fmin(1.0, fmin((double)i, (double)(m - i)) / (0.005 * RATE));
                    x[a + i] += amp * (float)(env * sin(ph));
                }
            t += cadence[k];
        }
    }
}

/* The room: the direct sound plus a diffuse tail decaying with T60 of t60_s, at 0 dB
 * direct-to-reverberant, as a ringer a few metres from the agent's microphone is heard. The tail
 * is velvet noise (one +-1 tap every 2 ms on average, at seeded random places, under the
 * exponential decay), which gives a room's response: its gain at two frequencies a few hundred Hz
 * apart differs by several dB. In place. */
static void room(float *x, size_t n, double t60_s, uint64_t seed)
{
    enum { TAPS = 300 };
    size_t at[TAPS];
    float g[TAPS];
    double e = 0.0;
    size_t len = (size_t)(1.2 * t60_s * RATE);
    for (int k = 0; k < TAPS; k++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        at[k] = 48 + (size_t)((seed >> 33) % (len - 48));   /* the first reflection after 3 ms */
        double decay = pow(10.0, -3.0 * (double)at[k] / (t60_s * RATE));
        g[k] = (float)(((seed >> 20) & 1 ? 1.0 : -1.0) * decay);
        e += (double)g[k] * g[k];
    }
    for (int k = 0; k < TAPS; k++) g[k] /= (float)sqrt(e);
    float *y = calloc(n, sizeof *y);
    for (size_t i = 0; i < n; i++) {
        if (x[i] == 0.0f) continue;
        for (int k = 0; k < TAPS; k++)
            if (i + at[k] < n) y[i + at[k]] += g[k] * x[i];
    }
    for (size_t i = 0; i < n; i++) x[i] = 0.7f * (x[i] + y[i]);
    free(y);
}

/* A call in which nobody speaks: both channels a faint noise. */
static void quiet_call(float **l, float **r, size_t *n, unsigned s)
{
    *n = CALL_S * RATE;
    *l = calloc(*n, sizeof **l);
    *r = calloc(*n, sizeof **r);
    sig_noise(*l, *n, 0.0005f, s);
    sig_noise(*r, *n, 0.0005f, s + 1);
}

/* Adds the room sound x (n samples, already through the room) to the agent's channel l. */
static void into(float *l, float *x, size_t n)
{
    sig_add(l, x, n, 1.0f);
    free(x);
}

typedef struct {
    const char *name;
    float f1, f2, trill_hz;
    double cadence[4];
    int parts;
    int reverb;
    double second_s;    /* > 0: a second phone of the hunt group, this much later */
    int retuned;        /* one oscillator retuned (else two gated) */
} ringer;

static const ringer ringers[] = {
    /* the realistic corpus's ringer: 1 kHz and 1.3 kHz at 16 Hz, 1.5 s every 4 s */
    {"1000/1300 Hz at 16 Hz, 1.5 s every 4 s, room", 1000.0f, 1300.0f, 16.0f, {1.5, 2.5}, 2, 1, 0.0, 0},
    {"1000/1300 Hz at 16 Hz, 1.5 s every 4 s, dry", 1000.0f, 1300.0f, 16.0f, {1.5, 2.5}, 2, 0, 0.0, 0},
    /* the North American pair, warbled, at the UK cadence (0.4 on 0.2 off 0.4 on 2 off) */
    {"440/480 Hz at 20 Hz, UK cadence, room", 440.0f, 480.0f, 20.0f, {0.4, 0.2, 0.4, 2.0}, 4, 1, 0.0, 0},
    {"440/480 Hz at 16 Hz, 1.5 s every 4 s, room", 440.0f, 480.0f, 16.0f, {1.5, 2.5}, 2, 1, 0.0, 0},
    /* 1 s on 2 s off, a fast warble */
    {"800/1000 Hz at 25 Hz, 1 s every 3 s, room", 800.0f, 1000.0f, 25.0f, {1.0, 2.0}, 2, 1, 0.0, 0},
    {"425/620 Hz at 20 Hz, 1 s every 3 s, dry", 425.0f, 620.0f, 20.0f, {1.0, 2.0}, 2, 0, 0.0, 0},
    /* a hunt group: two phones of one model ringing, their cadences 2 s apart */
    {"two phones 1000/1300 Hz at 16 Hz, 1.5 s every 4 s, room", 1000.0f, 1300.0f, 16.0f, {1.5, 2.5}, 2, 1, 2.0, 0},
    {"two phones 440/480 Hz at 20 Hz, 1.5 s every 4 s, room", 440.0f, 480.0f, 20.0f, {1.5, 2.5}, 2, 1, 2.0, 0},
    {"two phones 800/1000 Hz at 25 Hz, 2 s every 4 s, room", 800.0f, 1000.0f, 25.0f, {2.0, 2.0}, 2, 1, 1.0, 0},
    {"1000/1300 Hz at 16 Hz, 2 s every 3 s, room", 1000.0f, 1300.0f, 16.0f, {2.0, 1.0}, 2, 1, 0.0, 0},
    /* tones divided from one oscillator (4:5, 3:4): their common subharmonic, on the A440 grid,
     * reads as a pitch standing still */
    {"two phones 880/1100 Hz at 16 Hz, 1.5 s every 4 s, room", 880.0f, 1100.0f, 16.0f, {1.5, 2.5}, 2, 1, 2.0, 1},
    {"990/1320 Hz at 20 Hz, 2 s every 3 s, room", 990.0f, 1320.0f, 20.0f, {2.0, 1.0}, 2, 1, 0.0, 1},
    {"two phones 880/1100 Hz at 25 Hz, UK cadence, room", 880.0f, 1100.0f, 25.0f, {0.4, 0.2, 0.4, 2.0}, 4, 1, 1.5, 1},
    {"two phones 880/1100 Hz at 16 Hz, 1.5 s every 4 s, room, two oscillators", 880.0f, 1100.0f, 16.0f, {1.5, 2.5}, 2, 1, 2.0, 0},
};

static void test_a_ringing_desk_phone_is_no_hold(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t k = 0; k < sizeof ringers / sizeof ringers[0]; k++) {
        const ringer *g = &ringers[k];
        size_t n;
        float *l, *r;
        quiet_call(&l, &r, &n, 41 + 2 * (unsigned)k);
        float *x = calloc(n, sizeof *x);
        /* at a room level: -30 dBFS or so */
        ring(x, n, 3.0, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.045f);
        if (g->second_s > 0.0)
            ring(x, n, 3.0 + g->second_s, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.03f);
        if (g->reverb) room(x, n, 0.5, 100 + k);
        into(l, x, n);
        run_res res = run_analyzer(l, r, n);
        print_message("%s: %d holds on the agent's channel, %d speech hops\n", g->name, res.holds[0],
                      res.speech_hops[0]);
        failed += res.holds[0] != 0 || res.holds[1] != 0;
        free(l);
        free(r);
    }
    assert_int_equal(failed, 0);
}

/* A hold beep of 0.4 s at hz every period s from first until until, added to x. */
static void beeps(float *x, double first, double period, double until, float hz, float amp)
{
    size_t k = (size_t)(0.4 * RATE);
    float *tone = calloc(k, sizeof *tone);
    sig_sine(tone, k, RATE, hz, amp);
    for (double t = first; t < until; t += period) sig_add(x + (size_t)(t * RATE), tone, k, 1.0f);
    free(tone);
}

/* The hold stage still hears a hold next to a ringing phone: steady beeps and tuned notes on the
 * caller's leg while the agent's desk phone rings, and steady beeps heard through the same room
 * (a speakerphone on hold): the room's echo alone is no trill. */
static void test_beeps_and_notes_next_to_a_ring_are_a_hold(void **state)
{
    (void)state;
    const ringer *g = &ringers[10];   /* two phones, 880/1100 Hz: read as a note before */
    size_t n;
    float *l, *r;

    /* 425 Hz beeps of 0.4 s every 3 s from 5 s to 23 s on the caller's leg */
    quiet_call(&l, &r, &n, 61);
    float *x = calloc(n, sizeof *x);
    ring(x, n, 3.0, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.045f);
    ring(x, n, 3.0 + g->second_s, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.03f);
    room(x, n, 0.5, 110);
    into(l, x, n);
    beeps(r, 5.0, 3.0, 23.0, 425.0f, 0.1f);
    run_res res = run_analyzer(l, r, n);
    print_message("caller's beeps, agent's phone ringing: holds %d (caller) %d (agent), caller's %.2f-%.2f s\n",
                  res.holds[1], res.holds[0], res.hold_start, res.hold_end);
    assert_int_equal(res.holds[0], 0);
    assert_int_equal(res.holds[1], 1);
    assert_true(fabs(res.hold_start - 5.0) < 0.2);
    assert_true(fabs(res.hold_end - 20.4) < 0.3);
    free(l);
    free(r);

    /* a melody of 0.5 s notes on the A440 grid from 4 to 16 s on the caller's leg */
    quiet_call(&l, &r, &n, 63);
    x = calloc(n, sizeof *x);
    ring(x, n, 3.0, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.045f);
    ring(x, n, 3.0 + g->second_s, 27.0, g->f1, g->f2, g->trill_hz, g->cadence, g->parts, g->retuned, 0.03f);
    room(x, n, 0.5, 111);
    into(l, x, n);
    static const int semis[] = {0, 2, 4, 5, 7, 5, 4, 2};
    float *note = malloc(RATE / 2 * sizeof *note);
    for (int k = 0; k < 24; k++) {
        sig_harmonics(note, RATE / 2, RATE, 220.0f * powf(2.0f, semis[k % 8] / 12.0f), 1, 6, 0.15f);
        sig_add(r + (size_t)(4 * RATE) + (size_t)k * (RATE / 2), note, RATE / 2, 1.0f);
    }
    free(note);
    res = run_analyzer(l, r, n);
    print_message("caller's notes, agent's phone ringing: holds %d (caller) %d (agent), caller's %.2f-%.2f s\n",
                  res.holds[1], res.holds[0], res.hold_start, res.hold_end);
    assert_int_equal(res.holds[0], 0);
    assert_int_equal(res.holds[1], 1);
    assert_true(res.hold_start > 3.5 && res.hold_start < 4.5);
    assert_true(res.hold_end > 15.5 && res.hold_end < 16.5);
    free(l);
    free(r);

    /* the same melody over 60 Hz mains hum (whose 10 ms level ripples every 5 hops, as a 20 Hz
     * trill would), and no ringer */
    quiet_call(&l, &r, &n, 67);
    note = malloc(RATE / 2 * sizeof *note);
    for (int k = 0; k < 24; k++) {
        sig_harmonics(note, RATE / 2, RATE, 220.0f * powf(2.0f, semis[k % 8] / 12.0f), 1, 6, 0.15f);
        sig_add(r + (size_t)(4 * RATE) + (size_t)k * (RATE / 2), note, RATE / 2, 1.0f);
    }
    free(note);
    x = calloc(n, sizeof *x);
    sig_sine(x, n, RATE, 60.0f, 0.01f);
    sig_add(r, x, n, 1.0f);
    free(x);
    res = run_analyzer(l, r, n);
    print_message("notes over mains hum: holds %d (caller), %.2f-%.2f s\n", res.holds[1], res.hold_start,
                  res.hold_end);
    assert_int_equal(res.holds[1], 1);
    assert_true(res.hold_start > 3.5 && res.hold_start < 4.5);
    assert_true(res.hold_end > 15.5 && res.hold_end < 16.5);
    free(l);
    free(r);

    /* 440 Hz beeps every 4 s from 5 s, through the room, on the agent's channel */
    quiet_call(&l, &r, &n, 65);
    x = calloc(n, sizeof *x);
    beeps(x, 5.0, 4.0, 23.0, 440.0f, 0.045f);
    room(x, n, 0.5, 112);
    into(l, x, n);
    res = run_analyzer(l, r, n);
    print_message("beeps through the room: holds %d (agent) %d (caller), %.2f-%.2f s\n", res.holds[0],
                  res.holds[1], res.hold_start, res.hold_end);
    assert_int_equal(res.holds[0], 1);
    assert_int_equal(res.holds[1], 0);
    assert_true(fabs(res.hold_start - 5.0) < 0.2);
    free(l);
    free(r);
}

/* Hold beeps on the caller's leg leak into the agent's, 25 dB under them, on the same hop
 * (crosstalk in the capture path; seed 53 c08's was 33 dB under, over a quieter floor), and a packet of the caller's leg is lost inside the first
 * beep, after the leak was taken (seed 53 c08). The caller's first beep, split, is too short to
 * be one; the agent's leaked copy is whole, so the agent's leg heard the beeps first and took
 * the caller's hold. A tone far under the other leg's tone on the same hop is that leg's: the
 * hold is the caller's, from its first whole beep. */
static void test_beeps_leaking_into_the_other_leg_are_its_hold(void **state)
{
    (void)state;
    size_t n;
    float *l, *r;
    quiet_call(&l, &r, &n, 69);
    float *x = calloc(n, sizeof *x);
    beeps(x, 5.0, 3.0, 23.0, 620.0f, 0.1f);
    sig_add(r, x, n, 1.0f);
    sig_add(l, x, n, powf(10.0f, -25.0f / 20.0f));
    memset(r + (size_t)(5.2 * RATE), 0, RATE / 50 * sizeof *r);
    free(x);
    run_res res = run_analyzer(l, r, n);
    print_message("caller's beeps, leaking into the agent's leg 25 dB under, a packet of the first lost: "
                  "holds %d (caller) %d (agent), %.2f-%.2f s\n", res.holds[1], res.holds[0], res.hold_start,
                  res.hold_end);
    assert_int_equal(res.holds[1], 1);
    assert_int_equal(res.holds[0], 0);
    assert_true(fabs(res.hold_start - 8.0) < 0.2);
    free(l);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_ringing_desk_phone_is_no_hold),
        cmocka_unit_test(test_beeps_and_notes_next_to_a_ring_are_a_hold),
        cmocka_unit_test(test_beeps_leaking_into_the_other_leg_are_its_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
