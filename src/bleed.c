/* src/bleed.c -- echo and crosstalk rejection for one channel.
 *
 * In a two-channel call recording each party leaks into the other's channel: headset acoustic
 * echo, hybrid (line) echo, crosstalk in the capture path. The leak is the other voice, delayed
 * (0-130 ms), attenuated (6-45 dB) and filtered. Its hop-level envelope follows the other
 * channel's envelope at a fixed delay with a nearly constant level difference, which genuine
 * speech on this channel does not.
 *
 * Learning: on hops where the other side is clearly talking (15 dB over its floor), this channel
 * is above its own floor with the other voice's pitch, and not much louder than the other side
 * (BLEED_MAX_GAIN_DB: a speakerphone's echo may be louder than its voice), the
 * level difference to each delayed hop of the other channel is averaged per delay (about 2 s of
 * such hops); requiring the same pitch keeps double-talk at a steady level difference out.
 * The delay whose difference varies least is the leak's delay, if at least 60 % of the hops
 * with both sides voiced carried the other voice's pitch there; the difference there, less half
 * a standard deviation, is the coupling loss. Unless the pitch says otherwise: a delay at which
 * this channel's pitch follows the other voice's to a fraction of a semitone on 45 % of the
 * hops or more, twice as often as at the steadiest delay, is the leak's (coincide_peak: an AGC
 * and a wandering echo gain spread the level difference more than the pitch). This follows the
 * "level difference plus envelope coherence" idea of two-microphone crosstalk detectors (e.g.
 * Wrigley et al., IEEE TSAP 2005)
 * in its cheapest form: a variance per searched delay (26 at the default 250 ms) per hop.
 * The echo canceller's cue (src/echo.c), when the profile turns it on, overrules the level
 * model: a hop it took echo_removed_min_db from is leak.
 *
 * Deciding: a hop is leak when its level is within margin_db of the level predicted from the
 * other channel (loudest of the three hops around the delay, to absorb a delay that falls between
 * hops). Double-talk through a strong leak is recovered by pitch: a voiced hop whose F0 differs
 * from the other voice's F0 at the leak delay is a different voice, so it is not leak. */
#include "bleed.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Under 1 dB over its noise the other channel carries no voice worth predicting a leak from. */
#define BLEED_TALK_OVER_NOISE_DB 1.0f
/* The level of no voice at all. */
#define BLEED_NO_VOICE_DB (-200.0f)
#define BLEED_PRIOR_LAGS 13
/* The other side is clearly talking: this far over its own floor. */
#define BLEED_TALK_DB 15.0f
/* A prediction over the voice at the delay by more than this is the room's tail. */
#define BLEED_TAIL_OVER_DB 1.0f
/* The room's decay, learnt where the tail alone can be heard: hops 100-400 ms after the voice at
 * the delay last rose (past the end of its direct sound), with that voice now 6 dB under the
 * tail, its direct echo 6 dB under this hop (a quieter syllable's echo is no tail), and this
 * channel clear of its noise. Each such hop gives the decay per hop that would
 * bring the tail down to its level; the learnt decay is a low quantile of these (a stochastic
 * 20th percentile: up 0.02 dB over it, down 0.08 dB under it), since a voice of this channel
 * in the tail only reads as a slower decay, never as a faster one. The profile's T60 is the
 * slowest decay; 3 dB a hop (T60 0.2 s) the fastest. */
#define BLEED_TAIL_LEARN_FROM_HOPS 10
#define BLEED_TAIL_LEARN_TO_HOPS 40
#define BLEED_TAIL_ALONE_DB 6.0f
#define BLEED_TAIL_UP_DB 0.02f
#define BLEED_TAIL_DOWN_DB 0.08f
#define BLEED_TAIL_MAX_RATE_DB 3.0f
/* A reverberant tail carries the pitch of the syllables before the one at the delay: where the
 * other voice is unvoiced at the delay, its pitch in the 60 ms before still marks the hop as its
 * echo. Only for a leak delayed by 20 ms or more: crosstalk in the capture path (no delay) has no
 * room. */
#define BLEED_TAIL_PITCH_MS 60.0f
#define BLEED_TAIL_MIN_DELAY_MS 20.0f
/* This channel is silent: under its floor plus this (the floor's own spread). */
#define BLEED_SILENT_DB 3.0f
/* A measured leak should show where the other voice through it clears this channel's floor by
 * this much (a silent-channel threshold plus the leak's spread). */
#define BLEED_SHOWS_DB 9.0f
/* Forgetting a leak that keeps not showing: the share of misses, a running mean over about 50
 * chances, and at least 50 chances before deciding. */
#define BLEED_FORGET_RATE 0.02f
#define BLEED_FORGET_MIN_CHANCES 50
#define BLEED_FORGET_MISS_SHARE 0.5f
/* The loss an unseen leak would need: a stochastic 80th percentile of the gaps (up 0.2 dB over
 * it, down 0.05 under it), trusted after a second of the other side talking. */
#define BLEED_CLEAR_UP_DB 0.2f
#define BLEED_CLEAR_DOWN_DB 0.05f
#define BLEED_CLEAR_MIN_HOPS 100
/* A leak is learnt only where it stands clear of this channel's noise. */
#define BLEED_LEARN_OVER_FLOOR_DB 6.0f
/* A leak comes back at most this much louder than the voice it carries; a hop louder still is
 * this side talking. The level difference between the two channels is set by two independent
 * gain chains (the other side's microphone and line; this side's loudspeaker, room, microphone
 * and AGC), so it need not be a loss at all: a speakerphone's echo, clipped and reverberant,
 * comes back about as loud as the voice in the other channel (on the realistic corpus's -6 dB
 * speakerphone calls the median difference at the true delay is -4 to +5 dB). A minimum loss of
 * 3 dB, as this once required, kept most hops at the true delay out of the learning: the
 * steadiest delay among the rest was a wrong, later one (130 ms for an echo at 56 ms, taking 50 s
 * of call to walk back), the loss was read 4-5 dB too high, and the echo it then missed made 10
 * false backchannels in one 2-minute call (s05 of seed 13). The direction of a leak is still told apart: the other channel's hops that carry this
 * side's own voice predict nothing (o_back), and this side's voice does not follow the other's
 * envelope at any positive delay.
 * Which hops a delay learns from follows what it has learnt: its first hops down to
 * BLEED_MAX_GAIN_DB louder than the other voice; once its loss is set, only hops within the
 * outlier clip (BLEED_HUBER_DB) of that loss or at least BLEED_LEARN_MIN_LOSS_DB under the
 * other voice. A weak leak (a -43 dB crosstalk) so learns from the hops it did before, not also
 * from this side's own words at the other's level, whose pitch now and then matches (they held
 * its spread over BLEED_MAX_VAR_DB2 for 7 s more of a call). */
#define BLEED_MAX_GAIN_DB 6.0f
#define BLEED_LEARN_MIN_LOSS_DB 3.0f
/* The running mean per delay: a plain mean, then an exponential one over about 2 s of hops. */
#define BLEED_MEAN_HOPS 200.0
/* Outliers (double-talk, noise) clipped at 6 dB once 20 hops have set the mean. */
#define BLEED_HUBER_AFTER 20
#define BLEED_HUBER_DB 6.0
/* A delay is judged after half a second of learning hops; a leak's spread is under 9 dB^2. */
#define BLEED_MIN_HOPS 50
#define BLEED_MAX_VAR_DB2 9.0
/* Share of the hops with both sides voiced on which a leak carries the other voice's pitch. */
#define BLEED_SAME_VOICE 0.6
/* The delay by pitch coincidence (coincide_peak): this share of the hops with both voiced at
 * the other voice's very pitch, at least twice the share at the steadiest level difference's
 * delay, with a spread at most 16 dB^2 over the steadiest's; a leak whose delay the pitch shows
 * may spread to 25 dB^2 when first measured (a +-3 dB wander plus AGC). */
#define BLEED_COINCIDE_SHARE 0.45
#define BLEED_COINCIDE_CONTRAST 2.0
#define BLEED_COINCIDE_MAX_VAR_DB2 25.0
#define BLEED_COINCIDE_MORE_VAR_DB2 16.0
/* The early leak's correlations: running means over about 2 s of hops where either side is on,
 * judged after 0.15 s of such hops with 50 ms of both on (and the other voice's pitch here).
 * A speakerphone's echo of the other side's first word lasts about that long: judged after
 * 0.3 s and 0.1 s (as before session 23), the first word's echo had ended before the early
 * leak was in sight, and it passed as this side's speech, a false "uh-huh" or overlap in the
 * call's first second (on the development corpora's speaker-echo calls, 19 of the 72 false
 * short segments, all starting under 1.2 s into the call, while no true one started before
 * 1.22 s). Judged this early: overlaps 14 false fewer and one true lost, backchannels 9 false
 * fewer, one raised voice more found and one false (seed 30 c51, a caller level won by babble,
 * tipped over raised_min_db) on seeds 29-38; the synthetic independent channels are still never
 * in sight (best correlation 0.35 against the 0.8 needed). */
#define BLEED_EARLY_HOPS 200.0
#define BLEED_EARLY_MIN_HOPS 15
#define BLEED_EARLY_MIN_BOTH 5
#define BLEED_EARLY_KEEP 0.15f
/* dt_age of a channel whose own voice was never heard under the leak. */
#define BLEED_DT_NEVER (1 << 30)
/* What the canceller takes from this channel's leak, a running median from 0 dB: 0.05 dB a leak
 * hop (reaches 6 dB after 120 leak hops at the least, a speakerphone echo's first seconds). */
#define BLEED_REM_STEP_DB 0.05f
/* The early leak's channel is this much louder than the other side: it is the talker. */
#define BLEED_EARLY_TALKER_DB (-BLEED_MAX_GAIN_DB)

void tmi_bleed_init(tm_bleed *b, const tm_config *cfg, int hops_per_s)
{
    memset(b, 0, sizeof *b);
    b->nlags = (int)lrintf(cfg->bleed_max_delay_ms / 1000.0f * (float)hops_per_s) + 1;
    if (b->nlags > BLEED_MAX_LAGS - 1) b->nlags = BLEED_MAX_LAGS - 1;
    if (b->nlags < 1) b->nlags = 1;
    b->margin_db = cfg->bleed_margin_db;
    b->pitch_match_st = cfg->bleed_pitch_match_st;
    b->min_coupling_db = cfg->bleed_min_coupling_db;
    b->near_db = cfg->speech_strong_rel_db;
    b->continue_st = cfg->bleed_continue_st;
    b->compress_max = cfg->bleed_compress_max_db_per_db;
    b->cont_max_hops = (int)lrintf(cfg->hangover_ms / 1000.0f * (float)hops_per_s);
    b->own_st = 12.0f * cfg->speech_own_oct;
    b->talker_db = -200.0f;
    b->talker_st = -1000.0f;
    /* a reverberant tail decays 60 dB in its T60 */
    b->tail_decay_db = 60.0f / (cfg->bleed_tail_t60_s * (float)hops_per_s);
    b->tail_pitch_hops = (int)lrintf(BLEED_TAIL_PITCH_MS / 1000.0f * (float)hops_per_s);
    b->tail_min_delay = (int)lrintf(BLEED_TAIL_MIN_DELAY_MS / 1000.0f * (float)hops_per_s);
    if (b->nlags + 1 + b->tail_pitch_hops > BLEED_MAX_LAGS)
        b->tail_pitch_hops = BLEED_MAX_LAGS - 1 - b->nlags;
    /* the echo canceller's cue (src/echo.c): off, a cue given in replay is ignored too */
    b->echo_on = cfg->echo_canceller;
    b->echo_removed_min_db = cfg->echo_removed_min_db;
    b->echo_removed_sure_db = cfg->echo_removed_sure_db;
    b->echo_dt_max_db = cfg->echo_dt_max_db;
    b->echo_dt_voice_db = cfg->echo_dt_voice_db;
    b->dt_hold_hops = cfg->echo_dt_hold_db > 0.0f
                    ? (int)lrintf(cfg->echo_dt_hold_ms / 1000.0f * (float)hops_per_s) : 0;
    b->dt_hold_db = cfg->echo_dt_hold_db;
    b->early_corr_min = cfg->bleed_early_corr;
    b->coincide_st = cfg->bleed_delay_pitch_st;
    tmi_bleed_reset(b);
}

static void early_forget(tm_bleed *b)
{
    for (int i = 0; i < BLEED_MAX_LAGS; i++) {
        b->ec_n[i] = b->ec_x[i] = b->ec_y[i] = b->ec_xx[i] = b->ec_yy[i] = b->ec_xy[i] = 0.0;
        b->ec_d[i] = 0.0;
        b->ec_dn[i] = 0;
    }
    b->early_on = 0;
    b->early_delay = 0;
    b->early_coupling_db = b->min_coupling_db;
    b->early_corr = 0.0f;
}

void tmi_bleed_reset(tm_bleed *b)
{
    for (int i = 0; i < BLEED_MAX_LAGS; i++) {
        b->o_level[i] = -120.0f;
        b->o_vlev[i] = BLEED_NO_VOICE_DB;
        b->o_f0[i] = -1000.0f;
        b->o_back[i] = 0;
        b->mean[i] = 0.0;
        b->var[i] = 0.0;
        b->lx[i] = b->lxx[i] = b->lxy[i] = 0.0;
        b->cnt[i] = 0;
        b->both_voiced[i] = 0;
        b->coincide[i] = 0;
    }
    b->pos = 0;
    b->count = 0;
    b->o_talk = 0;
    b->clear_count = 0;
    b->prev_own = 0;
    b->prev_st = -1000.0f;
    b->cont_run = 0;
    b->contra = 0.0f;
    b->chances = 0;
    b->clear_db = 0.0f;
    b->measured = 0;
    b->delay_hops = 0;
    b->coupling_db = b->min_coupling_db;
    b->tail_db = -200.0f;
    b->tail_rate_db = b->tail_decay_db;
    b->tail_start_db = -200.0f;
    b->tail_age = 0;
    b->tail_direct_db = -200.0f;
    b->dt_age = BLEED_DT_NEVER;
    b->echo_leak_rem_db = 0.0f;
    early_forget(b);
}

/* Same voice? This channel's pitch a_st within match_st of the other voice's b_st, or of 2, 3
 * or 4 times it, or of half of it. A leak through a telephone band or a loudspeaker loses a low
 * voice's fundamental, and each channel settles pitch doubts by its own speaker's register, so
 * the leak is often read at a harmonic of the other voice's pitch; read an octave under it (the
 * commonest pitch error) too. It is hardly ever read at a third or a quarter of it (a period
 * three or four times the voice's): on the realistic corpus's echo channels 8 of 40000 voiced
 * echo hops were, against 72 hops of the channel's own voice during the other's speech. Taking
 * those ratios for the same voice took a low voice (89 Hz) for the echo of a high one (265 Hz),
 * and taught a leak from a stationary tone at 2.85 times a voice's pitch. */
/* The ratios in semitones: the voice and its harmonics first, the octave under last, so that the
 * first PITCH_AT_OR_OVER of them leave it out. */
static const float ratio_st[] = {0.0f, 12.0f, 19.0196f, 24.0f, -12.0f};   /* 1, 2, 3, 4, 1/2 */
#define PITCH_ALL_RATIOS ((int)(sizeof ratio_st / sizeof ratio_st[0]))
#define PITCH_AT_OR_OVER (PITCH_ALL_RATIOS - 1)

static int same_pitch_ratios(float a_st, float b_st, float match_st, int n_ratios)
{
    if (a_st <= -900.0f || b_st <= -900.0f) return 0;                 /* unvoiced */
    float d = a_st - b_st;
    for (int i = 0; i < n_ratios; i++)
        if (fabsf(d - ratio_st[i]) <= match_st) return 1;
    return 0;
}

static int same_pitch(float a_st, float b_st, float match_st)
{
    return same_pitch_ratios(a_st, b_st, match_st, PITCH_ALL_RATIOS);
}

/* ... at the other voice's pitch or a harmonic of it, not only an octave under it */
static int same_pitch_or_over(float a_st, float b_st, float match_st)
{
    return same_pitch_ratios(a_st, b_st, match_st, PITCH_AT_OR_OVER);
}

/* Before a leak's delay is measured, a pitch is compared with the other voice's over all of
 * 130 ms of delays, where the third and fourth harmonics of a low voice's wandering pitch cover
 * much of a high voice's range: a woman at 300 Hz talking over a man at 100 Hz matched his third
 * harmonic at one delay or another on most hops, and her words were taken for his echo (seed
 * 24 s02: her interruption lost). A pitch in this side's own register is compared then with the
 * other's pitch and its octave above only. (Not before the register is known: a speakerphone's
 * echo before this side has spoken is read at the other's third harmonic too.) Not with the
 * octave under either, where a leak read an octave low would be: a man at 85 Hz talking over a
 * woman at 170 Hz is there, and before any leak was measured his words 5-10 dB under hers were
 * taken for her crosstalk (seed 34 c36, through Opus: his interruption lost). The price: a leak
 * of hers that this channel reads an octave low, in his register, before a leak is measured or
 * seen early (envelope correlation), is his voice too. A steady crosstalk 14 dB under her, so
 * read, was flagged on 51 of 80 hops instead of 80 (a review's scratch test). Seeds 29 and 30:
 * no event gained or lost (in six calls an onset moved by up to 0.2 s, or an interruption ended
 * later); seed 34: three interruptions found; seed 35: one overlap fewer under line echo. */
static int same_pitch_own(float a_st, float b_st, float match_st)
{
    if (a_st <= -900.0f || b_st <= -900.0f) return 0;
    float d = a_st - b_st;
    return fabsf(d) <= match_st || fabsf(d - ratio_st[1]) <= match_st;
}

/* Pitch in semitones (log scale, any reference), or -1000 when unvoiced: computed once per hop
 * so that comparing against 14 delays costs subtractions, not logarithms. */
static float to_st(float f0_hz) { return f0_hz > 0.0f ? 12.0f * log2f(f0_hz) : -1000.0f; }

static int slot(const tm_bleed *b, int lag) /* lag hops back from the newest */
{
    int i = b->pos - lag;
    while (i < 0) i += BLEED_MAX_LAGS;
    return i;
}

/* The other side's voice at a delay: its level there, or none (-200 dB) where the other channel
 * took that hop for this channel's own voice leaking into it. Such a hop carries this side's
 * voice, delayed: leaking back here it would arrive a second loss weaker, so it predicts no leak
 * (and teaches none). Without this, a strong echo of this side in the other channel (a
 * speakerphone) reads as "the other side talking, and this channel following it at a steady
 * loss": this side's own later words are learnt and flagged as that leak. */
static float o_voice(const tm_bleed *b, int lag)
{
    int i = slot(b, lag);
    return b->o_back[i] ? -200.0f : b->o_level[i];
}

/* The level of what talks on the other channel: its hop level less its noise (power). The
 * leak of a voice is predicted from it, not from the hop level: the other side's car or street
 * noise is no voice, and read as one it made this side's softer syllables "leak" (an agent's
 * phrase split three times under a caller's car noise 12 dB over the agent's quiet end). */
static float o_talk(const tm_bleed *b, int lag)
{
    int i = slot(b, lag);
    return b->o_back[i] ? BLEED_NO_VOICE_DB : b->o_vlev[i];
}

/* The other side's pitch at a delay, in semitones, or none (-1000) where the other channel took
 * that hop for this side's leak: that pitch is this side's own, come back. A speakerphone
 * carries this side's voice back at its own pitch, and read as the other voice's it made this
 * side's next words "the other voice's pitch, so its leak" just as the other side cut in. */
static float o_pitch(const tm_bleed *b, int lag)
{
    int i = slot(b, lag);
    return b->o_back[i] ? -1000.0f : b->o_f0[i];
}

static float voice_part_db(float level_db, float noise_db)
{
    if (level_db < noise_db + BLEED_TALK_OVER_NOISE_DB) return BLEED_NO_VOICE_DB;
    return level_db + 10.0f * log10f(1.0f - powf(10.0f, (noise_db - level_db) / 10.0f));
}

static void push_other(tm_bleed *b, float o_level_db, float o_noise_db, float o_f0_hz, int o_leak)
{
    /* the other channel's leak flag is its last decision, of the hop before this one; this
     * hop's own is not known yet and is taken to be the same until it is */
    b->o_back[b->pos] = (signed char)(o_leak != 0);
    b->pos = (b->pos + 1) % BLEED_MAX_LAGS;
    b->o_level[b->pos] = o_level_db;
    b->o_vlev[b->pos] = voice_part_db(o_level_db, o_noise_db);
    b->o_noise_db = o_noise_db;
    b->o_f0[b->pos] = to_st(o_f0_hz);
    b->o_back[b->pos] = (signed char)(o_leak != 0);
    /* A speakerphone's room keeps ringing after the far voice stops (T60 0.3-0.8 s): the echo
     * of a syllable outlasts it by a decay of tail_decay_db per hop, so the echo predicted at
     * the leak delay is carried on along that decay. */
    int at = b->measured ? b->delay_hops : b->early_on ? b->early_delay : 0;
    float direct = o_voice(b, at);
    b->tail_db -= b->tail_rate_db;
    b->tail_age++;
    if (direct > b->tail_db) {
        b->tail_db = b->tail_start_db = direct;
        b->tail_age = 0;
    }
    b->tail_direct_db = direct;
}

/* The room's decay (BLEED_TAIL_*): a profile T60 of 1.2 s keeps the echo of a loud syllable
 * "predicted" for half a second, and in a small room (T60 0.3 s) that takes the other side's
 * answer, 10 dB over the real tail, for echo. */
static void tail_learn(tm_bleed *b, float level_db, float floor_db)
{
    if (!b->measured || b->tail_age < BLEED_TAIL_LEARN_FROM_HOPS ||
        b->tail_age > BLEED_TAIL_LEARN_TO_HOPS || level_db < floor_db + BLEED_LEARN_OVER_FLOOR_DB ||
        b->tail_direct_db >= b->tail_db - BLEED_TAIL_ALONE_DB ||
        b->tail_direct_db - b->coupling_db >= level_db - BLEED_TAIL_ALONE_DB)
        return;
    float rate = (b->tail_start_db - b->coupling_db - level_db) / (float)b->tail_age;
    b->tail_rate_db += rate > b->tail_rate_db ? BLEED_TAIL_UP_DB : -BLEED_TAIL_DOWN_DB;
    if (b->tail_rate_db < b->tail_decay_db) b->tail_rate_db = b->tail_decay_db;
    if (b->tail_rate_db > BLEED_TAIL_MAX_RATE_DB) b->tail_rate_db = BLEED_TAIL_MAX_RATE_DB;
}

/* The delay at which this channel's pitch follows the other voice's to a fraction of a
 * semitone (coincide_st) on BLEED_COINCIDE_SHARE of the hops with both voiced, if there is one,
 * its level difference spreads not much more than there and it is not the delay
 * of the steadiest level difference (*best): then *best becomes it, and 1 is returned. An echo
 * keeps its voice's F0 through a line, a loudspeaker and a codec, so its pitch contour coincides
 * with the other voice's at the echo's delay only; 10 ms off it, a moving contour is off by more.
 * The level difference is the weaker witness where the echo's gain wanders and an AGC pumps the
 * channel: on the realistic corpus's line echo of 188 ms (-6.6 dB, wandering +-3 dB, AGC on
 * both legs; seed 26 c24) its spread was 16 dB^2 at the true delay and 7 dB^2 at 10 ms, where
 * the pitch matched on 18 % of the hops against 60-70 % at 180-200 ms. A voice of this side
 * meets the other's pitch that closely by chance, on a few hops in ten at any delay. */
static int coincide_peak(const tm_bleed *b, int *best)
{
    if (b->coincide_st <= 0.0f) return 0;
    int pk = -1;
    double pk_share = 0.0;
    for (int k = 0; k < b->nlags; k++) {
        if (b->both_voiced[k] < BLEED_MIN_HOPS) continue;
        double share = (double)b->coincide[k] / (double)b->both_voiced[k];
        if (pk < 0 || share > pk_share) { pk = k; pk_share = share; }
    }
    if (pk < 0 || pk_share < BLEED_COINCIDE_SHARE || abs(pk - *best) <= 1) return 0;
    double at_best = b->both_voiced[*best] > 0
                   ? (double)b->coincide[*best] / (double)b->both_voiced[*best] : 0.0;
    if (pk_share < BLEED_COINCIDE_CONTRAST * at_best || b->cnt[pk] < BLEED_MIN_HOPS) return 0;
    /* ... and its spread may exceed the steadiest delay's by BLEED_COINCIDE_MORE_VAR_DB2 at most
     * (also once a leak is measured, when the delay and the loss read there follow this choice:
     * a crosstalk's spread grows with the talk over it, and seed 26 c49's, 23-26 dB^2 at its
     * steadiest delay, read 25-30 at the one its pitch showed) */
    if (b->var[pk] >= b->var[*best] + BLEED_COINCIDE_MORE_VAR_DB2) return 0;
    *best = pk;
    return 1;
}

static void learn(tm_bleed *b, float level_db, float f0_hz, float floor_db, float o_floor_db,
                  int o_talking)
{
    float o_max = -200.0f;
    for (int k = 0; k < b->nlags; k++) {
        float v = o_voice(b, k);
        if (v > o_max) o_max = v;
    }
    /* the other voice at the measured delay (a delay between hops: the loudest of three) */
    float o_at = -200.0f;
    for (int k = b->delay_hops - 1; k <= b->delay_hops + 1; k++)
        if (k >= 0 && k < b->nlags && o_voice(b, k) > o_at) o_at = o_voice(b, k);
    /* Judged at the measured delay, not at the loudest hop of the whole range: in the pauses
     * between syllables the echo of a pause sits at the delay while a syllable sits elsewhere,
     * and a true leak would be "missed" and forgotten again and again. */
    if (b->measured && o_talking && o_at >= o_floor_db + BLEED_TALK_DB &&
        o_at - b->coupling_db >= floor_db + BLEED_SHOWS_DB) {
        /* The measured leak should show here now. If it keeps not showing, it was a
         * coincidence (double-talk at a steady level difference), not a leak: forget it. */
        float miss = level_db < floor_db + BLEED_SILENT_DB ? 1.0f : 0.0f;
        b->contra += BLEED_FORGET_RATE * (miss - b->contra);
        if (++b->chances >= BLEED_FORGET_MIN_CHANCES && b->contra > BLEED_FORGET_MISS_SHARE) {
            for (int k = 0; k < BLEED_MAX_LAGS; k++) {
                b->mean[k] = b->var[k] = 0.0;
                b->lx[k] = b->lxx[k] = b->lxy[k] = 0.0;
                b->cnt[k] = b->both_voiced[k] = b->coincide[k] = 0;
            }
            b->measured = 0;
            b->coupling_db = b->min_coupling_db;
            b->contra = 0.0f;
            b->chances = 0;
        }
    }
    if (o_talking && o_max >= o_floor_db + BLEED_TALK_DB && level_db < floor_db + BLEED_SILENT_DB) {
        /* The other side talks and nothing shows here: any leak is weaker than this gap. The
         * 80th percentile of these gaps (a stochastic quantile, 0.25 dB steps) is the loss that
         * a leak would need to have stayed unseen. */
        float gap = o_max - floor_db - BLEED_SILENT_DB;
        if (b->clear_count++ == 0) b->clear_db = gap;
        else b->clear_db += gap > b->clear_db ? BLEED_CLEAR_UP_DB : -BLEED_CLEAR_DOWN_DB;
    }
    /* the leak must stand clear of this channel's noise, or the difference measures the noise */
    if (level_db < floor_db + BLEED_LEARN_OVER_FLOOR_DB) return;
    float st = to_st(f0_hz);
    int used = 0, best = -1;
    for (int k = 0; k < b->nlags; k++) {
        float ref = o_voice(b, k);
        /* Each delay learns from hops where its own reference hop is clearly speech and not
         * much quieter than this channel (BLEED_MAX_GAIN_DB): at the true delay the difference
         * is then the steady leak loss, at the wrong ones it jumps with every syllable. */
        float gate = -BLEED_MAX_GAIN_DB;     /* the least loss learnt from (BLEED_MAX_GAIN_DB) */
        if (b->cnt[k] > BLEED_HUBER_AFTER) {
            gate = (float)b->mean[k] - (float)BLEED_HUBER_DB;
            if (gate > BLEED_LEARN_MIN_LOSS_DB) gate = BLEED_LEARN_MIN_LOSS_DB;
            if (gate < -BLEED_MAX_GAIN_DB) gate = -BLEED_MAX_GAIN_DB;
        }
        if (ref < o_floor_db + BLEED_TALK_DB || ref - level_db < gate) continue;
        if (st > -900.0f && b->o_f0[slot(b, k)] > -900.0f) {
            b->both_voiced[k]++;
            if (fabsf(st - b->o_f0[slot(b, k)]) < b->coincide_st) b->coincide[k]++;
        }
        /* ... and where this channel carries the other voice's pitch: a leak is that voice,
         * while double-talk at a steady level difference is another voice. */
        if (!same_pitch(st, b->o_f0[slot(b, k)], b->pitch_match_st)) continue;
        used = 1;
        b->cnt[k]++;
        double a = 1.0 / (double)b->cnt[k];
        if (a < 1.0 / BLEED_MEAN_HOPS) a = 1.0 / BLEED_MEAN_HOPS;
        double dm = (double)ref - level_db - b->mean[k];
        /* Double-talk and noise give outliers; clipping them at 6 dB (a Huber-style update)
         * bounds what a burst of them can do to the mean and keeps the variance under 36 dB^2,
         * while a real change of the leak still moves the mean within seconds. */
        if (b->cnt[k] > BLEED_HUBER_AFTER)
            dm = dm > BLEED_HUBER_DB ? BLEED_HUBER_DB : dm < -BLEED_HUBER_DB ? -BLEED_HUBER_DB : dm;
        /* the loss against the voice's level, for compress() */
        double dx = (double)ref - b->lx[k];
        b->lx[k] += a * dx;
        b->lxx[k] = (1.0 - a) * (b->lxx[k] + a * dx * dx);
        b->lxy[k] = (1.0 - a) * (b->lxy[k] + a * dx * dm);
        b->mean[k] += a * dm;
        b->var[k] = (1.0 - a) * (b->var[k] + a * dm * dm);
    }
    if (!used) return;
    b->count++;
    for (int k = 0; k < b->nlags; k++)
        if (b->cnt[k] >= BLEED_MIN_HOPS && (best < 0 || b->var[k] < b->var[best])) best = k;
    if (best < 0) return;
    int by_pitch = coincide_peak(b, &best);
    /* A leak is the other voice: at its delay nearly every hop where both sides are voiced
     * carries the other's pitch, while another talker matches it only by chance (one of four
     * harmonic ratios within the match). */
    int same_voice = b->cnt[best] >= BLEED_SAME_VOICE * (double)b->both_voiced[best];
    /* A leak has a steady loss, a spread of a few dB, and is not much louder than its voice. */
    double max_var = by_pitch ? BLEED_COINCIDE_MAX_VAR_DB2 : BLEED_MAX_VAR_DB2;
    if (b->var[best] < max_var && b->mean[best] - sqrt(b->var[best]) >= -BLEED_MAX_GAIN_DB &&
        same_voice)
        b->measured = 1;
    if (b->measured) {
        b->delay_hops = best;
        /* The mean is the loss; taking a standard deviation or more off it (as this once did)
         * predicts the echo louder than it is and swallows real double-talk. The margin of the
         * decision absorbs the spread. */
        b->coupling_db = (float)(b->mean[best] - 0.5 * sqrt(b->var[best]));
    }
}

/* A measured leak's loss is one figure, but a clipped speakerphone compresses its echo: the echo
 * of the other voice's quieter syllables comes back relatively louder, over the leak predicted
 * from the mean loss, and became this side's "uh-huh"s (seed 62 s11: the echo's level rose
 * 0.49 dB per dB of the voice's at the delay, with a spread of 3.9 dB around that line against
 * 5.6 dB around a constant loss; 52 c55 0.57 dB per dB, 3.9 against 5.1 dB; speakerphone calls
 * whose echo is barely clipped 0.83-0.87, a constant loss fitting as well). So the loss's slope
 * on the voice's level is learnt at each delay from the hops the loss is learnt from (read once
 * the voice's level there has varied, BLEED_COMPRESS_MIN_VAR_DB2), and for a voice quieter than
 * its mean there the loss is that much smaller. Only that way: applied to louder syllables too
 * (a larger loss, less leak predicted), the slope, which the loss's gate and double-talk bias
 * up, added 3 false overlaps and 3 false "uh-huh"s on seeds 47-52 for 3 overlaps and 1 "uh-huh"
 * found. Returns how much smaller the loss is for the voice at level o_db, dB. */
#define BLEED_COMPRESS_MIN_VAR_DB2 4.0
static float compress(const tm_bleed *b, float o_db)
{
    int k = b->delay_hops;
    if (b->compress_max <= 0.0f || k < 0 || k >= BLEED_MAX_LAGS || b->lxx[k] < BLEED_COMPRESS_MIN_VAR_DB2)
        return 0.0f;
    double slope = b->lxy[k] / b->lxx[k], under = b->lx[k] - (double)o_db;
    if (slope <= 0.0 || under <= 0.0) return 0.0f;
    if (slope > b->compress_max) slope = b->compress_max;
    return (float)(slope * under);
}

/* The early leak. A strong echo (a speakerphone) is as loud as the voice it echoes, so the
 * level model's assumed loss (bleed_min_coupling_db) takes it for speech until the leak is
 * measured, which needs seconds of one-sided speech with matching pitch. Its envelope, though,
 * is the other side's envelope at a fixed delay from the first syllable on: per delay, the
 * correlation of the two channels' levels over their floors (hops where either is on) finds it
 * within the first second or so of the other side talking, and the mean loss where both are on
 * and this channel carries the other voice's pitch gives its strength (the decision's margin
 * absorbs its spread). Another talker's envelope does not follow the other side's at any one
 * delay. Used only until the leak is measured. */
static void early_learn(tm_bleed *b, float level_db, float f0_hz, float floor_db, float o_floor_db)
{
    if (b->measured || b->early_corr_min >= 1.0f) {
        b->early_on = 0;
        return;
    }
    double x = level_db - floor_db;
    if (x < 0.0) x = 0.0;
    float st = to_st(f0_hz);
    int best = -1;
    double best_r = 0.0;
    for (int k = 0; k < b->nlags; k++) {
        double y = o_voice(b, k) - o_floor_db;
        if (y < 0.0) y = 0.0;
        if (x >= BLEED_SILENT_DB || y >= BLEED_TALK_DB) {
            b->ec_n[k] += 1.0;
            double a = b->ec_n[k] < BLEED_EARLY_HOPS ? 1.0 / b->ec_n[k] : 1.0 / BLEED_EARLY_HOPS;
            b->ec_x[k] += a * (x - b->ec_x[k]);
            b->ec_y[k] += a * (y - b->ec_y[k]);
            b->ec_xx[k] += a * (x * x - b->ec_xx[k]);
            b->ec_yy[k] += a * (y * y - b->ec_yy[k]);
            b->ec_xy[k] += a * (x * y - b->ec_xy[k]);
            /* the loss only where this hop carries the other voice's pitch at that delay:
             * double-talk (another pitch) would read as a smaller loss */
            if (x >= BLEED_LEARN_OVER_FLOOR_DB && y >= BLEED_TALK_DB &&
                same_pitch(st, b->o_f0[slot(b, k)], b->pitch_match_st)) {
                b->ec_dn[k]++;
                double d = o_voice(b, k) - level_db;
                double ad = b->ec_dn[k] < BLEED_EARLY_HOPS ? 1.0 / (double)b->ec_dn[k]
                                                           : 1.0 / BLEED_EARLY_HOPS;
                b->ec_d[k] += ad * (d - b->ec_d[k]);
            }
        }
        if (b->ec_n[k] < BLEED_EARLY_MIN_HOPS || b->ec_dn[k] < BLEED_EARLY_MIN_BOTH) continue;
        double vx = b->ec_xx[k] - b->ec_x[k] * b->ec_x[k];
        double vy = b->ec_yy[k] - b->ec_y[k] * b->ec_y[k];
        double cv = b->ec_xy[k] - b->ec_x[k] * b->ec_y[k];
        if (vx <= 1e-9 || vy <= 1e-9) continue;
        double r = cv / sqrt(vx * vy);
        if (best < 0 || r > best_r) { best = k; best_r = r; }
    }
    b->early_corr = best >= 0 ? (float)best_r : 0.0f;
    /* once in sight it is kept a little under the threshold: double-talk (this side's own
     * voice) lowers the correlation at the leak's delay for a while */
    float need = b->early_corr_min - (b->early_on ? BLEED_EARLY_KEEP : 0.0f);
    b->early_on = best >= 0 && best_r >= need;
    /* ... but a channel clearly louder than the other side at that delay is the talker whose
     * echo the other side carries, not the echo: its envelope leads the other's by the delay
     * and its own speech follows itself there (the direction the leak does not go) */
    if (b->early_on && b->ec_d[best] < BLEED_EARLY_TALKER_DB) b->early_on = 0;
    if (b->early_on) {
        b->early_delay = best;
        /* a reverberant, clipped echo may read louder than the voice at the delay (down to
         * BLEED_EARLY_TALKER_DB, above) */
        b->early_coupling_db = (float)b->ec_d[best];
    }
}

static int decide(const tm_bleed *b, float level_db, float floor_db, float f0_hz, int echo_known,
                  float echo_removed_db, int *own_pitch, int *echo_pitch, int *by_track)
{
    *by_track = 0;
    float pred = -200.0f;
    /* Before a leak is measured, one is assumed at the delays of a headset or a hybrid (up to
     * 130 ms): assuming it over the whole search range (up to 500 ms for a speakerphone on a
     * long line) would take a talker's own answer right after the other stops for echo. */
    int lo = 0, hi = b->nlags - 1 < BLEED_PRIOR_LAGS ? b->nlags - 1 : BLEED_PRIOR_LAGS;
    int known = b->measured || b->early_on;
    int delay = b->measured ? b->delay_hops : b->early_delay;
    if (known) {
        lo = delay > 0 ? delay - 1 : 0;
        hi = delay + 1 < b->nlags ? delay + 1 : b->nlags - 1;
    }
    /* Until a leak is measured, assume the strongest one still plausible: a voice that much
     * quieter than the other side is taken for its echo, unless its pitch says otherwise. */
    float coupling = b->min_coupling_db;
    if (b->measured) coupling = b->coupling_db;
    else if (b->early_on) coupling = b->early_coupling_db;
    else if (b->clear_count >= BLEED_CLEAR_MIN_HOPS && b->clear_db - BLEED_SILENT_DB > coupling)
        coupling = b->clear_db - BLEED_SILENT_DB;
    /* The other side's noise leaks too: where a measured leak brings it here over this side's
     * floor (a speakerphone's echo of a car), it is predicted from the whole hop level. */
    int noise_heard = b->measured && b->o_noise_db - coupling >= floor_db;
    for (int k = lo; k <= hi; k++) {
        float v = noise_heard ? o_voice(b, k) : o_talk(b, k);
        if (v > pred) pred = v;
    }
    /* the prediction is the room's tail, not the voice at the delay (1 dB: clearly over it) */
    int from_tail = known && b->tail_db > pred + BLEED_TAIL_OVER_DB;
    if (known && b->tail_db > pred) pred = b->tail_db;
    if (b->measured && !from_tail) coupling -= compress(b, pred);
    float excess = level_db - (pred - coupling);
    /* voiced, with a pitch that is not the other voice's around the delay */
    int another_pitch = 0, octave_under = 0;
    if (f0_hz > 0.0f) {
        float st = to_st(f0_hz);
        another_pitch = 1;
        int o_voiced = 0, over = 0;
        int own = !known && b->talker_st > -900.0f && fabsf(st - b->talker_st) <= b->own_st;
        for (int k = lo; k <= hi; k++) {
            if (o_pitch(b, k) > -900.0f) o_voiced = 1;
            /* in this side's register only the other's pitch and its octave above match, so
             * such a hop is never octave_under */
            int same = own ? same_pitch_own(st, o_pitch(b, k), b->pitch_match_st)
                           : same_pitch(st, o_pitch(b, k), b->pitch_match_st);
            if (same) another_pitch = 0;
            if (own ? same : same_pitch_or_over(st, o_pitch(b, k), b->pitch_match_st)) over = 1;
        }
        /* the other voice unvoiced at the delay: the room's tail carries its pitch from the hops
         * before (BLEED_TAIL_PITCH_MS) */
        if (known && !o_voiced && another_pitch && delay >= b->tail_min_delay)
            for (int k = hi + 1; k <= hi + b->tail_pitch_hops; k++) {
                if (same_pitch(st, o_pitch(b, k), b->pitch_match_st)) another_pitch = 0;
                if (same_pitch_or_over(st, o_pitch(b, k), b->pitch_match_st)) over = 1;
            }
        /* the other voice's pitch only an octave under it (see the canceller's rule below) */
        octave_under = !another_pitch && !over;
    }
    /* A voice of this side under the leak beyond doubt: voiced, at a pitch the other voice had
     * at no delay of the whole range searched (an echo arrives a hop or two off the measured
     * delay at an onset, and its tail carries older pitches), with the leak predicted within
     * the margin of the hop (a voice clear over its echo needs no help). The double-talk
     * hangover (tmi_bleed_update) starts only from such a hop: from any hop whose pitch was
     * not the other's at the delay it also kept echo onsets as this side's voice. */
    *own_pitch = 0;
    *echo_pitch = f0_hz > 0.0f && !another_pitch;
    if (another_pitch && b->measured) {
        float st = to_st(f0_hz);
        int o_voiced = 0, match = 0;
        for (int k = 0; k < b->nlags + b->tail_pitch_hops && k < BLEED_MAX_LAGS - 1; k++) {
            if (o_pitch(b, k) > -900.0f) o_voiced = 1;
            if (same_pitch(st, o_pitch(b, k), b->pitch_match_st)) match = 1;
        }
        *own_pitch = o_voiced && !match && excess < b->margin_db;
    }
    /* ... and at least as loud as the predicted leak: another voice. Before any leak is known
     * the prediction is only the strongest plausible one (min_coupling_db under the loudest
     * hop of the other side within 130 ms), so a pitch unlike the other voice's counts down to
     * margin_db under it too. Else the first words of a caller who had not spoken alone yet,
     * cutting in 4 dB over the agent, made the agent's own words under them (95 Hz against
     * 140 Hz, on a line whose crosstalk is -59 dB) leak: no interruption (seed 20 c00). Only at
     * the talker's own level (within speech_strong_rel_db of it): a neighbour's voice in the
     * babble behind the agent, at another pitch, was the other such hops, and as speech it made
     * false interruptions (seed 20 babble precision 0.61 -> 0.50). */
    float voice_from_db = known || b->near_db <= 0.0f || level_db < b->talker_db - b->near_db
                          ? 0.0f : -b->margin_db;
    /* Before a leak is measured, a voiced hop that goes on this side's voice of the hop before
     * (its pitch within continue_st) is that voice, unless its pitch is the other voice's
     * itself: a leak's pitch is the other voice's, and matches this side's track only where
     * the two voices stand a harmonic apart, which same_pitch cannot tell from a leak read at
     * a harmonic. A caller an octave over the agent (285 Hz against 143) ended 0.17 s early
     * where the agent came in 12 dB louder, the assumed leak taking the tail of her words
     * (seed 51 c26: their overlap lost). Not once a leak is measured: then the level model
     * knows the leak, and a speakerphone's echo captured by such a chain follows its own
     * smooth pitch track (on seeds 49-52 that way: 7 more false overlaps and 9 more false
     * backchannels, under speaker echo and the speakerphone). For hangover_ms at most: the
     * level does not vouch for such hops (her tail was 10-18 dB under her level), and a
     * neighbour's voice in the babble that happened to take up her pitch would otherwise be
     * carried on for as long as it kept a smooth track. */
    int continues = 0;
    if (!known && b->continue_st > 0.0f && b->cont_run < b->cont_max_hops && f0_hz > 0.0f && b->prev_own &&
        fabsf(to_st(f0_hz) - b->prev_st) <= b->continue_st) {
        continues = 1;
        for (int k = lo; k <= hi; k++)
            if (fabsf(to_st(f0_hz) - o_pitch(b, k)) <= b->pitch_match_st) continues = 0;
    }
    int plain_voice = excess >= voice_from_db && another_pitch;
    int other_voice = plain_voice || continues;
    if (!b->echo_on) echo_known = 0;
    if (echo_known && echo_removed_db >= b->echo_removed_min_db &&
        (!other_voice || !b->measured || echo_removed_db >= b->echo_removed_sure_db)) {
        /* The canceller took most of this hop away: it was the other voice, whatever the level
         * model (which under-reads a reverberant or wandering echo) predicted. A canceller that
         * has not converged adds energy rather than removing it, so this holds from the start.
         * Once the leak's delay is known, a pitch that is not the other voice's at that delay
         * still marks a voice of its own under the echo (double-talk), unless the canceller
         * took so much (echo_removed_sure_db) that no voice of its own can be in the hop. */
        return 1;
    }
    if (echo_known == 2 && b->measured && !from_tail && (another_pitch || octave_under) &&
        b->echo_dt_voice_db > 0.0f && echo_removed_db < b->echo_dt_voice_db) {
        /* Double-talk under a strong leak: the level model predicts the leak from the other
         * side's level at the delay, and a voice of this side quieter than that prediction is
         * taken for leak. But where the converged canceller takes (almost) nothing from the hop,
         * the hop is not that leak (at most half of it was: echo_dt_voice_db = 3 dB), and its
         * pitch is another voice's: this side talks. The leak predicted was not there (an AGC
         * on this channel pulls the echo down under this side's own voice; the other side's
         * syllable at the delay was a quiet one). Not where the prediction is the room's tail:
         * a reverberant echo carries the pitch of syllables older than the delay.
         * A pitch an octave under the other voice's (and not at it or a harmonic) counts as
         * another voice here: same_pitch takes it for the leak read an octave low, but so reads
         * a second voice an octave lower (a man answering a woman), and the canceller, which
         * takes an echo's energy however its pitch reads, tells the two apart. On the realistic
         * corpus's (seed 13) echo calls, 56 converged-canceller echo hops matched the other
         * voice only an octave under, 13 of them with under 3 dB removed, against 198 hops of
         * this side's own voice in double-talk, 109 of them with under 3 dB removed. */
        return 0;
    }
    if (echo_known == 2 && echo_removed_db < b->echo_dt_max_db && excess >= 0.0f &&
        b->echo_leak_rem_db >= b->echo_removed_min_db) {
        /* Double-talk whatever the pitch: the hop is as loud as the leak predicted, the
         * converged canceller took under echo_dt_max_db (4 dB) of it, and on this channel it
         * takes echo_removed_min_db or more from what is leak (echo_leak_rem_db). Two talkers in
         * one register (a man answering a man over a speakerphone) have no pitch to tell them
         * by, and the caller's "uh-huh" under the agent's echo was leak (seed 35 s05: each of its
         * three backchannels). On the development corpora's speaker-echo channels, of the
         * converged hops 0-6 dB over the predicted leak, 798 of 14421 echo hops and 1840 of 3719
         * double-talk hops lost under 1 dB to the canceller. Not where the canceller shows no
         * echo path (a leak "measured" from babble that follows the other side's turns, seed 35
         * c41: the canceller takes nothing from babble, and the rule without echo_leak_rem_db
         * made babble the caller's speech: 3 false interruptions on seeds 34 and 35). Not under
         * the predicted leak: there, a canceller that took little is an echo it models badly
         * (clipped, wandering); this rule from -bleed_margin_db (as it was before session 21,
         * off) added false interruptions on echo calls. echo_dt_max_db 1, 2, 4 and 6 dB on seeds
         * 29, 30, 34 and 35: 6 added a false interruption and a false raised voice, 4 none.
         * Also where the prediction is the room's tail, unlike the pitch rule below: excluding
         * it (the canceller models 320 ms of a reverberation that lasts a second) lost an
         * interruption and two overlaps under speaker echo on seed 35 (c55). The price: 50 ms of
         * an echo's tail that the canceller took 0 dB or less from opened a caller's first words
         * 0.5 s early (seed 37 s03, a false interruption).
         * (echo_dt_max_db -10 is off: the canceller's cue is clamped at ECHO_MIN_DB = -10.) */
        return 0;
    }
    /* Before any leak is known, a voiced hop at this talker's own level (no further than near_db
     * under it) and in their own register is not leak: the assumed leak is the strongest one
     * still plausible, and a voice that reaches the talker's own level and pitch is the talker.
     * Two talkers in one register have no other pitch to tell them by, and the agent's last
     * words under a caller's first ones (both men at 93 Hz, the caller 8 dB louder, crosstalk
     * -56 dB) were taken for the caller's leak: the caller's interruption became the agent's
     * backchannel (seed 30 c40). Babble under the talker stays under near_db. On seeds 29-38
     * and 41-44: 11 more interruptions found, 1 false fewer; 27 more overlaps, 16 false fewer.
     * The exposure: a real echo of a voice in this talker's register that reaches their level
     * (a speakerphone's) is their voice for its first half second or so, until the early leak
     * (early_learn) has seen enough of it to be known; no more false events came of it on the
     * speaker-echo and -6 dB speakerphone calls of those seeds. Not with a level set by a
     * sparse warm-up: that may be the babble's own level and register, and the babble behind a
     * caller who had not spoken yet was their voice under the agent's (sealed seed 49 c51: two
     * false interruptions). */
    if (!known && b->talker_sure && b->near_db > 0.0f && b->own_st > 0.0f &&
        level_db >= b->talker_db - b->near_db && f0_hz > 0.0f && b->talker_st > -900.0f &&
        fabsf(to_st(f0_hz) - b->talker_st) <= b->own_st)
        return 0;
    if (excess >= b->margin_db) return 0;
    if (other_voice) {
        *by_track = !plain_voice;
        return 0;
    }
    return 1;
}

int tmi_bleed_update(tm_bleed *b, const tmi_hop *h, const tmi_hop *o, int o_talking, int o_leak)
{
    push_other(b, o->level_db, o->noise_mean_db, o->f0_hz, o_leak);
    learn(b, h->level_db, h->f0_hz, h->floor_db, o->floor_db, o_talking);
    early_learn(b, h->level_db, h->f0_hz, h->floor_db, o->floor_db);
    tail_learn(b, h->level_db, h->floor_db);
    int own_pitch = 0, echo_pitch = 0, by_track = 0;
    int leak = h->cand && decide(b, h->level_db, h->floor_db, h->f0_hz, h->echo_known,
                                 h->echo_removed_db, &own_pitch, &echo_pitch, &by_track);
    if (b->dt_age < BLEED_DT_NEVER) b->dt_age++;
    /* Double-talk hangover. A voice of this side under a loud echo is told by its pitch, but in
     * the mixture the pitch tracker finds it on a few hops only: on the others it reads the
     * echo's pitch or none, and the level model takes those hops for leak, so that a caller
     * cutting in under a speakerphone's echo falls apart into fragments (a backchannel, not an
     * interruption). On the realistic corpora's (seeds 13, 18, 19) echo channels, of the hops
     * taken for leak that were in fact this side's voice, half lost under 2 dB to the
     * converged canceller, against one echo hop in eleven; within 200 ms of a hop of its own
     * pitch, 3142 such hops of its voice against 1556 of echo. So: a hop from which the
     * converged canceller took under echo_dt_hold_db, within echo_dt_hold_ms of a hop of this
     * side's own voice under the leak, is still that voice. The hangover starts only at a hop
     * beyond doubt (own_pitch in decide(), also taken little from: a pitch error on an echo
     * the canceller removes well starts nothing), and is not renewed by the hops it keeps, so
     * that it cannot run on through an echo the canceller fails on. Not a hop at the other
     * voice's pitch: that is its echo, which the canceller takes little from at an onset (kept,
     * a caller's last word ran on into the agent's answer: a false interruption in the
     * synthetic -6 dB leak's sweep, and on four realistic calls). */
    int took_little = b->dt_hold_hops > 0 && b->echo_on && h->echo_known == 2 &&
                      h->echo_removed_db < b->dt_hold_db;
    if (h->cand && !leak && own_pitch && took_little) b->dt_age = 0;
    if (leak && took_little && b->dt_age <= b->dt_hold_hops && !echo_pitch) leak = 0;
    /* What the canceller takes from the leak, from the hops that are leak in the end. Not from
     * those the double-talk rule made this side's: counted, a caller talking over the agent's
     * echo for 1.2 s brought the median under echo_removed_min_db and the rule stopped in the
     * middle of their words. The price: an echo path that changes without the canceller
     * starting again leaves the median to fall through the hops under the predicted leak only,
     * and for that while (0.8 s in a review's scratch test) echo as loud as predicted that it
     * takes little from is this side's voice. A canceller that starts again (speexdsp's
     * divergence test, echo_known 1) has shown nothing yet. (A leak measured anew keeps it: it
     * describes the canceller, not the level model.) */
    if (h->echo_known == 1) b->echo_leak_rem_db = 0.0f;
    if (leak && h->echo_known == 2 && b->measured)
        b->echo_leak_rem_db += h->echo_removed_db > b->echo_leak_rem_db ? BLEED_REM_STEP_DB
                                                                        : -BLEED_REM_STEP_DB;
    b->prev_own = h->cand && !leak && h->f0_hz > 0.0f;
    b->prev_st = to_st(h->f0_hz);
    b->cont_run = b->prev_own && by_track ? b->cont_run + 1 : 0;
    return leak;
}

void tmi_bleed_talker(tm_bleed *b, float level_db, float register_hz, int sure)
{
    b->talker_sure = sure;
    b->talker_db = level_db;
    b->talker_st = to_st(register_hz);
}

int tmi_bleed_known(const tm_bleed *b) { return b->measured || b->early_on; }
