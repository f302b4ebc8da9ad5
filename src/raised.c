/* src/raised.c -- raised voice of one speaker.
 *
 * Inputs per hop: whether the speaker's own voice is heard, their momentary loudness (BS.1770,
 * 400 ms) and F0. A raised voice is measured against the speaker's own baselines, never an
 * absolute level: telephone AGC and headset gain make absolute levels meaningless, and a loud
 * talker is not an angry one. Baselines are running medians over the last baseline_window_s of
 * the speaker's own speech, seeded with a prior that weighs like baseline_warmup_s of speech and
 * is replaced as real speech arrives; they are frozen inside a raised episode so that anger does
 * not become the new normal.
 *
 * A candidate run starts when loudness exceeds the baseline by raised_exit_db. It becomes an
 * episode once it has lasted raised_min_s with 60% of its hops at least raised_min_db over the
 * loudness baseline and a median pitch at least raised_min_st over the pitch baseline, the two
 * margins adding up to raised_joint_db_st: vocal effort raises F0 together with level (Lombard
 * and anger studies, e.g. Scherer, "Vocal communication of emotion", Speech Communication 2003),
 * while a merely louder turn (+3..5 dB, or the phone held closer) does not.
 * The episode lasts while the excess stays over raised_exit_db (the hysteresis), bridging pauses
 * up to 2 s (a candidate run, 1.5 s), so one outburst is one event, but not a reply of the other
 * party's longer than a backchannel: the speaker's next turn is judged on its own. */
#include "raised.h"
#include <math.h>

/* The pitch baseline counts only after a second of voiced speech: a few syllables' median
 * is the intonation of one phrase, not the speaker's register. */
#define RAISED_PITCH_BASE_MIN_HOPS 100

/* A candidate run bridges the pauses between phrases (1.5 s); an episode keeps the pauses of a
 * raised turn inside it (2 s, so one outburst is one event). */
#define RAISED_RUN_GAP_S 1.5f
#define RAISED_EPISODE_GAP_S 2.0f
/* An episode starts where its phrase began when the run that proved it stayed in one phrase
 * (a speech segment, or its part after the last pause that hangover_strong_ms bridged: a normal
 * phrase 0.3 s before the raised one is not raised, seed 43 s00), begun at most
 * RAISED_PHRASE_BACK_S before the run: a raised turn is said raised from its first word, while
 * its first syllables may be under the entry level (an unstressed lead-in; the 400 ms loudness
 * rises behind the voice), which dated two street calls' raised turns 1.1 s late, past the
 * onset tolerance of a match (seeds 36 c13, 37 c13). On the realistic seeds 29-37 the segment's
 * start lay within 0.25 s of the labelled turn's start on all 692 raised turns found, the
 * run's start up to 1.14 s after it. Further back, the segment is a long phrase that rose
 * midway; a run carried over a pause began in an earlier phrase, whose normal words are not the
 * raised ones: the run's start stays. Never before the speaker's last episode ended (a
 * rebase can end one within the span). */
#define RAISED_PHRASE_BACK_S 1.5f
/* The baselines' cached quantiles are refreshed ten times a second: they move slowly, and a
 * quantile of a histogram costs a pass over its bins. */
#define RAISED_REFRESH_S 0.1f
/* A run's pitch median counts once it holds 100 ms of voiced hops. */
#define RAISED_RUN_MIN_VOICED_HOPS 10

int tmi_raised_init(tm_raised *r, const tm_config *cfg, int hops_per_s)
{
    r->min_hops = (int)lrintf(cfg->raised_min_s * hops_per_s);
    r->run_gap_hops = (int)lrintf(RAISED_RUN_GAP_S * (float)hops_per_s);
    r->frag_hops = (int)lrintf(cfg->backchannel_min_s * (float)hops_per_s);
    r->ep_gap_hops = (int)lrintf(RAISED_EPISODE_GAP_S * (float)hops_per_s);
    r->back_hops = (int)lrintf(RAISED_PHRASE_BACK_S * (float)hops_per_s);
    r->warmup_hops = (int)lrintf(cfg->baseline_warmup_s * hops_per_s);
    r->refresh_hops = (int)lrintf(RAISED_REFRESH_S * (float)hops_per_s);
    r->turn_hops = (int)lrintf(cfg->backchannel_max_s * (float)hops_per_s);
    r->min_db = cfg->raised_min_db;
    r->exit_db = cfg->raised_exit_db;
    r->min_st = cfg->raised_min_st;
    r->joint_db_st = cfg->raised_joint_db_st;
    r->prior_lufs = cfg->prior_loudness_lufs;
    int window = (int)lrintf(cfg->baseline_window_s * hops_per_s);
    if (tmi_median_init(&r->base_loud, -100.0f, 10.0f, 0.25f, window) ||
        tmi_median_init(&r->base_st, -30.0f, 30.0f, 0.1f, window) ||
        tmi_median_init(&r->run_excess, -20.0f, 60.0f, 0.25f, 0) ||
        tmi_median_init(&r->run_st, -24.0f, 24.0f, 0.1f, 0) ||
        tmi_median_init(&r->ep_excess, -20.0f, 60.0f, 0.25f, 0) ||
        tmi_median_init(&r->ep_st, -24.0f, 24.0f, 0.1f, 0)) {
        tmi_raised_free(r);
        return -1;
    }
    tmi_raised_reset(r);
    return 0;
}

void tmi_raised_free(tm_raised *r)
{
    tmi_median_free(&r->base_loud); tmi_median_free(&r->base_st);
    tmi_median_free(&r->run_excess); tmi_median_free(&r->run_st);
    tmi_median_free(&r->ep_excess); tmi_median_free(&r->ep_st);
}

static void reset_baselines(tm_raised *r)
{
    tmi_median_reset(&r->base_loud, r->prior_lufs, r->warmup_hops);
    tmi_median_reset(&r->base_st, 0.0f, 0);
    r->base_l = r->prior_lufs;
    r->base_p = 0.0f;
    r->base_p_ready = 0;
    r->cache_age = 0;
    r->in_run = r->in_ep = 0;
}

void tmi_raised_reset(tm_raised *r)
{
    reset_baselines(r);
    r->raised_hops = 0.0;
    r->episodes = 0;
    r->last_ep_end = 0;
    r->own_last = -1;
}

static void end_episode(tm_raised *r, int speaker, const tm_emitter *em)
{
    tm_event ev = emit_make(TM_EV_RAISED_VOICE, speaker, r->ep_start, r->ep_last + 1,
                            r->ep_detected, 1);
    ev.level_db = tmi_median_quantile(&r->ep_excess, 0.5f, 0.0f);
    ev.pitch_st = tmi_median_quantile(&r->ep_st, 0.5f, 0.0f);
    emit_event(em, &ev);
    r->raised_hops += (double)(r->ep_last + 1 - r->ep_start);
    r->last_ep_end = r->ep_last + 1;
    r->in_ep = 0;
    r->in_run = 0;
}

void tmi_raised_rebase(tm_raised *r, const tmi_hop *h, const tm_emitter *em)
{
    if (r->in_ep) end_episode(r, h->ch, em);
    reset_baselines(r);
}

void tmi_raised_update(tm_raised *r, const tmi_hop *h, const tmi_hop *other,
                       const tm_emitter *em)
{
    int speaker = h->ch;
    int64_t n = h->n;
    /* own speech heard this hop: active (not leak, not music) inside a confirmed segment, not
     * one held open past its hangover for the hold stage's ruling */
    int active = h->active && h->seg_on && !h->seg_held;
    float loudness_lufs = h->loud_lufs, f0_hz = h->f0_hz;
    /* The other party took a turn in this speaker's pause, one segment of theirs heard for
     * longer than a backchannel since this speaker's last word: this speaker's next words are a
     * new turn and are judged on their own. An episode bridged over the reply carried a raised
     * turn's level on into the next, merely louder, one (seeds 42 c09, 48 c10: the agent
     * +10 dB, the caller's angry reply, the agent +4.6 dB 1.5 s later). "Uh-huh"s in the pause,
     * however many, do not end it. */
    if (active) r->own_last = n;
    if (other && other->seg_on && other->seg_last >= 0) {
        int64_t from = other->seg_start > r->own_last ? other->seg_start : r->own_last + 1;
        if (other->seg_last + 1 - from >= r->turn_hops) {
            if (r->in_ep) end_episode(r, speaker, em);
            r->in_run = 0;
        }
    }
    if (r->in_ep && n - r->ep_last > r->ep_gap_hops) end_episode(r, speaker, em);
    if (r->in_run && n - r->run_last > r->run_gap_hops) r->in_run = 0;
    if (!active) return;

    float st = f0_hz > 0.0f ? 12.0f * log2f(f0_hz / 100.0f) : NAN;
    /* Until a second of the speaker's voiced speech has set their pitch register, nothing is
     * judged: it all goes into the baselines. Loudness alone against a prior would take a talker
     * who is merely louder than the prior (a +4 dB turn early in their talk, a loud headset) for
     * a raised voice, and a raised voice is measured against the speaker's own normal. */
    if (!r->base_p_ready) r->in_run = 0;
    /* The baselines are frozen inside a run or an episode, but not while the loudness prior
     * is still being replaced by the speaker's own speech (their first baseline_warmup_s): a
     * talker louder than the prior from their first word would otherwise start a run that
     * never ends and never let their own normal level in. */
    if ((!r->in_ep && !r->in_run) || r->base_loud.prior_left > 0) {
        tmi_median_add(&r->base_loud, loudness_lufs);
        if (!isnan(st)) tmi_median_add(&r->base_st, st);
        if (++r->cache_age >= r->refresh_hops) {
            r->cache_age = 0;
            r->base_l = tmi_median_quantile(&r->base_loud, 0.6f, r->prior_lufs);
            r->base_p_ready = r->base_st.ring_n >= RAISED_PITCH_BASE_MIN_HOPS;
            r->base_p = tmi_median_quantile(&r->base_st, 0.5f, 0.0f);
        }
    }
    if (!r->base_p_ready) return;
    float excess = loudness_lufs - r->base_l;
    float st_excess = isnan(st) ? NAN : st - r->base_p;

    if (r->in_ep) {
        tmi_median_add(&r->ep_excess, excess);
        if (!isnan(st_excess)) tmi_median_add(&r->ep_st, st_excess);
        if (excess >= r->exit_db) r->ep_last = n;
        return;
    }
    /* A run that began on a fragment shorter than a word (an echo blip the leak stage let
     * through) starts again with the next phrase: the fragment is not where the raised turn
     * began (it put an agent's raised turn a second early on a speakerphone call). */
    if (r->in_run && h->phrase_start != r->run_seg && r->run_seg_hops < r->frag_hops) r->in_run = 0;
    if (!r->in_run) {
        if (excess < r->exit_db) return;
        r->in_run = 1;
        r->run_start = n;
        r->run_seg = h->phrase_start;
        r->run_seg_hops = 0;
        tmi_median_reset(&r->run_excess, 0.0f, 0);
        tmi_median_reset(&r->run_st, 0.0f, 0);
    }
    if (h->phrase_start == r->run_seg) r->run_seg_hops++;
    /* Every hop of the run counts, not only the loud ones: a median of the hops picked for
     * being over the entry level would rate a +4 dB turn at +6. */
    tmi_median_add(&r->run_excess, excess);
    if (!isnan(st_excess)) tmi_median_add(&r->run_st, st_excess);
    if (excess >= r->exit_db) r->run_last = n;
    if (n - r->run_start + 1 < r->min_hops) return;
    /* 60% of the run's hops over raised_min_db: a median would let a +4 dB turn with a loud
     * stretch through */
    float level40 = tmi_median_quantile(&r->run_excess, 0.4f, 0.0f);
    if (level40 < r->min_db) return;
    /* Both clearing their thresholds by a hair is no raised voice: their margins, a semitone
     * counted as a decibel, must add up to raised_joint_db_st. A turn's first second is its
     * loudest and highest (F0 declines over a phrase): +4.6...5 dB turns read +6.1...6.6 dB and
     * +1.6...1.75 semitones there (seeds 38 s04, 42 c31, 47 c14). Vocal effort raises F0 by
     * 0.2-0.6 semitones per dB (Gramming et al., STL-QPSR 1987), so a real outburst clears one
     * of the two by more: +10 dB turns at +1.5 semitones, +6.1 dB ones at +3.5. */
    float st_med = tmi_median_quantile(&r->run_st, 0.5f, 0.0f);
    int pitch_ok = r->run_st.count >= RAISED_RUN_MIN_VOICED_HOPS && st_med >= r->min_st &&
                   (level40 - r->min_db) + (st_med - r->min_st) >= r->joint_db_st;
    if (!pitch_ok) return;

    r->in_ep = 1;
    r->episodes++;
    r->ep_start = r->run_start;
    if (h->phrase_start == r->run_seg && r->run_start - r->run_seg <= r->back_hops)
        r->ep_start = r->run_seg;
    if (r->ep_start < r->last_ep_end) r->ep_start = r->last_ep_end;
    r->ep_last = n;
    r->ep_detected = n;
    /* the episode's statistics start with the run that proved it */
    tmi_median_copy(&r->ep_excess, &r->run_excess);
    tmi_median_copy(&r->ep_st, &r->run_st);

    tm_event ev = emit_make(TM_EV_RAISED_VOICE, speaker, r->ep_start, n + 1, n, 0);
    ev.level_db = tmi_median_quantile(&r->run_excess, 0.5f, 0.0f);
    ev.pitch_st = tmi_median_quantile(&r->run_st, 0.5f, 0.0f);
    emit_event(em, &ev);
}

void tmi_raised_finish(tm_raised *r, const tmi_hop *h, const tm_emitter *em)
{
    if (r->in_ep) end_episode(r, h->ch, em);
}
