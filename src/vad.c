/* src/vad.c -- speech segmentation of one channel.
 *
 * Input per hop: "active" (level over the adaptive floor and not leak from the other channel),
 * "voiced" and the hop level. An *anchor* is an active voiced hop within rel_db of the speaker's
 * own voiced speech level (a running 80th percentile of the anchors inside this channel's speech)
 * and, under that level by more than speech_far_loud_db, within speech_far_oct of their register.
 * Only anchors start or carry a segment: a segment starts once a run of active hops lasts
 * onset_ms and holds an anchor, and active hops that are not anchors extend it only within
 * bridge_ms of the last anchor. A segment goes on only while a *strong* hop (within
 * speech_strong_rel_db of the level, at the talker's pitch) came in the last
 * speech_strong_gap_ms; one that never had one and was mostly not at their pitch is taken back.
 * The near talker is 12-20 dB over what else the headset picks up: babble of
 * neighbouring agents is voiced but weak, keyboard clicks and traffic are active but unvoiced,
 * so neither starts speech nor chains segments, while a consonant next to a vowel is kept.
 * Weak hops bridge instead of being dropped one by one, which would split real phrases into
 * many segments (each split a new turn for the turn stage). A segment ends hangover_ms after its
 * last active hop, which bridges stop closures and the dips between syllables, or up to
 * hangover_strong_ms after it when the talker comes back at their own level and pitch (noise
 * masks their weak syllables); its end is that last active hop, not the end of the hangover.
 * Until the speaker's level is known (one second of voiced speech) every active voiced hop is an
 * anchor, but one far under the other talker's level while they talk (under_peer). */
#include "vad.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The level is the 80th percentile of the anchors' levels. The near talker fills the top of the
 * distribution, so babble that gets through in the talker's pauses cannot drag it down, and
 * learning from anchors only keeps what the gate already rejects out of it. It is set exactly
 * from the first VAD_LEVEL_WARMUP_HOPS anchors, then follows as a stochastic quantile: up 0.01 dB
 * per anchor over it, down 0.0025 dB under it (at about 70 anchors a second, at most 0.7 dB a
 * second up). A raised turn (+8-12 dB for up to 10 s) must not lift it by rel_db: the talker's
 * normal voice after it would then be no anchor, so no speech, and an estimate learnt from
 * anchors only would never come down again (measured: with steps five times these, one raised
 * agent turn of 10 s took the agent's next two phrases off a clean call). Limit: a talker whose
 * level drops for good by more than rel_db (a headset moved far away) is no longer heard. */
#define VAD_LEVEL_UP_DB 0.01f
#define VAD_LEVEL_DOWN_DB 0.0025f
#define VAD_LEVEL_QUANTILE 0.8f
/* The register is the median of the anchors' log2 F0, set exactly from the first
 * VAD_LEVEL_WARMUP_HOPS like the level, then moving 0.001 octave per anchor (at most 0.07 octave a
 * second): a raised turn's higher pitch barely moves it, a speaker's slow drift it follows. Set,
 * it is the median of the anchors within speech_register_rel_db (12 dB) of the level just set:
 * before the level is known any voiced hop is an anchor, and a warm-up that took the babble
 * behind the talker and the other party's crosstalk as well set the register between those
 * voices and the talker's own (seed 31 c21: 112 Hz for a caller at 230-260 Hz, whose next phrase
 * at 280-310 Hz was then withdrawn as a laugh; within 12 dB of the level: 227 Hz). Babble nearer
 * the talker than that still counts. Not nearer the level: the pitch tracker takes a low voice's
 * loudest vowels through GSM for their 5th or 6th harmonic often enough (seed 29 c26: 53 % of
 * the anchors within 6 dB of the level at 410-550 Hz, a voice at 70-100 Hz) that the median of
 * those was 412 Hz. Its own field, not speech_rel_db: the telephony profile's 18 dB would take
 * the babble in again. */
#define VAD_REGISTER_STEP_OCT 0.001f
/* Relearning (learn_level): 3 dB over the gate's width above the level, so that a raised turn
 * (at most +12 dB over the talker's normal voice, less over its 80th percentile) never counts,
 * and 100 voiced hops of it within 5 s. */
#define VAD_RELEARN_DB 3.0f
#define VAD_RELEARN_SPAN_HOPS 500
/* ... and, with the other channel known, only once 25 more such hops (a short answer's voiced
 * part) came within the span, begun within 20 s of the last loud hop, after the other side has
 * talked for backchannel_max_s while this one was silent */
#define VAD_RELEARN_AGAIN_HOPS 25
#define VAD_RELEARN_TURN_HOPS 2000
/* A warm-up that took more than VAD_WARMUP_SPARSE_HOPS (3 s) is checked by the next
 * VAD_LEVEL_CHECK_BLOCKS blocks of as many anchors: a block whose 80th percentile lies rel_db or
 * more over the level sets the level again, from its anchors that far over it. Babble that
 * crossed the gate now and then while the talker had not yet spoken is the voice the gate was
 * meant to reject, and the relearning rule below, made to ignore raised turns, needs a second of
 * speech 3 dB further up within 5 s, which a caller's short first phrases do not give (measured
 * on the realistic corpora: every warm-up babble won took 4-12 s, while 80 % of the talkers' own
 * took under 2 s; a raised turn of +12 dB right after a dense warm-up must not move the level). */
/* Unlike relearning it does not wait for a second turn: it looks only at the three seconds of
 * anchors after a warm-up that babble's sparseness marked, and it fired on seeds 18-30 four
 * times, each on a babble-won level (seeds 18 c41, 24 c21, 25 c41, 30 c51). */
#define VAD_LEVEL_CHECK_BLOCKS 3
#define VAD_WARMUP_SPARSE_HOPS 300
/* A dense warm-up is checked too, against speech_warmup_overlap_db, when the other side was in a
 * segment on VAD_WARMUP_OVERLAP_PCT of its hops and had no level of its own when it began: both
 * legs learning at once in a call's first seconds, the agent's greeting on one and, on the
 * other, babble behind a caller who has not spoken yet. A caller rarely talks over a whole
 * greeting; babble does, and its level won (seed 47 c11: babble 14 dB under the caller, the
 * level set 7 dB under their voice; the next block of anchors, their first answer alone, lay
 * 4.3 dB over it; the babble then made 3 false interruptions in 60 s). Only then: for a
 * warm-up under the other side's talk later in a call (a caller whose first words cut in) the
 * blocks reached their raised turns 20 s on (+9.7 to +10.7 dB) and set the level there (seeds
 * 55 s03, 56 s04, 66 c43: interruptions and overlaps lost). */
#define VAD_WARMUP_OVERLAP_PCT 90
/* A laugh is judged on 50 ms of voiced hops at least: its pulses are short. */
#define VAD_LAUGH_MIN_VOICED 5
/* Unvoiced lead-in kept before a vowel (a fricative onset): 200 ms. */
#define VAD_LEADIN_HOPS 20
/* The sound before a lead-in: the 30 hops before its longest reach, their 20th percentile (a
 * pause between words, not the word before it). */
#define VAD_BG_HOPS 30
#define VAD_BG_QUANTILE 0.2f
/* A near voice's fall at a syllable's end (distant voices): within 30 ms */
#define VAD_FALL_MS 30.0f

static void relearn_clear(tm_vad *v)
{
    v->relearn_n = v->relearn_held = v->relearn_second = v->relearn_quiet = 0;
}

/* The level was set anew: no phrase of the talker has been heard at it yet. */
static void level_reset(tm_vad *v)
{
    relearn_clear(v);
    v->warm_sparse = 0;
    v->held_floor = 0;
    v->epoch++;
}

void tmi_vad_init(tm_vad *v, const tm_config *cfg, int hops_per_s)
{
    int onset_hops = (int)lrintf(cfg->onset_ms / 1000.0f * (float)hops_per_s);
    int hangover_hops = (int)lrintf(cfg->hangover_ms / 1000.0f * (float)hops_per_s);
    int bridge_hops = (int)lrintf(cfg->weak_bridge_ms / 1000.0f * (float)hops_per_s);
    v->onset_hops = onset_hops < 1 ? 1 : onset_hops;
    v->hangover_hops = hangover_hops < 0 ? 0 : hangover_hops;
    v->strong_hang_hops = (int)lrintf(cfg->hangover_strong_ms / 1000.0f * (float)hops_per_s);
    if (v->strong_hang_hops <= v->hangover_hops) v->strong_hang_hops = 0;
    v->bridge_hops = bridge_hops < 0 ? 0 : bridge_hops;
    v->rel_db = cfg->speech_rel_db;
    v->reg_rel_db = cfg->speech_register_rel_db;
    v->relevel_db = cfg->speech_register_relevel_db;
    v->overlap_db = cfg->speech_warmup_overlap_db;
    v->lead_rise_db = cfg->onset_lead_rise_db;
    v->far_oct = cfg->speech_far_oct;
    v->weak_db = cfg->speech_weak_rel_db;
    v->short_hops = (int)lrintf(cfg->backchannel_max_s * (float)hops_per_s);
    v->loud_db = cfg->speech_far_loud_db;
    v->laugh_oct = cfg->laugh_high_oct;
    v->laugh_frac = cfg->laugh_high_min_pct / 100.0f;
    v->pulses_min = (int)lrintf(cfg->laugh_pulses_min);
    v->pulse_max_hops = (int)lrintf(cfg->laugh_pulse_max_ms / 1000.0f * (float)hops_per_s);
    v->gap_min_hops = (int)lrintf(cfg->laugh_gap_min_ms / 1000.0f * (float)hops_per_s);
    if (v->gap_min_hops < 1) v->gap_min_hops = 1;
    v->laugh_hops = cfg->laugh_high_oct > 0.0f || v->pulses_min > 0
                  ? (int)lrintf(cfg->laugh_max_s * (float)hops_per_s) : 0;
    v->strong_db = cfg->speech_strong_rel_db;
    v->strong_gap_hops = (int)lrintf(cfg->speech_strong_gap_ms / 1000.0f * (float)hops_per_s);
    v->own_oct = cfg->speech_own_oct;
    v->own_frac = cfg->speech_own_min_pct / 100.0f;
    v->fv_min = (int)lrintf(cfg->speech_final_voiced_min_ms / 1000.0f * (float)hops_per_s);
    v->echo_frac = cfg->speech_echo_contour_pct / 100.0f;
    v->echo_min_voiced = (int)lrintf(cfg->speech_echo_contour_min_ms / 1000.0f * (float)hops_per_s);
    if (v->echo_min_voiced < 1) v->echo_min_voiced = 1;
    v->echo_lags = (int)lrintf(cfg->bleed_max_delay_ms / 1000.0f * (float)hops_per_s);
    if (v->echo_lags > VAD_ECHO_MAX_LAGS) v->echo_lags = VAD_ECHO_MAX_LAGS;
    v->echo_st = cfg->bleed_delay_pitch_st;
    v->peer = NULL;
    v->peer_db = cfg->speech_warmup_peer_db;
    v->dif_db = cfg->speech_diffuse_spread_db;
    v->dif_frac = cfg->speech_diffuse_voiced_pct / 100.0f;
    v->dif_own_frac = cfg->speech_diffuse_own_voiced_pct / 100.0f;
    v->dif_own_min = (int)lrintf(cfg->speech_diffuse_own_min_ms / 1000.0f * (float)hops_per_s);
    if (v->dif_own_min < 1) v->dif_own_min = 1;
    v->dif_hops = v->short_hops < VAD_DIFFUSE_MAX_HOPS ? v->short_hops : VAD_DIFFUSE_MAX_HOPS;
    v->bg_db = cfg->speech_over_background_db;
    v->bg_frac = cfg->speech_background_voiced_pct / 100.0f;
    v->bg_hops = (int)lrintf(cfg->speech_background_s * (float)hops_per_s);
    if (v->bg_hops > VAD_SND_RING - VAD_DIFFUSE_MAX_HOPS - 1) v->bg_hops = VAD_SND_RING - VAD_DIFFUSE_MAX_HOPS - 1;
    v->dst_spread_db = cfg->speech_distant_spread_db;
    v->dst_fall_db = cfg->speech_distant_fall_db;
    v->dst_bg_frac = cfg->speech_distant_bg_voiced_pct / 100.0f;
    v->dst_over_db = cfg->speech_distant_over_bg_db;
    v->faint_db = cfg->speech_faint_over_bg_db;
    v->fall_hops = (int)lrintf(VAD_FALL_MS / 1000.0f * (float)hops_per_s);
    if (v->fall_hops < 1) v->fall_hops = 1;
    v->onset_anchors = (int)lrintf(cfg->onset_voiced_ms / 1000.0f * (float)hops_per_s);
    if (v->onset_anchors < 1) v->onset_anchors = 1;
    int hang = v->strong_hang_hops > v->hangover_hops ? v->strong_hang_hops : v->hangover_hops;
    v->settle_hops = (hang + 1 > tmi_vad_reach_hops(v) ? hang + 1 : tmi_vad_reach_hops(v)) +
                     tmi_vad_takeback_hops(v);
    /* a segment the final-F0 rules take back goes VAD_FINAL_LAG_HOPS after its short span:
     * its frames wait for that */
    if ((v->fv_min > 0 || v->echo_frac > 0.0f) && v->settle_hops < v->short_hops + VAD_FINAL_LAG_HOPS)
        v->settle_hops = v->short_hops + VAD_FINAL_LAG_HOPS;
    /* a diffuse segment, one under the background or one of distant voices goes dif_hops after
     * its start (and its lead-in) at the latest */
    if ((v->dif_db > 0.0f || ((v->bg_db > 0.0f || v->dst_spread_db > 0.0f) && v->bg_hops > 0)) &&
        v->settle_hops < v->dif_hops + tmi_vad_reach_hops(v))
        v->settle_hops = v->dif_hops + tmi_vad_reach_hops(v);
    tmi_vad_reset(v);
}

void tmi_vad_reset(tm_vad *v)
{
    v->on = 0;
    v->music = v->deferred = 0;
    v->seg_start = v->confirm = v->phrase_start = v->phrase_max = 0;
    v->keep_run = v->run_pending = 0;
    v->last_active = v->last_anchor = v->prev_last = -1;
    v->run_start = 0;
    v->run_len = v->run_anchor = 0;
    v->run_first = -1;
    v->seg_voiced = v->seg_high = v->run_voiced = v->run_high = 0;
    v->seg_own = v->run_own = 0;
    v->seg_strong = v->run_strong = 0;
    v->pulse_len = v->quiet_len = v->seg_pulses = v->seg_gaps = v->seg_long_pulse = 0;
    v->last_strong = -1;
    v->spk_db = -120.0f;
    v->reg_oct = 0.0f;
    v->loud_n = 0;
    v->loud_far_from = -1;
    relearn_clear(v);
    v->held_floor = 0;
    v->relearn_from = v->relearn_last = 0;
    v->relearn_ref_db = -200.0f;
    v->spk_n = 0;
    v->blk_n = 0;
    v->blk_left = VAD_LEVEL_CHECK_BLOCKS;
    v->blk_over_db = v->rel_db;
    v->warm_peer_on = v->warm_peer_new = 0;
    v->warm_from = 0;
    v->warm_sparse = 0;
    v->epoch = 0;
    v->fv_upto = -1;
    v->fv_from = 0;
    v->past_n = 0;
    v->seg_echo = 0;
}

/* 1 when hop k lay in a segment of this channel that began before hop `before`: the open one
 * (hangover and all, while it may still be taken back) or one closed as speech. An echo starts
 * after the words it echoes: a talker's own words, which their leak on this channel follows a hop
 * or two late, are never the echo of that leak. */
static int spoke_before(const tm_vad *v, int64_t k, int64_t before)
{
    if (v->on && k >= v->seg_start && v->seg_start < before) return 1;
    for (int i = 0; i < VAD_PAST_SEGS && i < v->past_n; i++)
        if (k >= v->past_a[i] && k <= v->past_b[i] && v->past_a[i] < before) return 1;
    return 0;
}

void tmi_vad_final_f0(tm_vad *v, int64_t k, float f0_hz)
{
    /* counts run from fv_from: a hop given out of turn starts a new run */
    int go_on = v->fv_upto >= 0 && k == v->fv_upto + 1;
    if (!go_on) v->fv_from = k;
    v->fv_cum[k % VAD_FV_RING] = (go_on ? v->fv_cum[(k - 1) % VAD_FV_RING] : 0) + (f0_hz > 0.0f);
    v->fv_f0[k % VAD_FV_RING] = f0_hz > 0.0f ? f0_hz : 0.0f;
    v->fv_upto = k;
}

void tmi_vad_set_peer(tm_vad *v, const tm_vad *peer) { v->peer = peer; }

/* Voiced hops of [a, b] on the final path, or -1 when not all of them are known. */
static int64_t final_voiced(const tm_vad *v, int64_t a, int64_t b)
{
    if (b < a) return 0;
    if (a < v->fv_from || b > v->fv_upto || v->fv_upto - a + 1 >= VAD_FV_RING) return -1;
    int64_t before = a == v->fv_from ? 0 : v->fv_cum[(a - 1) % VAD_FV_RING];
    return v->fv_cum[b % VAD_FV_RING] - before;
}

/* May the rules on the pitch path's final reading judge the segment closing at hop n? Only a
 * segment whose active hops all lie within a backchannel's length of its start, so that nothing
 * was built on it: the turn stage takes a segment for a turn only from an active hop
 * backchannel_max_s after its start, so the hangover that closes it later (hangover_ms, or the
 * longer hangover_strong_ms) does not matter. (Counting hangover_ms in the length, as this once
 * did, left segments of 0.8-1 s unjudged: on seeds 47-52 0.94 s of the agent's line echo (-16 dB),
 * lifted by an AGC to about the agent's own level, stood as the caller's "uh-huh" and an
 * overlap, 50 c04.) And only once its last hop is
 * VAD_FINAL_LAG_HOPS old, when the final F0 of every hop of it is known in a live run whatever
 * the analysis lookahead, so that a replay of the frames, which knows every final F0 at once,
 * takes back the same segments (a segment closed early by the strong gap, its last hop just
 * heard, stays). The rings must still hold its hops and `back` hops before them, counted from n
 * (not from the last hop whose final F0 is known, which a replay knows sooner). */
static int final_judges(const tm_vad *v, int64_t n, int back)
{
    int64_t a = v->seg_start, b = v->last_active;
    return b >= a && n - b >= VAD_FINAL_LAG_HOPS && b + 1 - a <= v->short_hops &&
           n - (a - back) + 1 < VAD_FV_RING;
}

/* Closing at hop n, short, and (almost) unvoiced on the pitch path's final reading: the live
 * estimate, which must answer at once, took a hop of a click, a breath or a laugh's last pulse
 * for voiced, and that hop was the segment's anchor. The path, which has heard the 100 ms after
 * it, says no vowel was there (development corpora: 27 runs of speech hops so unvoiced were no
 * speech, 5 were fragments of speech under an echo, of 3-7 hops; a caller's lone "ha" split a
 * dead air in two). */
static int unvoiced_so_far(const tm_vad *v, int64_t n)
{
    if (v->fv_min <= 0 || !final_judges(v, n, 0)) return 0;
    int64_t voiced = final_voiced(v, v->seg_start, v->last_active);
    return voiced >= 0 && voiced < v->fv_min;
}

/* Closing at hop n, short, and its final pitch a copy of the other channel's at one delay: the
 * other voice's echo, come back louder than the leak stage predicted (an AGC that pumped it up
 * in this side's pause, a clipped speakerphone whose leak is not yet measured). Two voices do
 * not keep to within bleed_delay_pitch_st of each other at a fixed delay hop after hop; an echo
 * does. On the development corpora (seeds 20-28), of the segments up to 1 s with 4 final voiced
 * hops or more, 90 not speech and 8 of speech (fragments under an echo, mostly) had 80 % of
 * them so. Judged as unvoiced_so_far is (final_judges); the peer's final F0 up to b - 1 is
 * known by then in a live run too. */
#define VAD_ECHO_PEAK_HOPS 3   /* a contour still matches itself a few hops off its delay */
#define VAD_ECHO_CONTRAST 2    /* ... and the peak is twice the match at most delays off it */
static int echo_of_peer(const tm_vad *v, int64_t n)
{
    const tm_vad *p = v->peer;
    int64_t a = v->seg_start, b = v->last_active;
    if (!p || v->echo_frac <= 0.0f || v->echo_st <= 0.0f || v->echo_lags < 1 ||
        !final_judges(v, n, v->echo_lags) || p->fv_upto < b - 1)
        return 0;
    int64_t voiced = final_voiced(v, a, b);
    if (voiced < v->echo_min_voiced) return 0;
    int hits[VAD_ECHO_MAX_LAGS + 1] = {0};
    for (int64_t k = a; k <= b; k++) {
        float f = v->fv_f0[k % VAD_FV_RING];
        if (f <= 0.0f) continue;
        for (int lag = 1; lag <= v->echo_lags && k - lag >= p->fv_from; lag++) {
            float o = p->fv_f0[(k - lag) % VAD_FV_RING];
            /* only the other side's own speech has an echo here: where it was silent, its pitch
             * was this side's leak (a slow contour matches itself a few hops off) */
            if (o > 0.0f && fabsf(12.0f * log2f(f / o)) <= v->echo_st && spoke_before(p, k - lag, a))
                hits[lag]++;
        }
    }
    int best = 1;
    for (int lag = 2; lag <= v->echo_lags; lag++)
        if (hits[lag] > hits[best]) best = lag;
    if ((float)hits[best] < v->echo_frac * (float)voiced) return 0;
    /* A peak: two flat voices in one register match at every delay (seed 24 c13: synthetic
     * voices at 218 and 220 Hz, the agent's true interruption matched the caller 250 ms back on
     * 80 % of its hops, and on 56 % at the median delay away from it). */
    int far = 0, high = 0;   /* (under 8 delays searched, none is far: no peak can be told) */
    for (int lag = 1; lag <= v->echo_lags; lag++) {
        if (abs(lag - best) <= VAD_ECHO_PEAK_HOPS) continue;
        far++;
        high += VAD_ECHO_CONTRAST * hits[lag] >= hits[best];
    }
    return 2 * high < far;
}

/* Until this talker's level is known every voiced hop of theirs could be their voice, and on a
 * caller's channel the first seconds are often the babble of the room behind them while the
 * agent greets: each of its peaks then made an "interruption" or an "uh-huh" of a caller who had
 * not spoken yet (seeds 18 and 29: 6 of the 7 false interruptions in babble). While the other
 * side talks at a level already known, a hop of this side far under it (speech_warmup_peer_db)
 * is not speech: babble lies 10-25 dB under its talker, and the two legs of the realistic
 * corpus's calls lie at most 9.7 dB apart (median 2.9); real legs may differ more, hence a
 * profile field. It holds inside an open segment too: babble that began in the agent's pause
 * otherwise runs on under their next words (exempting segments of 300 ms voiced or more cost
 * seed 29 a false interruption). Limits: a caller far quieter than the agent whose first words
 * cut in is heard only once they talk alone, and one the agent talks over is split there.
 * The other side's state is this hop's or, for the channel run first, the hop before's. */
static int under_peer(const tm_vad *v, float level_db)
{
    return v->spk_n < VAD_LEVEL_WARMUP_HOPS && v->peer_db > 0.0f && v->peer && v->peer->on &&
           v->peer->spk_n >= VAD_LEVEL_WARMUP_HOPS && level_db < v->peer->spk_db - v->peer_db;
}

/* Under the talker's level, a pitch far from their register is another voice: a neighbour's in
 * the babble, the other party's echo, a laugh, hold music. Over loud_db under it the pitch does not
 * matter: a raised voice is higher and louder. */
int tmi_vad_carries(const tm_vad *v, int active, float f0_hz, float level_db)
{
    if (!active || f0_hz <= 0.0f) return 0;
    if (v->spk_n < VAD_LEVEL_WARMUP_HOPS) return !under_peer(v, level_db);
    return level_db >= v->spk_db - v->rel_db;
}

int tmi_vad_anchor(const tm_vad *v, int active, float f0_hz, float level_db)
{
    if (!tmi_vad_carries(v, active, f0_hz, level_db)) return 0;
    if (v->spk_n < VAD_LEVEL_WARMUP_HOPS) return 1;
    if (v->far_oct > 0.0f && level_db < v->spk_db - v->loud_db &&
        fabsf(log2f(f0_hz) - v->reg_oct) > v->far_oct)
        return 0;
    return 1;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The q quantile of x[0..n) (0 < n <= VAD_LEVEL_WARMUP_HOPS, x unchanged). */
static float warm_quantile(const float *x, int n, float q)
{
    float y[VAD_LEVEL_WARMUP_HOPS];
    memcpy(y, x, (size_t)n * sizeof y[0]);
    qsort(y, (size_t)n, sizeof y[0], cmp_float);
    return y[(int)(q * (float)(n - 1))];
}

/* The level and the register of n anchors (levels db, log2 F0 oct). */
static void set_level_of(tm_vad *v, const float *db, const float *oct, int n)
{
    v->spk_db = warm_quantile(db, n, VAD_LEVEL_QUANTILE);
    float near[VAD_LEVEL_WARMUP_HOPS];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (db[i] >= v->spk_db - v->reg_rel_db) near[m++] = oct[i];   /* the level's own hop at least */
    v->reg_oct = warm_quantile(near, m, 0.5f);
    v->loud_n = 0;
    v->loud_far_from = -1;
}

static void set_level(tm_vad *v, const float *db, const float *oct)
{
    set_level_of(v, db, oct, VAD_LEVEL_WARMUP_HOPS);
}

/* The register is set from the warm-up's anchors, and a warm-up can be the babble behind a
 * talker who has not spoken yet, pumped by their AGC to within a few dB of their voice (seed 35
 * c41: 7 talkers 23 dB under the caller, up to +20 dB of AGC in pauses; level -30.8 dBFS, the
 * caller's own -28; register 102 Hz, the caller's 200-230 Hz). The level is then about right, so
 * neither relearning nor the block check sets it again, and the register, moving 0.001 octave an
 * anchor with the babble's anchors pulling it back, was still at 131 Hz after two minutes: the
 * babble's 100 Hz voices counted as the caller's own pitch and carried segments, while the
 * caller's own phrases, 0.6 octave "over" that register, were taken for laughs. The talker fills
 * the top of the level distribution (on c41, 78 % of the anchors at or over the level lay in the
 * caller's words): when the median pitch of the last VAD_LEVEL_WARMUP_HOPS such anchors lies more
 * than far_oct from the register, that median is the register. A raised voice lifts F0 by a few
 * semitones, under far_oct (0.6 octave, 7 semitones). Not when half of those hops lie within
 * VAD_TONE_OCT of the median: a voice's pitch moves from hop to hop (at most 42 % of such a
 * window within it on the voices of eight realistic calls), a ringing phone's does not (seed 29 c22:
 * a ring at 327-331 Hz pumped by the caller's AGC to their level set the register there: 64 %). */
#define VAD_TONE_OCT 0.03f
#define VAD_REGISTER_CHECK_EVERY 10
/* ... and only once two windows in a row, VAD_LEVEL_WARMUP_HOPS loud hops apart, found it so: a
 * laugh bout 2-3 dB over the level at 1.8 times the talker's F0 (0.85 octave) fills one window
 * and set the register there, under which the talker's normal voice, now under the level the
 * laugh raised, brought no loud hop to set it back (a review's scratch test: 273 Hz for a talker
 * at 153 Hz, still 245 Hz 8 s later). Every check between the two must find it far too. */
/* When the register moves, the voice it moves to was heard at or over the level for two windows;
 * if its anchors lie relevel_db or more over the level (median), the level was not theirs either:
 * a dense warm-up of babble set both, and the talker's own voice, at another pitch and 7-10 dB
 * over the babble, is within rel_db of that level, so neither the relearning rule (rel_db +
 * VAD_RELEARN_DB over it) nor the block check sees a new voice. The level is set from those
 * anchors (their 80th percentile). Seed 66 c41: the caller first spoke at 18 s, 7.4 dB over the
 * babble's level (median), 0.9 octave from its register; the level crept 0.01 dB a hop and the
 * babble went on as the caller until 40 s (3 false interruptions, 4 false raised voices).
 * Register moves on the 1 396 calls of seeds 47-66: four, two of them babble (+4.5 and +7.4 dB)
 * and two a talker's own voice (+0.4 and +0.8 dB: a raised turn, whose level must not move). */
static void check_register(tm_vad *v, float oct, float level_db)
{
    v->loud_db_ring[v->loud_n % VAD_LEVEL_WARMUP_HOPS] = level_db;
    v->loud_oct[v->loud_n % VAD_LEVEL_WARMUP_HOPS] = oct;
    /* (judged every VAD_REGISTER_CHECK_EVERY such hops: a sort of the window each time cost
     * 1.5 % of the whole analysis) */
    if (++v->loud_n < VAD_LEVEL_WARMUP_HOPS || v->far_oct <= 0.0f ||
        v->loud_n % VAD_REGISTER_CHECK_EVERY)
        return;
    float med = warm_quantile(v->loud_oct, VAD_LEVEL_WARMUP_HOPS, 0.5f);
    int steady = 0;
    for (int i = 0; i < VAD_LEVEL_WARMUP_HOPS; i++) steady += fabsf(v->loud_oct[i] - med) < VAD_TONE_OCT;
    if (fabsf(med - v->reg_oct) <= v->far_oct || 2 * steady >= VAD_LEVEL_WARMUP_HOPS) {
        v->loud_far_from = -1;
        return;
    }
    if (v->loud_far_from < 0) {
        v->loud_far_from = v->loud_n;
    } else if (v->loud_n - v->loud_far_from >= VAD_LEVEL_WARMUP_HOPS) {
        v->reg_oct = med;
        v->loud_n = 0;
        v->loud_far_from = -1;
        if (v->relevel_db > 0.0f &&
            warm_quantile(v->loud_db_ring, VAD_LEVEL_WARMUP_HOPS, 0.5f) >= v->spk_db + v->relevel_db) {
            v->spk_db = warm_quantile(v->loud_db_ring, VAD_LEVEL_WARMUP_HOPS, VAD_LEVEL_QUANTILE);
            level_reset(v);
        }
    }
}

static void learn_level(tm_vad *v, float level_db, float f0_hz, int64_t n)
{
    float oct = log2f(f0_hz);
    /* A talker heard VAD_RELEARN_DB over the level learnt so far is not the voice it was learnt
     * from: the agent waited for the caller while the neighbours talked, and the first second of
     * "speech" was their babble. At +0.01 dB an anchor the level would take half a minute to
     * climb to the talker, letting the babble through meanwhile. So a second of such voiced
     * speech within VAD_RELEARN_SPAN_HOPS sets the level and the register again, from it.
     * With the other channel known, only once the talker is that loud again (a short answer's
     * voiced part, VAD_RELEARN_AGAIN_HOPS) after the other side has talked for a turn of its
     * own (relearn_quiet, backchannel_max_s: an "mm-hm" is no turn): a talker whose quiet
     * first phrase set the level low (a synthetic voice whose vowels lie 15 dB apart, seed 30
     * c12) can raise one turn 15 dB over it, and a level set from that turn took their normal
     * voice, under it by more than rel_db, off for good (30 s of an agent's speech). The babble
     * that won a level is under the talker in every turn, and a caller who answered once at
     * length may only "uh-huh" after (seed 19 c01), so the second time need not be a second of
     * speech. The attempt is measured against the level it began at (the level creeps up while
     * it waits). Only once a phrase of theirs of 2 * backchannel_max_s has been heard at the
     * level (held_floor): a level won by babble that came in short bursts, the talker's first
     * long turn 26 dB over it, is set again at once, before their first turns are measured as
     * raised against the babble's loudness (test_noise_stages). Limit: a talker raised in two
     * turns in a row, the other side talking between them, still sets it. */
    int trying = v->relearn_n > 0 || v->relearn_held;
    float ref_db = trying ? v->relearn_ref_db : v->spk_db;
    if (v->spk_n >= VAD_LEVEL_WARMUP_HOPS && level_db >= ref_db + v->rel_db + VAD_RELEARN_DB) {
        if (v->relearn_held ? n - v->relearn_last > VAD_RELEARN_TURN_HOPS
                            : v->relearn_n > 0 && n - v->relearn_from > VAD_RELEARN_SPAN_HOPS)
            relearn_clear(v);
        if (v->relearn_held && v->relearn_quiet >= v->short_hops) {
            /* the other side's turn came: VAD_RELEARN_AGAIN_HOPS this loud within the span */
            if (v->relearn_second == 0 || n - v->relearn_from > VAD_RELEARN_SPAN_HOPS) {
                v->relearn_from = n;
                v->relearn_second = 0;
            }
            if (++v->relearn_second >= VAD_RELEARN_AGAIN_HOPS) {
                set_level(v, v->warm_db, v->warm_oct);
                level_reset(v);
            }
        } else if (!v->relearn_held) {
            if (v->relearn_n == 0) {
                v->relearn_from = n;
                v->relearn_ref_db = v->spk_db;
            }
            v->warm_oct[v->relearn_n] = oct;
            v->warm_db[v->relearn_n++] = level_db;
            if (v->relearn_n == VAD_LEVEL_WARMUP_HOPS && (!v->peer || !v->held_floor)) {
                set_level(v, v->warm_db, v->warm_oct);
                level_reset(v);
            } else if (v->relearn_n == VAD_LEVEL_WARMUP_HOPS) {
                v->relearn_held = 1;
                v->relearn_quiet = 0;
            }
        }
        v->relearn_last = n;
    }
    if (v->spk_n >= VAD_LEVEL_WARMUP_HOPS && v->blk_left > 0) {
        v->blk_oct[v->blk_n] = oct;
        v->blk_db[v->blk_n++] = level_db;
        if (v->blk_n == VAD_LEVEL_WARMUP_HOPS) {
            if (warm_quantile(v->blk_db, VAD_LEVEL_WARMUP_HOPS, VAD_LEVEL_QUANTILE) >= v->spk_db + v->blk_over_db) {
                /* from the block's hops over that line only: the rest are the voice the level
                 * was won by. A block where the talker began partway (their first words among
                 * the babble's) set the level at their median, 5 dB under them, and babble
                 * blips within rel_db of it joined their "uh-huh"s (seed 47 c51). */
                float db[VAD_LEVEL_WARMUP_HOPS], oc[VAD_LEVEL_WARMUP_HOPS];
                int m = 0;
                for (int i = 0; i < VAD_LEVEL_WARMUP_HOPS; i++)
                    if (v->blk_db[i] >= v->spk_db + v->blk_over_db) {
                        db[m] = v->blk_db[i];
                        oc[m++] = v->blk_oct[i];
                    }
                set_level_of(v, db, oc, m);
                level_reset(v);
            }
            v->blk_n = 0;
            v->blk_left--;
        }
    }
    if (v->spk_n < VAD_LEVEL_WARMUP_HOPS) {
        if (v->spk_n == 0) {
            v->warm_from = n;
            v->warm_peer_on = 0;
            v->warm_peer_new = v->peer && v->peer->spk_n < VAD_LEVEL_WARMUP_HOPS;
        }
        v->warm_peer_on += v->peer && v->peer->on;
        v->warm_oct[v->spk_n] = oct;
        v->warm_db[v->spk_n++] = level_db;
        if (v->spk_n == VAD_LEVEL_WARMUP_HOPS) {
            set_level(v, v->warm_db, v->warm_oct);
            v->blk_over_db = v->rel_db;
            if (n - v->warm_from < VAD_WARMUP_SPARSE_HOPS) v->blk_left = 0;
            else v->warm_sparse = 1;
            if (!v->blk_left && v->overlap_db > 0.0f && v->warm_peer_new &&
                v->warm_peer_on >= VAD_WARMUP_OVERLAP_PCT * VAD_LEVEL_WARMUP_HOPS / 100) {
                v->blk_left = VAD_LEVEL_CHECK_BLOCKS;
                v->blk_n = 0;
                v->blk_over_db = v->overlap_db;
            }
        }
        return;
    }
    v->spk_n++;
    if (level_db >= v->spk_db) check_register(v, oct, level_db);
    v->spk_db += level_db > v->spk_db ? VAD_LEVEL_UP_DB : -VAD_LEVEL_DOWN_DB;
    v->reg_oct += oct > v->reg_oct ? VAD_REGISTER_STEP_OCT : -VAD_REGISTER_STEP_OCT;
}

/* A laugh's "ha" pulses are voiced at a pitch well over the talker's speaking range (laughter's
 * F0 averages about 1.7 times speech's, Bachorowski, Smoski and Owren, JASA 2001), where the
 * talker's own speech rarely goes for long: a raised voice lifts F0 by a few semitones, not
 * most of a segment by 0.6 octave. */
static int is_high(const tm_vad *v, float f0_hz)
{
    return v->laugh_oct > 0.0f && v->spk_n >= VAD_LEVEL_WARMUP_HOPS &&
           log2f(f0_hz) - v->reg_oct > v->laugh_oct;
}

/* At the talker's pitch: up to own_oct over their register, down to far_oct under it. Their
 * quiet words (an "mm-hm", a phrase's end) fall under the register; their words over it are
 * emphasis, which is loud. */
static int is_own(const tm_vad *v, float f0_hz)
{
    if (v->spk_n < VAD_LEVEL_WARMUP_HOPS) return 1;
    float d = log2f(f0_hz) - v->reg_oct;
    return d <= v->own_oct && (v->far_oct <= 0.0f || d >= -v->far_oct);
}

/* Near the talker's own level and at their pitch: their phrases bring such a hop every quarter
 * second (99 % of the gaps within the realistic corpus's phrases), while babble 10 dB under the
 * talker, which passes the gate's rel_db, came that near at their pitch on 0.5 % of its hops
 * (seed 20 c11). Within loud_db of the level the pitch does not matter (a raised voice is
 * higher). */
static int is_strong(const tm_vad *v, float level_db, float f0_hz)
{
    if (v->spk_n < VAD_LEVEL_WARMUP_HOPS) return 1;
    if (level_db < v->spk_db - v->strong_db) return 0;
    return level_db >= v->spk_db - v->loud_db || v->own_oct <= 0.0f || is_own(v, f0_hz);
}

/* A pulse: at least VAD_PULSE_MIN_HOPS active hops in a row. A gap is quiet: inactive and
 * VAD_QUIET_DB under the talker's level, not merely inactive (a hop of the other side's leak is
 * inactive, and counted as a gap it cut a talker's words under an echo into "pulses"; babble
 * 10-20 dB under the talker fills the gaps too). Not the floor: the gaps of the corpus's laughs
 * lie 8-10 dB over the channel's noise mean. */
#define VAD_PULSE_MIN_HOPS 3
#define VAD_QUIET_DB 30.0f

/* A laugh's "ha" pulses may be at the talker's own pitch (a high voice laughing) or breathy
 * (unvoiced), but they come as a train: short pulses of sound (80-130 ms on the realistic
 * corpus) each after a quiet gap (100-230 ms) in which the channel falls to its floor. Speech's
 * syllables are joined by consonants, which are active: a short segment of pulses_min such
 * pulses or more, none longer than pulse_max_hops, each but the first after a quiet gap of
 * gap_min_hops, is a laugh (seeds 20 and 21: six of the eight nonverbal
 * segments taken for speech were laughs, at the talker's pitch or unvoiced). */
static int pulses_so_far(const tm_vad *v)
{
    int pulses = v->seg_pulses + (v->pulse_len >= VAD_PULSE_MIN_HOPS);
    int too_long = v->seg_long_pulse || v->pulse_len > v->pulse_max_hops;
    return v->pulses_min > 0 && pulses >= v->pulses_min && !too_long && v->seg_gaps >= pulses - 1;
}

static int laugh_so_far(const tm_vad *v)
{
    if (v->laugh_hops <= 0 || v->last_active + 1 - v->seg_start > v->laugh_hops) return 0;
    return (v->laugh_oct > 0.0f && v->seg_voiced >= VAD_LAUGH_MIN_VOICED &&
            (float)v->seg_high >= v->laugh_frac * (float)v->seg_voiced) ||
           pulses_so_far(v);
}

/* the pulses and gaps of the open segment, one hop */
static void count_pulses(tm_vad *v, int active, int quiet)
{
    /* neither sound nor quiet (a leak, the noise): a pulse goes on through it, no pulse starts */
    if (active || (!quiet && v->pulse_len > 0)) {
        v->pulse_len++;
        v->quiet_len = 0;
        return;
    }
    if (!quiet) {
        v->quiet_len = 0;
        return;
    }
    if (v->pulse_len > 0) {
        v->seg_pulses += v->pulse_len >= VAD_PULSE_MIN_HOPS;
        v->seg_long_pulse |= v->pulse_len > v->pulse_max_hops;
        v->pulse_len = 0;
    }
    if (++v->quiet_len == v->gap_min_hops) v->seg_gaps++;
}

static int close_seg(tm_vad *v, tmi_span *closed)
{
    v->on = 0;
    v->music = v->deferred = 0;
    if (!v->keep_run) v->run_len = v->run_anchor = 0;
    v->keep_run = 0;
    closed->start = v->seg_start;
    closed->end = v->last_active + 1;
    closed->confirm = v->confirm;
    return TMI_SEG_CLOSED;
}

/* Where the onset run at hop n starts. Its lead-in before the first voiced hop is a fricative
 * or a breath only where it rose out of the sound before it: under babble or street noise every
 * hop is active, and a lead-in of 200 ms of the neighbours' voices dated the talker's onsets
 * early (17 % of the agent's onsets under babble 15 dB under them, by over 0.1 s), so a reply
 * that overlapped the other's last syllable by 0.1 s read as talking over them. */
static int64_t lead_start(const tm_vad *v, int64_t n)
{
    int64_t first = v->run_first;
    if (v->lead_rise_db <= 0.0f || first <= v->run_start) return v->run_start;
    int64_t to = first - VAD_LEADIN_HOPS, from = to - VAD_BG_HOPS;
    if (from < 0) from = 0;
    if (to - from < VAD_BG_HOPS / 2 || n - from >= VAD_LVL_RING) return v->run_start;
    float bg[VAD_BG_HOPS];
    int k = 0;
    for (int64_t i = from; i < to; i++) bg[k++] = v->lvl[i % VAD_LVL_RING];
    qsort(bg, (size_t)k, sizeof bg[0], cmp_float);
    float rise = bg[(int)(VAD_BG_QUANTILE * (float)(k - 1))] + v->lead_rise_db;
    int64_t s = first;
    while (s > v->run_start && v->lvl[(s - 1) % VAD_LVL_RING] >= rise) s--;
    return s;
}

/* The near talker's voice comes and goes with their syllables and words: over a second either
 * side of their onset the levels spread 19-23 dB (median) from the 10th to the 90th percentile,
 * the dips being their pauses and consonants, and most hops over the floor are voiced. Babble of
 * several distant talkers fills each one's pauses with the others' voices: it spreads 8 dB, and
 * the pitch tracker finds one voice in a third of its hops. Its segments are what the level gate
 * cannot reject where the babble won the talker's level before they spoke, or an AGC lifted it
 * in their pauses: the level can be wrong, the modulation cannot. All hops count for the spread,
 * those under the floor too: a short word in a quiet second has few hops over the floor, and
 * those spread little. On the development corpora (seeds 29-38, every segment judged) the rule
 * takes 152 of 446 false babble segments against 2 of 16238 true ones. Judged once
 * backchannel_max_s of the segment is heard (at most VAD_DIFFUSE_MAX_HOPS), before the turn
 * stage lets an attempt that began with it interrupt, or when it closes sooner. An attempt the
 * turn stage reopened (the newcomer paused and went on) may interrupt on the hop the segment is
 * confirmed: its alert waits for the judgement when what is heard of the segment so far would be
 * withdrawn (tmi_vad_doubtful); a segment that looks like the talker then and is withdrawn
 * later leaves that interruption standing (the limit left). */
#define VAD_DIFFUSE_MIN_HOPS 10

static int diffuse(const tm_vad *v, int64_t n)
{
    if (v->dif_db <= 0.0f || v->dif_hops <= 0 || v->music) return 0;
    int64_t from = v->seg_start - v->dif_hops;
    if (from < 0) from = 0;
    if (n - from + 1 > VAD_SND_RING) from = n - VAD_SND_RING + 1;
    float x[VAD_SND_RING];
    int k = 0, over = 0, voiced = 0, own = 0, own_voiced = 0;
    for (int64_t i = from; i <= n; i++) {
        float d = v->snd_db[i % VAD_SND_RING];
        if (!isfinite(d)) continue;   /* (replayed frames may carry NaN: no order for qsort) */
        x[k++] = d;
        int c = v->snd_cand[i % VAD_SND_RING], vo = c && v->snd_voiced[i % VAD_SND_RING];
        over += c;
        voiced += vo;
        if (c && i >= v->seg_first && i <= v->last_anchor) {
            own++;
            own_voiced += vo;
        }
    }
    if (over < VAD_DIFFUSE_MIN_HOPS || k < VAD_DIFFUSE_MIN_HOPS) return 0;
    /* the segment's own sound, from its first anchor to its last, voiced throughout: a near
     * word, whatever the noise around it; one of a few hops only is a voice in the babble
     * crossing the gate (seed 35 c41: 7 hops, with the caller's words 4 s later a false
     * interruption) */
    if (own >= v->dif_own_min && (float)own_voiced >= v->dif_own_frac * (float)own) return 0;
    if ((float)voiced >= v->dif_frac * (float)over) return 0;
    qsort(x, (size_t)k, sizeof x[0], cmp_float);
    float spread = x[(int)(0.9f * (float)(k - 1))] - x[(int)(0.1f * (float)(k - 1))];
    return spread < v->dif_db;
}

/* The open segment's background: the levels of the hops in the bg_hops before it (those the
 * ring still holds at hop n) outside this talker's segments and not leak, a lost packet, hold or
 * a tone, nor, with BG_NOT_OWN, the talker's own voice. With BG_SEGS the talker's segments count
 * too, but not where the other side was in one of theirs (see distant()). Their count; the voiced
 * ones in *voiced. */
#define BG_NOT_OWN 1
#define BG_SEGS 2

static int background(const tm_vad *v, int64_t n, int flags, float *bg, int *voiced)
{
    int64_t from = v->seg_start - v->bg_hops;
    if (from < 0) from = 0;
    if (n - from + 1 > VAD_SND_RING) from = n - VAD_SND_RING + 1;
    int nb = 0;
    *voiced = 0;
    for (int64_t i = from; i < v->seg_start; i++) {
        int k = (int)(i % VAD_SND_RING);
        float d = v->snd_db[k];
        if (!v->snd_bg[k] || ((flags & BG_NOT_OWN) && v->snd_own[k]) || !isfinite(d)) continue;
        if (v->snd_seg[k] && (!(flags & BG_SEGS) || (v->peer && v->peer->snd_seg[k]))) continue;
        bg[nb++] = d;
        *voiced += v->snd_voiced[k];
    }
    return nb;
}

/* The 80th percentile of x[0..k-1] (k > 0; sorts x) */
static float p80(float *x, int k)
{
    qsort(x, (size_t)k, sizeof x[0], cmp_float);
    return x[(int)(0.8f * (float)(k - 1))];
}

/* The 80th percentile of the open segment's voiced hops over its first dif_hops, up to hop n
 * (NAN: none voiced) */
static float seg_voiced_p80(const tm_vad *v, int64_t n)
{
    float own[VAD_DIFFUSE_MAX_HOPS + 1];
    int no = 0;
    int64_t from = v->seg_start > n - VAD_SND_RING + 1 ? v->seg_start : n - VAD_SND_RING + 1;
    for (int64_t i = from; i <= n && i - v->seg_start <= v->dif_hops; i++) {
        float d = v->snd_db[i % VAD_SND_RING];
        if (v->snd_voiced[i % VAD_SND_RING] && isfinite(d)) own[no++] = d;
    }
    return no ? p80(own, no) : NAN;
}

/* A voice of the babble that crossed the gate is no louder than the babble was a moment before:
 * its voiced hops' 80th percentile lies within a few dB of the background's, where the near talker
 * comes 10-25 dB over it. Where the babble won the talker's level before they spoke the gate
 * passes such voices, and a few talkers modulate as one does (the diffuse rule); the sound between
 * the talker's own segments tells them. The background is every hop outside this talker's segments
 * (their lead-ins are theirs; segments withdrawn since are background: the babble's voices) in
 * the speech_background_s before this one, but the other party's leak, lost packets, hold music
 * and tones (a talker answering after hold music or DTMF would be measured against them); its 80th
 * percentile, as a voice must rise over the babble's louder moments. Only where that sound is
 * voiced (speech_background_voiced_pct): street and car noise and noise an AGC pumped in pauses
 * are mostly unvoiced, and measured against them a talker's quiet words were lost (on the
 * development corpora at 6 dB: 87 true segments of 4240 in the street, 81 of 2239 under an AGC). A
 * segment at the talker's own level (within speech_far_loud_db) is theirs whatever the background
 * when that level came from a dense warm-up or was set again since from a louder voice
 * (relearning, the block check): otherwise a talker whose own voice lies outside their segments
 * (words shorter than a long onset_ms; test_deesc's scripted flat voice, whose first phrase the
 * segmenter closed a second early) is measured against themselves, and each phrase withdrawn makes
 * the next one's background. A level won by babble comes from a sparse warm-up (every one measured
 * did), and vouches for nothing: guarding those too brought back 7 of the 13 false interruptions
 * the rule removes (seeds 41 c41, 44 c41: babble segments at the babble's level). On the
 * development corpora (seeds 29-38 and 41-44, 792 calls) at 6 dB, 20 % and 4 s, the session's
 * starting code against its final one (this rule and the turn stage's wait for a doubtful
 * segment): false interruptions 88 -> 67, missed 63 -> 62; false overlaps 250 -> 205, missed
 * 284 -> 293; false backchannels 136 -> 107, missed 100 -> 104; false dead airs 6 -> 11 (real words
 * withdrawn in a pause), missed 15 -> 11. Before a review, lead-ins counted as background and
 * withdrawn segments did not: 75 false interruptions and 8 false dead airs. Judged with the
 * diffuse rule, on the segment's first backchannel_max_s. */
#define VAD_BG_TONE_FRAC 0.5f
#define VAD_BG_MIN_HOPS 50

static int under_background(const tm_vad *v, int64_t n)
{
    if (v->bg_db <= 0.0f || v->bg_hops <= 0 || v->music) return 0;
    float bg[VAD_SND_RING];
    int nbv, nb = background(v, n, 0, bg, &nbv);
    if (nb < VAD_BG_MIN_HOPS || (float)nbv < v->bg_frac * (float)nb) return 0;
    float own_db = seg_voiced_p80(v, n);
    if (isnan(own_db)) return 0;
    if (v->spk_n >= VAD_LEVEL_WARMUP_HOPS && !v->warm_sparse && own_db >= v->spk_db - v->loud_db) return 0;
    return own_db - p80(bg, nb) < v->bg_db;
}

/* Whether the level falls fall_db within 30 ms anywhere in the segment's first dif_hops (up to
 * hop n): the end of a near voice's syllable */
static int falls(const tm_vad *v, int64_t n, float fall_db)
{
    int64_t start = v->seg_start > n - VAD_SND_RING + 1 ? v->seg_start : n - VAD_SND_RING + 1;
    int64_t end = v->seg_start + v->dif_hops < n ? v->seg_start + v->dif_hops : n;
    for (int64_t i = start; i < end; i++) {
        float d = v->snd_db[i % VAD_SND_RING];
        if (!isfinite(d)) continue;
        for (int64_t j = i + 1; j <= i + v->fall_hops && j <= end; j++) {
            float e = v->snd_db[j % VAD_SND_RING];
            if (isfinite(e) && d - e >= fall_db) return 1;
        }
    }
    return 0;
}

/* Voices of a room, not the near talker. A few distant talkers, or babble that an AGC lifted to
 * the talker's own level in their pauses (seed 52 c21: four talkers 17 dB under the agent, lifted
 * to 1-4 dB under them), are voiced, so the diffuse rule keeps them, and at the talker's level,
 * so the background rule's exemption does too. What still tells them is how their sound moves:
 * a near voice stops at once at a word's end (its level falls 20-40 dB within 30 ms) and swings
 * widely around its words, while the sum of distant voices, smeared by a room, fades slowly and
 * keeps to a narrow band. A talker's short word under street noise looks the same (the noise
 * fills the fall), and so does a talker on a speakerphone in a room: the rule judges only after
 * a background of other voices (voiced, not leak, tones or the talker's own voice outside a
 * segment), and only a segment that rises less than speech_distant_over_bg_db over it (a
 * reverberant caller with babble in their room stands 10-25 dB over that babble; without this
 * bound 12 of their phrases of seed 57 r01 were withdrawn). The talker's own voice is left out of
 * that background: a phrase closed early leaves it there (test_deesc's flat scripted voice).
 * Measured on seeds 47-52 (432 calls), see tests/realistic/README.md, session 30.
 * The rule is asked on every hop a segment is open too (tmi_vad_doubtful, for the turn stage's
 * wait): before its first syllable ends a near voice has not fallen yet, so a segment over a
 * background of voices is doubtful until it has. */
static int distant(const tm_vad *v, int64_t n)
{
    if (v->dst_spread_db <= 0.0f || v->bg_hops <= 0 || v->dif_hops <= 0 || v->music) return 0;
    float bg[VAD_SND_RING], x[VAD_SND_RING];
    int nbv, nb = background(v, n, BG_NOT_OWN, bg, &nbv);
    /* Babble that won the talker's segments leaves no background outside them: few distant
     * talkers 10-14 dB under the talker (seed 47 c11, 59 c11), or lifted by an AGC (52 c21),
     * kept the segments open through the talker's pauses, and every later babble segment was
     * judged with too little background (under VAD_BG_MIN_HOPS) to judge at all. Then the
     * talker's segments count as background too, less their own voice (BG_NOT_OWN) and the hops
     * where the other side was talking (there the talker's own "uh-huh"s and double-talk are, and
     * the other side's echo: seed 50 s07's "uh-huh" under a -6 dB speakerphone echo was taken),
     * and only for a segment that is not the talker's by its pitch (under own_frac of its voiced
     * hops in their register) or is still going after dif_hops: a short "uh-huh" at their pitch
     * under babble 15 dB down or a speakerphone's echo does not fall 10 dB (five true
     * backchannels of seeds 54-62 lost without this), a phrase of theirs does. On the 1 396
     * calls of seeds 47-66 (and room 57): false interruptions 135 -> 124, false overlaps
     * 339 -> 316, false prompts 83 -> 81, no true event lost; all of it under babble. */
    if (nb < VAD_BG_MIN_HOPS &&
        ((float)v->seg_own < v->own_frac * (float)v->seg_voiced || n - v->seg_start >= v->dif_hops))
        nb = background(v, n, BG_NOT_OWN | BG_SEGS, bg, &nbv);
    if (nb < VAD_BG_MIN_HOPS || (float)nbv < v->dst_bg_frac * (float)nb) return 0;
    /* cheapest first: most of the talker's segments end here */
    if (falls(v, n, v->dst_fall_db)) return 0;
    if (v->dst_over_db > 0.0f) {
        float own_db = seg_voiced_p80(v, n);
        if (isnan(own_db) || own_db - p80(bg, nb) >= v->dst_over_db) return 0;
    }
    int64_t from = v->seg_start - v->dif_hops;
    if (from < 0) from = 0;
    if (n - from + 1 > VAD_SND_RING) from = n - VAD_SND_RING + 1;
    int k = 0;
    for (int64_t i = from; i <= n; i++) {
        float d = v->snd_db[i % VAD_SND_RING];
        if (isfinite(d)) x[k++] = d;
    }
    if (k < VAD_DIFFUSE_MIN_HOPS) return 0;
    qsort(x, (size_t)k, sizeof x[0], cmp_float);
    return x[(int)(0.9f * (float)(k - 1))] - x[(int)(0.1f * (float)(k - 1))] < v->dst_spread_db;
}

/* A faint sound: never near the talker (no strong anchor: within loud_db of their level, or
 * strong_db at their pitch), its voiced hops more than loud_db under their level, and never
 * stopping as a near voice does (no fall of dst_fall_db within 30 ms), that stands less than
 * faint_db over the sound before it (80th percentiles), or has no such sound to stand over. The
 * other rules need a background of voices (under_background, distant) or a diffuse one; these
 * are the remnants of the other side's speakerphone echo over its clipped, wandering leak, and a
 * babble voice over street noise or hum (seeds 49 c05, 50 c35, 59 s03, 65 s07; 59 c11, 60 c01).
 * Measured on the 1 396 calls of seeds 47-66: false backchannels 190 -> 183, false overlaps 316
 * -> 313, false interruptions 124 -> 123, false prompts 81 -> 80, nothing found lost. With a 10 dB
 * bound a reverberant talker's true overlap went (seed 57 r15); without the level bound a caller's
 * "uh-huh" 2 dB over their level whose voiced hops were all the speakerphone's leak (52 c55). */
static int faint(const tm_vad *v, int64_t n)
{
    if (v->faint_db <= 0.0f || v->dst_fall_db <= 0.0f || v->bg_hops <= 0 || v->music ||
        v->spk_n < VAD_LEVEL_WARMUP_HOPS || v->seg_strong)
        return 0;
    float own_db = seg_voiced_p80(v, n);
    if (isnan(own_db) || own_db >= v->spk_db - v->loud_db || falls(v, n, v->dst_fall_db)) return 0;
    float bg[VAD_SND_RING];
    int nbv, nb = background(v, n, 0, bg, &nbv);
    return nb < VAD_BG_MIN_HOPS || own_db - p80(bg, nb) < v->faint_db;
}

/* Whether the open segment is another voice than the talker's: judged once, on its first
 * backchannel_max_s or when it closes sooner. */
static int not_the_talker(const tm_vad *v, int64_t n)
{
    return diffuse(v, n) || under_background(v, n) || distant(v, n) || faint(v, n);
}

/* Flags the open segment's hops up to n, from its lead-in on, as this talker's (on) or not. A
 * segment withdrawn was another voice, or no voice: its hops are background again (the babble's
 * voices that crossed the gate are its loud moments, which a voice must rise over). */
static void mark_seg(tm_vad *v, int64_t n, unsigned char on)
{
    for (int64_t i = v->seg_start > n - VAD_SND_RING + 1 ? v->seg_start : n - VAD_SND_RING + 1; i <= n; i++)
        v->snd_seg[i % VAD_SND_RING] = on;
}

/* A diffuse segment is withdrawn, and what it taught the warm-up is forgotten: the level, and
 * (a new epoch) the raised-voice baselines, which learn from a segment's hops as they come. Left
 * in them, a caller's babble of 12 s, heard as a second of speech now and then, was their normal
 * voice, and their own 18 dB over it raised in every turn (seed 30 c51). */
static int withdraw_diffuse(tm_vad *v, tmi_span *closed)
{
    mark_seg(v, v->hop_n, 0);
    if (v->seg_warm.spk_n < VAD_LEVEL_WARMUP_HOPS) {
        v->spk_n = v->seg_warm.spk_n;
        v->warm_from = v->seg_warm.warm_from;
        v->blk_n = v->seg_warm.blk_n;
        v->blk_left = v->seg_warm.blk_left;
        v->warm_peer_on = v->seg_warm.warm_peer_on;
        level_reset(v);
    }
    close_seg(v, closed);
    v->last_active = v->prev_last;
    return TMI_SEG_WITHDRAWN;
}

/* One hop of the onset run (the active hops that may start a segment): 1 once it holds enough
 * to be speech. */
static int run_hop(tm_vad *v, int64_t n, int active, int anchor, float level_db, float f0_hz)
{
    if (!active) {
        v->run_len = v->run_anchor = 0;
        return 0;
    }
    if (v->run_len == 0) {
        v->run_start = n;
        v->run_peak_db = -200.0f;
        v->run_voiced = v->run_high = v->run_own = v->run_strong = 0;
    }
    v->run_len++;
    if (f0_hz > 0.0f) {
        v->run_voiced++;
        v->run_high += is_high(v, f0_hz);
        v->run_own += is_own(v, f0_hz);
    }
    if (anchor) {
        if (v->run_anchor == 0) v->run_first = n;
        v->run_anchor++;
        v->run_strong |= is_strong(v, level_db, f0_hz);
        if (level_db > v->run_peak_db) v->run_peak_db = level_db;
    }
    if (!v->run_anchor && v->run_len > VAD_LEADIN_HOPS) {
        v->run_start = n - (VAD_LEADIN_HOPS - 1);
        v->run_len = VAD_LEADIN_HOPS;
    }
    /* The anchors must come close together: a run that has not found them within twice their
     * time after the lead-in is weak sound that now and then crosses the talker's level (the
     * loudest voice of the babble), not the talker. It starts again here. */
    if (v->run_len > tmi_vad_reach_hops(v)) {
        v->run_start = n;
        v->run_len = 1;
        v->run_anchor = anchor;
        v->run_first = anchor ? n : -1;
        v->run_peak_db = anchor ? level_db : -200.0f;
        v->run_voiced = f0_hz > 0.0f;
        v->run_high = v->run_voiced && is_high(v, f0_hz);
        v->run_own = v->run_voiced && is_own(v, f0_hz);
        v->run_strong = anchor && is_strong(v, level_db, f0_hz);
    }
    return v->run_len >= v->onset_hops && v->run_anchor >= v->onset_anchors;
}

/* The onset run is speech: a segment opens, confirmed at hop n, its last active hop `last`. */
static int confirm_seg(tm_vad *v, int64_t n, int64_t last, int anchor, float level_db, float f0_hz)
{
    v->on = 1;
    v->seg_echo = 0;
    v->seg_judged = 0;
    v->seg_warm.spk_n = v->spk_n;
    v->seg_warm.warm_from = v->warm_from;
    v->seg_warm.blk_n = v->blk_n;
    v->seg_warm.blk_left = v->blk_left;
    v->seg_warm.warm_peer_on = v->warm_peer_on;
    v->seg_first = v->run_first;
    v->seg_peak_db = v->run_peak_db;
    v->seg_voiced = v->run_voiced;
    v->seg_high = v->run_high;
    v->seg_own = v->run_own;
    v->seg_strong = v->run_strong;
    /* the onset is inside the first pulse */
    v->pulse_len = v->run_len;
    v->quiet_len = v->seg_pulses = v->seg_gaps = v->seg_long_pulse = 0;
    v->last_strong = n;
    v->prev_last = v->last_active;
    v->seg_start = v->phrase_start = lead_start(v, n);
    v->phrase_max = 0;
    mark_seg(v, n, 1);
    v->last_active = v->last_anchor = last;
    v->confirm = n;
    if (anchor) learn_level(v, level_db, f0_hz, n);
    return TMI_SEG_CONFIRMED;
}

int tmi_vad_update(tm_vad *v, const tmi_hop *h, tmi_span *closed)
{
    int64_t n = h->n;
    v->hop_n = n;
    int active = h->active;
    float level_db = h->level_db;
    v->snd_db[n % VAD_SND_RING] = level_db;
    v->snd_cand[n % VAD_SND_RING] = (unsigned char)(h->cand != 0);
    v->snd_voiced[n % VAD_SND_RING] = h->f0_hz > 0.0f;
    v->snd_bg[n % VAD_SND_RING] = !h->leak && !h->lost && !h->holding && h->music_from < 0 &&
                                  h->tone_frac < VAD_BG_TONE_FRAC;
    v->snd_seg[n % VAD_SND_RING] = (unsigned char)v->on;
    /* (a level from a sparse warm-up may be the babble's own: its hops stay background) */
    v->snd_own[n % VAD_SND_RING] = h->f0_hz > 0.0f && v->spk_n >= VAD_LEVEL_WARMUP_HOPS && !v->warm_sparse &&
                                   v->own_oct > 0.0f && v->strong_db > 0.0f &&
                                   level_db >= v->spk_db - v->strong_db && is_own(v, h->f0_hz);
    if (v->relearn_held && !v->on && v->peer && v->peer->on) v->relearn_quiet++;
    int anchor = tmi_vad_anchor(v, active, h->f0_hz, level_db);
    /* the other side's leak, a tone or music is not what a lead-in must rise out of */
    v->lvl[n % VAD_LVL_RING] = active || !h->cand ? level_db : -200.0f;
    v->keep_run = 0;
    if (v->on) {
        /* before the talker's level is known, the loudest of the segment stands for it (a caller
         * who laughs before their first words: seed 24 c19, c29) */
        float ref_db = v->spk_n >= VAD_LEVEL_WARMUP_HOPS ? v->spk_db : v->seg_peak_db;
        count_pulses(v, active, !active && level_db < ref_db - VAD_QUIET_DB);
    }
    if (v->on && active && h->f0_hz > 0.0f) {
        v->seg_voiced++;
        v->seg_high += is_high(v, h->f0_hz);
        v->seg_own += is_own(v, h->f0_hz);
    }
    if (v->on) {
        /* Hold music opens a segment as a voice does, and its first notes may decay under the
         * talker's level before the music window has heard enough of it to rule (1.7-1.9 s on
         * the realistic corpus): a segment whose hangover runs out while a note rings stays
         * open while the hold stage still hears music starting where the segment began, so that
         * a hold withdraws it whole (speech event and frames); the frames wait settle_hops, and
         * so may it at most. Deferred, it is weak to the turn stage (dead air waits for it);
         * activity at the talker's level carries it on as before. */
        v->music = h->music_from >= 0 && h->music_from >= v->seg_start - tmi_vad_reach_hops(v) &&
                   h->music_from <= v->seg_start + tmi_vad_reach_hops(v) && n - v->seg_start < v->settle_hops;
        /* (what may be a hold's music waits for the hold stage's ruling, then is judged) */
        if (!v->seg_judged && !v->music && n - v->seg_start >= v->dif_hops) {
            if (not_the_talker(v, n)) return withdraw_diffuse(v, closed);
            v->seg_judged = 1;
        }
        /* Only anchors carry a segment: a voice far from the talker's pitch under their level (a
         * neighbour, a ringing phone) bridges like any other sound. And babble 10 dB under the
         * talker makes anchors as well as their own quiet syllables do: past strong_gap_hops
         * without a hop near their level at their pitch, anchors only bridge too, so the segment
         * ends where the talker stopped; closing it then (below) keeps the babble from bringing
         * it back within a hangover. */
        int strong = anchor && v->strong_db > 0.0f && is_strong(v, level_db, h->f0_hz);
        if (strong) {
            v->last_strong = n;
            v->seg_strong = 1;
        }
        int fresh = v->strong_db <= 0.0f || n - v->last_strong <= v->strong_gap_hops;
        /* A pause longer than the hangover but within hangover_strong_ms is still inside the
         * phrase when the talker comes back at their own level and pitch (a strong hop): noise
         * 8-20 dB under the talker (street, car, an AGC pumping it up) masks the weak consonants
         * and unstressed syllables that fill the dips between their words, so the hangover ran
         * out inside phrases. An anchor that is not strong does not carry over such a pause:
         * babble 10-25 dB under the talker makes those (a plain 300 ms hangover: babble's false
         * prompts 15 -> 19 on the development corpora). An onset run heard in that pause is
         * tracked as it would be after a close, so that a quieter new phrase (or the other
         * voice's echo) starts its own segment at its own start. On seeds 29-38 and 41-44 (792
         * calls) at 300 ms: speech frame F1 0.9810/0.9784 -> 0.9840/0.9817 (street 0.9757/0.9604
         * -> 0.9809/0.9678), and events about as before (interruptions found +4, false +3, all
         * under babble; false prompts 38 -> 40). */
        int long_hang = v->strong_hang_hops > 0 && v->strong_db > 0.0f && v->spk_n >= VAD_LEVEL_WARMUP_HOPS;
        /* (an anchor right after a pause of exactly hangover_ms carries it on, as before) */
        int past_hang = long_hang && n - v->last_active > v->hangover_hops;
        int in_long = long_hang && n - v->last_active > v->hangover_hops + 1;
        /* (What may be a hold's music carries its segment on, as any voice within rel_db did
         * before: so that it is still open, or deferred while a note rings, when the hold stage
         * rules.) */
        int music_on = v->music && tmi_vad_carries(v, active, h->f0_hz, level_db);
        if (fresh && (in_long ? strong || music_on : anchor || music_on)) {
            /* the phrase after the pause starts where the run heard in it did */
            if (in_long) {
                if (v->last_active + 1 - v->phrase_start > v->phrase_max)
                    v->phrase_max = v->last_active + 1 - v->phrase_start;
                v->phrase_start = v->run_len > 0 && v->run_start < n ? v->run_start : n;
            }
            if (anchor) learn_level(v, level_db, h->f0_hz, n);
            if (level_db > v->seg_peak_db) v->seg_peak_db = level_db;
            v->last_active = v->last_anchor = n;
            v->deferred = 0;
            return 0;
        }
        if (active && n - v->last_anchor <= v->bridge_hops) {
            v->last_active = n;
            v->deferred = 0;
            return 0;
        }
        /* The talker stopped: nothing active for the hangover, or (babble going on) nothing of
         * theirs for the strong gap and a bridge after it; a hangover would let the babble
         * bring the segment back. */
        int run_ready = 0;
        if (past_hang) {
            if (n - v->last_active == v->hangover_hops + 1) v->run_len = v->run_anchor = 0;
            run_ready = run_hop(v, n, active, anchor, level_db, h->f0_hz);
        }
        int stopped = n - v->last_active > (long_hang ? v->strong_hang_hops : v->hangover_hops) ||
                      (v->strong_db > 0.0f && n - v->last_strong > v->strong_gap_hops + v->bridge_hops) ||
                      run_ready;
        /* (an onset run heard in the longer hangover goes on after the close; ready, it starts
         * the next segment on the next hop, whatever that hop is) */
        v->keep_run = past_hang;
        if (stopped && v->music && (v->deferred || h->music_rings)) {
            v->deferred = 1;
            return 0;
        }
        if (stopped) {
            v->run_pending = run_ready;
            /* Short and never near the talker's level: a neighbour's voice in the babble that
             * crossed the gate, not the talker's own "uh-huh" (those peak within 8 dB of their
             * level on the realistic corpus). */
            v->deferred = 0;
            if (!v->seg_judged && not_the_talker(v, n)) return withdraw_diffuse(v, closed);
            int weak = tmi_vad_weak(v) || unvoiced_so_far(v, n);
            if (!weak) weak = v->seg_echo = echo_of_peer(v, n);
            close_seg(v, closed);
            if (!weak) {
                v->past_a[v->past_n % VAD_PAST_SEGS] = closed->start;
                v->past_b[v->past_n % VAD_PAST_SEGS] = closed->end - 1;
                v->past_n++;
                /* a phrase held that long, not bursts a pause apart that hangover_strong_ms
                 * joined: babble's, at a level it won (test_noise_stages) */
                int64_t len = closed->end - v->phrase_start;
                if (v->phrase_max > len) len = v->phrase_max;
                if (v->spk_n >= VAD_LEVEL_WARMUP_HOPS && len >= 2 * v->short_hops) v->held_floor = 1;
                return TMI_SEG_CLOSED;
            }
            mark_seg(v, n, 0);
            v->last_active = v->prev_last;
            return TMI_SEG_WITHDRAWN;
        }
        return 0;
    }
    /* a run that got ready in a longer hangover as the segment before it closed */
    if (v->run_pending) {
        v->run_pending = 0;
        if (!active) return confirm_seg(v, n, n - 1, 0, level_db, h->f0_hz);
    }
    if (run_hop(v, n, active, anchor, level_db, h->f0_hz))
        return confirm_seg(v, n, n, anchor, level_db, h->f0_hz);
    return 0;
}

/* A segment that never came within strong_db of the talker's level (so short: it could not go
 * on) and whose pitch was mostly not theirs: a neighbour's words that rose over the others in the
 * babble. The talker's own quiet "mm" is at their pitch. */
static int stranger_so_far(const tm_vad *v)
{
    return v->strong_db > 0.0f && v->own_oct > 0.0f && v->spk_n >= VAD_LEVEL_WARMUP_HOPS &&
           v->last_active + 1 - v->seg_start <= tmi_vad_takeback_hops(v) &&
           !v->seg_strong && (float)v->seg_own < v->own_frac * (float)v->seg_voiced;
}

int tmi_vad_doubtful(const tm_vad *v)
{
    return v->on && !v->seg_judged && not_the_talker(v, v->hop_n);
}

int tmi_vad_weak(const tm_vad *v)
{
    if (!v->on) return 0;
    return v->deferred || (v->weak_db > 0.0f && v->spk_n >= VAD_LEVEL_WARMUP_HOPS &&
            v->last_active + 1 - v->seg_start < v->short_hops && v->seg_peak_db < v->spk_db - v->weak_db) ||
           laugh_so_far(v) || stranger_so_far(v);
}

int tmi_vad_seg_own(const tm_vad *v)
{
    /* an echo is the other voice, whatever its register (the turn stage undoes what it did) */
    if (v->seg_echo) return 0;
    return v->own_oct <= 0.0f || v->spk_n < VAD_LEVEL_WARMUP_HOPS ||
           (float)v->seg_own >= v->own_frac * (float)v->seg_voiced;
}

int tmi_vad_takeback_hops(const tm_vad *v)
{
    int k = v->weak_db > 0.0f ? v->short_hops : 0;
    return v->laugh_hops > k ? v->laugh_hops : k;
}

float tmi_vad_peak_rel(const tm_vad *v)
{
    return v->spk_n >= VAD_LEVEL_WARMUP_HOPS ? v->seg_peak_db - v->spk_db : 0.0f;
}

int tmi_vad_settle_hops(const tm_vad *v)
{
    return v->settle_hops;
}

int tmi_vad_reach_hops(const tm_vad *v)
{
    int reach = VAD_LEADIN_HOPS + 1;
    if (v->onset_anchors > 1) reach = VAD_LEADIN_HOPS + 2 * v->onset_anchors;
    if (v->onset_hops > reach) reach = v->onset_hops;
    return reach;
}

int tmi_vad_withdraw(tm_vad *v, tmi_span *closed)
{
    if (!v->on) return 0;
    mark_seg(v, v->hop_n, 0);
    v->keep_run = v->run_pending = 0;
    close_seg(v, closed);
    /* it was not speech: the channel was last heard where it was before */
    v->last_active = v->prev_last;
    return 1;
}

int tmi_vad_finish(tm_vad *v, tmi_span *closed)
{
    if (!v->on) return 0;
    v->keep_run = v->run_pending = 0;
    close_seg(v, closed);
    return 1;
}
