/* tests/test_turns.c -- the turn-taking stage (src/turns.c) alone, driven by scripted speech
 * segments per channel ("agent speaks 0-3 s, caller 1.5-1.9 s"), with the thresholds of
 * tm_config_default(). The script stands in for the two VADs: each segment is confirmed
 * onset_ms after its start and closed hangover_ms after its end, exactly as src/vad.c reports
 * them (tests/test_vad_hops.c checks that part), so every expected time below is exact, in hops
 * of 10 ms, and follows from the script and the thresholds alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "turns.h"
#include "vad.h"

#define HPS 100            /* hops per second at the default 10 ms hop */
#define MAXEV 256

static int H(double s) { return (int)lrint(s * HPS); }

/* A scripted segment of channel c over [s, e) seconds. cut > 0: it is music, recognised at
 * `cut` s: its speech segment is withdrawn there and the channel is held until e. cut < 0: it
 * is taken back at -cut s (the speech gate's withdrawal of a weak or leaked segment), nothing
 * held. */
typedef struct { int c; double s, e, cut; } seg;
static int taken_back_own;   /* the segments taken back (cut < 0) were at the talker's own pitch */
/* Per channel, seconds [from, to) whose level could be speech though no segment is there (the
 * leak stage took the talker's voice for the other's): not a pause at the noise floor. */
static double loud[2][2];

static tm_event ev[MAXEV];
static int nev;

static void collect(void *ctx, const tm_event *e)
{
    (void)ctx;
    assert_true(nev < MAXEV);
    ev[nev++] = *e;
}

/* ---- adapter: every call into the stage is in this section ------------------------------- */

static int onset_hops, hang_hops;
static tm_turns T;
static const tm_emitter EM = {collect, NULL};
static int held[2];
static int64_t held_from[2];
static int doubtful[2];            /* the open segment would be withdrawn as another voice on
                                      what is heard of it so far (run(): doubt_seg until doubt_to) */
static int doubt_seg = -1;         /* the script segment that is doubtful ... */
static double doubt_to;            /* ... until this second */
static float seg_rel[2];           /* the open (or last) segment's loudest voiced hop against */
static const float *script_rel;    /* the talker's own level, dB; per script segment (NULL: 0) */

/* The script's VAD state is kept in tm_vad's fields; the stage reads it from tmi_hop. */
typedef tmi_span turns_seg;
#define VAD_CLOSED TMI_SEG_CLOSED
#define VAD_CONFIRMED TMI_SEG_CONFIRMED

static void setup(void)
{
    tm_config c = tm_config_default(16000);
    onset_hops = H(c.onset_ms / 1000.0);
    hang_hops = H(c.hangover_ms / 1000.0);
    tmi_turns_init(&T, &c, HPS);
    held[0] = held[1] = 0;
    held_from[0] = held_from[1] = -1;
    seg_rel[0] = seg_rel[1] = 0.0f;
    nev = 0;
}

/* Music recognised on channel c: its open segment (starting at seg_start) is withdrawn. */
static void withdraw(int c, int64_t seg_start, int own) { tmi_turns_withdraw(&T, c, seg_start, own, &EM); }
static void holding(int c, int on, int64_t n) { held[c] = on; held_from[c] = on ? n : -1; }

static void to_hops(tmi_hop *hp, int64_t n, const tm_vad *vad, const int *speech,
                    const int *flags, const turns_seg *closed)
{
    memset(hp, 0, 2 * sizeof *hp);
    for (int c = 0; c < 2; c++) {
        hp[c].n = n;
        hp[c].ch = c;
        hp[c].seg_on = vad[c].on;
        hp[c].seg_start = vad[c].seg_start;
        hp[c].seg_last = vad[c].last_active;
        hp[c].speech = speech ? speech[c] : 0;
        hp[c].seg_flags = flags ? flags[c] : 0;
        if (closed) hp[c].closed = closed[c];
        hp[c].holding = held[c];
        hp[c].hold_from = held[c] ? held_from[c] : -1;
        hp[c].seg_peak_rel_db = seg_rel[c];
        hp[c].seg_doubtful = vad[c].on && doubtful[c];
        hp[c].cand = n >= H(loud[c][0]) && n < H(loud[c][1]);
    }
}

/* One hop: both channels' VAD state after the hop, this hop's speech, confirm/close flags. */
static void feed_hop(int64_t n, const tm_vad *vad, const int *speech, const int *flags,
                     const turns_seg *closed)
{
    tmi_hop hp[2];
    to_hops(hp, n, vad, speech, flags, closed);
    tmi_turns_update(&T, hp, &EM);
}

static void finish(int64_t n_end, const tm_vad *vad)
{
    tmi_hop hp[2];
    to_hops(hp, n_end, vad, NULL, NULL, NULL);
    tmi_turns_finish(&T, hp, &EM);
}

/* ---- the scripted VADs ------------------------------------------------------------------- */

/* Runs the script for dur_s seconds; the events land in ev[0..nev). Segments of one channel
 * must be in order and further apart than the hangover (the VAD would have joined them). */
static void run(const seg *script, int nseg, double dur_s)
{
    setup();
    tm_vad vad[2];
    memset(vad, 0, sizeof vad);
    int next[2] = {-1, -1};                 /* index of the channel's open or next segment */
    for (int c = 0; c < 2; c++) vad[c].last_active = -1;
    int64_t n_end = H(dur_s);
    for (int64_t n = 0; n < n_end; n++) {
        int flags[2] = {0, 0}, speech[2] = {0, 0};
        turns_seg closed[2];
        memset(closed, 0, sizeof closed);
        for (int c = 0; c < 2; c++) {
            tm_vad *v = &vad[c];
            /* music: cut the open segment, withdraw it, hold the channel */
            for (int i = 0; i < nseg; i++) {
                const seg *g = &script[i];
                if (g->c != c || g->cut == 0.0) continue;
                if (g->cut < 0.0) {
                    if (n == H(-g->cut) && v->on && v->seg_start == H(g->s)) {
                        v->on = 0;
                        withdraw(c, v->seg_start, taken_back_own);
                    }
                    continue;
                }
                if (n == H(g->cut)) {
                    if (v->on) { v->on = 0; withdraw(c, v->seg_start, 0); }
                    holding(c, 1, n);
                }
                if (n == H(g->e)) holding(c, 0, n);
            }
            if (v->on) {
                const seg *g = &script[next[c]];
                int64_t e = H(g->e);
                if (n < e) {
                    v->last_active = n;
                } else if (n - v->last_active > hang_hops) {
                    v->on = 0;
                    flags[c] = VAD_CLOSED;
                    closed[c].start = v->seg_start;
                    closed[c].end = v->last_active + 1;
                    closed[c].confirm = v->confirm;
                }
            }
            if (!v->on) {
                for (int i = 0; i < nseg; i++) {
                    const seg *g = &script[i];
                    if (g->c != c || H(g->s) + onset_hops - 1 != n) continue;
                    if (g->cut != 0.0 && n >= H(fabs(g->cut))) continue;
                    assert_true(H(g->e) - H(g->s) >= onset_hops);
                    v->on = 1;
                    v->seg_start = H(g->s);
                    v->last_active = v->confirm = n;
                    flags[c] |= VAD_CONFIRMED;
                    next[c] = i;
                    seg_rel[c] = script_rel ? script_rel[i] : 0.0f;
                }
            }
            speech[c] = v->on && v->last_active == n;
            doubtful[c] = v->on && next[c] == doubt_seg && n < H(doubt_to);
        }
        feed_hop(n, vad, speech, flags, closed);
    }
    /* end of stream: open segments close, then the stage finishes */
    int flags[2] = {0, 0}, speech[2] = {0, 0};
    turns_seg closed[2];
    memset(closed, 0, sizeof closed);
    for (int c = 0; c < 2; c++)
        if (vad[c].on) {
            vad[c].on = 0;
            flags[c] = VAD_CLOSED;
            closed[c].start = vad[c].seg_start;
            closed[c].end = vad[c].last_active + 1;
            closed[c].confirm = vad[c].confirm;
        }
    feed_hop(n_end, vad, speech, flags, closed);
    finish(n_end, vad);
}

/* ---- looking at the events --------------------------------------------------------------- */

static int count(tm_event_type type, int final)
{
    if (getenv("TURNS_DEBUG"))
        for (int i = 0; i < nev; i++)
            print_message("ev type %d spk %d [%lld, %lld) det %lld final %d\n", (int)ev[i].type, ev[i].speaker,
                          (long long)ev[i].start, (long long)ev[i].end, (long long)ev[i].detected, ev[i].final);

    int k = 0;
    for (int i = 0; i < nev; i++) k += ev[i].type == type && ev[i].final == final;
    return k;
}

/* The only event of this type and finality (fails when there is not exactly one). */
static const tm_event *only(tm_event_type type, int final)
{
    const tm_event *f = NULL;
    for (int i = 0; i < nev; i++)
        if (ev[i].type == type && ev[i].final == final) {
            if (f) fail_msg("more than one event of type %d (final %d)", (int)type, final);
            f = &ev[i];
        }
    if (!f) fail_msg("no event of type %d (final %d)", (int)type, final);
    return f;
}

/* The k-th event of this type and finality, in the order emitted. */
static const tm_event *nth(tm_event_type type, int final, int k)
{
    for (int i = 0; i < nev; i++)
        if (ev[i].type == type && ev[i].final == final && k-- == 0) return &ev[i];
    fail_msg("no event %d of type %d (final %d)", k, (int)type, final);
    return NULL;
}

static void expect(const tm_event *e, int speaker, double start_s, double end_s)
{
    assert_int_equal(e->speaker, speaker);
    assert_int_equal(e->start, H(start_s));
    assert_int_equal(e->end, H(end_s));
}

/* ---- the tests --------------------------------------------------------------------------- */

static void test_burst_overlap_at_its_start(void **state)
{
    (void)state;
    /* the example: agent 0-3 s, caller 1.5-1.9 s: both talk over 1.5-1.9 s */
    const seg s[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 1.5, 1.9, 0}};
    run(s, 2, 4.0);
    const tm_event *o = only(TM_EV_OVERLAP, 1);
    expect(o, TM_NOBODY, 1.5, 1.9);
    /* known once it has lasted overlap_min_s (0.1 s) */
    assert_int_equal(o->detected, H(1.6));
    /* both channels' speech, as scripted */
    assert_int_equal(count(TM_EV_SPEECH, 1), 2);
}

static void test_short_uh_huh_is_a_backchannel(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 0.0, 5.0, 0}, {TM_CALLER, 2.0, 2.4, 0}};
    run(s, 2, 6.0);
    const tm_event *b = only(TM_EV_BACKCHANNEL, 1);
    expect(b, TM_CALLER, 2.0, 2.4);
    /* decided once the caller has not resumed within turn_pause_max_s (0.5 s) of its end */
    assert_int_equal(b->detected, H(2.9));
    assert_int_equal(count(TM_EV_INTERRUPTION, 0), 0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 0);
}

static void test_caller_taking_the_floor_is_an_interruption(void **state)
{
    (void)state;
    /* the caller comes in at 2.0 s; the agent talks on 0.5 s (past handover_max_s) and stops */
    const seg s[] = {{TM_AGENT, 0.0, 2.5, 0}, {TM_CALLER, 2.0, 5.0, 0}};
    run(s, 2, 6.0);
    const tm_event *early = only(TM_EV_INTERRUPTION, 0);
    assert_int_equal(early->speaker, TM_CALLER);
    assert_int_equal(early->other, TM_AGENT);
    assert_int_equal(early->start, H(2.0));
    /* known when the caller is heard past backchannel_max_s (1 s) */
    assert_int_equal(early->detected, H(3.0));
    const tm_event *fin = only(TM_EV_INTERRUPTION, 1);
    expect(fin, TM_CALLER, 2.0, 5.0);
    assert_int_equal(fin->other, TM_AGENT);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 1), 0);
}

/* The same talk-over as above, with the newcomer or the agent holding the floor far under their
 * own level (a neighbour's voice that the speech gate let through, 8 dB under the talker): no
 * interruption. 3 dB under (a quieter moment of the talker), or a caller far under their own
 * level: still one. */
static void test_talk_over_far_under_the_talkers_level_is_no_interruption(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 0.0, 2.5, 0}, {TM_CALLER, 2.0, 5.0, 0}};
    const float newcomer_far[] = {0.0f, -8.0f}, holder_far[] = {-8.0f, 0.0f}, quieter[] = {-3.0f, -3.0f};
    script_rel = newcomer_far;
    run(s, 2, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    script_rel = holder_far;
    run(s, 2, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    /* ... but a caller far under their own level is still the caller, and the agent who talks
     * over them interrupts */
    const seg a[] = {{TM_CALLER, 0.0, 2.5, 0}, {TM_AGENT, 2.0, 5.0, 0}};
    script_rel = holder_far;   /* the caller's segment 8 dB under, the agent's at their level */
    run(a, 2, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_AGENT, 2.0, 5.0);
    script_rel = quieter;
    run(s, 2, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 2.0, 5.0);
    /* the holder's segment that reaches into the attempt counts whole: a loud one followed by a
     * quiet one is still the holder talking */
    const seg t[] = {{TM_AGENT, 0.0, 2.2, 0}, {TM_AGENT, 2.5, 3.5, 0}, {TM_CALLER, 2.0, 5.0, 0}};
    const float tail_quiet[] = {0.0f, -8.0f, 0.0f};
    script_rel = tail_quiet;
    run(t, 3, 6.0);
    script_rel = NULL;
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 2.0, 5.0);
}

/* Both begin after a quiet stretch, the caller 0.1 s after the agent, and talk on over each
 * other: a simultaneous start, no interruption (the caller cut into no turn under way). 0.4 s
 * after the agent's first word (past handover_max_s), the agent's turn was under way. */
static void test_simultaneous_start_is_not_an_interruption(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 1.0, 4.0, 0}, {TM_CALLER, 1.1, 5.0, 0}};
    run(s, 2, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    assert_int_equal(count(TM_EV_OVERLAP, 1), 1);
    const seg t[] = {{TM_AGENT, 1.0, 4.0, 0}, {TM_CALLER, 1.4, 5.0, 0}};
    run(t, 2, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.4, 5.0);
    /* the bound: 0.29 s after is a simultaneous start, 0.30 s is not */
    const seg u[] = {{TM_AGENT, 1.0, 4.0, 0}, {TM_CALLER, 1.29, 5.0, 0}};
    run(u, 2, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    const seg v[] = {{TM_AGENT, 1.0, 4.0, 0}, {TM_CALLER, 1.3, 5.0, 0}};
    run(v, 2, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.3, 5.0);
    /* a false start with the agent (0.7 s), a pause of 0.4 s, then the cut-in 1.2 s into the
     * agent's turn: one attempt, an interruption from the false start on */
    const seg w[] = {{TM_AGENT, 1.0, 5.0, 0}, {TM_CALLER, 1.1, 1.8, 0}, {TM_CALLER, 2.2, 5.0, 0}};
    run(w, 3, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.1, 5.0);
}

static void test_turn_handover_is_not_an_interruption(void **state)
{
    (void)state;
    /* the caller starts 0.2 s before the agent's turn ends: within handover_max_s (0.3 s) */
    const seg s[] = {{TM_AGENT, 0.0, 2.5, 0}, {TM_CALLER, 2.3, 5.0, 0}};
    run(s, 2, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 1), 0);
}

static void test_silence_exact_start_and_end(void **state)
{
    (void)state;
    /* a gap of exactly silence_min_s (5 s): 1.0-6.0 s */
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 6.0, 7.0, 0}};
    run(s, 2, 8.0);
    const tm_event *fin = only(TM_EV_SILENCE, 1);
    expect(fin, TM_NOBODY, 1.0, 6.0);
    const tm_event *early = only(TM_EV_SILENCE, 0);
    assert_int_equal(early->start, H(1.0));
    assert_int_equal(early->detected, H(6.0) - 1);   /* the gap's 500th hop */

    /* 4.9 s is not one */
    const seg s2[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 5.9, 7.0, 0}};
    run(s2, 2, 8.0);
    assert_int_equal(count(TM_EV_SILENCE, 0) + count(TM_EV_SILENCE, 1), 0);
}

/* A blip of 60 ms (a click, a tone's echo the leak stage let through) in 10 s of quiet is too
 * short for a word: the dead air runs from the last words through it. 150 ms is a word: two dead
 * airs, or none when the pieces are under silence_min_s. */
static void test_blip_in_dead_air_is_no_speech(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 4.0, 4.06, 0}, {TM_CALLER, 11.0, 12.0, 0}};
    run(s, 3, 13.0);
    expect(only(TM_EV_SILENCE, 1), TM_NOBODY, 1.0, 11.0);
    const seg w[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 6.5, 6.65, 0}, {TM_CALLER, 12.5, 13.5, 0}};
    run(w, 3, 14.0);
    assert_int_equal(count(TM_EV_SILENCE, 1), 2);
    expect(nth(TM_EV_SILENCE, 1, 0), TM_NOBODY, 1.0, 6.5);
}

static void test_long_single_speaker_stretch_is_a_monologue(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 0.0, 50.0, 0}};
    run(s, 1, 51.0);
    const tm_event *early = only(TM_EV_MONOLOGUE, 0);
    assert_int_equal(early->speaker, TM_AGENT);
    assert_int_equal(early->start, 0);
    assert_int_equal(early->detected, H(45.0));     /* monologue_min_s */
    expect(only(TM_EV_MONOLOGUE, 1), TM_AGENT, 0.0, 50.0);

    /* the caller takes the floor at 40.5 s: neither held it 45 s */
    const seg s2[] = {{TM_AGENT, 0.0, 40.0, 0}, {TM_CALLER, 40.5, 60.0, 0}};
    run(s2, 2, 61.0);
    assert_int_equal(count(TM_EV_MONOLOGUE, 0) + count(TM_EV_MONOLOGUE, 1), 0);
}

static void test_close_overlaps_are_merged(void **state)
{
    (void)state;
    /* two overlaps 0.25 s apart (under overlap_merge_s, 0.3 s): one, 1.0-2.25 s */
    const seg s[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 1.0, 1.5, 0}, {TM_CALLER, 1.75, 2.25, 0}};
    run(s, 3, 7.0);
    expect(only(TM_EV_OVERLAP, 1), TM_NOBODY, 1.0, 2.25);

    /* 0.35 s apart: two */
    const seg s2[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 1.0, 1.5, 0}, {TM_CALLER, 1.85, 2.35, 0}};
    run(s2, 3, 7.0);
    assert_int_equal(count(TM_EV_OVERLAP, 1), 2);
    expect(nth(TM_EV_OVERLAP, 1, 0), TM_NOBODY, 1.0, 1.5);
    expect(nth(TM_EV_OVERLAP, 1, 1), TM_NOBODY, 1.85, 2.35);
}

static void test_pause_inside_a_turn_is_not_a_new_entry(void **state)
{
    (void)state;
    /* the caller comes in at 2.0 s, pauses 0.4 s (over the hangover, under turn_pause_max_s
     * 0.5 s) and goes on to 4.2 s while the agent talks on: one attempt at the floor from 2.0 s */
    const seg s[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 2.0, 2.6, 0}, {TM_CALLER, 3.0, 4.2, 0}};
    run(s, 3, 7.0);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 1), 0);
    const tm_event *early = only(TM_EV_INTERRUPTION, 0);
    assert_int_equal(early->start, H(2.0));
    assert_int_equal(early->detected, H(3.0) + onset_hops - 1);   /* heard again, past 1 s */
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 2.0, 4.2);

    /* a 0.6 s pause ends the attempt: a backchannel, then a new entry at 3.2 s */
    const seg s2[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 2.0, 2.6, 0}, {TM_CALLER, 3.2, 4.4, 0}};
    run(s2, 3, 7.0);
    expect(only(TM_EV_BACKCHANNEL, 1), TM_CALLER, 2.0, 2.6);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 3.2, 4.4);
}

static void test_interrupted_speaker_talking_on_does_not_interrupt_back(void **state)
{
    (void)state;
    /* the caller cuts in at 1.0 s and talks to 5.0 s; the agent, interrupted, pauses 0.3 s at
     * 1.5 s (over the hangover, under a turn pause) and talks on to 4.0 s: one interruption, the
     * caller's; the agent talking on through it does not interrupt the interrupter */
    const seg s[] = {{TM_AGENT, 0.0, 1.5, 0}, {TM_CALLER, 1.0, 5.0, 0}, {TM_AGENT, 1.8, 4.0, 0}};
    run(s, 3, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 1);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.0, 5.0);
    /* after a pause longer than a turn pause (0.6 s) the agent's return is a new attempt: it
     * interrupts the caller, who now holds the floor */
    const seg s2[] = {{TM_AGENT, 0.0, 1.5, 0}, {TM_CALLER, 1.0, 5.0, 0}, {TM_AGENT, 2.1, 4.0, 0}};
    run(s2, 3, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 2);
}

static void test_speaker_cut_in_at_a_breath_talking_on_does_not_interrupt_back(void **state)
{
    (void)state;
    /* the agent pauses for breath at 1.0 s; the caller cuts in at 1.05 s, inside that pause, and
     * talks to 5.0 s; the agent goes on at 1.4 s (a 0.4 s pause, under a turn pause) to 4.0 s:
     * one interruption, the caller's; the agent was still in their turn when the caller came in */
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 1.05, 5.0, 0}, {TM_AGENT, 1.4, 4.0, 0}};
    run(s, 3, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 1);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.05, 5.0);
}

static void test_cut_in_after_the_hangover_of_a_breath_is_an_interruption(void **state)
{
    (void)state;
    /* the agent pauses at 1.0 s; the caller comes in at 1.3 s, after the agent's segment has
     * closed (200 ms hangover) but inside a turn pause (0.5 s), and talks to 5.0 s; the agent
     * goes on at 1.45 s, within a hand-over (0.3 s) of the caller's start, to 4.0 s: the agent
     * never yielded, and the caller took the floor from them */
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 1.3, 5.0, 0}, {TM_AGENT, 1.45, 4.0, 0}};
    run(s, 3, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 1);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.3, 5.0);
    assert_int_equal(only(TM_EV_INTERRUPTION, 1)->other, TM_AGENT);
    /* the agent heard again only 0.35 s after the caller came in had left the floor: the caller
     * took a turn, and no interruption is theirs */
    const seg s2[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 1.3, 5.0, 0}, {TM_AGENT, 1.65, 4.0, 0}};
    run(s2, 3, 6.0);
    for (int i = 0; i < count(TM_EV_INTERRUPTION, 1); i++)
        assert_int_not_equal(nth(TM_EV_INTERRUPTION, 1, i)->speaker, TM_CALLER);
}

static void test_tail_of_a_turn_cut_into_is_no_backchannel(void **state)
{
    (void)state;
    /* the agent talks 0-3.0 s; the caller cuts in at 2.95 s and talks to 6.0 s; the agent's
     * phrase goes on under them to 3.6 s, but the speech gate split it at the caller's onset
     * (heard again from 3.25 s, 250 ms later): the agent trailing off, not an "uh-huh" */
    const seg s[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 2.95, 6.0, 0}, {TM_AGENT, 3.25, 3.6, 0}};
    run(s, 3, 7.0);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 0) + count(TM_EV_BACKCHANNEL, 1), 0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 2.95, 6.0);
    /* after a real pause (450 ms) it is an answer to the caller: a backchannel */
    const seg s2[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 2.95, 6.0, 0}, {TM_AGENT, 3.45, 3.8, 0}};
    run(s2, 3, 7.0);
    expect(only(TM_EV_BACKCHANNEL, 1), TM_AGENT, 3.45, 3.8);
}

static void test_blip_before_the_end_of_a_turn_does_not_make_an_interruption(void **state)
{
    (void)state;
    /* a 70 ms blip on the caller's channel at 2.6 s (a cough, the babble behind them) while the
     * agent talks to 3.0 s; the caller starts for real at 3.1 s, after the agent's turn: a
     * turn taken, no interruption */
    const seg s[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 2.6, 2.67, 0}, {TM_CALLER, 3.1, 5.0, 0}};
    run(s, 3, 6.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    /* 200 ms of it (over overlap_min_s, 0.1 s) is a real attempt, and the agent talked past
     * the hand-over after its start: an interruption. (The agent stops at 2.8 s, within a
     * hand-over of the words' end, so they are no "uh-huh" on their own either: see
     * test_uh_huh_then_the_turn_as_the_holder_ends_is_no_interruption.) */
    const seg s2[] = {{TM_AGENT, 0.0, 2.8, 0}, {TM_CALLER, 2.4, 2.6, 0}, {TM_CALLER, 3.0, 5.0, 0}};
    run(s2, 3, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 2.4, 5.0);
}

/* The caller's script (over the agent's) gives their "uh-huh" over [bs, be) as a backchannel
 * and, with is < 0, no interruption at all, else one from is s to 5.0 s. */
static void uh_huh_then(const seg *s, int nseg, double bs, double be, double is)
{
    run(s, nseg, 6.0);
    expect(only(TM_EV_BACKCHANNEL, 1), TM_CALLER, bs, be);
    if (is < 0.0) assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    else expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, is, 5.0);
}

/* The caller's script gives no backchannel: one attempt from `from` s to 5.0 s, an interruption. */
static void one_attempt(const seg *s, int nseg, double from)
{
    run(s, nseg, 6.0);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 1), 0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, from, 5.0);
}

static void test_uh_huh_then_the_turn_as_the_holder_ends_is_no_interruption(void **state)
{
    (void)state;
    /* the caller says "uh-huh" at 2.0-2.3 s in the agent's turn, is quiet for 0.45 s while the
     * agent talks on, and takes the turn at 2.75 s as the agent finishes at 3.0 s (within a
     * hand-over): a backchannel and a turn taken, no interruption (seed 31 c35) */
    const seg s[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 2.0, 2.3, 0}, {TM_CALLER, 2.75, 5.0, 0}};
    uh_huh_then(s, 3, 2.0, 2.3, -1.0);
    /* the agent stops within a hand-over of the short words (it yielded to them): one attempt
     * from 2.0 s that the agent talked over, an interruption (seed 24 c22) */
    const seg s2[] = {{TM_AGENT, 0.0, 2.5, 0}, {TM_CALLER, 2.0, 2.3, 0}, {TM_CALLER, 2.75, 5.0, 0}};
    one_attempt(s2, 3, 2.0);
    /* words longer than backchannel_alone_max_s (0.6 s) are an attempt at the floor */
    const seg s3[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 1.6, 2.3, 0}, {TM_CALLER, 2.75, 5.0, 0}};
    one_attempt(s3, 3, 1.6);
    /* a caller's channel loud through the gap is no pause (their voice taken for the agent's
     * echo split their phrase): one attempt */
    loud[TM_CALLER][0] = 2.3;
    loud[TM_CALLER][1] = 2.75;
    one_attempt(s, 3, 2.0);
    loud[TM_CALLER][0] = loud[TM_CALLER][1] = 0.0;
    /* what follows the "uh-huh" is judged by itself, not as the caller resuming a turn of
     * their own: the agent talking on to 4.0 s, the caller interrupts from 2.75 s */
    const seg s5[] = {{TM_AGENT, 0.0, 4.0, 0}, {TM_CALLER, 2.0, 2.3, 0}, {TM_CALLER, 2.75, 5.0, 0}};
    uh_huh_then(s5, 3, 2.0, 2.3, 2.75);
    /* words the speech gate heard in two pieces (the attempt already merged a pause: a weak
     * cut-in under street noise and an AGC, seed 32 c03) are no "uh-huh" on their own: one
     * attempt from 2.0 s, which the agent talked over */
    const seg s6[] = {{TM_AGENT, 0.0, 3.1, 0}, {TM_CALLER, 2.0, 2.12, 0}, {TM_CALLER, 2.35, 2.5, 0},
                      {TM_CALLER, 2.9, 5.0, 0}};
    one_attempt(s6, 4, 2.0);
    /* the limits: 0.25 s of quiet is enough (the agent still talking as the caller is heard
     * again, to 2.8 s), 0.24 s is not (one attempt, which the agent talked over) */
    const seg s7[] = {{TM_AGENT, 0.0, 2.8, 0}, {TM_CALLER, 2.0, 2.3, 0}, {TM_CALLER, 2.55, 5.0, 0}};
    uh_huh_then(s7, 3, 2.0, 2.3, -1.0);
    const seg s8[] = {{TM_AGENT, 0.0, 2.8, 0}, {TM_CALLER, 2.0, 2.3, 0}, {TM_CALLER, 2.54, 5.0, 0}};
    one_attempt(s8, 3, 2.0);
}

static void test_interrupted_speaker_taking_up_their_turn_is_no_uh_huh(void **state)
{
    (void)state;
    /* the caller cuts in at 1.0 s and talks to 5.0 s; the agent, cut into, goes on in pieces
     * (1.8-2.1 s, then 2.4-4.0 s after a quiet 0.3 s): the agent taking up their own turn, not
     * an "uh-huh" and then an interruption of the interrupter (a newcomer's review) */
    const seg s[] = {{TM_AGENT, 0.0, 1.5, 0}, {TM_CALLER, 1.0, 5.0, 0}, {TM_AGENT, 1.8, 2.1, 0},
                     {TM_AGENT, 2.4, 4.0, 0}};
    run(s, 4, 6.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.0, 5.0);
    assert_int_equal(count(TM_EV_BACKCHANNEL, 1), 0);
}

static void test_cut_in_just_inside_a_turn_pause_after_short_words_is_an_interruption(void **state)
{
    (void)state;
    /* the caller says 0.5 s of words at 2.0 s, is quiet 0.49 s (just under turn_pause_max_s)
     * and cuts in at 2.99 s while the agent talks on to 5.5 s. The words are settled as a
     * backchannel at the turn pause's end, before the cut-in is confirmed (onset_ms after its
     * start): the cut-in is an interruption all the same, not the caller going on with a turn
     * of their own (a newcomer's review, case R) */
    const seg s[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 2.0, 2.5, 0}, {TM_CALLER, 2.99, 5.0, 0}};
    uh_huh_then(s, 3, 2.0, 2.5, 2.99);
    /* so with 0.8 s of words (over backchannel_alone_max_s) */
    const seg s2[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 1.7, 2.5, 0}, {TM_CALLER, 2.99, 5.0, 0}};
    uh_huh_then(s2, 3, 1.7, 2.5, 2.99);
    /* confirmed within the pause, the cut-in and those words are one attempt, from 1.7 s */
    const seg s3[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 1.7, 2.5, 0}, {TM_CALLER, 2.97, 5.0, 0}};
    one_attempt(s3, 3, 1.7);
}

static void test_hold_is_not_silence(void **state)
{
    (void)state;
    /* the caller's leg plays music 1.5-20 s (recognised at 2.0 s); the agent is back at 19 s */
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 1.5, 20.0, 2.0}, {TM_AGENT, 19.0, 21.0, 0}};
    run(s, 3, 22.0);
    assert_int_equal(count(TM_EV_SILENCE, 0) + count(TM_EV_SILENCE, 1), 0);
    /* the same line without the music is silent from 1.0 s to 19.0 s */
    const seg s2[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_AGENT, 19.0, 21.0, 0}};
    run(s2, 2, 22.0);
    expect(only(TM_EV_SILENCE, 1), TM_NOBODY, 1.0, 19.0);
}

/* FIXED BUG (src/turns.c): when a hold ended, dead air was counted from the last speech before
 * the hold, so a hold longer than silence_min_s followed by half a second of nothing was
 * reported at the hold's end as one silence over the whole hold (and prompted the agent). Seen on the realistic corpus:
 * /tmp/rc2/c38_hold_dtmf.wav, hold 25.23-41.91 s, silence 27.02-43.89 s. Expected: no silence
 * (the line was held, then quiet for 0.5 s). */
static void test_hold_end_is_not_reported_as_silence(void **state)
{
    (void)state;
    const seg s[] = {{TM_AGENT, 0.0, 1.0, 0}, {TM_CALLER, 1.5, 20.0, 2.0}, {TM_AGENT, 20.5, 21.5, 0}};
    run(s, 3, 22.0);
    assert_int_equal(count(TM_EV_SILENCE, 0) + count(TM_EV_SILENCE, 1), 0);
}

static void test_withdrawn_segment_leaves_no_event(void **state)
{
    (void)state;
    /* music alone on the caller's leg for a minute, its segment withdrawn at 1.5 s: it never
     * held the floor (no monologue), it was no speech, and the held line is not silence */
    const seg s[] = {{TM_CALLER, 1.0, 61.0, 1.5}};
    run(s, 1, 61.0);
    assert_int_equal(nev, 0);

    /* the caller's "interruption" at 2.0 s turns out to be music at 3.5 s: its final event never
     * comes, not even with the caller's next real segment */
    const seg s2[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 2.0, 4.0, 3.5}, {TM_CALLER, 7.0, 8.0, 0}};
    run(s2, 3, 9.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 0);
}

static void test_holder_going_on_in_a_withdrawn_segment_is_no_interruption(void **state)
{
    (void)state;
    /* the agent talks 0-3.0 s; the caller starts at 3.25 s, inside a turn pause of the agent's,
     * and talks to 8.0 s. The agent's channel carries the caller's first words back from a
     * speakerphone, loud, before the leak stage has measured the echo: a segment 3.33-3.9 s that
     * the speech gate takes back at 4.1 s. The agent never went on: a turn taken, no
     * interruption (seed 26 c05) */
    const seg s[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 3.25, 8.0, 0}, {TM_AGENT, 3.33, 3.9, -4.1}};
    run(s, 3, 9.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    /* the same segment standing: the agent went on within a hand-over, the caller cut in */
    const seg s2[] = {{TM_AGENT, 0.0, 3.0, 0}, {TM_CALLER, 3.25, 8.0, 0}, {TM_AGENT, 3.33, 3.9, 0}};
    run(s2, 3, 9.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 3.25, 8.0);
    /* taken back, but at the agent's own pitch (their words under the caller's, cut into pulses
     * where the leak stage took hops for the caller's echo, then taken for a laugh): the agent
     * went on all the same (seed 25 c08) */
    taken_back_own = 1;
    run(s, 3, 9.0);
    taken_back_own = 0;
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 3.25, 8.0);
    /* the echo's segment already open as the caller comes in (2.9-3.3 s, taken back at 3.5 s),
     * the agent heard again only at 3.6 s, past a hand-over: the agent's turn had ended at
     * 2.5 s, and the caller cut into no one (the agent, coming in over the caller, does) */
    const seg s4[] = {{TM_AGENT, 0.0, 2.5, 0}, {TM_AGENT, 2.9, 3.3, -3.5}, {TM_CALLER, 3.25, 8.0, 0},
                      {TM_AGENT, 3.6, 5.0, 0}};
    run(s4, 4, 9.0);
    for (int i = 0; i < count(TM_EV_INTERRUPTION, 1); i++)
        assert_int_not_equal(nth(TM_EV_INTERRUPTION, 1, i)->speaker, TM_CALLER);
}

/* The caller's 0.8 s of words at 1.7 s over the agent's turn (to 5.5 s), a pause, and more from
 * 2.97 s: one attempt from 1.7 s, past a backchannel's length the hop the new segment is
 * confirmed (2.99 s). That segment is babble the speech stage withdraws at 3.97 s, when it judges
 * it; what was heard of it by 3.0 s already looked so (doubtful). The alert waits for the
 * judgement and never goes out; with the segment standing, it goes out at the judgement; not
 * doubtful, at 2.99 s as before (and withdrawn later, it stood: the limit this removes). */
static void test_cut_in_whose_new_segment_is_doubtful_waits_for_its_judgement(void **state)
{
    (void)state;
    const seg gone[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 1.7, 2.5, 0}, {TM_CALLER, 2.97, 5.0, -3.97}};
    doubt_seg = 2;
    doubt_to = 3.97;
    run(gone, 3, 7.0);
    assert_int_equal(count(TM_EV_INTERRUPTION, 0) + count(TM_EV_INTERRUPTION, 1), 0);
    const seg stands[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 1.7, 2.5, 0}, {TM_CALLER, 2.97, 5.0, 0}};
    run(stands, 3, 7.0);
    const tm_event *live = only(TM_EV_INTERRUPTION, 0);
    assert_int_equal(live->detected, H(3.97));
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.7, 5.0);
    /* doubtful only until 3.2 s (more of it heard looked like the talker), withdrawn all the
     * same at 3.97 s: the alert went out at 3.2 s, and the interruption ends where the attempt
     * did before the segment (2.5 s), not at the caller's next words (a review's case) */
    doubt_to = 3.2;
    run(gone, 3, 7.0);
    assert_int_equal(only(TM_EV_INTERRUPTION, 0)->detected, H(3.2));
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.7, 2.5);
    const seg later[] = {{TM_AGENT, 0.0, 5.5, 0}, {TM_CALLER, 1.7, 2.5, 0}, {TM_CALLER, 2.97, 5.0, -3.97},
                         {TM_CALLER, 9.0, 11.0, 0}};
    run(later, 4, 12.0);
    expect(only(TM_EV_INTERRUPTION, 1), TM_CALLER, 1.7, 2.5);
    doubt_seg = -1;
    run(gone, 3, 7.0);
    assert_int_equal(only(TM_EV_INTERRUPTION, 0)->detected, H(2.97) + onset_hops - 1);
}

static void test_fragment_inside_a_turn_is_no_backchannel(void **state)
{
    (void)state;
    /* a 50 ms fragment (an echo blip the leak stage let through) and, later, a 0.15 s "mm":
     * only the second is a backchannel (backchannel_min_s 0.1 s), and the fragment does not
     * take the floor either */
    const seg s[] = {{TM_AGENT, 0.0, 6.0, 0}, {TM_CALLER, 2.0, 2.05, 0}, {TM_CALLER, 4.0, 4.15, 0}};
    run(s, 3, 7.0);
    const tm_event *b = only(TM_EV_BACKCHANNEL, 1);
    expect(b, TM_CALLER, 4.0, 4.15);
    assert_int_equal(count(TM_EV_INTERRUPTION, 1), 0);
    assert_int_equal(count(TM_EV_SPEECH, 1), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hold_end_is_not_reported_as_silence),
        cmocka_unit_test(test_burst_overlap_at_its_start),
        cmocka_unit_test(test_cut_in_whose_new_segment_is_doubtful_waits_for_its_judgement),
        cmocka_unit_test(test_short_uh_huh_is_a_backchannel),
        cmocka_unit_test(test_caller_taking_the_floor_is_an_interruption),
        cmocka_unit_test(test_simultaneous_start_is_not_an_interruption),
        cmocka_unit_test(test_talk_over_far_under_the_talkers_level_is_no_interruption),
        cmocka_unit_test(test_turn_handover_is_not_an_interruption),
        cmocka_unit_test(test_silence_exact_start_and_end),
        cmocka_unit_test(test_blip_in_dead_air_is_no_speech),
        cmocka_unit_test(test_long_single_speaker_stretch_is_a_monologue),
        cmocka_unit_test(test_close_overlaps_are_merged),
        cmocka_unit_test(test_pause_inside_a_turn_is_not_a_new_entry),
        cmocka_unit_test(test_interrupted_speaker_talking_on_does_not_interrupt_back),
        cmocka_unit_test(test_speaker_cut_in_at_a_breath_talking_on_does_not_interrupt_back),
        cmocka_unit_test(test_cut_in_after_the_hangover_of_a_breath_is_an_interruption),
        cmocka_unit_test(test_tail_of_a_turn_cut_into_is_no_backchannel),
        cmocka_unit_test(test_blip_before_the_end_of_a_turn_does_not_make_an_interruption),
        cmocka_unit_test(test_uh_huh_then_the_turn_as_the_holder_ends_is_no_interruption),
        cmocka_unit_test(test_cut_in_just_inside_a_turn_pause_after_short_words_is_an_interruption),
        cmocka_unit_test(test_interrupted_speaker_taking_up_their_turn_is_no_uh_huh),
        cmocka_unit_test(test_hold_is_not_silence),
        cmocka_unit_test(test_withdrawn_segment_leaves_no_event),
        cmocka_unit_test(test_holder_going_on_in_a_withdrawn_segment_is_no_interruption),
        cmocka_unit_test(test_fragment_inside_a_turn_is_no_backchannel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
