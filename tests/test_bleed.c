/* tests/test_bleed.c -- the leak stage (src/bleed.c) alone, on scripted per-hop level and F0
 * tracks with the thresholds of tm_config_default(): the other channel's voice leaking in through
 * a known delay and loss (120 ms, 20 dB) is learnt (delay within a hop, loss within 1 dB) and
 * flagged; this channel's own voice far over the predicted leak, or at its level with another
 * pitch, is not; a room's reverberant tail is flagged while it decays within its T60 and not
 * after; a small room's faster decay is learnt, and the tail still carries the other voice's
 * pitch where that voice is unvoiced at the delay; two independent channels in conversation end the call with no coupling measured (and,
 * once a known bug is fixed, never measure one: see the FIXED BUG tests at the end, which failed before the fixes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "bleed.h"

#define HPS 100                 /* hops per second */
#define FLOOR_DB (-70.0f)       /* both channels' noise floor */
#define SPEECH_OVER_FLOOR 15.0f /* the other side "talking": its own voice this far over its floor */
#define DELAY 12                /* the scripted leak: 120 ms ... */
#define LOSS 20.0f              /* ... and 20 dB */

static int H(double s) { return (int)lrint(s * HPS); }

/* ---- adapter: every call into the stage is in this section ------------------------------- */

static tm_bleed B;
static float tail_db_per_hop;
static float o_noise_db = FLOOR_DB;   /* the other channel's noise (its bias-corrected mean) */

static void setup(void)
{
    tm_config c = tm_config_default(16000);
    tail_db_per_hop = 60.0f / (c.bleed_tail_t60_s * HPS);
    o_noise_db = FLOOR_DB;
    tmi_bleed_init(&B, &c, HPS);
}

/* One hop of this channel (level, F0; 0 unvoiced) against the other's: 1 when it is leak.
 * o_talking: the other side's own voice was heard on its channel (at the previous hop); o_leak:
 * the other channel took its previous hop for this channel's leak (on a leak it had found). */
static int feed_hop_all(float o_level, float o_f0, int o_talking, int o_leak, float level, float f0,
                        int echo_known, float echo_removed_db)
{
    tmi_hop h, o;
    memset(&h, 0, sizeof h);
    memset(&o, 0, sizeof o);
    h.level_db = level;
    h.f0_hz = f0;
    h.floor_db = FLOOR_DB;
    h.cand = 1;   /* the question is only whether it is leak */
    h.echo_known = echo_known;
    h.echo_removed_db = echo_removed_db;
    o.level_db = o_level;
    o.f0_hz = o_f0;
    o.floor_db = FLOOR_DB;
    o.noise_mean_db = o_noise_db;
    h.noise_mean_db = FLOOR_DB;
    return tmi_bleed_update(&B, &h, &o, o_talking, o_leak);
}

static int feed_hop_back(float o_level, float o_f0, int o_talking, int o_leak, float level, float f0)
{
    return feed_hop_all(o_level, o_f0, o_talking, o_leak, level, f0, 0, 0.0f);
}

static int feed_hop(float o_level, float o_f0, int o_talking, float level, float f0)
{
    return feed_hop_back(o_level, o_f0, o_talking, 0, level, f0);
}

static int measured(void) { return B.measured; }
static int delay_hops(void) { return B.delay_hops; }
static float coupling_db(void) { return B.coupling_db; }
static float room_decay_db(void) { return B.tail_rate_db; }

/* ---- scripted tracks --------------------------------------------------------------------- */

static uint64_t rng;
static float uni(float lo, float hi)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * (float)((rng >> 33) & 0xffffff) / (float)0x1000000;
}

/* Speech of one talker, per hop: syllables of 80-250 ms at -15..-35 dBFS, each with its own F0
 * in [f0_lo, f0_hi] (voiced), apart by pauses of 30 to gap_max_ms at the floor (unvoiced).
 * Stop closures and joins between words: 30-80 ms; with pauses between words, up to 150. */
static float gap_max_ms = 80.0f;
static void talker(float *lev, float *f0, int n, uint64_t seed, float f0_lo, float f0_hi)
{
    rng = seed;
    int i = 0;
    while (i < n) {
        int syl = (int)uni(8.0f, 25.0f), gap = (int)uni(3.0f, gap_max_ms / 10.0f);
        float l = uni(-35.0f, -15.0f), f = uni(f0_lo, f0_hi);
        for (int k = 0; k < syl && i < n; k++, i++) { lev[i] = l + uni(-1.0f, 1.0f); f0[i] = f; }
        for (int k = 0; k < gap && i < n; k++, i++) { lev[i] = FLOOR_DB; f0[i] = 0.0f; }
    }
}

/* The other talker's voice through the leak: DELAY hops later, LOSS dB down, its pitch; the
 * floor where that is under it. */
static void leak_of(const float *o_lev, const float *o_f0, float *lev, float *f0, int n)
{
    for (int i = 0; i < n; i++) {
        float l = i >= DELAY ? o_lev[i - DELAY] - LOSS : FLOOR_DB - LOSS;
        int audible = l > FLOOR_DB + 1.0f;
        lev[i] = audible ? l + uni(-0.5f, 0.5f) : FLOOR_DB;
        f0[i] = audible && i >= DELAY ? o_f0[i - DELAY] : 0.0f;
    }
}

static int talking(const float *o_lev, int i) { return i > 0 && o_lev[i - 1] >= FLOOR_DB + SPEECH_OVER_FLOOR; }

/* ---- the tests --------------------------------------------------------------------------- */

#define LEARN_S 30.0

/* 30 s of the other side's speech leaking in; returns how many of the leak's hops over the floor
 * + 8 dB (those that would pass for speech) in the last 10 s were flagged, *n their number. */
static int learn_leak(int *n_judged)
{
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 11, 90.0f, 160.0f);
    leak_of(ol, of, l, f, n);
    setup();
    int flagged = 0;
    *n_judged = 0;
    for (int i = 0; i < n; i++) {
        int d = feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
        if (i >= n - H(10.0) && l[i] >= FLOOR_DB + 8.0f) { (*n_judged)++; flagged += d; }
    }
    print_message("measured %d, delay %d hops, coupling %.2f dB; leak flagged %d of %d hops\n",
                  measured(), delay_hops(), coupling_db(), flagged, *n_judged);
    free(ol); free(of); free(l); free(f);
    return flagged;
}

static void test_leak_learnt_and_flagged(void **state)
{
    (void)state;
    int leak_hops, flagged = learn_leak(&leak_hops);
    assert_true(measured());
    assert_true(abs(delay_hops() - DELAY) <= 1);
    assert_true(fabsf(coupling_db() - LOSS) <= 1.0f);
    assert_true(leak_hops > 300);
    assert_int_equal(flagged, leak_hops);

    /* now this channel's own voice: 15 dB or more over the predicted leak, another register */
    float own_l[300], own_f[300];
    rng = 99;
    int own_flagged = 0, pitch_flagged = 0;
    for (int i = 0; i < 300; i++) {
        own_l[i] = uni(-20.0f, -12.0f);
        own_f[i] = uni(200.0f, 260.0f);
    }
    float ol2[300], of2[300];
    talker(ol2, of2, 300, 12, 90.0f, 160.0f);   /* the other side talks on: double-talk */
    for (int i = 0; i < 300; i++) own_flagged += feed_hop(ol2[i], of2[i], talking(ol2, i), own_l[i], own_f[i]);
    assert_int_equal(own_flagged, 0);
    /* at the predicted leak's level plus 4 dB (under the margin), voiced at another pitch (a
     * tritone off the other voice's, no harmonic of it): a different voice, not leak. The
     * prediction is the loudest of the three hops around the delay, or the room's tail of an
     * earlier, louder syllable (falling by the T60's rate), whichever is louder. */
    int tested = 0;
    float room = FLOOR_DB;
    for (int i = 0; i < 300; i++) {
        float direct = i >= DELAY ? ol2[i - DELAY] : FLOOR_DB;
        room = fmaxf(room - tail_db_per_hop, direct);
        float pred = room;
        for (int k = i - DELAY - 1; k <= i - DELAY + 1; k++) if (k >= 0) pred = fmaxf(pred, ol2[k]);
        float o_f = i >= DELAY ? of2[i - DELAY] : 0.0f;
        /* inside a syllable: the three hops around the delay have its pitch */
        int inner = i >= DELAY + 1 && o_f > 0.0f && of2[i - DELAY - 1] == o_f && of2[i - DELAY + 1] == o_f;
        int voiced_leak = inner && pred - LOSS > FLOOR_DB + 8.0f;
        float lev = voiced_leak ? pred - LOSS + 4.0f : FLOOR_DB;
        float f0 = voiced_leak ? o_f * 1.4142f : 0.0f;
        int d = feed_hop(ol2[i], of2[i], talking(ol2, i), lev, f0);
        if (voiced_leak) { tested++; pitch_flagged += d; }
    }
    print_message("own voice flagged %d of 300; leak-level other pitch flagged %d of %d\n",
                  own_flagged, pitch_flagged, tested);
    assert_true(tested > 50);
    assert_int_equal(pitch_flagged, 0);
    assert_true(measured());
}

/* The other talker's last syllable (-20 dBFS, 300 ms) and then nothing; this channel carries
 * its echo and then a tail falling by decay_db per hop. Returns how many of the tail's hops
 * over the floor + 8 dB were flagged; *n_tail their number. */
static int tail_run(float decay_db, int *n_tail)
{
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 11, 90.0f, 160.0f);
    leak_of(ol, of, l, f, n);
    setup();
    for (int i = 0; i < n; i++) feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
    assert_true(measured());
    int flagged = 0;
    *n_tail = 0;
    /* the last syllable: 30 hops, then 2 s of the other side's silence */
    float prev_o = ol[n - 1];
    for (int i = 0; i < 30 + H(2.0); i++) {
        float o = i < 30 ? -20.0f : FLOOR_DB, o_f = i < 30 ? 120.0f : 0.0f;
        float here, here_f = 0.0f;
        if (i < DELAY) here = FLOOR_DB;
        else if (i < 30 + DELAY) { here = -20.0f - LOSS; here_f = 120.0f; }
        else here = -20.0f - LOSS - decay_db * (float)(i - 30 - DELAY + 1);
        if (here < FLOOR_DB) here = FLOOR_DB;
        int d = feed_hop(o, o_f, prev_o >= FLOOR_DB + SPEECH_OVER_FLOOR, here, here_f);
        prev_o = o;
        if (i >= 30 + DELAY && here >= FLOOR_DB + 8.0f) { (*n_tail)++; flagged += d; }
    }
    /* 1.5 s after the other side stopped, this side's own quiet voice is not its tail */
    for (int i = 0; i < 10; i++) assert_false(feed_hop(FLOOR_DB, 0.0f, 0, -50.0f, 0.0f));
    free(ol); free(of); free(l); free(f);
    return flagged;
}

static void test_reverberant_tail(void **state)
{
    (void)state;
    setup();
    int n_tail;
    /* a room of the profile's T60 (60 dB in bleed_tail_t60_s): every tail hop is leak */
    int flagged = tail_run(tail_db_per_hop, &n_tail);
    print_message("tail at T60: %d of %d hops flagged\n", flagged, n_tail);
    assert_true(n_tail >= 40);
    assert_int_equal(flagged, n_tail);
    /* a sound falling three times slower than the room can is not its tail: once it stands
     * over the room's tail by the margin (6 dB, after about 18 hops), no hop of it is leak */
    int slow_tail;
    int slow_flagged = tail_run(tail_db_per_hop / 3.0f, &slow_tail);
    print_message("slower than T60: %d of %d hops flagged\n", slow_flagged, slow_tail);
    assert_true(slow_tail > 100);
    assert_true(slow_flagged <= 20);
}

/* Two independent talkers in conversation: turns of 1-4 s, each taken 0-0.6 s before the other
 * stops (double-talk at every change) or after a gap of up to 0.8 s. */
static void conversation(float *ol, float *of, float *l, float *f, int n, uint64_t seed)
{
    talker(ol, of, n, seed, 90.0f, 200.0f);
    talker(l, f, n, seed + 1, 90.0f, 200.0f);
    char *on[2] = {calloc((size_t)n, 1), calloc((size_t)n, 1)};
    rng = seed + 2;
    int who = 0, s = 0;
    while (s < n) {
        int e = s + (int)uni(100.0f, 400.0f);
        for (int k = s; k < e && k < n; k++) on[who][k] = 1;
        s = uni(0.0f, 1.0f) < 0.5f ? e - (int)uni(0.0f, 60.0f) : e + (int)uni(0.0f, 80.0f);
        who = 1 - who;
    }
    for (int k = 0; k < n; k++) {
        if (!on[0][k]) { ol[k] = FLOOR_DB; of[k] = 0.0f; }
        if (!on[1][k]) { l[k] = FLOOR_DB; f[k] = 0.0f; }
    }
    free(on[0]);
    free(on[1]);
}

/* Runs 20 seeded conversations of 2 min; returns in how many a coupling was measured at some
 * hop (*ever) and at the end (*at_end). */
static void independent_runs(int *ever_n, int *at_end_n)
{
    int n = H(120.0);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    *ever_n = *at_end_n = 0;
    for (uint64_t seed = 10; seed <= 200; seed += 10) {
        conversation(ol, of, l, f, n, seed);
        setup();
        int ever = 0;
        for (int i = 0; i < n; i++) {
            feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
            if (measured() && !ever)
                print_message("seed %d: coupling measured at %.2f s: delay %d hops, %.2f dB\n", (int)seed,
                              i / (double)HPS, delay_hops(), coupling_db());
            ever |= measured();
        }
        *ever_n += ever;
        *at_end_n += measured();
    }
    free(ol); free(of); free(l); free(f);
}

static void test_independent_channels_keep_no_coupling(void **state)
{
    (void)state;
    int ever, at_end;
    independent_runs(&ever, &at_end);
    /* a coupling "measured" by chance is dropped again when its leak does not show */
    assert_int_equal(at_end, 0);
}

/* FIXED BUG (src/bleed.c, learning):
 * independent talkers in conversation "measure" a coupling of 4-7 dB at some point in 4 of 20
 * seeded 2-minute calls (double-talk only at turn changes; syllable levels -15..-35 dBFS, pitch
 * 90-200 Hz). Learning keeps only hops where the other side is at least 3 dB louder, so the
 * difference it averages is a truncated one whose spread, after the 6 dB clipping, sits near
 * the 9 dB^2 limit; while it lasts, this side's own hops under the other's level + 1 dB are
 * taken for leak. Expected: never measured. */
static void test_independent_channels_never_measure_a_coupling(void **state)
{
    (void)state;
    int ever, at_end;
    independent_runs(&ever, &at_end);
    assert_int_equal(ever, 0);
}

/* FIXED BUG (src/bleed.c, learning):
 * the check that forgets a measured leak "that keeps not showing" compares this hop with the
 * other side's loudest hop over the whole search range (0-250 ms), not with its hop at the leak
 * delay. With pauses of 30-150 ms between the other talker's syllables, this hop is often the
 * echo of a pause while a syllable sits elsewhere in the range: a true 20 dB, 120 ms leak is
 * forgotten again and again, and about one leak hop in five passes for speech (519 of 658).
 * Checked: comparing with the loudest of the three hops around the measured delay instead keeps
 * the leak (658 of 658 flagged). Expected: learnt and all flagged, as with shorter pauses. */
static void test_leak_kept_with_word_pauses(void **state)
{
    (void)state;
    gap_max_ms = 150.0f;
    int leak_hops, flagged = learn_leak(&leak_hops);
    gap_max_ms = 80.0f;
    assert_true(measured());
    assert_int_equal(flagged, leak_hops);
}

/* ---- the early leak (before the leak is measured) ---------------------------------------- */

#define SP_DELAY 15             /* a speakerphone's echo: 150 ms (past the 130 ms assumed unmeasured) */

/* Runs a call's first 4 s: the other side talks from 0.5 s (its greeting), this channel
 * carries its echo SP_DELAY hops later at the source's own level (a speakerphone whose room
 * and clipping bring the echo up to the voice's level) and, when own_from_s >= 0, its own voice
 * from then on for 1 s (syllables at -20..-15 dBFS, pitch 150-175 Hz: the other voice's is
 * 95-125, so that no harmonic ratio makes them the same voice). early_corr: the profile's bleed_early_corr. Counts the echo hops over the floor + 8 dB
 * where the own voice is silent (*echo_n) and how many were flagged (*echo_flagged), and the
 * own voice's hops at or over the echo's level (*own_n) and how many were flagged
 * (*own_flagged). */
static void call_start(float early_corr, double own_from_s, int *echo_n, int *echo_flagged,
                       int *own_n, int *own_flagged)
{
    int n = H(4.0);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *own = calloc((size_t)n, sizeof(float)), *own_f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 21, 95.0f, 125.0f);
    for (int i = 0; i < H(0.5); i++) { ol[i] = FLOOR_DB; of[i] = 0.0f; }
    talker(own, own_f, n, 22, 150.0f, 175.0f);
    for (int i = 0; i < n; i++) {
        int on = own_from_s >= 0.0 && i >= H(own_from_s) && i < H(own_from_s + 1.0);
        if (!on || own[i] <= FLOOR_DB) { own[i] = FLOOR_DB; own_f[i] = 0.0f; }
        else own[i] = uni(-20.0f, -15.0f);
    }
    tm_config c = tm_config_default(16000);
    c.bleed_early_corr = early_corr;
    tmi_bleed_init(&B, &c, HPS);
    *echo_n = *echo_flagged = *own_n = *own_flagged = 0;
    for (int i = 0; i < n; i++) {
        float e = i >= SP_DELAY ? ol[i - SP_DELAY] : FLOOR_DB;
        float e_f = i >= SP_DELAY ? of[i - SP_DELAY] : 0.0f;
        /* the hop's level: the echo and the own voice's powers add; its pitch the louder's */
        float lev = 10.0f * log10f(powf(10.0f, e / 10.0f) + powf(10.0f, own[i] / 10.0f));
        float f0 = own[i] >= e ? own_f[i] : e_f;
        int d = feed_hop(ol[i], of[i], talking(ol, i), lev, f0);
        if (own[i] > FLOOR_DB && own[i] >= e) { (*own_n)++; *own_flagged += d; }
        else if (own[i] <= FLOOR_DB && e >= FLOOR_DB + 8.0f) { (*echo_n)++; *echo_flagged += d; }
    }
    free(ol); free(of); free(own); free(own_f);
}

/* The first seconds of a speakerphone call: the echo of the other side's greeting, as loud as
 * the greeting itself and later than the 130 ms a leak is assumed within before it is
 * measured, is flagged from the first half second of the greeting on, by the early leak; with
 * the early leak off (bleed_early_corr 1), the echo of the first syllables passes for speech
 * until the level model has measured the leak (once, when a leak had to lose 3 dB, most of it
 * passed). */
static void test_early_leak_flags_speakerphone_echo(void **state)
{
    (void)state;
    int n, fl, on, ofl, n_off, fl_off;
    call_start(1.0f, -1.0, &n_off, &fl_off, &on, &ofl);
    call_start(0.8f, -1.0, &n, &fl, &on, &ofl);
    print_message("speakerphone echo at call start: flagged %d of %d hops (early leak off: %d of %d)\n",
                  fl, n, fl_off, n_off);
    assert_true(n > 150);
    assert_true(fl_off < fl);          /* without the early leak, the first echo reads as speech */
    /* all but the echo's first few hops: the early leak is in sight within the first word's
     * echo (judged on 0.3 s of hops, 9 of them passed) */
    assert_true(fl >= n - H(0.05));
    /* by the end the level model has measured it (and the early leak gave way to it) */
    assert_true(tmi_bleed_known(&B));
    assert_true(abs((B.measured ? B.delay_hops : B.early_delay) - SP_DELAY) <= 1);
}

/* ... and this channel's own voice starting 1 s into the greeting (its own pitch, at or over
 * the echo's level) is not taken for the echo. */
static void test_early_leak_keeps_own_onset(void **state)
{
    (void)state;
    int n, fl, on, ofl, n0, fl0, on0, ofl0;
    call_start(1.0f, 1.0, &n0, &fl0, &on0, &ofl0);
    call_start(0.8f, 1.0, &n, &fl, &on, &ofl);
    print_message("own voice during the greeting: flagged %d of %d hops (early leak off: %d); echo flagged %d of %d\n",
                  ofl, on, ofl0, fl, n);
    assert_true(on > 40);
    assert_true(ofl <= on / 10);
}

/* Two independent talkers in conversation (20 seeded 2-minute calls): no delay's envelope
 * correlates like a leak's, so the early leak is never in sight. */
static void test_early_leak_not_in_independent_channels(void **state)
{
    (void)state;
    int n = H(120.0), calls = 0;
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    float worst = 0.0f;
    for (uint64_t seed = 10; seed <= 200; seed += 10) {
        conversation(ol, of, l, f, n, seed);
        setup();
        int ever = 0;
        for (int i = 0; i < n; i++) {
            feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
            ever |= B.early_on;
            if (B.early_corr > worst) worst = B.early_corr;
        }
        calls += ever;
    }
    print_message("independent channels: early leak in sight in %d of 20 calls (best correlation %.2f)\n",
                  calls, worst);
    assert_int_equal(calls, 0);
    free(ol); free(of); free(l); free(f);
}

/* The other way round: this channel is the greeting's talker and the other side (the
 * speakerphone) carries its echo, 6 dB down and smeared by the room. This channel's envelope
 * then leads the other's, and its own slow envelope follows itself at that delay: the early
 * leak must not take the talker for the echo of its own echo. */
static void test_early_leak_not_on_the_talkers_channel(void **state)
{
    (void)state;
    int n = H(4.0);
    float *own = calloc((size_t)n, sizeof(float)), *own_f = calloc((size_t)n, sizeof(float));
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    gap_max_ms = 40.0f;   /* a fluent greeting: short joins, a slow envelope */
    talker(own, own_f, n, 23, 95.0f, 125.0f);
    gap_max_ms = 80.0f;
    for (int i = 0; i < H(0.5); i++) { own[i] = FLOOR_DB; own_f[i] = 0.0f; }
    float room = FLOOR_DB;   /* the room's tail: decays 60 dB in 0.5 s */
    for (int i = 0; i < n; i++) {
        float src = i >= SP_DELAY ? own[i - SP_DELAY] - 6.0f : FLOOR_DB;
        room -= 60.0f / H(0.5);
        if (src > room) room = src;
        ol[i] = room > FLOOR_DB ? room : FLOOR_DB;
        of[i] = i >= SP_DELAY && src > FLOOR_DB ? own_f[i - SP_DELAY] : 0.0f;
    }
    setup();
    int judged = 0, flagged = 0, ever = 0;
    for (int i = 0; i < n; i++) {
        int d = feed_hop(ol[i], of[i], talking(ol, i), own[i], own_f[i]);
        ever |= B.early_on;
        if (own[i] >= FLOOR_DB + 8.0f) { judged++; flagged += d; }
    }
    print_message("the talker's own channel: early leak in sight %d, own hops flagged %d of %d\n",
                  ever, flagged, judged);
    assert_true(judged > 150);
    assert_int_equal(ever, 0);
    assert_true(flagged <= judged / 20);
    free(own); free(own_f); free(ol); free(of);
}

/* This side's own voice come back: the other channel is a speakerphone that carries this
 * side's voice 150 ms later, 6 dB down, and nothing else (its own party silent); the other
 * channel's stage knows that leak and flags those hops (o_leak), so they are never the other
 * side talking. Such a hop predicts no leak here: leaking back it would be a second loss down.
 * Before o_leak was used, this side's quieter syllables 150-280 ms after louder ones (more than
 * the assumed 12 dB under that echo) were taken for the other side's leak: 2 min of speech,
 * syllables -15..-35 dBFS: 565 of 9164 own hops flagged. Expected: no coupling, and only hops
 * at the echo's onsets flagged (the other's flag of the newest hop is known a hop late): at
 * most one in a thousand (2 of 9164 now). */
static void test_own_voice_come_back_is_not_leak(void **state)
{
    (void)state;
    int n = H(120.0);
    float *own = calloc((size_t)n, sizeof(float)), *own_f = calloc((size_t)n, sizeof(float));
    talker(own, own_f, n, 31, 95.0f, 125.0f);
    setup();
    int judged = 0, flagged = 0, ever = 0;
    for (int i = 0; i < n; i++) {
        /* the other channel at hop i and its leak flag at hop i - 1 (its last decision) */
        float ol = i >= SP_DELAY ? own[i - SP_DELAY] - 6.0f : FLOOR_DB;
        float of = i >= SP_DELAY ? own_f[i - SP_DELAY] : 0.0f;
        if (ol < FLOOR_DB) { ol = FLOOR_DB; of = 0.0f; }
        int back = i > SP_DELAY && own[i - 1 - SP_DELAY] - 6.0f >= FLOOR_DB + 3.0f;
        int d = feed_hop_back(ol, of, 0, back, own[i], own_f[i]);
        ever |= measured();
        if (own[i] >= FLOOR_DB + 8.0f) { judged++; flagged += d; }
    }
    print_message("own voice come back: coupling measured %d, own hops flagged %d of %d\n", ever,
                  flagged, judged);
    assert_true(judged > 3000);
    assert_int_equal(ever, 0);
    assert_true(flagged <= judged / 1000);
    free(own); free(own_f);
}

/* A speakerphone on the other side carries this side's voice back (the other channel took those
 * hops for this side's leak), and then its own talker cuts in, 10 dB over this side's trailing
 * words. Those words have this side's pitch, which the other channel also had a moment ago, as
 * the echo: that is no sign that they are the other side's leak. With no leak measured, a voice
 * at the assumed leak's level whose pitch is not the other talker's is this side talking. */
static void test_own_pitch_come_back_is_not_the_other_voice(void **state)
{
    (void)state;
    setup();
    for (int i = 0; i < 10; i++) feed_hop_back(-26.0f, 200.0f, 0, i > 0, -20.0f, 200.0f);
    int flagged = 0;
    for (int i = 0; i < 12; i++) flagged += feed_hop_back(-18.0f, 130.0f, 1, i == 0, -29.0f, 200.0f);
    print_message("this side's words after the other cut in: %d of 12 hops flagged as leak\n", flagged);
    assert_int_equal(flagged, 0);
    /* the other talker at this side's pitch: this side's quiet hop at the assumed leak's level is
     * that leak (from the second hop: at the first, the other channel's flag of its newest hop
     * is still that of the echo) */
    setup();
    for (int i = 0; i < 10; i++) feed_hop_back(-26.0f, 200.0f, 0, i > 0, -20.0f, 200.0f);
    flagged = 0;
    for (int i = 0; i < 12; i++) flagged += feed_hop_back(-18.0f, 200.0f, 1, i == 0, -31.0f, 200.0f);
    print_message("... at the other talker's pitch: %d of 12 flagged\n", flagged);
    assert_int_equal(flagged, 11);
}

/* This side (a woman at 286 Hz) is finishing her words when the other side (a man at 143 Hz, an
 * octave under her) comes in 14 dB louder, before any leak is measured: her trailing words lie
 * under the assumed leak, at a pitch a leak of his read an octave high would have. They go on
 * her own pitch track of the hop before, so they are her voice (seed 51 c26: her last 0.17 s
 * were his leak, and their overlap was lost), for hangover_ms at most. The same hops with
 * nothing of hers before them are his leak; so they are with the rule off (bleed_continue_st 0).
 * Returns the hops flagged of the `hops` under the other voice; *late: of those after 0.2 s. */
static int trailing_words(int hers_before, float continue_st, int hops, int *late)
{
    setup();
    B.continue_st = continue_st;
    for (int i = 0; i < 30; i++) feed_hop(FLOOR_DB, 0.0f, 0, hers_before ? -20.0f : FLOOR_DB, hers_before ? 287.0f : 0.0f);
    int flagged = 0;
    *late = 0;
    for (int i = 0; i < hops; i++) {
        int leak = feed_hop(-18.0f, 143.0f, i > 0, -34.0f - (float)(i % 12) * 0.5f, 286.5f - 0.1f * (float)(i % 12));
        flagged += leak;
        if (i >= H(0.2)) *late += leak;
    }
    return flagged;
}

static void test_own_words_going_on_under_the_other_voice_at_its_octave(void **state)
{
    (void)state;
    int late;
    int on = trailing_words(1, 0.5f, 12, &late), none_before = trailing_words(0, 0.5f, 12, &late);
    int off = trailing_words(1, 0.0f, 12, &late);
    /* ... and no longer than hangover_ms (200 ms): the level does not vouch for such hops */
    int on_long = trailing_words(1, 0.5f, H(0.5), &late);
    print_message("her words going on under his, an octave under her: %d of 12 hops flagged as leak; "
                  "with nothing of hers before %d; with the rule off %d; going on for 0.5 s: %d of the %d "
                  "after 0.2 s (%d in all)\n", on, none_before, off, late, H(0.3), on_long);
    assert_int_equal(on, 0);
    assert_true(none_before >= 10);
    assert_true(off >= 10);
    assert_int_equal(late, H(0.3));
    assert_int_equal(on_long, H(0.3));
}

/* After learn_leak() (a 120 ms, 20 dB leak measured), 2 s of the other side holding one steady
 * vowel (-20 dBFS at o_f0: no tail over the voice at the delay) while this channel carries hops
 * of level and f0 with the canceller's cue (echo_known, dB removed), the profile's
 * echo_dt_voice_db set to dt_voice_db; returns how many of the last 1.5 s (150 hops) were
 * flagged. */
static int steady_other(float o_f0, float level, float f0, int echo_known, float removed_db,
                        float dt_voice_db)
{
    int n_judged;
    learn_leak(&n_judged);
    B.echo_dt_voice_db = dt_voice_db;
    int flagged = 0;
    for (int i = 0; i < H(2.0); i++) {
        int d = feed_hop_all(-20.0f, o_f0, 1, 0, level, f0, echo_known, removed_db);
        if (i >= H(0.5)) flagged += d;
    }
    return flagged;
}

/* Double-talk under a measured leak, the canceller converged: this side's own voice at 204 Hz
 * (1.7 times the other's 120 Hz: no harmonic ratio), 5 dB under the leak the level model
 * predicts (-40 dBFS), and the canceller took 0.5 dB from it: the predicted leak is not there
 * (an AGC on this channel, the other's syllable at the delay a quiet one), the voice is this
 * side's. Before echo_dt_voice_db, all 150 hops were taken for leak. Known answers: none
 * flagged; flagged again where the canceller took 10 dB (the leak was there), or where the
 * pitch is the other voice's (120 Hz), or with the cue off (echo_dt_voice_db 0). */
static void test_double_talk_the_canceller_did_not_remove(void **state)
{
    (void)state;
    int own = steady_other(120.0f, -45.0f, 204.0f, 2, 0.5f, 3.0f);
    int removed = steady_other(120.0f, -45.0f, 204.0f, 2, 10.0f, 3.0f);
    int same = steady_other(120.0f, -45.0f, 120.0f, 2, 0.5f, 3.0f);
    int off = steady_other(120.0f, -45.0f, 204.0f, 2, 0.5f, 0.0f);
    print_message("double-talk, canceller took 0.5 dB: flagged %d of 150; took 10 dB: %d; the "
                  "other's pitch: %d; cue off: %d\n", own, removed, same, off);
    assert_int_equal(own, 0);
    assert_int_equal(removed, 150);
    assert_int_equal(same, 150);
    assert_int_equal(off, 150);
}

/* Double-talk whose pitch the tracker loses (issue 12): after learn_leak() and 1 s of the other
 * side's steady vowel (-20 dBFS, 120 Hz) coming back at -40 dBFS (the canceller taking 10 dB of
 * it), this side talks under it, 2 dB over the predicted leak (within the 6 dB margin): 3 hops
 * at its own pitch (204 Hz), then `unvoiced` hops the tracker reads no pitch on, the converged
 * canceller taking removed_db from every one; 6 times over. Returns how many of the hops with
 * no pitch were flagged as leak; their number in *n. own_f0: the pitch of the 3 voiced hops. */
static int lost_pitch_run(float own_f0, float removed_db, int unvoiced, int *n)
{
    int n_judged;
    learn_leak(&n_judged);
    for (int i = 0; i < H(1.0); i++) feed_hop_all(-20.0f, 120.0f, 1, 0, -40.0f, 120.0f, 2, 10.0f);
    int flagged = 0;
    *n = 0;
    for (int r = 0; r < 6; r++) {
        for (int i = 0; i < 3; i++) feed_hop_all(-20.0f, 120.0f, 1, 0, -38.0f, own_f0, 2, removed_db);
        for (int i = 0; i < unvoiced; i++) {
            flagged += feed_hop_all(-20.0f, 120.0f, 1, 0, -38.0f, 0.0f, 2, removed_db);
            (*n)++;
        }
    }
    return flagged;
}

/* Known answers: with the canceller taking 0.5 dB, the 72 hops with no pitch that follow the
 * voice's own pitch within 120 ms (12 hops) are this side's (none flagged; before the double-talk
 * hangover, all 72 were taken for leak, and a caller cutting in under a speakerphone's echo fell
 * apart into fragments); with it taking 8 dB they are echo (all flagged); after voiced hops at the
 * other voice's pitch (its echo) they are echo too (all flagged); and the hangover ends: of 6 runs
 * of 40 hops with no pitch, the last 20 of each (past echo_dt_hold_ms = 200 ms) are flagged. */
static void test_double_talk_hangover(void **state)
{
    (void)state;
    int n_own, n_removed, n_echo, n_long;
    int own = lost_pitch_run(204.0f, 0.5f, 12, &n_own);
    int removed = lost_pitch_run(204.0f, 8.0f, 12, &n_removed);
    int echo = lost_pitch_run(120.0f, 0.5f, 12, &n_echo);
    int longer = lost_pitch_run(204.0f, 0.5f, 40, &n_long);
    print_message("no pitch after the own voice: flagged %d of %d; canceller took 8 dB: %d of %d; "
                  "after the echo's pitch: %d of %d; 400 ms runs: %d of %d\n", own, n_own, removed,
                  n_removed, echo, n_echo, longer, n_long);
    assert_int_equal(own, 0);
    assert_int_equal(removed, n_removed);
    assert_int_equal(echo, n_echo);
    assert_int_equal(longer, 6 * 20);
}

/* Double-talk in the other voice's register: after learn_leak(), 3 s of the other side's steady
 * vowel (-20 dBFS, 120 Hz) coming back at the predicted -40 dBFS, the converged canceller taking
 * echo_db from each such hop; then 1.5 s of this side talking at the same pitch, level_db, the
 * canceller taking removed_db. Returns how many of those 150 hops were flagged as leak. */
static int same_register_talk(float echo_db, float level_db, float removed_db)
{
    int n_judged;
    learn_leak(&n_judged);
    assert_true(B.echo_leak_rem_db == 0.0f);   /* nothing removed by a canceller yet */
    for (int i = 0; i < H(3.0); i++) feed_hop_all(-20.0f, 120.0f, 1, 0, -40.0f, 120.0f, 2, echo_db);
    int flagged = 0;
    for (int i = 0; i < H(1.5); i++) flagged += feed_hop_all(-20.0f, 120.0f, 1, 0, level_db, 120.0f, 2, removed_db);
    return flagged;
}

/* A caller's "mm-hm" under a speakerphone's echo of the agent, both men in one register: no
 * pitch tells the two apart (seed 35 s05: each of the call's three backchannels was leak). Known
 * answers: 2 dB over the predicted leak, with the canceller (which takes 12 dB from this
 * channel's echo) taking 1 dB, none flagged; taking 5 dB, all 150 (over echo_dt_max_db = 4: part
 * of it was the echo); 3 dB under the predicted leak, all (an echo the canceller models badly);
 * and all where the canceller never took anything from what was leak (a leak "measured" from
 * babble that follows the other's turns, which no canceller removes: seed 35 c41). */
static void test_double_talk_in_the_other_voices_register(void **state)
{
    (void)state;
    int own = same_register_talk(12.0f, -38.0f, 1.0f);
    int half = same_register_talk(12.0f, -38.0f, 5.0f);
    int under = same_register_talk(12.0f, -43.0f, 1.0f);
    int no_path = same_register_talk(0.0f, -38.0f, 1.0f);
    print_message("same pitch, canceller took 1 dB: flagged %d of 150; took 5 dB: %d; 3 dB under "
                  "the predicted leak: %d; a canceller that never removed the leak: %d\n", own,
                  half, under, no_path);
    assert_int_equal(own, 0);
    assert_int_equal(half, 150);
    assert_int_equal(under, 150);
    assert_int_equal(no_path, 150);
}

/* After a leak is measured, this side's own voice a little over the predicted leak (2 dB, under
 * the 6 dB margin) at 89 Hz while the other voice is at 265 Hz: a third of it, within a
 * semitone. A leak is not read at a period three times the voice's: this is another voice.
 * Before, same_pitch counted a third and a quarter as the same voice: all 150 hops were taken
 * for leak. A leak read at three times the other's pitch (360 Hz against 120: a harmonic, the
 * fundamental lost in the band) still is leak. Known answers: none flagged at 89 Hz; all 150
 * at 360 Hz. */
static void test_a_third_of_the_pitch_is_another_voice(void **state)
{
    (void)state;
    int third = steady_other(265.0f, -38.0f, 89.0f, 0, 0.0f, 3.0f);
    int harmonic = steady_other(120.0f, -38.0f, 360.0f, 0, 0.0f, 3.0f);
    print_message("89 Hz against 265 Hz: flagged %d of 150; 360 Hz against 120 Hz: %d\n", third,
                  harmonic);
    assert_int_equal(third, 0);
    assert_int_equal(harmonic, 150);
}

/* a small room's tail: T60 0.3 s, 2 dB a hop */
#define ROOM_DB_PER_HOP 2.0f

/* A speakerphone's echo comes back louder than the voice it carries in the other channel (its
 * loudspeaker next to its microphone, clipping, the room): here 4 dB over it (wandering +-1.5 dB
 * over 3 s), 60 ms late, with a reverberant tail falling 2 dB a hop (T60 0.3 s). The leak is
 * measured at its delay (within a hop) with its loss (-4 dB, within 2 dB), and its hops, tail
 * included, are flagged. FIXED BUG: learning took only hops at least 3 dB under the other voice,
 * so at the true delay it learnt nothing (on the realistic corpus, seed 13, s05: a later, wrong
 * delay, 130 ms for an echo at 56 ms that took 50 s to walk back, its loss read 4-5 dB too high,
 * and the echo that passed for speech made 10 false backchannels in 2 minutes). */
#define GAIN_DELAY 6
#define GAIN_DB 4.0f
static void test_echo_louder_than_its_voice(void **state)
{
    (void)state;
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 31, 90.0f, 160.0f);
    float room = FLOOR_DB;
    for (int i = 0; i < n; i++) {
        float wander = 1.5f * sinf(2.0f * 3.14159265f * (float)i / (float)H(3.0));
        int voice = i >= GAIN_DELAY && ol[i - GAIN_DELAY] > FLOOR_DB;
        float direct = voice ? ol[i - GAIN_DELAY] + GAIN_DB + wander : FLOOR_DB;
        room = fmaxf(room - ROOM_DB_PER_HOP, direct);
        l[i] = room > FLOOR_DB + 1.0f ? room + uni(-0.5f, 0.5f) : FLOOR_DB;
        f[i] = voice ? of[i - GAIN_DELAY] : 0.0f;
    }
    setup();
    int n_judged = 0, flagged = 0;
    for (int i = 0; i < n; i++) {
        int d = feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
        if (i >= n - H(10.0) && l[i] >= FLOOR_DB + 8.0f) { n_judged++; flagged += d; }
    }
    print_message("echo 4 dB over its voice: measured %d, delay %d hops, coupling %.2f dB; "
                  "flagged %d of %d hops\n", measured(), delay_hops(), coupling_db(), flagged,
                  n_judged);
    assert_true(measured());
    assert_true(abs(delay_hops() - GAIN_DELAY) <= 1);
    assert_true(fabsf(coupling_db() + GAIN_DB) <= 2.0f);
    assert_true(n_judged > 300);
    assert_true(flagged >= n_judged - n_judged / 50);
    free(ol); free(of); free(l); free(f);
}

/* Double-talk under a measured leak, this side's voice at the leak's level and exactly an
 * octave under the other voice (100 Hz against 200: a man answering a woman), the converged
 * canceller taking nothing: this side talks. The same hops with 10 dB taken are leak (the leak
 * read an octave low), and so is a pitch at twice the other's (the leak read at its harmonic)
 * with nothing taken. FIXED BUG: the octave under was taken for the leak's pitch whatever the
 * canceller found (realistic corpus, seed 13: c45's caller, an octave under the agent, lost a
 * backchannel and an overlap once the leak's loss was read right). */
static void test_octave_under_the_canceller_did_not_remove(void **state)
{
    (void)state;
    int own = steady_other(200.0f, -45.0f, 100.0f, 2, 0.5f, 3.0f);
    int removed = steady_other(200.0f, -45.0f, 100.0f, 2, 10.0f, 3.0f);
    int harmonic = steady_other(200.0f, -45.0f, 400.0f, 2, 0.5f, 3.0f);
    print_message("an octave under, canceller took 0.5 dB: flagged %d of 150; took 10 dB: %d; "
                  "an octave over: %d\n", own, removed, harmonic);
    assert_int_equal(own, 0);
    assert_int_equal(removed, 150);
    assert_int_equal(harmonic, 150);
}

/* A small room (T60 0.3 s: 2 dB a hop, where the profile assumes 1.2 s): the other side talks
 * with pauses, and this channel carries its voice through the leak (DELAY, LOSS) plus the room's
 * tail, falling 2 dB a hop after each syllable. The stage learns a decay close to the room's
 * (not faster: the tail is still leak), and this side's answer 120 ms into the tail, 13 dB over
 * the real tail but under the tail the profile's T60 predicts, is not taken for the leak.
 * FIXED BUG: the tail fell at the profile's fixed 0.5 dB a hop, the answer was flagged (15 of
 * 20 hops) and an interruption of this side was missed (realistic corpus, s09 at 20 s). */
static void test_small_room_decay_learnt(void **state)
{
    (void)state;
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    gap_max_ms = 500.0f;
    talker(ol, of, n, 21, 90.0f, 160.0f);
    gap_max_ms = 80.0f;
    leak_of(ol, of, l, f, n);
    float room = FLOOR_DB - LOSS;
    for (int i = 0; i < n; i++) {
        float direct = i >= DELAY ? ol[i - DELAY] - LOSS : FLOOR_DB - LOSS;
        room = fmaxf(room - ROOM_DB_PER_HOP, direct);
        if (room > l[i] + 1.0f && room > FLOOR_DB) { l[i] = room; f[i] = 0.0f; }
    }
    setup();
    for (int i = 0; i < n; i++) feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
    assert_true(measured());
    float learnt = room_decay_db();
    /* the last syllable (-15 dBFS, 300 ms), then the other side is silent; the tail here falls
     * 2 dB a hop from -35 dBFS; from 12 hops into it this side answers at -48 dBFS, voiced */
    int tail_n = 0, tail_flagged = 0, answer_flagged = 0;
    float prev_o = ol[n - 1];
    for (int i = 0; i < 30 + DELAY + 32; i++) {
        float o = i < 30 ? -15.0f : FLOOR_DB, o_f = i < 30 ? 120.0f : 0.0f;
        int age = i - (30 + DELAY) + 1;       /* hops into the tail */
        float here = FLOOR_DB, here_f = 0.0f;
        if (i >= DELAY && age <= 0) { here = -15.0f - LOSS; here_f = 120.0f; }
        else if (age > 0) here = fmaxf(FLOOR_DB, -15.0f - LOSS - ROOM_DB_PER_HOP * (float)age);
        int answer = age >= 12;
        if (answer) { here = -48.0f; here_f = 200.0f; }
        int d = feed_hop(o, o_f, prev_o >= FLOOR_DB + SPEECH_OVER_FLOOR, here, here_f);
        prev_o = o;
        if (age > 0 && !answer && here >= FLOOR_DB + 8.0f) { tail_n++; tail_flagged += d; }
        if (answer) answer_flagged += d;
    }
    print_message("room decay learnt %.2f dB/hop (room %.1f, profile %.2f); tail flagged %d of %d; "
                  "answer flagged %d of 20\n", learnt, ROOM_DB_PER_HOP, tail_db_per_hop, tail_flagged,
                  tail_n, answer_flagged);
    assert_true(learnt > 1.1f && learnt <= ROOM_DB_PER_HOP + 0.2f);
    assert_true(tail_n >= 5);
    assert_int_equal(tail_flagged, tail_n);
    assert_int_equal(answer_flagged, 0);
    free(ol); free(of); free(l); free(f);
}

/* The room's tail carries the other voice's pitch past the delay: the other side says a voiced
 * syllable (120 Hz) and then an unvoiced consonant, and while the consonant's echo arrives, the
 * room still rings with the syllable, at its pitch, a little over the predicted leak (under the
 * margin). That is the leak, not a voice of this channel; a voice of this channel at another
 * pitch (200 Hz) in the same hops is not. FIXED BUG: the pitch was compared with the other
 * voice's at the delay only, found unvoiced there, and the tail's hops passed for another voice
 * (false overlaps on the realistic corpus's speakerphone calls, c35 at 4.4 s, s01 at 3.65 s). */
static int tail_pitch_run(float here_f0)
{
    int leak_hops;
    learn_leak(&leak_hops);
    assert_true(measured());
    int flagged = 0;
    float prev_o = FLOOR_DB;
    /* 20 hops of the syllable, 10 of the consonant, then silence */
    for (int i = 0; i < 30 + DELAY + 10; i++) {
        float o = i < 20 ? -20.0f : i < 30 ? -25.0f : FLOOR_DB, o_f = i < 20 ? 120.0f : 0.0f;
        float here = FLOOR_DB, here_f = 0.0f;
        int j = i - DELAY;                   /* the other side's hop arriving now */
        if (j >= 0 && j < 20) { here = -20.0f - LOSS; here_f = 120.0f; }
        /* the consonant's echo, hops 2..6 of it: the three hops around the delay are
         * unvoiced, and the room rings -40 dBFS with the pitch of the syllable's end */
        int tested = j >= 22 && j <= 26;
        if (tested) { here = -40.0f; here_f = here_f0; }
        int d = feed_hop(o, o_f, prev_o >= FLOOR_DB + SPEECH_OVER_FLOOR, here, here_f);
        prev_o = o;
        if (tested) flagged += d;
    }
    return flagged;
}

static void test_tail_carries_the_pitch(void **state)
{
    (void)state;
    int same = tail_pitch_run(120.0f), other = tail_pitch_run(200.0f);
    print_message("tail at the syllable's pitch flagged %d of 5; another pitch flagged %d of 5\n",
                  same, other);
    assert_int_equal(same, 5);
    assert_int_equal(other, 0);
}

/* The other side is in a car: its channel carries engine noise at -31 dBFS (with a hum now and
 * then) and no voice. This side's soft speech, 13 dB under that noise, is not its leak: what
 * leaks in is the other side's voice, and there is none (noise that much under this side's own
 * voice would only leak at the coupling, far under this side's floor). */
static void test_the_other_sides_noise_is_no_voice(void **state)
{
    (void)state;
    setup();
    o_noise_db = -31.0f;
    rng = 23;
    int flagged = 0, judged = 0;
    for (int i = 0; i < H(20.0); i++) {
        float o_level = -31.0f + uni(-1.5f, 1.5f), o_f0 = i % 70 < 12 ? 90.0f : 0.0f;
        float level = (i / 25) % 2 ? -44.0f + uni(-1.0f, 1.0f) : FLOOR_DB;
        int d = feed_hop(o_level, o_f0, 0, level, level > FLOOR_DB ? 200.0f : 0.0f);
        if (level > FLOOR_DB) { judged++; flagged += d; }
    }
    print_message("own soft voice under the other side's noise: %d of %d hops flagged\n", flagged, judged);
    assert_int_equal(flagged, 0);
}

/* This side talked alone for 10 s (95 Hz); then the other side, never heard before, comes in
 * (140 Hz, steady at -20 dBFS). No leak is known, so the stage assumes the strongest plausible one
 * (bleed_min_coupling_db under the other side). This side's words 14 dB under the other's, at
 * their own pitch, are not that leak: a leak carries the other voice's pitch (seed 20 c00: the
 * agent's words under a caller's first words were taken for leak, and the caller's interruption
 * lost). A hop at the other voice's pitch there, or another pitch 20 dB under, still is leak; so
 * is one 10 dB under this side's own talker (a neighbour's voice in the babble behind them). */
/* ... with this side's own pitch range, the other voice's pitch and this side's register as the
 * speech stage knows it (0: not yet) */
static int talker_sure = 1;   /* the speech stage's level was not set by a sparse warm-up */
static int first_words_at(float level, float f0, float talker_db, int *n, float own_lo, float own_hi,
                          float other_f0, float register_hz, float jitter_db)
{
    setup();
    tmi_bleed_talker(&B, talker_db, register_hz, talker_sure);
    float lev[1000], f[1000];
    talker(lev, f, 1000, 77, own_lo, own_hi);
    for (int i = 0; i < 1000; i++) feed_hop(FLOOR_DB, 0.0f, 0, lev[i], f[i]);
    int flagged = 0;
    *n = 0;
    for (int i = 0; i < 100; i++) {
        float o_db = -20.0f, db = level;
        if (jitter_db > 0.0f) {
            o_db += uni(-1.0f, 1.0f);
            db += uni(-jitter_db, jitter_db);
        }
        float of = other_f0, hf = f0;
        if (jitter_db > 0.0f) {   /* and their pitches wander, each by +-5 % */
            of *= uni(0.95f, 1.05f);
            hf *= uni(0.95f, 1.05f);
        }
        int leak = feed_hop(o_db, of, i > 0, db, hf);
        /* (with jitter: the hops judged while no leak is known, the prior's) */
        if (i >= 20 && (jitter_db <= 0.0f || !tmi_bleed_known(&B))) { flagged += leak; (*n)++; }
    }
    return flagged;
}

static int first_words(float level, float f0, float talker_db, int *n)
{
    return first_words_at(level, f0, talker_db, n, 90.0f, 100.0f, 140.0f, 0.0f, 0.0f);
}

/* This side talks at own_hz (its register own_hz, its pitch range own_lo..own_hi) under the other
 * side's first words at other_hz: 14 dB under them, 3 dB under its own talker's level, its
 * syllables +-2 dB (not an echo's steady level under the other voice): none of it is leak.
 * Register unknown: all of it is. At leak_hz, a pitch the other voice's leak is read at, all of
 * it is. */
static void own_register_against(const char *what, float own_hz, float own_lo, float own_hi,
                                 float other_hz, float leak_hz)
{
    int n, own = first_words_at(-34.0f, own_hz, -31.0f, &n, own_lo, own_hi, other_hz, own_hz, 2.0f);
    int n2, unknown = first_words_at(-34.0f, own_hz, -31.0f, &n2, own_lo, own_hi, other_hz, 0.0f, 2.0f);
    int n3, leak = first_words_at(-34.0f, leak_hz, -31.0f, &n3, own_lo, own_hi, other_hz, own_hz, 2.0f);
    print_message("%s: %d of %d flagged; register unknown: %d of %d; at %.0f Hz: %d of %d\n", what,
                  own, n, unknown, n2, leak_hz, leak, n3);
    assert_int_equal(own, 0);
    assert_int_equal(unknown, n2);
    assert_int_equal(leak, n3);
}

/* A woman (300 Hz) talks over a man's first words (100 Hz): her pitch is his third harmonic,
 * which an echo is read at too. Once her register is known, a pitch in it is hers: only his
 * pitch and its octave above mark his echo then (seed 24 s02: her interruption was lost). Before
 * her register is known, and at his octave, the hop is still taken for his echo. */
static void test_own_register_at_the_other_voices_harmonic(void **state)
{
    (void)state;
    own_register_against("her voice at his 3rd harmonic", 300.0f, 290.0f, 310.0f, 100.0f, 200.0f);
}

/* A man (85 Hz) talks over a woman's first words (170 Hz): his pitch is exactly an octave under
 * hers, where a leak of her voice is often read (the commonest pitch error). Once his register is
 * known, a pitch in it is his: an octave under hers no longer marks her leak before a leak is
 * measured (seed 34 c36, through Opus: his 1.1 s over her, 5-10 dB under her level, was taken for
 * her crosstalk, and his interruption lost). Before his register is known, and at her own pitch,
 * the hop is still taken for her leak. */
static void test_own_register_an_octave_under_the_other_voice(void **state)
{
    (void)state;
    own_register_against("his voice an octave under hers", 85.0f, 80.0f, 90.0f, 170.0f, 170.0f);
}

static void test_own_words_under_the_other_sides_first_words(void **state)
{
    (void)state;
    int n, own = first_words(-34.0f, 95.0f, -31.0f, &n);
    int n2, echo = first_words(-34.0f, 140.0f, -31.0f, &n2);
    int n3, far_under = first_words(-40.0f, 95.0f, -31.0f, &n3);
    int n4, babble = first_words(-34.0f, 95.0f, -24.0f, &n4);
    print_message("own voice 14 dB under: %d of %d flagged; other's pitch: %d of %d; 20 dB under: %d of %d; "
                  "10 dB under the talker's own level: %d of %d\n", own, n, echo, n2, far_under, n3, babble, n4);
    assert_int_equal(own, 0);
    assert_int_equal(echo, n2);
    assert_int_equal(far_under, n3);
    assert_int_equal(babble, n4);
}

/* Two men in one register: this side (its register 100 Hz, its talker's level -30 dBFS) talks at
 * 100 Hz under the other side's first words, also at 100 Hz, 8 dB louder (-20 dBFS). No leak is
 * known, so the stage assumes the strongest plausible one (12 dB under the other side), and no
 * pitch tells the two apart; but the hops reach this talker's own level (-28 dBFS, within
 * speech_strong_rel_db of it) in their own register: they are the talker (seed 30 c40: the
 * agent's last words, taken for the caller's leak, turned the caller's interruption into the
 * agent's backchannel). 10 dB under the talker's level (-40), or in the other voice's register
 * (160 Hz) at the talker's level, they are still leak; so are they at the talker's level and
 * register when that level came from a sparse warm-up (it may be the babble's: sealed seed 49
 * c51). Syllables +-2 dB and pitches +-5 %, as in own_register_against (a steady level under
 * the other voice at its pitch is its echo). */
static void test_own_level_and_register_under_the_other_sides_first_words(void **state)
{
    (void)state;
    int n, own = first_words_at(-28.0f, 100.0f, -30.0f, &n, 95.0f, 105.0f, 100.0f, 100.0f, 2.0f);
    int n2, under = first_words_at(-40.0f, 100.0f, -30.0f, &n2, 95.0f, 105.0f, 100.0f, 100.0f, 2.0f);
    int n3, other = first_words_at(-28.0f, 160.0f, -30.0f, &n3, 95.0f, 105.0f, 160.0f, 100.0f, 2.0f);
    talker_sure = 0;
    int n4, sparse = first_words_at(-28.0f, 100.0f, -30.0f, &n4, 95.0f, 105.0f, 100.0f, 100.0f, 2.0f);
    talker_sure = 1;
    print_message("own level and register: %d of %d flagged; 10 dB under it: %d of %d; "
                  "the other's register: %d of %d; level from a sparse warm-up: %d of %d\n",
                  own, n, under, n2, other, n3, sparse, n4);
    assert_int_equal(own, 0);
    assert_int_equal(under, n2);
    assert_int_equal(other, n3);
    assert_int_equal(sparse, n4);
}

/* A line echo 190 ms late whose gain wanders (+-3 dB over 2 s) on a channel whose AGC moves
 * every hop (+-5 dB): the level difference at the true delay spreads by some 10 dB^2, and
 * delays 20-30 ms later, where the syllables' own level differences wash it out, read as
 * steadier still (the level alone measures the leak at 220 ms). The
 * other voice's pitch glides within each syllable (0.15-0.4 semitones a hop, as a voice's
 * contour does), and the echo carries it at its delay only. The leak must be measured at its
 * delay (within a hop) and its voiced hops flagged. */
static void test_wandering_echo_delay_from_its_pitch(void **state)
{
    (void)state;
    enum { LATE = 19 };
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 21, 150.0f, 220.0f);
    rng = 22;
    float rate = 0.0f;
    for (int i = 0; i < n; i++) {
        if (of[i] > 0.0f && (i == 0 || of[i - 1] <= 0.0f))
            rate = (uni(0.0f, 1.0f) < 0.5f ? -1.0f : 1.0f) * uni(0.15f, 0.4f);
        if (of[i] > 0.0f && i > 0 && of[i - 1] > 0.0f) of[i] = of[i - 1] * exp2f(rate / 12.0f);
    }
    for (int i = 0; i < n; i++) {
        float wander = 3.0f * sinf(2.0f * 3.14159265f * (float)i / (float)H(2.0));
        float e = i >= LATE ? ol[i - LATE] + wander + uni(-5.0f, 5.0f) : FLOOR_DB;
        int audible = e > FLOOR_DB + 1.0f;
        l[i] = audible ? e : FLOOR_DB;
        f[i] = audible && i >= LATE ? of[i - LATE] : 0.0f;
    }
    setup();
    int flagged = 0, judged = 0;
    for (int i = 0; i < n; i++) {
        int d = feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
        if (i >= n - H(10.0) && f[i] > 0.0f && l[i] >= FLOOR_DB + 8.0f) { judged++; flagged += d; }
    }
    print_message("measured %d, delay %d hops (true %d), coupling %.2f dB; voiced echo flagged %d of %d\n",
                  measured(), delay_hops(), LATE, coupling_db(), flagged, judged);
    assert_true(measured());
    assert_true(abs(delay_hops() - LATE) <= 1);
    assert_true(judged > 200);
    assert_true(flagged >= judged * 95 / 100);
    free(ol); free(of); free(l); free(f);
}

/* A clipped speakerphone compresses the echo: the loss grows 0.6 dB per dB of the other voice's
 * level (20 dB at -25 dBFS; 11 dB for its quietest syllables at -40, 29 dB for its loudest at
 * -10). 30 s of it; then, over the last 10 s, how many of the echo hops of syllables under
 * -34 dBFS are flagged, with bleed_compress_max_db_per_db at `field`; and of those over -16. */
static void compressed_echo(float field, int *quiet_n, int *quiet_flagged, int *loud_n, int *loud_flagged)
{
    int n = H(LEARN_S);
    float *ol = calloc((size_t)n, sizeof(float)), *of = calloc((size_t)n, sizeof(float));
    float *l = calloc((size_t)n, sizeof(float)), *f = calloc((size_t)n, sizeof(float));
    talker(ol, of, n, 23, 90.0f, 160.0f);
    /* most syllables at -25..-10 dBFS, about one in seven quiet (-40..-37): the running mean loss
     * follows the louder ones */
    for (int i = 0; i < n; i++)
        if (ol[i] > FLOOR_DB) ol[i] = ol[i] < -32.0f ? ol[i] - 5.0f : -25.0f + (ol[i] + 32.0f) * 15.0f / 17.0f;
    for (int i = 0; i < n; i++) {
        float o = i >= DELAY ? ol[i - DELAY] : FLOOR_DB;
        float e = o - (20.0f + 0.6f * (o + 25.0f));
        int audible = o > FLOOR_DB && e > FLOOR_DB + 1.0f;
        l[i] = audible ? e + uni(-0.5f, 0.5f) : FLOOR_DB;
        f[i] = audible ? of[i - DELAY] : 0.0f;
    }
    tm_config c = tm_config_default(16000);
    c.bleed_compress_max_db_per_db = field;
    c.bleed_tail_t60_s = 0.2f;   /* no room: the tail model's prediction falls 3 dB a hop */
    tmi_bleed_init(&B, &c, HPS);
    *quiet_n = *quiet_flagged = *loud_n = *loud_flagged = 0;
    for (int i = 0; i < n; i++) {
        int d = feed_hop(ol[i], of[i], talking(ol, i), l[i], f[i]);
        if (i < n - H(10.0) || f[i] <= 0.0f || l[i] < FLOOR_DB + 8.0f) continue;
        /* 80 ms or more inside a syllable (the syllable before's tail gone), with its level on
         * the hop after the delay too */
        float o = ol[i - DELAY];
        if (fabsf(ol[i - DELAY - 8] - o) > 2.0f || fabsf(ol[i - DELAY + 1] - o) > 2.0f) continue;
        if (o < -34.0f) { (*quiet_n)++; *quiet_flagged += d; }
        if (o > -16.0f) { (*loud_n)++; *loud_flagged += d; }
    }
    print_message("compression field %.1f: measured %d, coupling %.2f dB; echo of quiet syllables "
                  "flagged %d of %d, of loud ones %d of %d\n", field, measured(), coupling_db(),
                  *quiet_flagged, *quiet_n, *loud_flagged, *loud_n);
    assert_true(measured());
    free(ol); free(of); free(l); free(f);
}

/* The echo of the other voice's quiet syllables through a compressing speakerphone comes back
 * over the leak the mean loss predicts: this side's voice to the level model alone, leak with
 * the loss's slope learnt (bleed_compress_max_db_per_db). The loud syllables' echo is leak
 * either way. */
static void test_compressed_echo_of_quiet_syllables(void **state)
{
    (void)state;
    int qn, qf, ln, lf, qn0, qf0, ln0, lf0;
    compressed_echo(0.6f, &qn, &qf, &ln, &lf);
    compressed_echo(0.0f, &qn0, &qf0, &ln0, &lf0);
    assert_true(qn > 30 && ln > 30);
    assert_true(qf >= qn * 9 / 10);
    assert_true(qf0 < qn0 / 2);
    assert_true(lf >= ln * 9 / 10);
    assert_true(lf0 >= ln0 * 9 / 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_independent_channels_never_measure_a_coupling),
        cmocka_unit_test(test_early_leak_flags_speakerphone_echo),
        cmocka_unit_test(test_early_leak_keeps_own_onset),
        cmocka_unit_test(test_early_leak_not_in_independent_channels),
        cmocka_unit_test(test_early_leak_not_on_the_talkers_channel),
        cmocka_unit_test(test_leak_kept_with_word_pauses),
        cmocka_unit_test(test_leak_learnt_and_flagged),
        cmocka_unit_test(test_reverberant_tail),
        cmocka_unit_test(test_independent_channels_keep_no_coupling),
        cmocka_unit_test(test_own_voice_come_back_is_not_leak),
        cmocka_unit_test(test_own_pitch_come_back_is_not_the_other_voice),
        cmocka_unit_test(test_double_talk_the_canceller_did_not_remove),
        cmocka_unit_test(test_a_third_of_the_pitch_is_another_voice),
        cmocka_unit_test(test_small_room_decay_learnt),
        cmocka_unit_test(test_tail_carries_the_pitch),
        cmocka_unit_test(test_the_other_sides_noise_is_no_voice),
        cmocka_unit_test(test_echo_louder_than_its_voice),
        cmocka_unit_test(test_octave_under_the_canceller_did_not_remove),
        cmocka_unit_test(test_double_talk_hangover),
        cmocka_unit_test(test_double_talk_in_the_other_voices_register),
        cmocka_unit_test(test_own_register_an_octave_under_the_other_voice),
        cmocka_unit_test(test_own_words_under_the_other_sides_first_words),
        cmocka_unit_test(test_own_level_and_register_under_the_other_sides_first_words),
        cmocka_unit_test(test_own_register_at_the_other_voices_harmonic),
        cmocka_unit_test(test_wandering_echo_delay_from_its_pitch),
        cmocka_unit_test(test_own_words_going_on_under_the_other_voice_at_its_octave),
        cmocka_unit_test(test_compressed_echo_of_quiet_syllables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
