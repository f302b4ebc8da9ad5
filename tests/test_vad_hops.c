/* tests/test_vad_hops.c -- the speech segmenter (src/vad.c) alone: exact hops of onset
 * confirmation, hangover, gaps bridged or not, and the unvoiced lead-in, with the thresholds of
 * tm_config_default() (onset 30 ms = 3 hops, hangover 200 ms = 20 hops). The speaker gate and the
 * click bridge: tests/test_noise_stages.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "vad.h"

#define HPS 100
static int H(double s) { return (int)lrint(s * HPS); }

/* ---- adapter: every call into the stage is in this section ------------------------------- */

static tm_vad V;
static int onset, hang;

static float onset_voiced_ms = 10.0f;   /* the profile's value for the next setup() */
static float final_voiced_ms = 30.0f;   /* ... and speech_final_voiced_min_ms's */

static void setup(void)
{
    tm_config c = tm_config_default(16000);
    c.onset_voiced_ms = onset_voiced_ms;
    c.speech_final_voiced_min_ms = final_voiced_ms;
    onset = H(c.onset_ms / 1000.0);
    hang = H(c.hangover_ms / 1000.0);
    tmi_vad_init(&V, &c, HPS);
}
#define VAD_CONFIRMED TMI_SEG_CONFIRMED
#define VAD_CLOSED TMI_SEG_CLOSED
/* one hop; returns the flags, the closed segment in [*s, *e) */
static int feed_hop(int64_t n, int active, int voiced, float level_db, int64_t *s, int64_t *e)
{
    tmi_hop h;
    tmi_span closed = {0, 0, 0};
    memset(&h, 0, sizeof h);
    h.n = n;
    h.active = active;
    h.f0_hz = voiced ? 120.0f : 0.0f;
    h.level_db = level_db;
    int r = tmi_vad_update(&V, &h, &closed);
    if (r & TMI_SEG_CLOSED) {
        *s = closed.start;
        *e = closed.end;
    }
    return r;
}
static int64_t seg_start(void) { return V.seg_start; }

/* one hop at a level and a pitch (0: unvoiced); the flags */
static int feed_voice(int64_t n, float level_db, float f0_hz)
{
    tmi_hop h;
    tmi_span closed = {0, 0, 0};
    memset(&h, 0, sizeof h);
    h.n = n;
    h.active = level_db > -60.0f;   /* the floor at -70 dBFS */
    h.f0_hz = f0_hz;
    h.level_db = level_db;
    return tmi_vad_update(&V, &h, &closed);
}

/* one hop at a level with its live pitch; its final pitch (the pitch path's) reaches the stage
 * 10 hops later, as the analyzer hands it on; the flags */
#define FINAL_LAG 10
static float finals[FINAL_LAG + 1];
static int feed_final(int64_t n, float level_db, float live_hz, float final_hz)
{
    int f = feed_voice(n, level_db, live_hz);
    finals[n % (FINAL_LAG + 1)] = final_hz;
    if (n >= FINAL_LAG) tmi_vad_final_f0(&V, n - FINAL_LAG, finals[(n - FINAL_LAG) % (FINAL_LAG + 1)]);
    return f;
}

/* ---- the script -------------------------------------------------------------------------- */

/* per hop: 0 quiet, 'v' voiced speech, 'u' active unvoiced */
typedef struct { int64_t confirm_hop[8], confirm_start[8], close_hop[8], start[8], end[8]; int nc, nx; } result;

static result run(const char *script_of_hops, int n)
{
    setup();
    result r;
    memset(&r, 0, sizeof r);
    for (int64_t i = 0; i < n; i++) {
        char k = script_of_hops[i];
        int64_t s = -1, e = -1;
        int f = feed_hop(i, k != 0, k == 'v', k ? -20.0f : -70.0f, &s, &e);
        if (f & VAD_CONFIRMED) { r.confirm_hop[r.nc] = i; r.confirm_start[r.nc++] = seg_start(); }
        if (f & VAD_CLOSED) { r.close_hop[r.nx] = i; r.start[r.nx] = s; r.end[r.nx++] = e; }
        assert_true(r.nc < 8 && r.nx < 8);
    }
    return r;
}

static char hops[1000];
static void mark(int from, int to, char k) { for (int i = from; i < to; i++) hops[i] = k; }

/* ---- the tests --------------------------------------------------------------------------- */

static void test_onset_and_hangover_exact(void **state)
{
    (void)state;
    memset(hops, 0, sizeof hops);
    mark(100, 200, 'v');
    result r = run(hops, 400);
    assert_int_equal(r.nc, 1);
    assert_int_equal(r.confirm_hop[0], 100 + onset - 1);    /* the onset's last hop */
    assert_int_equal(r.confirm_start[0], 100);
    assert_int_equal(r.nx, 1);
    assert_int_equal(r.close_hop[0], 199 + hang + 1);       /* the hangover passed */
    assert_int_equal(r.start[0], 100);
    assert_int_equal(r.end[0], 200);                       /* the last active hop, not the hangover */
}

static void test_burst_shorter_than_onset(void **state)
{
    (void)state;
    memset(hops, 0, sizeof hops);
    mark(100, 100 + onset - 1, 'v');
    result r = run(hops, 300);
    assert_int_equal(r.nc, 0);
    assert_int_equal(r.nx, 0);
}

static void test_gap_bridged_up_to_hangover(void **state)
{
    (void)state;
    memset(hops, 0, sizeof hops);
    mark(100, 150, 'v');
    mark(150 + hang, 220, 'v');               /* a gap of exactly the hangover: one segment */
    result r = run(hops, 400);
    assert_int_equal(r.nc, 1);
    assert_int_equal(r.nx, 1);
    assert_int_equal(r.start[0], 100);
    assert_int_equal(r.end[0], 220);

    memset(hops, 0, sizeof hops);
    mark(100, 150, 'v');
    mark(150 + hang + 1, 220, 'v');           /* one hop longer: two */
    r = run(hops, 400);
    assert_int_equal(r.nc, 2);
    assert_int_equal(r.nx, 2);
    assert_int_equal(r.start[0], 100);
    assert_int_equal(r.end[0], 150);
    assert_int_equal(r.start[1], 150 + hang + 1);
    assert_int_equal(r.end[1], 220);
}

/* Past the hangover, up to hangover_strong_ms (300 ms), a pause is still inside the phrase when
 * the talker comes back at their own level and pitch: noise masks the weak syllables in the dips
 * between words. A voice under their level by more than speech_strong_rel_db (6 dB) is no such
 * return: it starts a segment of its own, from its own first hop, as it did after a close. */
typedef struct { int nc, nx; int64_t start[4], end[4], phrase; } spans;
static int feed_spans(int64_t n, float level_db, spans *r)
{
    tmi_hop h;
    tmi_span closed = {0, 0, 0};
    memset(&h, 0, sizeof h);
    h.n = n;
    h.active = level_db > -60.0f;
    h.f0_hz = h.active ? 120.0f : 0.0f;
    h.level_db = level_db;
    h.music_from = -1;   /* no hold music heard */
    int f = tmi_vad_update(&V, &h, &closed);
    if (f & VAD_CONFIRMED) r->nc++;
    if ((f & VAD_CLOSED) && r->nx < 4) {
        r->start[r->nx] = closed.start;
        r->end[r->nx++] = closed.end;
    }
    return f;
}
static spans pause_then(int pause_hops, float back_db)
{
    setup();
    spans r;
    memset(&r, 0, sizeof r);
    int64_t n = 0;
    float lv[4] = {-20.0f, -70.0f, back_db, -70.0f};
    int64_t to[4] = {H(1.5), H(1.5) + pause_hops, H(1.5) + pause_hops + H(0.5), H(4.0)};
    for (int k = 0; k < 4; k++)
        for (; n < to[k]; n++) {
            feed_spans(n, lv[k], &r);
            if (k == 2 && n == to[1] + 5) r.phrase = V.phrase_start;
        }
    return r;
}

static void test_a_pause_the_talker_returns_from_at_their_level_is_bridged(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int strong_hang = H(c.hangover_strong_ms / 1000.0);
    assert_true(strong_hang > H(c.hangover_ms / 1000.0));
    /* a hop's speech flag is final (its frame may go out) only once no later hop can bridge it */
    setup();
    assert_true(tmi_vad_settle_hops(&V) > strong_hang);
    /* 250 ms, back at their level: one phrase, its second part from where they came back */
    spans r = pause_then(H(0.25), -20.0f);
    assert_int_equal(r.nc, 1);
    assert_int_equal(r.nx, 1);
    assert_int_equal(r.start[0], 0);
    assert_int_equal(r.end[0], H(1.5) + H(0.25) + H(0.5));
    assert_int_equal(r.phrase, H(1.5) + H(0.25));
    /* the longest pause so bridged, and one hop longer */
    r = pause_then(strong_hang, -20.0f);
    assert_int_equal(r.nx, 1);
    r = pause_then(strong_hang + 1, -20.0f);
    assert_int_equal(r.nx, 2);
    assert_int_equal(r.start[1], H(1.5) + strong_hang + 1);
    /* 250 ms, back 9 dB under their level (within speech_rel_db, not strong): two segments, the
     * second from its own first hop */
    r = pause_then(H(0.25), -29.0f);
    assert_int_equal(r.nc, 2);
    assert_int_equal(r.nx, 2);
    assert_int_equal(r.end[0], H(1.5));
    assert_int_equal(r.start[1], H(1.5) + H(0.25));
    assert_int_equal(r.end[1], H(1.5) + H(0.25) + H(0.5));
    /* ... but right after a pause of exactly hangover_ms, any anchor carries the segment on */
    r = pause_then(H(c.hangover_ms / 1000.0), -29.0f);
    assert_int_equal(r.nx, 1);
    assert_int_equal(r.phrase, 0);
}

/* The phrase after a bridged pause starts where the talker's sound did, not at their first
 * strong hop; a short burst under their level in such a pause is a segment of its own, as it was
 * after a close; and the floor is held by the longest phrase, not the last one. */
static void test_a_bridged_pause_keeps_the_sound_in_it(void **state)
{
    (void)state;
    spans r;
    /* 1.5 s, 250 ms quiet, 20 ms 9 dB under the level (shorter than an onset), then back at it */
    setup();
    memset(&r, 0, sizeof r);
    int64_t n = 0;
    for (; n < H(1.5); n++) feed_spans(n, -20.0f, &r);
    for (; n < H(1.75); n++) feed_spans(n, -70.0f, &r);
    for (; n < H(1.77); n++) feed_spans(n, -29.0f, &r);
    for (; n < H(2.3); n++) feed_spans(n, -20.0f, &r);
    assert_int_equal(V.phrase_start, H(1.75));
    for (; n < H(3.5); n++) feed_spans(n, -70.0f, &r);
    assert_int_equal(r.nx, 1);
    assert_int_equal(r.end[0], H(2.3));
    /* 1.5 s, 260 ms quiet, a 30 ms burst 9 dB under the level, quiet again */
    setup();
    memset(&r, 0, sizeof r);
    for (n = 0; n < H(1.5); n++) feed_spans(n, -20.0f, &r);
    for (; n < H(1.76); n++) feed_spans(n, -70.0f, &r);
    for (; n < H(1.79); n++) feed_spans(n, -29.0f, &r);
    for (; n < H(3.0); n++) feed_spans(n, -70.0f, &r);
    assert_int_equal(r.nc, 2);
    assert_true(r.nx >= 1);
    assert_int_equal(r.end[0], H(1.5));
    if (r.nx == 2) assert_int_equal(r.start[1], H(1.76));
    /* 2.5 s (a held floor: 2 * backchannel_max_s is 2 s), a bridged pause, a last 0.3 s */
    setup();
    memset(&r, 0, sizeof r);
    for (n = 0; n < H(2.5); n++) feed_spans(n, -20.0f, &r);
    for (; n < H(2.75); n++) feed_spans(n, -70.0f, &r);
    for (; n < H(3.05); n++) feed_spans(n, -20.0f, &r);
    for (; n < H(4.0); n++) feed_spans(n, -70.0f, &r);
    assert_int_equal(r.nx, 1);
    assert_int_equal(V.held_floor, 1);
    /* ... and bursts a bridged pause apart (after a first second that sets the level) are no
     * held floor */
    setup();
    memset(&r, 0, sizeof r);
    for (n = 0; n < H(1.0); n++) feed_spans(n, -20.0f, &r);
    for (; n < H(1.5); n++) feed_spans(n, -70.0f, &r);
    for (; n < H(4.5); n++) feed_spans(n, (n - H(1.5)) % 55 < 30 ? -20.0f : -70.0f, &r);
    for (; n < H(5.5); n++) feed_spans(n, -70.0f, &r);
    assert_int_equal(r.nx, 2);
    assert_true(r.end[1] - r.start[1] > H(2.5));
    assert_int_equal(V.held_floor, 0);
}

static void test_unvoiced_lead_in(void **state)
{
    (void)state;
    /* a fricative onset of 100 ms before the vowel is kept */
    memset(hops, 0, sizeof hops);
    mark(90, 100, 'u');
    mark(100, 150, 'v');
    result r = run(hops, 300);
    assert_int_equal(r.nc, 1);
    assert_int_equal(r.confirm_hop[0], 100);                /* confirmed by the first vowel hop */
    assert_int_equal(r.confirm_start[0], 90);
    /* 500 ms of unvoiced sound as loud as the vowel before it: it did not rise into the vowel,
     * so it is no fricative of the talker's (a fan, a neighbour), and the vowel starts speech */
    memset(hops, 0, sizeof hops);
    mark(50, 100, 'u');
    mark(100, 150, 'v');
    r = run(hops, 300);
    assert_int_equal(r.confirm_start[0], 100);
    /* unvoiced activity alone never starts speech */
    memset(hops, 0, sizeof hops);
    mark(50, 250, 'u');
    r = run(hops, 400);
    assert_int_equal(r.nc, 0);
}

/* Babble or street noise 12 dB under the talker keeps every hop active: the lead-in reaches
 * back only over what rose out of it (onset_lead_rise_db 6 dB), or its 200 ms of noise date the
 * talker's every onset early. Out of quiet, the whole 200 ms are kept. */
static int64_t onset_over(float noise_db, float lead_db, int lead_hops)
{
    setup();
    int64_t start = -1;
    for (int64_t n = 0; n < 300; n++) {
        float db = n < 200 - lead_hops ? noise_db : n < 200 ? lead_db : -20.0f;
        if (feed_voice(n, db, n >= 200 ? 120.0f : 0.0f) & TMI_SEG_CONFIRMED) start = seg_start();
    }
    return start;
}

static void test_lead_in_rises_out_of_the_noise(void **state)
{
    (void)state;
    assert_int_equal(onset_over(-32.0f, -32.0f, 0), 200);     /* the vowel out of the noise */
    assert_int_equal(onset_over(-32.0f, -25.0f, 8), 192);     /* an 80 ms fricative over it */
    assert_int_equal(onset_over(-32.0f, -28.0f, 8), 200);     /* 4 dB over it: the noise's own */
    assert_int_equal(onset_over(-80.0f, -45.0f, 30), 180);    /* out of quiet: 200 ms at most */
    tm_config c = tm_config_default(16000);
    assert_true(c.onset_lead_rise_db == 6.0f);
}

/* onset_voiced_ms 30 (3 anchors): a distant talker's vowel peak of two hops inside an active
 * run is not speech, three are; anchors spread wider than twice their time after the lead-in
 * (20 + 2 x 3 hops) never add up. */
static void test_onset_needs_its_voiced_hops(void **state)
{
    (void)state;
    onset_voiced_ms = 30.0f;
    memset(hops, 0, sizeof hops);
    mark(100, 110, 'u');
    mark(105, 107, 'v');                        /* two voiced hops: no speech */
    result r = run(hops, 300);
    assert_int_equal(r.nc, 0);
    mark(107, 108, 'v');                        /* a third: speech, from the run's start */
    r = run(hops, 300);
    assert_int_equal(r.nc, 1);
    assert_int_equal(r.confirm_hop[0], 107);
    assert_int_equal(r.confirm_start[0], 100);
    /* unvoiced hum with a voiced hop every 15 hops: the run restarts, never confirmed */
    memset(hops, 0, sizeof hops);
    mark(100, 400, 'u');
    for (int i = 100; i < 400; i += 15) hops[i] = 'v';
    r = run(hops, 500);
    assert_int_equal(r.nc, 0);
    onset_voiced_ms = 10.0f;
}

/* Neighbours' babble 8 dB under the talker (inside the gate's speech_rel_db, so its voiced hops
 * carry speech) at other pitches (150-170 Hz against the talker's 120 Hz), after a talker who
 * set their level at -20 dBFS: the talker's phrase ends within speech_strong_gap_ms and a bridge
 * of their last word, not when the babble stops 3 s later; what the babble alone starts is
 * taken back (never near the talker's level, mostly not at their pitch). The talker's own quiet
 * "mm" (8 dB under, its pitch falling under their register) stays speech. */
static void test_babble_does_not_carry_the_talkers_phrase_on(void **state)
{
    (void)state;
    setup();
    int64_t n = 0, phrase_end = -1;
    int closed = 0, withdrawn = 0, mm_kept = 0;
    for (int i = 0; i < H(3.0); i++, n++) feed_voice(n, i % 25 < 20 ? -20.0f : -60.0f, i % 25 < 20 ? 120.0f : 0.0f);
    for (; n < H(5.0); n++) {   /* babble, syllables of 150 ms, 30 ms apart */
        int k = (int)(n % 18);
        int f = feed_voice(n, k < 15 ? -28.0f : -40.0f, k < 15 ? (n / 18 % 2 ? 150.0f : 170.0f) : 0.0f);
        if ((f & TMI_SEG_CLOSED) && phrase_end < 0) phrase_end = n;
        else if (f & TMI_SEG_WITHDRAWN) withdrawn++;
        else if (f & TMI_SEG_CLOSED) closed++;
    }
    /* silence, then the talker's "mm" */
    for (; n < H(6.0); n++) feed_voice(n, -70.0f, 0.0f);
    for (int64_t end = n + H(0.4); n < end; n++) feed_voice(n, -28.0f, 120.0f * powf(2.0f, -0.4f * (float)(n - end + H(0.4)) / (float)H(0.4)));
    for (int64_t end = n + H(1.0); n < end; n++) {
        int f = feed_voice(n, -70.0f, 0.0f);
        if ((f & TMI_SEG_CLOSED) && !(f & TMI_SEG_WITHDRAWN)) mm_kept = 1;
    }
    print_message("phrase closed at %.2f s (talker stopped at 3.00 s); babble: %d segments kept, %d taken back; mm kept %d\n",
                  (double)phrase_end / HPS, closed, withdrawn, mm_kept);
    assert_true(phrase_end >= 0 && phrase_end <= H(3.0 + 1.0));
    assert_int_equal(closed, 0);
    assert_true(mm_kept);
}

/* A desk phone rings right after the agent's "uh-huh": a steady voiced tone at 330 Hz (1.5 octave
 * over the agent's 120 Hz), 10 dB under their level, inside the gate's speech_rel_db. It is not
 * their voice (speech_far_oct), so it only bridges like any other sound: the "uh-huh" ends within
 * a bridge of its last word (seed 20 c12: carried on by a ring, it outlasted a backchannel and
 * became an interruption of the caller). */
static void test_ring_does_not_carry_the_talkers_word_on(void **state)
{
    (void)state;
    setup();
    int64_t n = 0, s = -1, e = -1;
    for (int i = 0; i < H(3.0); i++, n++) feed_voice(n, i % 25 < 20 ? -20.0f : -60.0f, i % 25 < 20 ? 120.0f : 0.0f);
    for (; n < H(4.0); n++) feed_voice(n, -70.0f, 0.0f);
    for (; n < H(4.4); n++) feed_voice(n, -22.0f, 120.0f);
    for (; n < H(6.5); n++) {
        tmi_hop h;
        tmi_span closed = {0, 0, 0};
        memset(&h, 0, sizeof h);
        h.n = n;
        h.active = 1;
        h.f0_hz = n < H(5.9) ? 330.0f : 0.0f;
        h.level_db = n < H(5.9) ? -30.0f : -70.0f;
        h.active = n < H(5.9);
        if (tmi_vad_update(&V, &h, &closed) & TMI_SEG_CLOSED) { s = closed.start; e = closed.end; }
    }
    print_message("uh-huh 4.00-4.40 s, ring 4.40-5.90 s: segment %.2f-%.2f s\n", (double)s / HPS, (double)e / HPS);
    assert_true(s >= H(3.9) && s <= H(4.0));
    assert_true(e >= H(4.4) && e <= H(4.4 + 0.3));
}

/* A laugh at the talker's own pitch: "ha" pulses of 100 ms at their level, each after 120 ms
 * at the floor, in dead air after the talker set their level (seed 21 c19: a high voice's
 * laugh, at her register, was 1.3 s of speech and broke a dead air). It is taken back, and a
 * breathy one (unvoiced pulses) is no speech either. Their "uh-huh" of two pulses and a phrase
 * whose syllables are joined by consonants stay speech. */
static int train(int64_t *n, int pulses, int pulse_hops, int gap_hops, float f0_hz, int joined)
{
    int kept = 0, withdrawn = 0;
    for (int p = 0; p < pulses; p++) {
        for (int i = 0; i < pulse_hops; i++, ++*n) feed_voice(*n, -20.0f, f0_hz);
        if (p + 1 < pulses)
            for (int i = 0; i < gap_hops; i++, ++*n) feed_voice(*n, joined ? -40.0f : -75.0f, 0.0f);
    }
    for (int i = 0; i < H(1.0); i++, ++*n) {
        int f = feed_voice(*n, -75.0f, 0.0f);
        if (f & TMI_SEG_WITHDRAWN) withdrawn++;
        else if (f & TMI_SEG_CLOSED) kept++;
    }
    return kept && !withdrawn ? 1 : withdrawn && !kept ? -1 : 0;
}

static void test_laugh_pulses_are_not_speech(void **state)
{
    (void)state;
    setup();
    int64_t n = 0;
    /* a laugh before the talker's first words (seed 24 c19, c29): the loudest of the segment
     * stands for their level */
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    int first = train(&n, 4, 10, 12, 250.0f, 0);
    for (int i = 0; i < H(3.0); i++, n++) feed_voice(n, i % 25 < 20 ? -20.0f : -60.0f, i % 25 < 20 ? 250.0f : 0.0f);
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    int laugh = train(&n, 5, 10, 12, 250.0f, 0);
    int breathy = train(&n, 4, 10, 12, 0.0f, 0);
    int uh_huh = train(&n, 2, 15, 10, 240.0f, 0);
    int phrase = train(&n, 6, 12, 6, 250.0f, 1);
    print_message("laugh before words %d, laugh %d, breathy laugh %d, uh-huh %d, phrase %d (1 kept, -1 taken back)\n",
                  first, laugh, breathy, uh_huh, phrase);
    assert_int_equal(first, -1);
    assert_int_equal(laugh, -1);
    assert_true(breathy <= 0);   /* never speech (unvoiced sound alone starts none) */
    assert_int_equal(uh_huh, 1);
    assert_int_equal(phrase, 1);
}

/* Before the level is known every voiced hop is an anchor: 0.6 s of the babble behind the caller
 * (20 dB under them, at 110 Hz) and then their first words (at 240 Hz) make the first 100. The
 * register is the caller's, from the anchors near the level: their next phrase, a little higher
 * (300 Hz, 0.3 octave), is speech, not a laugh 1.4 octaves over a register set by the babble
 * (seed 31 c21). With the register from all 100 anchors it was taken back. */
static int higher_phrase_after_babble(float speech_rel_db, float babble_db, int64_t *n)
{
    tm_config c = tm_config_default(16000);
    c.onset_voiced_ms = onset_voiced_ms;
    c.speech_final_voiced_min_ms = final_voiced_ms;
    c.speech_rel_db = speech_rel_db;
    tmi_vad_init(&V, &c, HPS);
    *n = 0;
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < H(0.3); i++, ++*n) feed_voice(*n, babble_db, 110.0f);
        for (int i = 0; i < H(0.3); i++, ++*n) feed_voice(*n, -75.0f, 0.0f);
    }
    for (int i = 0; i < H(2.0); i++, ++*n) feed_voice(*n, i % 25 < 20 ? -20.0f : -60.0f, i % 25 < 20 ? 240.0f : 0.0f);
    for (int i = 0; i < H(1.0); i++, ++*n) feed_voice(*n, -75.0f, 0.0f);
    assert_true(V.spk_n >= VAD_LEVEL_WARMUP_HOPS);
    int higher = train(n, 6, 12, 6, 300.0f, 1);
    print_message("speech_rel_db %.0f, babble at %.1f dBFS: register %.0f Hz; a phrase at 300 Hz: %d (1 kept, -1 taken back)\n",
                  speech_rel_db, babble_db, exp2f(V.reg_oct), higher);
    return higher;
}

static void test_register_is_the_talkers_not_the_babbles(void **state)
{
    (void)state;
    /* the speech gate as wide as the telephony profile's (18 dB), the babble 13.5 dB under the
     * caller as on seed 31 c21: the register is still the caller's (speech_register_rel_db) */
    int64_t n;
    assert_int_equal(higher_phrase_after_babble(18.0f, -33.5f, &n), 1);
    /* the default gate, the babble 20 dB under the caller */
    assert_int_equal(higher_phrase_after_babble(12.0f, -40.0f, &n), 1);
    /* the talker's own laugh well over their register is still one */
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    assert_int_equal(train(&n, 5, 10, 12, 480.0f, 0), -1);
}

/* A burst of 110 ms at the talker's level whose live pitch was voiced on two hops only (a
 * laugh's last "ha", a cough's onset) and which the pitch path, having heard what came after,
 * reads unvoiced throughout: no speech, whatever opened it (seed 20 c59: such a burst split a
 * dead air of 10.6 s in two). Voiced on the path on `from`..`from + n_voiced - 1` of its 11
 * hops (negative `from`: hops before it, which do not count). A 110 ms "mm" voiced on the path is
 * speech, and so is a burst whose last three hops are voiced, and the burst with the field at 0
 * (what the stage did before). Returns 1 kept, -1 taken back. */
static int burst(float min_ms, int from, int n_voiced)
{
    final_voiced_ms = min_ms;
    setup();
    final_voiced_ms = 30.0f;
    int64_t n = 0;
    int kept = 0, withdrawn = 0;
    for (int i = 0; i < H(3.0); i++, n++)        /* the talker's words set their level */
        feed_final(n, i % 25 < 20 ? -20.0f : -60.0f, i % 25 < 20 ? 120.0f : 0.0f, i % 25 < 20 ? 120.0f : 0.0f);
    for (int i = -H(1.0); i < 11; i++, n++) {
        float final_hz = i >= from && i < from + n_voiced ? 120.0f : 0.0f;
        if (i < 0) feed_final(n, -75.0f, 0.0f, final_hz);
        else feed_final(n, -20.0f, i == 2 || i == 3 ? 120.0f : 0.0f, final_hz);
    }
    for (int i = 0; i < H(1.0); i++, n++) {
        int f = feed_final(n, -75.0f, 0.0f, 0.0f);
        if (f & TMI_SEG_WITHDRAWN) withdrawn++;
        else if (f & TMI_SEG_CLOSED) kept++;
    }
    return kept && !withdrawn ? 1 : withdrawn && !kept ? -1 : 0;
}

static void test_unvoiced_on_the_final_path_is_no_speech(void **state)
{
    (void)state;
    int unvoiced = burst(30.0f, 0, 0), two = burst(30.0f, 0, 2), before = burst(30.0f, -3, 3);
    int mm = burst(30.0f, 0, 8), last = burst(30.0f, 8, 3), off = burst(0.0f, 0, 0);
    print_message("burst unvoiced on the path %d, voiced on 2 hops %d, on 3 hops before it %d, "
                  "\"mm\" %d, voiced on its last 3 hops %d, field at 0 %d (1 kept, -1 taken back)\n",
                  unvoiced, two, before, mm, last, off);
    assert_int_equal(unvoiced, -1);
    assert_int_equal(two, -1);
    assert_int_equal(before, -1);
    assert_int_equal(mm, 1);
    assert_int_equal(last, 1);
    assert_int_equal(off, 1);
}

/* ---- the other voice's echo: two segmenters, as the analyzer pairs them ------------------ */

static tm_vad P;   /* the other channel (the agent), V's peer */
static float pfinals[FINAL_LAG + 1], vfinals[FINAL_LAG + 1];
static int p_flags; /* P's flags at the last hop */

/* hop n on both channels, the peer first (as the analyzer runs them); each final pitch reaches its
 * stage FINAL_LAG hops late; V's flags */
static int feed_pair(int64_t n, float p_db, float p_hz, float v_db, float v_hz)
{
    tmi_hop h;
    tmi_span closed = {0, 0, 0};
    memset(&h, 0, sizeof h);
    h.n = n;
    h.active = p_db > -60.0f;
    h.f0_hz = p_hz;
    h.level_db = p_db;
    p_flags = tmi_vad_update(&P, &h, &closed);
    pfinals[n % (FINAL_LAG + 1)] = p_hz;
    if (n >= FINAL_LAG) tmi_vad_final_f0(&P, n - FINAL_LAG, pfinals[(n - FINAL_LAG) % (FINAL_LAG + 1)]);
    int f = feed_voice(n, v_db, v_hz);
    vfinals[n % (FINAL_LAG + 1)] = v_hz;
    if (n >= FINAL_LAG) tmi_vad_final_f0(&V, n - FINAL_LAG, vfinals[(n - FINAL_LAG) % (FINAL_LAG + 1)]);
    return f;
}

/* V and P with one profile, each the other's peer */
static void pair_init(const tm_config *c)
{
    tmi_vad_init(&V, c, HPS);
    tmi_vad_init(&P, c, HPS);
    tmi_vad_set_peer(&V, &P);
    tmi_vad_set_peer(&P, &V);
}

/* the agent's contour: a phrase's rise and fall, 2 semitones either way over 0.6 s */
static float contour(int64_t n) { return 150.0f * powf(2.0f, 2.0f / 12.0f * sinf(6.2832f * (float)n / 60.0f)); }

enum { ECHO, ANOTHER, FLAT, PEER_SILENT, FEW, SOURCE, LONG_ECHO, TURN_ECHO };
/* The caller (V) has talked for 3 s; then the agent talks for 2 s (2.5 s for TURN_ECHO), and 0.5 s into it a burst of
 * 300 ms at the caller's level comes on the caller's channel: the agent's contour 60 ms late
 * (ECHO); a voice 3 semitones over it (ANOTHER); both voices flat at 150 Hz (FLAT); the echo's
 * pitch while the agent is silent, its pitch there being the caller's own leak (PEER_SILENT); the
 * echo on 3 hops only, unvoiced on the rest (FEW); the agent silent, the caller's own slow rise,
 * and its leak on the agent's channel 2 hops late and loud enough to be a segment there (SOURCE:
 * the caller's words are no echo of their own leak; *leak gets the leak's outcome); the echo
 * burst 0.9 s long (LONG_ECHO: its hangover then closes it past backchannel_max_s) or 1.2 s
 * (TURN_ECHO: past it, a turn the turn stage may have built on). pct:
 * speech_echo_contour_pct. Returns 1 kept, -1 taken back. */
static int echo_burst(int kind, float pct, int *leak)
{
    tm_config c = tm_config_default(16000);
    c.speech_echo_contour_pct = pct;
    pair_init(&c);
    int64_t n = 0;
    int kept = 0, withdrawn = 0, p_kept = 0, p_withdrawn = 0;
    for (int i = 0; i < H(3.0); i++, n++) {      /* the caller's words set their level */
        int on = i % 25 < 20;
        feed_pair(n, -75.0f, 0.0f, on ? -20.0f : -60.0f, on ? 120.0f : 0.0f);
    }
    if (kind == SOURCE) {                         /* the agent silent, then the caller's leak */
        for (int i = 0; i < H(2.0); i++, n++) {
            int j = i - H(0.5);
            float v_hz = j >= 0 && j < 30 ? 120.0f * powf(2.0f, 1.5f / 12.0f * (float)j / 30.0f) : 0.0f;
            float leak_hz = j >= 2 && j < 32 ? 120.0f * powf(2.0f, 1.5f / 12.0f * (float)(j - 2) / 30.0f) : 0.0f;
            int f = feed_pair(n, leak_hz > 0.0f ? -26.0f : -75.0f, leak_hz, v_hz > 0.0f ? -20.0f : -75.0f, v_hz);
            if (j < 0) continue;
            if (f & TMI_SEG_WITHDRAWN) withdrawn++;
            else if (f & TMI_SEG_CLOSED) kept++;
            if (p_flags & TMI_SEG_WITHDRAWN) p_withdrawn++;
            else if (p_flags & TMI_SEG_CLOSED) p_kept++;
        }
        *leak = p_kept && !p_withdrawn ? 1 : p_withdrawn && !p_kept ? -1 : 0;
        return kept && !withdrawn ? 1 : withdrawn && !kept ? -1 : 0;
    }
    for (int i = 0; i < H(kind == TURN_ECHO ? 2.5 : 2.0); i++, n++) {
        float agent_hz = kind == FLAT ? 150.0f : contour(n);
        float echo_hz = kind == FLAT ? 150.0f : contour(n - 6);   /* 60 ms late */
        if (kind == ANOTHER) echo_hz *= powf(2.0f, 3.0f / 12.0f);
        int burst = i >= H(0.5) && i < H(kind == LONG_ECHO ? 1.4 : kind == TURN_ECHO ? 1.7 : 0.8);
        if (kind == FEW && i >= H(0.5) + 3) echo_hz = 0.0f;
        int f = feed_pair(n, kind == PEER_SILENT ? -75.0f : -22.0f, agent_hz,
                          burst ? -20.0f : -75.0f, burst ? echo_hz : 0.0f);
        if (i == H(0.6)) assert_int_equal(P.on, kind != PEER_SILENT);   /* the agent talks */
        if (i < H(0.5)) continue;                  /* the caller's last words closing */
        if (f & TMI_SEG_WITHDRAWN) withdrawn++;
        else if (f & TMI_SEG_CLOSED) kept++;
    }
    return kept && !withdrawn ? 1 : withdrawn && !kept ? -1 : 0;
}

/* A short segment whose pitch is the other channel's, hop by hop, at one delay is that voice's
 * echo (a speakerphone's, louder than any leak yet measured): taken back. Not another voice at its
 * own pitch, not two flat voices in one register (they match at every delay), not a copy of
 * what the other channel heard while its talker was silent (this side's own leak), not a
 * segment with too few voiced hops to tell, and not with the field at 0. One of 0.9 s is taken
 * back as well, though its hangover closes it past a backchannel's length; one of 1.2 s is a
 * turn to the turn stage before it closes, and stays. A talker's words are
 * not the echo of their own leak, which the other channel carries a hop or two late: the leak,
 * which began later, is taken back, the words stay. */
static void test_the_other_voices_echo_is_no_speech(void **state)
{
    (void)state;
    int leak = 0;
    int echo = echo_burst(ECHO, 80.0f, NULL), another = echo_burst(ANOTHER, 80.0f, NULL);
    int flat = echo_burst(FLAT, 80.0f, NULL), silent = echo_burst(PEER_SILENT, 80.0f, NULL);
    int few = echo_burst(FEW, 80.0f, NULL), off = echo_burst(ECHO, 0.0f, NULL);
    int source = echo_burst(SOURCE, 80.0f, &leak);
    int long_echo = echo_burst(LONG_ECHO, 80.0f, NULL), turn_echo = echo_burst(TURN_ECHO, 80.0f, NULL);
    print_message("echo %d, another voice %d, flat voices %d, agent silent %d, 3 voiced hops %d, "
                  "field at 0 %d, a talker's words under their own leak %d, that leak %d, "
                  "an echo of 0.9 s %d, of 1.2 s %d (1 kept, -1 taken back)\n", echo, another, flat, silent,
                  few, off, source, leak, long_echo, turn_echo);
    assert_int_equal(echo, -1);
    assert_int_equal(another, 1);
    assert_int_equal(flat, 1);
    assert_int_equal(silent, 1);
    assert_int_equal(few, 1);
    assert_int_equal(off, 1);
    assert_int_equal(source, 1);
    assert_int_equal(leak, -1);
    assert_int_equal(long_echo, -1);
    assert_int_equal(turn_echo, 1);
}

/* The agent (P) talks at -20 dB from the start; the caller (V) has not spoken. 4 s in, 300 ms of
 * a voice at v_db come on the caller's channel, while the agent goes on (agent_on) or is silent.
 * field: speech_warmup_peer_db. Returns the segments V confirmed in that burst. */
static int first_words(float v_db, int agent_on, float field)
{
    tm_config c = tm_config_default(16000);
    c.speech_warmup_peer_db = field;
    pair_init(&c);
    int confirmed = 0;
    for (int64_t n = 0; n < H(5.0); n++) {
        int burst = n >= H(4.0) && n < H(4.3);
        int talks = n < H(3.5) ? n % 25 < 20 : agent_on;
        int f = feed_pair(n, talks ? -20.0f : -75.0f, talks ? 150.0f : 0.0f,
                          burst ? v_db : -75.0f, burst ? 110.0f : 0.0f);
        if (n == H(4.1)) assert_int_equal(P.on, agent_on);
        if (burst && (f & TMI_SEG_CONFIRMED)) confirmed++;
    }
    return confirmed;
}

/* Before a talker's level is known, a voice far under the other talker's, while they talk, is the
 * babble behind this side, not its first words: no speech. The same voice nearer the agent's
 * level is; so is the far one when the agent is silent (a quiet caller talking alone is heard),
 * and with the field at 0. */
static void test_babble_before_the_first_words_is_no_speech(void **state)
{
    (void)state;
    int babble = first_words(-40.0f, 1, 15.0f), near = first_words(-28.0f, 1, 15.0f);
    int alone = first_words(-40.0f, 0, 15.0f), off = first_words(-40.0f, 1, 0.0f);
    print_message("20 dB under the agent while they talk %d, 8 dB under %d, 20 dB under alone %d, "
                  "field at 0 %d (segments confirmed)\n", babble, near, alone, off);
    assert_int_equal(babble, 0);
    assert_int_equal(near, 1);
    assert_int_equal(alone, 1);
    assert_int_equal(off, 1);
}

enum { TWO_LOUD, ONE_LOUD, ONE_LOUD_MMHM, LOUD_THEN_SPIKE };
/* The caller's (V's) level is learnt at first_db, the agent (P) silent: from a phrase of 2.5 s
 * (bursts 0: their own voice) or from bursts of 0.3 s, 0.3 s apart (bursts 1: babble).
 * Then two turns of the caller, each followed by 2 s of the agent: both at turn_db (TWO_LOUD);
 * the first only, the caller silent in the second (ONE_LOUD); ONE_LOUD with the agent's 0.4 s
 * "mm-hm" in a pause of the caller's loud turn, 3.5 s long, a second of it on either side
 * (ONE_LOUD_MMHM); the first loud, the second at
 * first_db with one hop at turn_db (LOUD_THEN_SPIKE). Then the caller at last_db in the agent's
 * last second: the segments V confirmed there. */
static int after_loud_turns(float first_db, int bursts, float turn_db, int kind, float last_db)
{
    tm_config c = tm_config_default(16000);
    pair_init(&c);
    int64_t n = 0;
    int confirmed = 0;
    for (int i = 0; i < H(3.0); i++, n++) {
        int on = bursts ? i % 60 < 30 : i < H(2.5);
        feed_pair(n, -75.0f, 0.0f, on ? first_db : -75.0f, on ? 120.0f : 0.0f);
    }
    for (int t = 0; t < 2; t++) {
        int len = t == 0 && kind == ONE_LOUD_MMHM ? H(3.5) : H(2.0);
        for (int i = 0; i < len; i++, n++) {
            int on = i % 25 < 20;
            float v_db = -75.0f, p_db = -75.0f;
            if (on && (t == 0 || kind == TWO_LOUD)) v_db = turn_db;
            if (on && t == 1 && kind == LOUD_THEN_SPIKE) v_db = i == H(1.0) ? turn_db : first_db;
            if (t == 0 && kind == ONE_LOUD_MMHM && i >= H(1.3) && i < H(1.9)) {
                v_db = -75.0f;
                if (i >= H(1.4) && i < H(1.8)) p_db = -20.0f;
            }
            feed_pair(n, p_db, p_db > -60.0f ? 150.0f : 0.0f, v_db, v_db > -60.0f ? 125.0f : 0.0f);
        }
        for (int i = 0; i < H(2.0); i++, n++)
            feed_pair(n, i % 25 < 20 ? -20.0f : -75.0f, 150.0f, -75.0f, 0.0f);
    }
    for (int i = 0; i < H(1.0); i++, n++) {
        int on = i % 50 < 40;
        int f = feed_pair(n, -20.0f, 150.0f, on ? last_db : -75.0f, on ? 120.0f : 0.0f);
        if (f & TMI_SEG_CONFIRMED) confirmed++;
    }
    return confirmed;
}

/* A level far under a talker's voice is set again from it once they are that loud in a second
 * turn, after the other side has talked a turn: then the voice it was learnt from, 20 dB under
 * them, is no speech. At once when it was learnt from short bursts only (babble), never from a
 * phrase at it. One raised turn 18 dB over a level that their own phrase set low does not set
 * it, nor does it with the other side's "mm-hm" in its pause, nor a normal second turn with one
 * loud hop: their normal voice after it is still speech. */
static void test_a_level_is_learnt_again_from_two_turns_not_one(void **state)
{
    (void)state;
    int two = after_loud_turns(-45.0f, 0, -25.0f, TWO_LOUD, -45.0f);
    int one = after_loud_turns(-45.0f, 0, -25.0f, ONE_LOUD, -45.0f);
    int bursts = after_loud_turns(-45.0f, 1, -25.0f, ONE_LOUD, -45.0f);
    int raised = after_loud_turns(-30.0f, 0, -12.0f, ONE_LOUD, -30.0f);
    int raised_mmhm = after_loud_turns(-30.0f, 0, -12.0f, ONE_LOUD_MMHM, -30.0f);
    int spike = after_loud_turns(-30.0f, 0, -12.0f, LOUD_THEN_SPIKE, -30.0f);
    print_message("the old voice after two loud turns %d, after one %d, after one when learnt "
                  "from bursts %d; normal voice after one raised turn %d, with an mm-hm in it %d, "
                  "a second turn with one loud hop %d (segments confirmed)\n",
                  two, one, bursts, raised, raised_mmhm, spike);
    assert_int_equal(two, 0);
    assert_true(one > 0);
    assert_int_equal(bursts, 0);
    assert_true(raised > 0);
    assert_true(raised_mmhm > 0);
    assert_true(spike > 0);
}

/* The caller's phrases from hop *n: vowels around 210 Hz (a contour of +-3 semitones) at
 * from_db..from_db + 3 dBFS, 2 s of every 2.5 s, 6 s. */
static void talker_phrases(int64_t *n, float from_db)
{
    for (int i = 0; i < H(6.0); i++, (*n)++) {
        int vowel = i % 250 < 200 && i % 20 < 16;
        float hz = 210.0f * exp2f(0.25f * sinf(6.2832f * (float)i / 60.0f));
        feed_voice(*n, vowel ? from_db + (float)(i % 4) : -75.0f, vowel ? hz : 0.0f);
    }
}

/* Babble pumped by the caller's AGC to within a few dB of their voice wins the warm-up: the
 * level is about the caller's, but the register is the babble's (seed 35 c41: 102 Hz, the
 * caller at 200-230 Hz). The caller's phrases (210 Hz, at the level and over it) set the register
 * again, so that a later second of babble at 100 Hz, 5 dB under the level, is no speech; a
 * raised turn 5 semitones over the register does not set it again (it moves it only by the
 * register's slow step), and neither does a phone ringing at one pitch over the level. Returns
 * the hops of the babble second taken for speech; the register after the caller's phrases in
 * *reg_hz, the loud hops counted since the register was last set, after the raised turn, in
 * *loud_n, and the register after the ring in *ring_hz. A laugh bout over the level at 0.85
 * octave over the register does not set it either (*laugh_hz after it). */
static int pumped_epochs;   /* the level's epochs once the caller's phrases moved the register */
static int babble_after_pumped_warmup(float *reg_hz, float *laugh_hz, int *loud_n, float *ring_hz)
{
    setup();
    int64_t n = 0;
    /* the babble: voiced hops at 100 Hz around -30 dBFS, unvoiced between (2.5 s) */
    for (int i = 0; i < H(2.5); i++, n++) feed_voice(n, i % 3 ? -30.0f - (float)(i % 4) : -31.0f, i % 3 ? 100.0f : 0.0f);
    for (int i = 0; i < H(0.5); i++, n++) feed_voice(n, -75.0f, 0.0f);
    assert_true(V.spk_n >= VAD_LEVEL_WARMUP_HOPS);
    talker_phrases(&n, -29.0f);
    *reg_hz = exp2f(V.reg_oct);
    pumped_epochs = V.epoch;
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    /* a second of babble 5 dB under the level, at 100 Hz */
    int spoken = 0;
    float babble_db = V.spk_db - 5.0f;
    for (int i = 0; i < H(1.0); i++, n++) {
        feed_voice(n, i % 3 ? babble_db : babble_db - 2.0f, i % 3 ? 100.0f : 0.0f);
        spoken += V.on;
    }
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    /* a laugh bout over the level: ten "ha"s of 100 ms at 1.8 times the talker's F0 */
    for (int p = 0; p < 10; p++) {
        for (int i = 0; i < H(0.1); i++, n++) feed_voice(n, V.spk_db + 2.5f, 378.0f + 4.0f * (float)(i % 3));
        for (int i = 0; i < H(0.08); i++, n++) feed_voice(n, -75.0f, 0.0f);
    }
    *laugh_hz = exp2f(V.reg_oct);
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    /* a phone rings over the level, 3 s, at 440 Hz (0.9 octave over the register) */
    for (int i = 0; i < H(3.0); i++, n++) feed_voice(n, V.spk_db + 3.0f, 440.0f);
    *ring_hz = exp2f(V.reg_oct);
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    /* a raised turn: +6 dB, 5 semitones higher, 4 s */
    float raised = 210.0f * exp2f(5.0f / 12.0f);
    for (int i = 0; i < H(4.0); i++, n++) {
        int vowel = i % 20 < 16;
        feed_voice(n, vowel ? -23.0f + (float)(i % 4) : -75.0f, vowel ? raised : 0.0f);
    }
    *loud_n = (int)V.loud_n;
    return spoken;
}

static void test_register_set_again_from_the_talkers_loud_hops(void **state)
{
    (void)state;
    float reg_hz, laugh_hz, ring_hz;
    int loud_n;
    int spoken = babble_after_pumped_warmup(&reg_hz, &laugh_hz, &loud_n, &ring_hz);
    print_message("register after the caller's phrases %.0f Hz; hops of pumped babble taken for "
                  "speech %d of 100; loud hops since the register was set, after a raised turn "
                  "of 320 voiced hops: %d; register after a ring at 440 Hz %.0f Hz, after a laugh "
                  "at 380 Hz %.0f Hz\n", reg_hz, spoken, loud_n, ring_hz, laugh_hz);
    assert_true(fabsf(log2f(reg_hz / 210.0f)) < 0.1f);
    /* the caller's phrases lie 1-4 dB over the pumped babble's level: the register moves, the
     * level stays (speech_register_relevel_db 3 is for a voice well over it) */
    assert_int_equal(pumped_epochs, 0);
    assert_int_equal(spoken, 0);
    assert_true(loud_n >= 300);   /* not set again during the raised turn */
    assert_true(ring_hz < 320.0f);   /* (440 Hz when taken for the talker) */
    assert_true(laugh_hz < 260.0f);  /* (380 Hz when taken for the talker) */
}

/* ---- diffuse segments (speech_diffuse_*) ------------------------------------------------- */

static uint32_t lcg;
static float unit_rand(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return (float)(lcg >> 8) / 16777216.0f;
}

/* One hop of a scene: over the floor (-70 dBFS) or not; the flags, the span closed or withdrawn. */
static int feed_sound(int64_t n, int cand, float level_db, float f0_hz, tmi_span *closed)
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    closed->start = closed->end = 0;
    h.n = n;
    h.cand = h.active = cand;
    h.music_from = -1;
    h.f0_hz = f0_hz;
    h.level_db = level_db;
    return tmi_vad_update(&V, &h, closed);
}

/* Babble of distant talkers: within spread_db/2 of -40 dBFS, a third of its hops voiced at
 * scattered pitches (the pitch tracker finds one voice now and then in a mixture); with
 * voiced 0 unvoiced (steady street noise). Its level never dips: each talker's pauses are
 * filled by the others'. */
static void babble_hop(float spread_db, int voiced, float *level_db, float *f0_hz)
{
    *level_db = -40.0f + spread_db * unit_rand() - spread_db / 2.0f;
    float u = unit_rand(), pitch = 100.0f + 150.0f * unit_rand();
    *f0_hz = voiced && u < 0.33f ? pitch : 0.0f;
}

/* The first 3 s of a scene: the talker's phrase at -25 dBFS and 120 Hz (syllables of 180 ms,
 * 60 ms apart, in quiet) sets their level, then a second of quiet. 0 past it. */
static int talker_first(int64_t n, int *cand, float *level_db, float *f0_hz)
{
    if (n >= H(3.0)) return 0;
    int syl = n < H(2.0) && n % 24 < 18;
    *cand = syl;
    *level_db = syl ? -25.0f : -70.0f;
    *f0_hz = syl ? 120.0f : 0.0f;
    return 1;
}

/* Babble alone on the channel, then the near talker over it from 8 s: syllables of 150 ms at
 * -25 dBFS and 120 Hz that dip to the babble for 60 ms between them, in phrases of 2 s, 0.6 s
 * apart. With the rule on (the default profile) or off: the first kept segment's start, the
 * talker's phrases after the first whose onset a kept segment found within 0.1 s, and whether a
 * level was known when the talker began (learnt from the babble). */
static void diffuse_run(int on, int64_t *first_kept, int *phrases_found, int *level_known)
{
    tm_config c = tm_config_default(16000);
    if (!on) c.speech_diffuse_spread_db = 0.0f;
    tmi_vad_init(&V, &c, HPS);
    lcg = 12345u;
    *first_kept = -1;
    *phrases_found = 0;
    int64_t talker_from = H(8.0), phrase_hops = H(2.0), cycle = H(2.6);
    for (int64_t n = 0; n < H(20.0); n++) {
        float level, f0;
        babble_hop(6.0f, 1, &level, &f0);
        int64_t t = n - talker_from;
        if (t >= 0 && t % cycle < phrase_hops && t % cycle % 21 < 15) {
            level = -25.0f;
            f0 = 120.0f;
        }
        tmi_span closed;
        int r = feed_sound(n, 1, level, f0, &closed);
        if (n == talker_from - 1) *level_known = V.spk_n >= VAD_LEVEL_WARMUP_HOPS;
        if ((r & TMI_SEG_CONFIRMED) && V.seg_start >= talker_from + cycle / 2) {
            int64_t k = (V.seg_start - talker_from + H(0.1)) % cycle;
            *phrases_found += k <= H(0.2);
        }
        if ((r & TMI_SEG_CLOSED) && !(r & TMI_SEG_WITHDRAWN) && *first_kept < 0) *first_kept = closed.start;
    }
}

/* Before the talker's first words the babble is no speech (with the rule off it is speech from
 * the call's first hop). Limit: the talker's first onset can be dated off by a few hundred ms.
 * A segment the babble opens in the second before their first words is judged with them in it:
 * it stands when they fill enough of its window (the onset early), and is withdrawn with their
 * first syllables when they do not (the onset late: here 0.23 s). */
static void test_diffuse_babble_is_no_speech_the_talker_over_it_is(void **state)
{
    (void)state;
    int64_t first, first_off;
    int found, found_off, known, known_off;
    diffuse_run(1, &first, &found, &known);
    diffuse_run(0, &first_off, &found_off, &known_off);
    print_message("talker from 8.00 s: first speech from %.2f s (rule off: %.2f s); their next 4 phrases "
                  "found: %d (rule off: %d); a level learnt from the babble: %d (rule off: %d)\n",
                  (double)first / HPS, (double)first_off / HPS, found, found_off, known, known_off);
    assert_true(first >= H(8.0 - 1.0) && first <= H(8.0 + 0.3));
    assert_true(first_off < H(8.0 - 1.0));
    assert_int_equal(found, 4);
    assert_int_equal(known, 0);
    assert_int_equal(known_off, 1);
}

/* After talker_first, noise (babble_hop with spread_db and voiced) in which a voiced sound of
 * len_s at word_db and word_hz starts at 6 s. Returns 1 when the segment it opened was kept,
 * 0 when it was withdrawn. */
static int doubtful_early;   /* word_in_noise: tmi_vad_doubtful 0.2 s into the sound (-1: no segment) */
static int word_in_noise(const tm_config *c, float spread_db, int voiced, float len_s, float word_db, float word_hz)
{
    tmi_vad_init(&V, c, HPS);
    lcg = 777u;
    int kept = -1;
    doubtful_early = -1;
    for (int64_t n = 0; n < H(9.0); n++) {
        float level, f0;
        int cand = 1;
        babble_hop(spread_db, voiced, &level, &f0);
        if (!talker_first(n, &cand, &level, &f0) && n >= H(6.0) && n < H(6.0 + len_s)) {
            level = word_db;
            f0 = word_hz;
        }
        tmi_span closed;
        int r = feed_sound(n, cand, level, f0, &closed);
        if ((r & (TMI_SEG_CLOSED | TMI_SEG_WITHDRAWN)) && closed.start >= H(5.8) && closed.start <= H(6.1))
            kept = !(r & TMI_SEG_WITHDRAWN);
        if (n == H(6.2) && V.on && V.seg_start >= H(5.8)) doubtful_early = tmi_vad_doubtful(&V);
    }
    return kept;
}

/* Steady street noise within 2 dB of -40 dBFS, unvoiced, over the floor all along; the talker
 * says "uh-huh" in it: 0.3 s voiced at -32 dBFS. Over a second either side its sound spreads as
 * little as babble's and few of those hops are voiced, but its own hops are voiced throughout:
 * a near word (speech_diffuse_own_voiced_pct), kept (seed 35 c43: three such "uh-huh"s under
 * car noise and an AGC). With that exemption off (101) it is withdrawn, which shows the window
 * alone would take it. */
static void test_a_voiced_word_in_steady_noise_is_not_diffuse(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int kept = word_in_noise(&c, 4.0f, 0, 0.3f, -32.0f, 130.0f);
    c.speech_diffuse_own_voiced_pct = 101.0f;
    int kept_off = word_in_noise(&c, 4.0f, 0, 0.3f, -32.0f, 130.0f);
    print_message("uh-huh in street noise: %d (exemption off: %d; 1 kept, 0 withdrawn)\n", kept, kept_off);
    assert_int_equal(kept, 1);
    assert_int_equal(kept_off, 0);
}

/* In babble within 3 dB of -40 dBFS, one neighbour's syllable crosses the gate: 70 ms voiced at
 * -30 dBFS near the talker's pitch. Its own hops are voiced throughout, but too few to be a word
 * of the talker's (speech_diffuse_own_min_ms): the second around it is diffuse, and it is
 * withdrawn (seed 35 c41: such a blip and the caller's words 4 s later made a false
 * interruption). With that field at 0 it is kept. */
static void test_a_babble_voice_crossing_the_gate_is_no_word(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int kept = word_in_noise(&c, 6.0f, 1, 0.07f, -30.0f, 125.0f);
    c.speech_diffuse_own_min_ms = 0.0f;
    int kept_off = word_in_noise(&c, 6.0f, 1, 0.07f, -30.0f, 125.0f);
    print_message("70 ms voiced blip in babble: %d (speech_diffuse_own_min_ms 0: %d; 1 kept, 0 withdrawn)\n",
                  kept, kept_off);
    assert_int_equal(kept, 0);
    assert_int_equal(kept_off, 1);
}

/* The talker's level is known (-25 dBFS, from a phrase in quiet); then babble within 6 dB of
 * -40 dBFS, a third of it voiced, its 80th percentile near -38.2. At 6 s a neighbour's louder
 * voice crosses the gate for half a second: voiced throughout at -35 dBFS, 10 dB under the
 * talker, so an anchor, and long enough to be exempt from the diffuse rule. It lies 3 dB over
 * the babble before it (speech_over_background_db 6): one of the babble's voices, withdrawn; kept
 * with the rule off. The talker's own quiet word at -30 dBFS, 8 dB over the babble, is kept; so
 * is the neighbour's voice over unvoiced street noise, which the rule does not judge
 * (speech_background_voiced_pct; the faint rule does, test_faint_flat_sound_is_not_the_talker,
 * and is off for these two). The voice is doubtful (tmi_vad_doubtful) 0.2 s in already, the
 * word is not. */
static void test_a_voice_no_louder_than_the_babble_is_not_the_talker(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int voice = word_in_noise(&c, 6.0f, 1, 0.5f, -35.0f, 125.0f);
    int voice_doubtful = doubtful_early;
    int word = word_in_noise(&c, 6.0f, 1, 0.5f, -30.0f, 125.0f);
    int word_doubtful = doubtful_early;
    /* (the faint rule, which takes such a voice over any noise, off: this rule alone) */
    c.speech_faint_over_bg_db = 0.0f;
    int street = word_in_noise(&c, 6.0f, 0, 0.5f, -35.0f, 125.0f);
    c.speech_over_background_db = 0.0f;
    int voice_off = word_in_noise(&c, 6.0f, 1, 0.5f, -35.0f, 125.0f);
    print_message("babble voice 3 dB over the babble: %d (rule off: %d); the talker's word 8 dB over: %d; "
                  "the voice over street noise: %d (1 kept, 0 withdrawn)\n", voice, voice_off, word, street);
    /* doubtful already 0.2 s in, long before the judgement: an interruption it would reopen
     * waits for that (tests/test_turns.c); the talker's word is not */
    print_message("doubtful 0.2 s in: the voice %d, the word %d\n", voice_doubtful, word_doubtful);
    assert_int_equal(voice_doubtful, 1);
    assert_int_equal(word_doubtful, 0);
    assert_int_equal(voice, 0);
    assert_int_equal(voice_off, 1);
    assert_int_equal(word, 1);
    assert_int_equal(street, 1);
}

/* After talker_first (-25 dBFS, 120 Hz, in quiet: a dense warm-up), babble within 2 dB of
 * babble_db, half its hops voiced at other voices' pitches (160-250 Hz; with the second of
 * quiet after the talker's phrase, the 4 s before 6 s are 35-40 % voiced), under the floor (the
 * floor has learnt it), and at 6 s a voiced sound of 0.6 s at word_db and 125 Hz over the floor
 * (in the talker's register: a voice off it is taken by the register rules already). kind 0:
 * flat, its syllables 2 dB apart, back into the babble at its end (one voice of babble an AGC
 * lifted); 1: the talker's own, 150 ms syllables that stop at once for 60 ms, down to the babble under them (17 dB down:
 * the AGC lowered the gain as they spoke); 2: flat and fading 1 dB per hop after its end (a
 * talker in a reverberant room). 1 kept, 0 withdrawn, -1 no segment. */
static int sound_in_babble(const tm_config *c, float babble_db, float word_db, int kind)
{
    tmi_vad_init(&V, c, HPS);
    lcg = 4242u;
    int kept = -1;
    for (int64_t n = 0; n < H(9.0); n++) {
        float level, f0;
        int cand = 0;
        level = babble_db + 4.0f * unit_rand() - 2.0f;
        f0 = unit_rand() < 0.5f ? 160.0f + 90.0f * unit_rand() : 0.0f;
        if (!talker_first(n, &cand, &level, &f0) && n >= H(6.0)) {
            int k = (int)(n - H(6.0)) % 21;
            if (n < H(6.6) && kind == 1 && k >= 15) {
                level = word_db - 17.0f;
                f0 = 0.0f;
            } else if (n < H(6.6)) {
                level = word_db - (kind != 1 && k >= 10 ? 2.0f : 0.0f);
                f0 = 125.0f;
                cand = 1;
            } else if (kind == 2 && word_db - (float)(n - H(6.6) + 1) > level) {
                level = word_db - (float)(n - H(6.6) + 1);
                f0 = 0.0f;
                cand = 1;
            }
        }
        tmi_span closed;
        int r = feed_sound(n, cand, level, f0, &closed);
        if ((r & (TMI_SEG_CLOSED | TMI_SEG_WITHDRAWN)) && closed.start >= H(5.8) && closed.start <= H(6.1))
            kept = !(r & TMI_SEG_WITHDRAWN);
    }
    return kept;
}

/* Babble that won the talker's segments leaves no background outside them to judge by. After
 * talker_first, one voice of babble an AGC lifted to 2 dB under the talker (-27 dBFS, within
 * loud_db, at 220-260 Hz) holds a segment open from 3 s to 7.6 s, its consonants
 * at -33; 0.4 s of near quiet; then at 8 s a sound of 0.6 s, flat at -27 and back into the babble
 * at its end. The 4 s before it hold 40 hops outside a segment, under the 50 the rule needs: the
 * babble's segment is then its background. kind 0: that sound at 200 Hz, another of the babble's
 * voices: withdrawn (kept before the segments could count); 1: at the talker's 120 Hz, their
 * flat "uh-huh" that a babble 15 dB down keeps from falling: kept. 1 kept, 0 withdrawn, -1 no
 * segment. */
static int sound_after_babble_segment(const tm_config *c, int kind)
{
    tmi_vad_init(&V, c, HPS);
    lcg = 777u;
    int kept = -1;
    for (int64_t n = 0; n < H(10.0); n++) {
        float level = -40.0f, f0 = 0.0f;
        int cand = 0;
        if (talker_first(n, &cand, &level, &f0)) {
        } else if (n < H(7.6)) {
            int voiced = unit_rand() < 0.7f;
            level = voiced ? -27.0f + 2.0f * unit_rand() - 1.0f : -33.0f;
            f0 = voiced ? 220.0f + 40.0f * unit_rand() : 0.0f;
            cand = 1;
        } else if (n >= H(8.0) && n < H(8.0) + (kind ? H(0.4) : H(0.6))) {
            level = -27.0f + (n % 7 == 0 ? -1.0f : 0.0f);
            f0 = kind ? 120.0f : 200.0f;
            cand = 1;
        } else if (n >= H(8.0)) {
            level = -29.0f + 2.0f * unit_rand() - 1.0f;
        }
        tmi_span closed;
        int r = feed_sound(n, cand, level, f0, &closed);
        if ((r & (TMI_SEG_CLOSED | TMI_SEG_WITHDRAWN)) && closed.start >= H(7.8) && closed.start <= H(8.1))
            kept = !(r & TMI_SEG_WITHDRAWN);
    }
    return kept;
}

static void test_babble_segments_are_background_when_nothing_else_is(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int voice = sound_after_babble_segment(&c, 0), own = sound_after_babble_segment(&c, 1);
    print_message("after the babble's segment: another of its voices %d, the talker's flat uh-huh %d "
                  "(1 kept, 0 withdrawn)\n", voice, own);
    assert_int_equal(voice, 0);
    assert_int_equal(own, 1);
}

/* After talker_first (-25 dBFS, 120 Hz), 4 s of unvoiced noise at noise_db (street, a fan); then
 * 0.5 s of a flat voiced sound at sound_db and 120 Hz that sinks back into the noise at its end:
 * never within loud_db of the talker, never stopping as a near voice does. 1 kept, 0 withdrawn,
 * -1 no segment. */
static int flat_sound_over_noise(const tm_config *c, float noise_db, float sound_db)
{
    tmi_vad_init(&V, c, HPS);
    lcg = 99u;
    int kept = -1;
    for (int64_t n = 0; n < H(9.0); n++) {
        float level = noise_db + 2.0f * unit_rand() - 1.0f, f0 = 0.0f;
        int cand = 0;
        if (talker_first(n, &cand, &level, &f0)) {
        } else if (n >= H(7.0) && n < H(7.5)) {
            level = sound_db + (n % 5 == 0 ? -1.0f : 0.0f);
            f0 = 120.0f;
            cand = 1;
        }
        tmi_span closed;
        int r = feed_sound(n, cand, level, f0, &closed);
        if ((r & (TMI_SEG_CLOSED | TMI_SEG_WITHDRAWN)) && closed.start >= H(6.8) && closed.start <= H(7.1))
            kept = !(r & TMI_SEG_WITHDRAWN);
    }
    return kept;
}

/* A faint flat sound 4 dB over unvoiced noise, 7 dB under the talker: no background of voices for
 * the other rules, and not the talker (the remnant of a speakerphone's echo, a voice of babble
 * over street noise): withdrawn (kept with speech_faint_over_bg_db 0). The same 8 dB over the
 * noise is kept, and so is a sound within loud_db of the talker's level. */
static void test_faint_flat_sound_is_not_the_talker(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int faint = flat_sound_over_noise(&c, -36.0f, -32.0f);
    int over = flat_sound_over_noise(&c, -40.0f, -32.0f);
    int loud = flat_sound_over_noise(&c, -31.0f, -27.0f);
    c.speech_faint_over_bg_db = 0.0f;
    int off = flat_sound_over_noise(&c, -36.0f, -32.0f);
    print_message("faint flat sound 4 dB over noise: %d (rule off: %d); 8 dB over: %d; within loud_db of "
                  "the talker: %d (1 kept, 0 withdrawn)\n", faint, off, over, loud);
    assert_int_equal(faint, 0);
    assert_int_equal(off, 1);
    assert_int_equal(over, 1);
    assert_int_equal(loud, 1);
}

/* Babble an AGC lifted to 4 dB under the talker's level (-29 dBFS), and one of its voices at
 * -27: at the talker's level after a dense warm-up, so the background rule exempts it, and
 * voiced throughout, so the diffuse rule does too. It never falls 10 dB within 30 ms, its
 * second spreads under 20 dB and it lies under 10 dB over the voiced background: distant
 * voices, withdrawn (kept with speech_distant_spread_db 0). The talker's own word at -25 in the
 * same babble stops at once between syllables: kept (withdrawn when no fall counts). A talker on a speakerphone in a room
 * (no stop either) 15 dB over babble at -40 is kept by the bound over the background, and
 * withdrawn without it (speech_distant_over_bg_db 0). */
static void test_distant_voices_at_the_talkers_level_are_not_the_talker(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    int voice = sound_in_babble(&c, -29.0f, -27.0f, 0);
    int word = sound_in_babble(&c, -29.0f, -25.0f, 1);
    int room = sound_in_babble(&c, -40.0f, -25.0f, 2);
    c.speech_distant_fall_db = 60.0f;
    int word_no_fall = sound_in_babble(&c, -29.0f, -25.0f, 1);
    c.speech_distant_fall_db = tm_config_default(16000).speech_distant_fall_db;
    c.speech_distant_over_bg_db = 0.0f;
    int room_unbound = sound_in_babble(&c, -40.0f, -25.0f, 2);
    c.speech_distant_spread_db = 0.0f;
    int voice_off = sound_in_babble(&c, -29.0f, -27.0f, 0);
    print_message("lifted babble's voice: %d (rule off: %d); the talker's word: %d (no fall counts: %d); a "
                  "reverberant talker 15 dB over the babble: %d (unbound: %d) (1 kept, 0 withdrawn)\n",
                  voice, voice_off, word, word_no_fall, room, room_unbound);
    assert_int_equal(voice, 0);
    assert_int_equal(voice_off, 1);
    assert_int_equal(word, 1);
    assert_int_equal(word_no_fall, 0);
    assert_int_equal(room, 1);
    assert_int_equal(room_unbound, 0);
}

/* A level won by babble (short voiced bursts at -46 dBFS over 5 s: a sparse warm-up) is checked
 * by the next 100 anchors: some 40-50 more of the babble's, then the talker's first words, three
 * hops in four at -32 dBFS and one at -26. The block's 80th percentile (-32) lies 12 dB
 * (speech_rel_db) or more over the level, so the level is set again, from the block's anchors
 * that far over the old level: their 80th percentile is -26, the talker's. The whole block's,
 * babble included, would be -32: a level 6 dB under the talker, which lets babble within
 * speech_rel_db of it through. */
static void test_level_won_by_babble_is_set_again_from_the_talker(void **state)
{
    (void)state;
    setup();
    int64_t n = 0;
    while (V.spk_n < 100 || V.blk_n < 40)
        for (int i = 0; i < 50; i++, n++) feed_voice(n, i < 10 ? -46.0f : -70.0f, i < 10 ? 120.0f : 0.0f);
    assert_true(V.warm_sparse);
    assert_true(V.blk_n < 60);
    assert_float_equal(V.spk_db, -46.0f, 0.1f);
    int epoch = V.epoch;
    float set_at = NAN;
    for (int i = 0; i < 100 && isnan(set_at); i++, n++) {
        feed_voice(n, i % 4 == 3 ? -26.0f : -32.0f, 120.0f);
        if (V.epoch != epoch) set_at = V.spk_db;
    }
    print_message("level set again at %.2f dBFS\n", set_at);
    assert_false(isnan(set_at));
    assert_float_equal(set_at, -26.0f, 0.01f);
}

/* Dense babble at 100 Hz around babble_db wins the warm-up of a channel whose talker has not
 * spoken; then the talker's phrases at 210 Hz, 9-12 dB over it, 6 s; then a second of babble
 * voices at the talker's pitch, 13 dB under their voice. Returns the hops of that second taken
 * for speech; the level after the phrases in *level_db and how often it was set again in
 * *epochs. field: speech_register_relevel_db. */
static int babble_voice_after_louder_talker(float field, float *level_db, int *epochs)
{
    tm_config c = tm_config_default(16000);
    c.speech_register_relevel_db = field;
    tmi_vad_init(&V, &c, HPS);
    int64_t n = 0;
    for (int i = 0; i < H(2.5); i++, n++) feed_voice(n, -36.0f - (float)(i % 4), i % 3 ? 100.0f : 0.0f);
    for (int i = 0; i < H(0.5); i++, n++) feed_voice(n, -75.0f, 0.0f);
    int epoch = V.epoch;
    talker_phrases(&n, -27.0f);
    *level_db = V.spk_db;
    *epochs = V.epoch - epoch;
    for (int i = 0; i < H(1.0); i++, n++) feed_voice(n, -75.0f, 0.0f);
    int spoken = 0;
    for (int i = 0; i < H(1.0); i++, n++) {
        feed_voice(n, i % 3 ? -37.0f : -39.0f, i % 3 ? 205.0f : 0.0f);
        spoken += V.on;
    }
    return spoken;
}

/* When the register moves to a voice well over the level, the level moves to it too: the babble
 * that won both is then 13 dB under the talker's level and no speech, even at their pitch. With
 * the field off the level creeps up from the babble's and that babble is speech. (Whether a
 * register move near the level leaves the level: test_register_set_again_from_the_talkers_loud_hops.) */
static void test_a_louder_voice_at_another_pitch_sets_the_level_too(void **state)
{
    (void)state;
    float on_db, off_db;
    int on_epochs, off_epochs;
    int on = babble_voice_after_louder_talker(3.0f, &on_db, &on_epochs);
    int off = babble_voice_after_louder_talker(0.0f, &off_db, &off_epochs);
    print_message("level after the talker's phrases (their 80th percentile -24 dBFS): %.1f dBFS "
                  "(set again %d times), field off %.1f dBFS (%d); hops of babble at their pitch "
                  "13 dB under them taken for speech: %d, field off %d, of 100\n",
                  on_db, on_epochs, off_db, off_epochs, on, off);
    assert_int_equal(on_epochs, 1);
    assert_true(on_db > -25.5f && on_db < -23.0f);
    assert_int_equal(off_epochs, 0);
    assert_true(off_db < -28.0f);
    assert_int_equal(on, 0);
    assert_true(off > 50);
}

enum { AT_START, AGENT_SILENT, AGENT_KNOWN };
/* A call's first seconds: the agent (P) greets for 3 s at -20 dBFS while babble at 120 Hz around
 * -31 dBFS fills the caller's (V's) channel (AT_START); or the agent is silent then
 * (AGENT_SILENT); or the agent had talked 3 s alone before, so that their level was known
 * (AGENT_KNOWN). Then the agent stops and the caller answers at 115 Hz, -24..-21 dBFS, for 3 s
 * over the babble. Returns V's level after the answer; *epochs: how often it was set again. */
static float answer_after_greeting_over_babble(int kind, float field, int *epochs)
{
    tm_config c = tm_config_default(16000);
    c.speech_warmup_overlap_db = field;
    pair_init(&c);
    int64_t n = 0;
    if (kind == AGENT_KNOWN)
        for (int i = 0; i < H(3.0); i++, n++)
            feed_pair(n, i % 25 < 20 ? -20.0f : -75.0f, 150.0f, -75.0f, 0.0f);
    for (int i = 0; i < H(3.0); i++, n++) {
        int agent = kind != AGENT_SILENT && i % 25 < 20;
        float b_db = -30.0f - (float)(i % 3), b_hz = i % 4 ? 120.0f + (float)(i % 7) : 0.0f;
        feed_pair(n, agent ? -20.0f : -75.0f, agent ? 150.0f : 0.0f, b_db, b_hz);
    }
    int epoch = V.epoch;
    for (int i = 0; i < H(3.0); i++, n++) {
        int vowel = i % 20 < 16;
        feed_pair(n, -75.0f, 0.0f, vowel ? -24.0f + (float)(i % 4) : -31.0f, vowel ? 115.0f : 120.0f);
    }
    *epochs = V.epoch - epoch;
    return V.spk_db;
}

/* A level learnt at a call's start while the other side talked throughout, before that side's
 * level was known, is checked by the anchors after it: the caller's answer 7-10 dB over the
 * babble that won it sets it again. Not when the agent was silent during the warm-up (a dense
 * warm-up alone is the talker's), nor when the agent's level was already known (later in a call,
 * a caller cutting in), nor with the field at 0. */
static void test_a_level_won_under_the_greeting_is_checked(void **state)
{
    (void)state;
    int e_start, e_silent, e_known, e_off;
    float start = answer_after_greeting_over_babble(AT_START, 4.0f, &e_start);
    float silent = answer_after_greeting_over_babble(AGENT_SILENT, 4.0f, &e_silent);
    float known = answer_after_greeting_over_babble(AGENT_KNOWN, 4.0f, &e_known);
    float off = answer_after_greeting_over_babble(AT_START, 0.0f, &e_off);
    print_message("caller's level after their answer (-21..-24 dBFS over babble at -30..-32): "
                  "babble under the greeting %.1f dBFS (set again %d times), agent silent %.1f (%d), "
                  "agent's level known %.1f (%d), field at 0 %.1f (%d)\n",
                  start, e_start, silent, e_silent, known, e_known, off, e_off);
    assert_true(e_start >= 1);
    assert_true(start > -24.5f);
    assert_int_equal(e_silent, 0);
    assert_int_equal(e_known, 0);
    assert_int_equal(e_off, 0);
    assert_true(off < -27.0f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_does_not_carry_the_talkers_word_on),
        cmocka_unit_test(test_babble_does_not_carry_the_talkers_phrase_on),
        cmocka_unit_test(test_onset_and_hangover_exact),
        cmocka_unit_test(test_laugh_pulses_are_not_speech),
        cmocka_unit_test(test_register_is_the_talkers_not_the_babbles),
        cmocka_unit_test(test_burst_shorter_than_onset),
        cmocka_unit_test(test_gap_bridged_up_to_hangover),
        cmocka_unit_test(test_a_pause_the_talker_returns_from_at_their_level_is_bridged),
        cmocka_unit_test(test_a_bridged_pause_keeps_the_sound_in_it),
        cmocka_unit_test(test_unvoiced_lead_in),
        cmocka_unit_test(test_lead_in_rises_out_of_the_noise),
        cmocka_unit_test(test_onset_needs_its_voiced_hops),
        cmocka_unit_test(test_unvoiced_on_the_final_path_is_no_speech),
        cmocka_unit_test(test_the_other_voices_echo_is_no_speech),
        cmocka_unit_test(test_babble_before_the_first_words_is_no_speech),
        cmocka_unit_test(test_a_level_is_learnt_again_from_two_turns_not_one),
        cmocka_unit_test(test_register_set_again_from_the_talkers_loud_hops),
        cmocka_unit_test(test_diffuse_babble_is_no_speech_the_talker_over_it_is),
        cmocka_unit_test(test_a_voiced_word_in_steady_noise_is_not_diffuse),
        cmocka_unit_test(test_a_babble_voice_crossing_the_gate_is_no_word),
        cmocka_unit_test(test_a_voice_no_louder_than_the_babble_is_not_the_talker),
        cmocka_unit_test(test_level_won_by_babble_is_set_again_from_the_talker),
        cmocka_unit_test(test_distant_voices_at_the_talkers_level_are_not_the_talker),
        cmocka_unit_test(test_babble_segments_are_background_when_nothing_else_is),
        cmocka_unit_test(test_faint_flat_sound_is_not_the_talker),
        cmocka_unit_test(test_a_louder_voice_at_another_pitch_sets_the_level_too),
        cmocka_unit_test(test_a_level_won_under_the_greeting_is_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
