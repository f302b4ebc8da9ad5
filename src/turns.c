/* src/turns.c -- turn-taking between the agent and the caller.
 *
 * Inputs per hop (src/stage.h): both channels' speech segments (start confirmed, closed), whether
 * the hop is speech, and whether music holds the channel (hold is not dead air).
 * Output: speech, overlap, interruption, backchannel, silence and monologue events.
 *
 * The floor belongs to whoever last took a turn. A newcomer's segment that starts while the holder
 * is in their turn (talking, or paused less than backchannel_context_s) waits for its class:
 *  - still talking past backchannel_max_s: it takes the floor. It is an interruption when the
 *    holder was talking as it started (or paused under turn_pause_max_s and was heard again
 *    within handover_max_s of it) and kept talking more than handover_max_s after it
 *    (a turn hand-over overlaps the end of the holder's turn by a fraction of a second), and
 *    both spoke at their own level (interrupt_rel_db; for the holder, only the agent), and the
 *    holder's turn was under way (not begun within handover_max_s of the newcomer's);
 *  - ended sooner and the holder talks on (through its end or within backchannel_context_s
 *    after it): a backchannel ("uh-huh", "right"), and the floor stays;
 *  - ended sooner and the holder does not go on: a short turn, which takes the floor.
 * These rules follow the conversation-analysis notions of turn, overlap and backchannel used in
 * floor-tracking work (e.g. Heldner and Edlund, "Pauses, gaps and overlaps in conversations",
 * J. Phonetics 2010). Everything is decided causally: an interruption is known at the hop where
 * the newcomer is heard past the backchannel limit, which bounds the alert latency.
 * Overlaps are intersections of closed segments, computed by whichever segment closes second. */
#include "turns.h"
#include <math.h>
#include <string.h>

/* Speech that lasts this long ends dead air whatever its level (silence_break_rel_db). */
#define TURNS_SIL_BREAK_S 2.0f

/* Does channel c's open segment end dead air? Under babble, the neighbours' voices that cross
 * the speech gate in a pause (8-12 dB under the talker) split a dead air into pieces too short
 * to report; a talker who speaks after 5 s of quiet comes within 5 dB of their own level at
 * once (on the development corpora no true segment after 5 s of quiet peaked lower). Nor does
 * a segment yet shorter than backchannel_min_s, too short for a word (as in backchannel()): a
 * 60 ms blip of a DTMF burst's echo in the middle of 10 s of quiet dated the dead air from
 * after it, one false and one missed (seed 58 c15; on the 1 224 calls of seeds 47-64 the only
 * change). The segment is still speech for everything else. */
static int breaks_dead_air(const tm_turns *t, const tmi_hop *h)
{
    if (!h->seg_on || h->seg_last + 1 - h->seg_start < t->bc_min_hops) return 0;
    return t->sil_break_db <= 0.0f || h->seg_peak_rel_db >= -t->sil_break_db ||
           h->seg_last + 1 - h->seg_start >= t->sil_break_hops;
}

static int hops_of(float seconds, int hops_per_s) { return (int)lrintf(seconds * (float)hops_per_s); }

void tmi_turns_init(tm_turns *t, const tm_config *cfg, int hops_per_s)
{
    int overlap_hops = hops_of(cfg->overlap_min_s, hops_per_s);
    t->merge_hops = hops_of(cfg->overlap_merge_s, hops_per_s);
    t->pause_hops = hops_of(cfg->turn_pause_max_s, hops_per_s);
    t->tail_gap_hops = hops_of(cfg->tail_gap_max_s, hops_per_s);
    t->alone_hops = hops_of(cfg->backchannel_alone_max_s, hops_per_s);
    t->alone_quiet_hops = hops_of(cfg->backchannel_alone_quiet_s, hops_per_s);
    t->nch = cfg->channels;
    t->overlap_hops = overlap_hops < 1 ? 1 : overlap_hops;
    t->bc_hops = hops_of(cfg->backchannel_max_s, hops_per_s);
    t->intr_rel_db = cfg->interrupt_rel_db;
    t->bc_min_hops = hops_of(cfg->backchannel_min_s, hops_per_s);
    t->handover_hops = hops_of(cfg->handover_max_s, hops_per_s);
    t->ctx_hops = hops_of(cfg->backchannel_context_s, hops_per_s);
    t->silence_hops = hops_of(cfg->silence_min_s, hops_per_s);
    t->monologue_hops = hops_of(cfg->monologue_min_s, hops_per_s);
    t->sil_break_db = cfg->silence_break_rel_db;
    t->sil_break_hops = hops_of(TURNS_SIL_BREAK_S, hops_per_s);
    tmi_turns_reset(t);
}

void tmi_turns_reset(tm_turns *t)
{
    t->holder = TM_NOBODY;
    t->floor_start = 0;
    t->mono_alerted = 0;
    t->mono_detected = 0;
    t->sil_start = 0;
    t->sil_alerted = 0;
    t->sil_detected = 0;
    t->sil_end = -1;
    t->ov_pending = 0;
    t->last_held = -1;
    for (int c = 0; c < 2; c++) {
        t->heard[c] = t->heard_seg[c] = t->heard_before[c] = t->bc_end[c] = -1;
        t->pend[c].active = 0;
        t->intr_start[c] = -1;
        t->intr_detected[c] = 0;
        t->intr_of[c] = TM_NOBODY;
        t->iw_seg[c] = -1;
        t->intr_seg[c] = t->intr_prev_end[c] = -1;
        t->ring_pos[c] = t->ring_n[c] = 0;
        memset(t->quiet[c], 0, sizeof t->quiet[c]);
    }
}

static void end_floor(tm_turns *t, int64_t end, const tm_emitter *em)
{
    if (t->holder != TM_NOBODY && t->mono_alerted) {
        tm_event ev = emit_make(TM_EV_MONOLOGUE, t->holder, t->floor_start, end, t->mono_detected, 1);
        emit_event(em, &ev);
    }
    t->mono_alerted = 0;
    t->holder = TM_NOBODY;
}

static void take_floor(tm_turns *t, int c, int64_t start, const tmi_hop *hp, const tm_emitter *em)
{
    if (t->holder != TM_NOBODY && t->holder != c) {
        int64_t end = hp[t->holder].seg_last + 1;
        end_floor(t, end < start ? end : start, em);
    }
    t->holder = c;
    t->floor_start = start;
    t->mono_alerted = 0;
}

static void overlap_flush(tm_turns *t, const tm_emitter *em)
{
    if (!t->ov_pending) return;
    tm_event ev = emit_make(TM_EV_OVERLAP, TM_NOBODY, t->ov_start, t->ov_end, t->ov_detected, 1);
    emit_event(em, &ev);
    t->ov_pending = 0;
}

/* Double-talk in which one side pauses for breath is one overlap, not one per phrase: an overlap
 * that starts within merge_hops of the held one's end joins it. */
static void overlap_add(tm_turns *t, int64_t a, int64_t b, int64_t det, const tm_emitter *em)
{
    if (t->ov_pending && a - t->ov_end <= t->merge_hops && a >= t->ov_start) {
        if (b > t->ov_end) t->ov_end = b;
        return;
    }
    overlap_flush(t, em);
    t->ov_pending = 1;
    t->ov_start = a;
    t->ov_end = b;
    t->ov_detected = det;
}

/* Could an overlap still be found that starts within merge_hops of the held one? Only while a
 * channel is in a segment whose intersection with the other side's speech (open, or the last
 * closed segment) has not been computed yet. */
static int overlap_may_join(const tm_turns *t, const tmi_hop *hp)
{
    for (int c = 0; c < 2; c++) {
        if (!hp[c].seg_on) continue;
        int o = 1 - c;
        int64_t s = hp[c].seg_start, os = -1;
        if (hp[o].seg_on) os = hp[o].seg_start;
        else if (t->ring_n[o] > 0) {
            const tmi_span *q = &t->ring[o][(t->ring_pos[o] + TURNS_RING - 1) % TURNS_RING];
            if (q->end > s) os = q->start;
        }
        if (os >= 0 && (s > os ? s : os) - t->ov_end <= t->merge_hops) return 1;
    }
    return 0;
}

static void overlaps_with(tm_turns *t, int c, const tmi_span *s, const tm_emitter *em)
{
    int o = 1 - c;
    for (int i = 0; i < t->ring_n[o]; i++) {
        const tmi_span *q = &t->ring[o][i];
        int64_t a = s->start > q->start ? s->start : q->start;
        int64_t b = s->end < q->end ? s->end : q->end;
        if (b - a < t->overlap_hops) continue;
        int64_t det = a + t->overlap_hops;
        if (s->confirm > det) det = s->confirm;
        if (q->confirm > det) det = q->confirm;
        overlap_add(t, a, b, det, em);
    }
    t->ring[c][t->ring_pos[c]] = *s;
    t->ring_pos[c] = (t->ring_pos[c] + 1) % TURNS_RING;
    if (t->ring_n[c] < TURNS_RING) t->ring_n[c]++;
}

static void on_closed(tm_turns *t, int c, const tmi_span *s, const tm_emitter *em)
{
    tm_event ev = emit_make(TM_EV_SPEECH, c, s->start, s->end, s->confirm, 1);
    emit_event(em, &ev);
    if (t->nch < 2) return;
    overlaps_with(t, c, s, em);
    if (t->intr_start[c] >= 0 && s->start >= t->intr_start[c]) {
        ev = emit_make(TM_EV_INTERRUPTION, c, t->intr_start[c], s->end, t->intr_detected[c], 1);
        ev.other = t->intr_of[c];
        emit_event(em, &ev);
        t->intr_start[c] = -1;
    }
    turns_pending *p = &t->pend[c];
    /* The newcomer's attempt may have merged a short pause, so its segment can start after the
     * pending start: any segment of theirs reaching past that start closes it. */
    if (p->active && !p->closed && s->end > p->start) {
        p->closed = 1;
        p->end = s->end;
        p->deadline = s->end + t->ctx_hops;
    }
}

/* A newcomer's segment starting at `start` waits for its class. */
static void pend_open(turns_pending *p, int64_t start, int overlapped, int tail, int64_t holder_last)
{
    p->active = 1;
    p->tail = tail;
    p->merged = -1;
    p->start = start;
    p->h.overlapped = overlapped;
    p->h.paused_at = -1;
    p->holder_seg = -1;
    p->closed = 0;
    p->ho_checked = 0;
    p->h.holder_went_on = 0;
    p->h.holder_broke = 0;
    p->h.holder_last = holder_last;
    p->h.holder_fresh = -1;
    p->peak_rel_db = p->holder_rel_db = -1000.0f;
}

/* The loudest both parties came, against their own levels, in the segments of an attempt: the
 * newcomer's since it started, the holder's in the segments that reach into it (the one it cut
 * into counts whole). */
static void attempt_levels(turns_pending *p, int c, const tmi_hop *hp)
{
    int o = 1 - c;
    if (hp[c].seg_start >= p->start && hp[c].seg_last >= hp[c].seg_start && hp[c].seg_peak_rel_db > p->peak_rel_db)
        p->peak_rel_db = hp[c].seg_peak_rel_db;
    if (hp[o].seg_last >= p->start && hp[o].seg_peak_rel_db > p->holder_rel_db)
        p->holder_rel_db = hp[o].seg_peak_rel_db;
}

/* Does c's segment starting at s resume c's own turn after a pause of at most a turn pause, that
 * turn having still been going at hop since (c heard within a turn pause before it: the other
 * came in during c's pause, which the overlap test counts as c talking)? The pause in hops, or -1
 * when it does not. Read from c's closed segments before s. */
static int64_t resume_gap(const tm_turns *t, int c, int64_t s, int64_t since)
{
    for (int i = 1; i <= t->ring_n[c] && i <= 2; i++) {
        const tmi_span *q = &t->ring[c][(t->ring_pos[c] + TURNS_RING - i) % TURNS_RING];
        if (q->start >= s) continue;            /* the segment itself, already closed */
        return q->end + t->pause_hops > since && s - q->end <= t->pause_hops ? s - q->end : -1;
    }
    return -1;
}

static int resumed(const tm_turns *t, int c, int64_t s, int64_t since)
{
    return resume_gap(t, c, s, since) >= 0;
}

/* A resumed segment after at most tail_gap_max_s is the same phrase, split where the other's
 * voice came in (the speech gate's hangover is 200 ms, so any split is longer than that): the
 * speaker trailing off under the newcomer. An "uh-huh" to the newcomer follows a real pause. */
static int tail_of_turn(const tm_turns *t, int c, int64_t s, int64_t since)
{
    int64_t gap = resume_gap(t, c, s, since);
    return gap >= 0 && gap <= t->tail_gap_hops;
}

static int quiet_hops(const tm_turns *t, int c, int64_t from, int64_t to, int64_t n);

/* Newcomer c's closed short attempt as a backchannel, at hop n. Shorter than backchannel_min_s it
 * is too short for a word: a fragment of echo the leak stage let through, a click, a syllable of
 * the babble behind them. It neither answers nor takes the floor. Nor does the tail of a turn
 * the other cut into: the speaker trailing off under the newcomer (their phrase split where the
 * newcomer's voice came in), not an "uh-huh" to them. */
static void backchannel(const tm_turns *t, int c, int64_t n, const tm_emitter *em)
{
    const turns_pending *p = &t->pend[c];
    if (p->end - p->start < t->bc_min_hops || p->tail) return;
    tm_event ev = emit_make(TM_EV_BACKCHANNEL, c, p->start, p->end, n, 1);
    emit_event(em, &ev);
}

/* Newcomer c's attempt closed short and c is heard again within a turn pause: was what it said
 * an "uh-huh" on its own? Yes when
 *  - it was one segment (an attempt that already merged a pause is a cut-in the speech gate
 *    hears in pieces, weak under street noise and an AGC: seed 32 c03, whose interruption this
 *    took), shorter than backchannel_alone_max_s, said over the holder's turn (not c taking up
 *    its own turn that the holder had cut into: then c's next words go on with that turn, and
 *    read as a new attempt they made c "interrupt the interrupter");
 *  - backchannel_alone_quiet_s of the pause since were at c's noise floor (a pause, not a split
 *    of c's phrase where the leak stage took its voice for the other's: the channel stays loud
 *    through that);
 *  - the holder was heard past a hand-over after the words, or is talking now, in a segment
 *    that is not still open to withdrawal (so had not yielded to them at once; a holder who
 *    stops at once and then says "go ahead" after a breath counts too, and the words and
 *    the turn after them are an "uh-huh" and a hand-over all the same).
 * What follows is then a new attempt, judged by itself: the caller who said "uh-huh" and took
 * the turn as the agent finished 0.45 s later was an interruption from the "uh-huh" on (seed 31
 * c35). A holder who stops within a hand-over of the short words yielded to them: one attempt,
 * as before (seed 24 c22: "I-" 0.39 s, a quiet 0.26 s, then the rest of the cut-in). The cost:
 * a real cut-in that starts with a short word and a pause ("No - ... listen") is reported
 * from the words after the pause, and alerted that much later. */
static int alone(const tm_turns *t, int64_t n, int c, const tmi_hop *hp)
{
    const turns_pending *p = &t->pend[c];
    const tmi_hop *ho = &hp[1 - c];
    int64_t s = hp[c].seg_start, past = p->end - 1 + t->handover_hops;
    if (t->alone_hops <= 0 || p->merged >= 0 || p->tail || !p->h.overlapped) return 0;
    if (p->end - p->start >= t->alone_hops) return 0;
    if (quiet_hops(t, c, p->end, s, n) < t->alone_quiet_hops) return 0;
    return ho->seg_last >= (past < n ? past : n) && !(ho->seg_on && ho->seg_weak);
}

static void on_confirmed(tm_turns *t, int64_t n, int c, const tmi_hop *hp, const tm_emitter *em)
{
    int64_t s = hp[c].seg_start;
    if (t->nch < 2) return;
    int o = 1 - c;
    turns_pending *pc = &t->pend[c];
    /* What c said before was an "uh-huh" of its own: this is a new attempt. So it is when those
     * words were settled over the holder's turn (as a backchannel, or a blip too short for one)
     * at the end of the turn pause after them, and this segment began within that pause but was
     * confirmed (onset_ms, or more for a weak onset) after it: c holds no turn of its own to go
     * on with. Unlike alone(), this asks nothing of the pause: confirmed a hop or two sooner,
     * the same words and segment can be one attempt (an interruption from the words on) rather
     * than a backchannel and an interruption from the segment on. (Waiting for it instead, to
     * judge the words and it as one attempt, as after a shorter pause, found one interruption
     * split by packet loss and made three "uh-huh"s before a turn into interruptions on the
     * development corpora, seeds 18-31.) */
    int afresh = !pc->active && t->bc_end[c] >= 0 && s - t->bc_end[c] <= t->pause_hops;
    t->bc_end[c] = -1;
    if (pc->active && pc->closed && s - pc->end <= t->pause_hops) {
        /* The newcomer only paused: still the same attempt at the floor. Unless all it said
         * before was a blip shorter than an overlap (a cough, a click, the babble behind
         * them) and the holder has finished since: then the attempt starts now, after the
         * holder's turn, and is judged as such. Or it was an "uh-huh" on its own (alone()). */
        if (alone(t, n, c, hp)) {
            backchannel(t, c, n, em);
            afresh = 1;
        } else if (pc->end - pc->start >= t->overlap_hops || hp[o].seg_last >= s) {
            pc->closed = 0;
            pc->merged = s;
            return;
        }
        pc->active = 0;
    }
    /* c was still talking when o took the floor from them and only paused: c's turn goes on
     * through the interruption (a competitive overlap). It may win the floor back, but it does
     * not interrupt the interrupter. */
    int resumes = t->holder == o && !afresh && resumed(t, c, s, t->floor_start);
    int tail = t->holder == o && !afresh && tail_of_turn(t, c, s, t->floor_start);
    if (t->holder == TM_NOBODY) {
        take_floor(t, c, s, hp, em);
    } else if (t->holder == o) {
        if (!hp[o].seg_on && hp[o].seg_last < s - t->ctx_hops) {
            take_floor(t, c, s, hp, em);    /* the holder's turn was over: a new turn */
        } else {
            pend_open(&t->pend[c], s, hp[o].seg_on && !resumes, tail, hp[o].seg_last);
            if (hp[o].seg_on) {
                /* what the attempt knows from the holder's open segment goes if it is withdrawn */
                turns_pending *p = &t->pend[c];
                p->holder_seg = hp[o].seg_start;
                p->before = p->h;
                p->before.overlapped = 0;
            }
            /* the holder only paused within its turn (under a turn pause) as c came in: whether
             * c talked over it is known when the holder is heard again */
            if (!hp[o].seg_on && !resumes && s - hp[o].seg_last <= t->pause_hops)
                t->pend[c].h.paused_at = hp[o].seg_last;
        }
    }
}

/* Hops of c in [from, to) whose level was at the noise floor. A pause is counted in them, not
 * in hops without speech: where the leak stage takes a stretch of double-talk for the other's
 * voice the speaker's phrase splits, but their channel stays loud through the split. */
static int quiet_hops(const tm_turns *t, int c, int64_t from, int64_t to, int64_t n)
{
    /* the ring holds hops n - TURNS_QUIET_RING + 1 .. n */
    if (from < n - TURNS_QUIET_RING + 1) from = n - TURNS_QUIET_RING + 1;
    int q = 0;
    for (int64_t k = from < 0 ? 0 : from; k < to; k++) q += t->quiet[c][k % TURNS_QUIET_RING];
    return q;
}

/* The holder's new segment (holder_fresh) may yet outlast a backchannel: the newcomer's class
 * waits for it. */
static int holder_fresh_pending(const turns_pending *p, int o, const tmi_hop *hp)
{
    return p->h.overlapped && !p->h.holder_went_on && !p->h.holder_broke && hp[o].seg_on &&
           hp[o].seg_start == p->h.holder_fresh;
}

/* Newcomer c's attempt, past a backchannel's length, takes the floor: an interruption when the
 * holder was talking as it started and went on. If its segment has closed already, the
 * interruption is final at once. */
static void enter(tm_turns *t, int64_t n, int c, const tmi_hop *hp, const tm_emitter *em)
{
    turns_pending *p = &t->pend[c];
    int o = 1 - c;
    /* Talking over someone is done at one's own level: a newcomer that stayed far under their own
     * level is a neighbour's voice that the speech gate let through (babble 10-13 dB under the
     * talker) or a murmur, and a red prompt for it is the false one an agent remembers. So is an
     * agent "holding the floor" far under their own level: the neighbours at their desk, over
     * which the caller only started to talk. A caller far under their own level is still the
     * caller (withdrawn, tearful, away from a speakerphone), and an agent talking over them is
     * exactly what the prompt is for. interrupt_rel_db 5 is the knee on the development corpora
     * (seeds 12-16): from 7 to 5 dB precision under babble rose 0.81 -> 0.90 with no true
     * interruption lost; at 4 and 3 dB the first ones went. (The decision may come in the hop
     * the attempt opened, before the update loop has read its levels.) */
    attempt_levels(p, c, hp);
    int own_level = t->intr_rel_db <= 0.0f ||
                    (p->peak_rel_db >= -t->intr_rel_db && (o != TM_AGENT || p->holder_rel_db >= -t->intr_rel_db));
    /* Two turns begun within handover_max_s of each other are a simultaneous start (Schegloff,
     * "Overlapping talk and the organization of turn-taking for conversation", Language in
     * Society 2000): the holder, having taken the floor only just before the newcomer came in
     * (or after, the newcomer heard later), had no turn under way to cut into. The newcomer's
     * attempt counts from its latest segment when it merged a pause: a false start with the
     * holder, then a cut-in a second into their turn, is an interruption. */
    int64_t came_in = p->merged >= 0 ? p->merged : p->start;
    int under_way = came_in - t->floor_start >= t->handover_hops;
    /* An attempt the newcomer paused in and went on with can reach here on the hop its new
     * segment is confirmed, long before the speech stage judges that segment the talker's voice
     * or another (src/vad.c: the babble's, withdrawn on its first backchannel_max_s); withdrawn
     * then, the interruption stood. When what is heard of it so far would be withdrawn, the
     * alert waits for the judgement (the floor does not). Every such alert waiting would delay
     * 153 of the 1379 on the development corpora (seeds 29-38, 41-44) by 0.16-0.98 s (0.72 s
     * mean) for 4 false ones fewer; those doubtful so early: 2 false ones fewer (seed 35 c41),
     * one alert 0.15 s later. */
    if (p->h.overlapped && p->h.holder_went_on && own_level && under_way && !p->closed && p->merged >= 0 &&
        hp[c].seg_on && hp[c].seg_start == p->merged && hp[c].seg_doubtful) {
        t->iw_seg[c] = p->merged;
        t->iw_start[c] = p->start;
        t->iw_of[c] = o;
        t->iw_prev_end[c] = p->end;
    } else if (p->h.overlapped && p->h.holder_went_on && own_level && under_way) {
        tm_event ev = emit_make(TM_EV_INTERRUPTION, c, p->start, n + 1, n, 0);
        ev.other = o;
        emit_event(em, &ev);
        if (p->closed) {
            ev = emit_make(TM_EV_INTERRUPTION, c, p->start, p->end, n, 1);
            ev.other = o;
            emit_event(em, &ev);
        } else {
            t->intr_start[c] = p->start;
            t->intr_detected[c] = n;
            t->intr_of[c] = o;
            t->intr_seg[c] = hp[c].seg_on ? hp[c].seg_start : -1;
            t->intr_prev_end[c] = p->merged >= 0 ? p->end : -1;
        }
    }
    take_floor(t, c, p->start, hp, em);
    p->active = 0;
    /* The old holder may have started a new segment after the newcomer came in (an "uh-huh"
     * into the new turn): it is a newcomer to the new floor now. */
    if (hp[o].seg_start > p->start && hp[o].seg_last >= hp[o].seg_start) {
        turns_pending *q = &t->pend[o];
        /* ... unless it only paused in its own turn: then it talks on through the interruption
         * and does not interrupt the interrupter */
        int resumes = resumed(t, o, hp[o].seg_start, p->start);
        pend_open(q, hp[o].seg_start, !resumes, tail_of_turn(t, o, hp[o].seg_start, p->start),
                  hp[c].seg_last);
        q->closed = !hp[o].seg_on;
        q->end = hp[o].seg_last + 1;
        q->deadline = q->end + t->ctx_hops;
    }
}

static void resolve_pending(tm_turns *t, int64_t n, int c, const tmi_hop *hp, const tm_emitter *em)
{
    turns_pending *p = &t->pend[c];
    int o = 1 - c;
    if (!p->active) return;
    if (t->holder != o) { p->active = 0; return; }
    if (hp[o].seg_on && hp[o].seg_start != p->holder_seg) {
        p->holder_seg = hp[o].seg_start;
        p->before = p->h;
    }
    /* The newcomer came in during a pause of the holder's. A holder going on within a hand-over
     * of it did not yield the floor: the newcomer cut into a turn in a breath, as when the
     * holder had been talking (a speaker's pauses within a phrase run to a few hundred ms, and
     * under street noise or a strong leak the speech gate splits a phrase at its weak syllables
     * too). A holder heard again later than that had left the floor to the newcomer. */
    if (p->h.paused_at >= 0 && hp[o].seg_on && hp[o].seg_start > p->h.paused_at) {
        p->h.overlapped = hp[o].seg_start <= p->start + t->handover_hops;
        p->h.paused_at = -1;
    }
    /* Did the holder's turn go on past the hand-over window, with no pause longer than a turn
     * pause since they were last heard? A later "uh-huh" of theirs, after a real pause, does
     * not count; a stop closure or a breath does not end their turn. */
    if (hp[o].speech && !p->h.holder_broke) {
        if (n - p->h.holder_last > t->pause_hops + 1) p->h.holder_broke = 1;
        else {
            /* A new segment of the holder after a pause longer than a split (tail_gap_max_s),
             * once the newcomer is in, may be their "uh-huh" to the newcomer: a hand-over
             * acknowledged. It is their turn going on only once it outlasts a backchannel. */
            if (hp[o].seg_start > p->h.holder_last && hp[o].seg_start > p->start &&
                quiet_hops(t, o, p->h.holder_last + 1, hp[o].seg_start, n) > t->tail_gap_hops)
                p->h.holder_fresh = hp[o].seg_start;
            int short_yet = hp[o].seg_start == p->h.holder_fresh && n - p->h.holder_fresh < t->bc_hops;
            if (!short_yet && n >= p->start + t->handover_hops) p->h.holder_went_on = 1;
            p->h.holder_last = n;
        }
    }
    if (!p->ho_checked && n >= p->start + t->handover_hops) p->ho_checked = 1;
    if (!p->closed) {
        /* a segment that may still be taken back as too weak is not the newcomer talking on */
        if (hp[c].speech && !hp[c].seg_weak && n - p->start >= t->bc_hops && p->ho_checked) {
            if (holder_fresh_pending(p, o, hp)) return;
            enter(t, n, c, hp, em);
        }
        return;
    }
    if (n < p->end + t->pause_hops) return;   /* the newcomer may only be pausing */
    /* Longer than a backchannel, it waited for the holder's new segment and closed meanwhile:
     * a turn all the same. */
    if (p->end - p->start >= t->bc_hops) {
        if (!holder_fresh_pending(p, o, hp)) enter(t, n, c, hp, em);
        return;
    }
    if (hp[o].seg_last >= p->end - 1) {
        backchannel(t, c, n, em);   /* the holder talked on through it */
        if (p->h.overlapped && !p->tail) t->bc_end[c] = p->end;
        p->active = 0;
    } else if (n >= p->deadline) {
        take_floor(t, c, p->start, hp, em);   /* a short turn: "Yes." and the other stops */
        p->active = 0;
    }
}

/* The segment an interruption's alert waited for is judged (or no longer doubtful) and stands:
 * the alert goes out now, and its final event when the segment closes (now, if it closed this
 * hop). Withdrawn, tmi_turns_withdraw dropped it. */
static void judged_interruption(tm_turns *t, int64_t n, int c, const tmi_hop *hp, const tm_emitter *em)
{
    int open = hp[c].seg_on && hp[c].seg_start == t->iw_seg[c];
    if (hp[c].seg_doubtful) {
        /* still doubtful as the stream ends (closed unjudged): no alert, too late to help */
        if (!open) t->iw_seg[c] = -1;
        return;
    }
    tm_event ev = emit_make(TM_EV_INTERRUPTION, c, t->iw_start[c], n + 1, n, 0);
    ev.other = t->iw_of[c];
    emit_event(em, &ev);
    if (open) {
        t->intr_start[c] = t->iw_start[c];
        t->intr_detected[c] = n;
        t->intr_of[c] = t->iw_of[c];
        t->intr_seg[c] = t->iw_seg[c];
        t->intr_prev_end[c] = t->iw_prev_end[c];
    } else {
        int64_t end = (hp[c].seg_flags & TMI_SEG_CLOSED) ? hp[c].closed.end : n + 1;
        ev = emit_make(TM_EV_INTERRUPTION, c, t->iw_start[c], end, n, 1);
        ev.other = t->iw_of[c];
        emit_event(em, &ev);
    }
    t->iw_seg[c] = -1;
}

void tmi_turns_update(tm_turns *t, const tmi_hop *hp, const tm_emitter *em)
{
    for (int c = 0; c < t->nch; c++) t->quiet[c][hp[c].n % TURNS_QUIET_RING] = !hp[c].cand;
    int64_t n = hp[0].n;
    for (int c = 0; c < t->nch; c++)
        if (hp[c].seg_flags & TMI_SEG_CLOSED) on_closed(t, c, &hp[c].closed, em);
    for (int c = 0; c < t->nch; c++)
        if (hp[c].seg_flags & TMI_SEG_CONFIRMED) on_confirmed(t, n, c, hp, em);
    for (int c = 0; c < t->nch; c++)
        if (t->iw_seg[c] >= 0) judged_interruption(t, n, c, hp, em);
    if (t->nch == 2)
        for (int c = 0; c < 2; c++) {
            if (t->pend[c].active) attempt_levels(&t->pend[c], c, hp);
            resolve_pending(t, n, c, hp, em);
        }
    if (t->ov_pending && n - t->ov_end > t->merge_hops && !overlap_may_join(t, hp))
        overlap_flush(t, em);

    /* Dead air ends where speech starts, once that speech stands: a segment shorter than a
     * backchannel can still be taken back (a neighbour's voice, a tone's ramp), and the silence
     * then goes on as one. */
    int breaks[2] = {0, 0};
    for (int c = 0; c < t->nch; c++) {
        breaks[c] = breaks_dead_air(t, &hp[c]);
        if (breaks[c]) {
            if (t->heard_seg[c] != hp[c].seg_start) {
                t->heard_seg[c] = hp[c].seg_start;
                t->heard_before[c] = t->heard[c];
            }
            t->heard[c] = hp[c].seg_last;
        }
    }
    for (int c = 0; c < t->nch; c++) {
        if (t->sil_alerted && breaks[c] && (t->sil_end < 0 || hp[c].seg_start < t->sil_end))
            t->sil_end = hp[c].seg_start;
        /* nor is a hold dead air: it ends the silence where it began, known seconds later (so
         * the silence may be shorter than silence_min_s: a beep held it back, or music that a
         * window longer than 5 s dates back) */
        if (t->sil_alerted && hp[c].holding && (t->sil_end < 0 || hp[c].hold_from < t->sil_end))
            t->sil_end = hp[c].hold_from > t->sil_start ? hp[c].hold_from : t->sil_start + 1;
    }
    int may_go = 0;   /* an open segment that may still be taken back (a laugh up to 2 s) */
    for (int c = 0; c < t->nch; c++) may_go |= hp[c].seg_on && hp[c].seg_weak;
    if (t->sil_end >= 0 && ((n - t->sil_end >= t->bc_hops && !may_go) ||
                            !(hp[0].seg_on || (t->nch == 2 && hp[1].seg_on)))) {
        tm_event ev = emit_make(TM_EV_SILENCE, TM_NOBODY, t->sil_start, t->sil_end, t->sil_detected, 1);
        emit_event(em, &ev);
        t->sil_alerted = 0;
        t->sil_end = -1;
    }

    int any_on = 0;
    int64_t last_any = -1;
    for (int c = 0; c < t->nch; c++) {
        any_on |= breaks[c];
        if (t->heard[c] > last_any) last_any = t->heard[c];
    }
    /* Hold music is not dead air, and dead air after a hold starts when the music stops. A hold
     * of beeps is known only at its second beep, up to 5 s after its first: until then the dead
     * air waits (and is dated from its start if no hold comes), or the agent is told to speak
     * into a hold. */
    int may_hold = 0;
    for (int c = 0; c < t->nch; c++) {
        if (hp[c].holding) t->last_held = n;
        may_hold |= hp[c].hold_may_start;
    }
    if (t->last_held > last_any) last_any = t->last_held;
    if (!any_on && !t->sil_alerted && !may_hold && n - last_any >= t->silence_hops) {
        t->sil_alerted = 1;
        t->sil_start = last_any + 1;
        t->sil_detected = n;
        tm_event ev = emit_make(TM_EV_SILENCE, TM_NOBODY, t->sil_start, n + 1, n, 0);
        emit_event(em, &ev);
        if (t->holder != TM_NOBODY) end_floor(t, t->sil_start, em);
    }

    if (t->nch == 2 && t->holder != TM_NOBODY && !t->mono_alerted &&
        n - t->floor_start >= t->monologue_hops) {
        t->mono_alerted = 1;
        t->mono_detected = n;
        tm_event ev = emit_make(TM_EV_MONOLOGUE, t->holder, t->floor_start, n + 1, n, 0);
        emit_event(em, &ev);
    }
}

int tmi_turns_may_reopen(const tm_turns *t, int c, int64_t seg_start)
{
    const turns_pending *p = &t->pend[c];
    if (t->nch < 2) return 0;
    if (t->iw_seg[c] >= 0) return t->iw_seg[c] == seg_start;
    return p->active && (p->closed ? seg_start >= p->end : p->merged == seg_start);
}

void tmi_turns_withdraw(tm_turns *t, int c, int64_t start, int own, const tm_emitter *em)
{
    if (t->sil_end == start) t->sil_end = -1;
    if (t->heard_seg[c] == start) {
        t->heard[c] = t->heard_before[c];
        t->heard_seg[c] = -1;
    }
    /* the segment that reopened a paused attempt was none: the attempt stays closed */
    if (t->pend[c].active && !t->pend[c].closed && t->pend[c].merged == start) t->pend[c].closed = 1;
    if (t->pend[c].active && t->pend[c].start == start) t->pend[c].active = 0;
    /* A withdrawn segment at another voice's pitch told the other side's attempt nothing of the
     * holder going on: the echo of the newcomer's own first words, loud before the leak stage
     * had measured it, "went on" in the holder's pause, and the newcomer "interrupted" a turn
     * that had ended (seed 26 c05: taken back as a laugh, at the caller's pitch). One at the
     * holder's own pitch was the holder all the same: their words under the newcomer's, cut into
     * pulses where the leak stage took hops for the newcomer's echo (seed 25 c08). */
    turns_pending *q = &t->pend[1 - c];
    if (t->nch == 2 && !own && q->active && q->holder_seg == start) {
        q->h = q->before;
        q->holder_seg = -1;
    }
    if (t->intr_start[c] == start) t->intr_start[c] = -1;
    /* The segment that reopened an attempt whose interruption is out was none (judged another
     * voice after it had looked like the talker): the interruption ends where the attempt did
     * before it. */
    if (t->intr_start[c] >= 0 && t->intr_seg[c] == start && t->intr_prev_end[c] > t->intr_start[c]) {
        tm_event ev = emit_make(TM_EV_INTERRUPTION, c, t->intr_start[c], t->intr_prev_end[c], t->intr_detected[c], 1);
        ev.other = t->intr_of[c];
        emit_event(em, &ev);
        t->intr_start[c] = -1;
    }
    if (t->iw_seg[c] == start) t->iw_seg[c] = -1;   /* another voice: no interruption */
    if (t->holder == c && t->floor_start == start) end_floor(t, start, em);
}

void tmi_turns_finish(tm_turns *t, const tmi_hop *hp, const tm_emitter *em)
{
    int64_t n_end = hp[0].n;
    overlap_flush(t, em);
    for (int c = 0; c < t->nch; c++)
        if (t->iw_seg[c] >= 0) judged_interruption(t, n_end, c, hp, em);
    if (t->nch == 2) {
        for (int c = 0; c < 2; c++) {
            turns_pending *p = &t->pend[c];
            int o = 1 - c;
            if (p->active && p->closed && t->holder == o && hp[o].seg_last >= p->end - 1 &&
                p->end - p->start >= t->bc_min_hops) {
                tm_event ev = emit_make(TM_EV_BACKCHANNEL, c, p->start, p->end, n_end, 1);
                emit_event(em, &ev);
            }
            p->active = 0;
        }
        if (t->holder != TM_NOBODY) end_floor(t, hp[t->holder].seg_last + 1, em);
    }
    if (t->sil_alerted) {
        tm_event ev = emit_make(TM_EV_SILENCE, TM_NOBODY, t->sil_start, t->sil_end >= 0 ? t->sil_end : n_end,
                                t->sil_detected, 1);
        emit_event(em, &ev);
        t->sil_alerted = 0;
    }
}
