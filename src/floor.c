/* src/floor.c -- adaptive noise floor of one channel (minimum statistics, after R. Martin,
 * "Noise power spectral density estimation based on optimal smoothing and minimum statistics",
 * IEEE TSAP 2001, reduced to broadband hop levels).
 *
 * The minimum is the lowest hop level seen over the last window (default 3 s), kept as the
 * minima of six sub-windows so that it rises again within half a second of the window once the
 * noise gets louder, and drops at once when it gets quieter. Speech has pauses between phrases
 * and stop closures, so its minimum over 3 s is the noise under it, not the voice.
 *
 * A minimum under-reads the noise: by about 2 dB for steady hiss, but by 6-10 dB for noise whose
 * level fluctuates (babble, traffic, keyboard), so "minimum + margin" sits at the median of such
 * noise and half of its hops would look active. Martin corrects the minimum by a bias that grows
 * with the variance of the estimate; here the correction is measured directly: the running mean
 * level (one-second time constant) of the hops not over that mean by speech_over_mean_db,
 * bounded to [minimum, minimum + bias_max_db] so that a talker who never pauses cannot lift it.
 *
 * Digital silence (zeroed packets of a lossy line, a muted leg) is not noise: those hops are
 * skipped, or one lost packet would drag the floor to -120 dBFS for a whole window and every
 * hiss would read as speech. */
#include "floor.h"
#include <math.h>

/* A sub-window with no hop yet. */
#define FLOOR_UNKNOWN_DB 1e9f
/* One-second time constant of the noise mean at 100 hops/s. */
#define FLOOR_MEAN_ALPHA 0.01f

void tmi_floor_init(tm_floor *f, const tm_config *cfg, int hops_per_s)
{
    f->sub_hops = (int)lrintf(cfg->floor_window_s * (float)hops_per_s) / FLOOR_SUBWINDOWS;
    if (f->sub_hops < 1) f->sub_hops = 1;
    f->init_db = cfg->speech_min_level_db;
    f->digital_db = cfg->floor_digital_db;
    f->bias_max_db = cfg->floor_bias_max_db;
    f->margin_db = cfg->speech_over_mean_db;
    tmi_floor_reset(f);
}

void tmi_floor_reset(tm_floor *f)
{
    /* Until a window has passed, the minimum is that of the hops seen so far. Assuming a quiet
     * line instead made every hop of a loud noise active for the first window, and car and street
     * noise has voiced hops (engine harmonics, a horn) that confirmed "speech" there (measured:
     * 36 of 290 false segments of the realistic corpora lay in a call's first 3 s). Until the
     * first hop nothing is known and the floor is init_db. */
    for (int i = 0; i < FLOOR_SUBWINDOWS; i++) f->sub_min[i] = FLOOR_UNKNOWN_DB;
    f->cur_min = FLOOR_UNKNOWN_DB;
    f->cur_count = 0;
    f->pos = 0;
    f->sound = f->muted_start = 0;
    f->min_db = f->mean_db = f->floor_db = f->init_db;
}

/* A lost packet that the line zeroed rarely lies on a hop: most hops it touches keep a few
 * milliseconds of the noise around it, at a level 15-40 dB under that noise and over
 * floor_digital_db, and each such hop dragged the floor down for a window (a caller's mains hum,
 * 24 dB under their voice, then read as speech before their first words: seed 24 c17, 7.6 % of
 * packets lost). A hop whose longest run of exact zeros is FLOOR_LOST_FRAC of it or more is
 * such a hop. Noise quantised by a codec has scattered zero samples, never 4 ms of them in a
 * row. */
#define FLOOR_LOST_FRAC 0.4f

int tmi_floor_lost(const float *x, int n)
{
    /* a run of at least m zeros holds one of the samples m apart: none zero, no such run (the
     * common case, three reads a hop at 16 kHz) */
    int m = (int)(FLOOR_LOST_FRAC * (float)n), probe = 0;
    if (m < 1) m = 1;
    for (int i = 0; i < n && !probe; i += m) probe = x[i] == 0.0f;
    if (!probe) return 0;
    int run = 0, longest = 0;
    for (int i = 0; i < n; i++) {
        run = x[i] == 0.0f ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    return n > 0 && (float)longest >= FLOOR_LOST_FRAC * (float)n;
}

/* A leg that was digitally silent before its first sound (a muted leg, a recording started
 * before the party was connected, a clean digital line) first sounds with the talker's voice as
 * often as with noise, and a voice that starts on a loud syllable has no quieter hop in its first
 * words: the minimum of the hops so far was that syllable, and the gate held the talker's first
 * phrase under it. Missed, that phrase became the background the talker's next phrases were
 * judged against, and those were withdrawn as another voice for 7 s (tonemon synth --seed 12
 * started 5 ms later; which hop phase the start fell on decided it). So for the first sub-window
 * of sound after such a start the floor is no higher than the quiet line's init_db; noise that
 * starts there is measured from the second sub-window on, as from a call's first hop. */
void tmi_floor_update(tm_floor *f, const tmi_hop *h)
{
    float level_db = h->level_db;
    if (level_db < f->digital_db || h->lost) {
        if (!f->sound) f->muted_start = 1;
        return;   /* the estimates stay as they were */
    }
    f->sound = 1;
    if (level_db < f->cur_min) f->cur_min = level_db;
    if (++f->cur_count >= f->sub_hops) {
        f->sub_min[f->pos] = f->cur_min;
        f->pos = (f->pos + 1) % FLOOR_SUBWINDOWS;
        f->cur_min = FLOOR_UNKNOWN_DB;
        f->cur_count = 0;
        f->muted_start = 0;
    }
    float m = f->cur_min;
    for (int i = 0; i < FLOOR_SUBWINDOWS; i++)
        if (f->sub_min[i] < m) m = f->sub_min[i];
    if (m >= FLOOR_UNKNOWN_DB || (f->muted_start && m > f->init_db)) m = f->init_db;
    f->min_db = m;
    if (level_db < f->mean_db + f->margin_db) f->mean_db += FLOOR_MEAN_ALPHA * (level_db - f->mean_db);
    if (f->mean_db < m) f->mean_db = m;
    if (f->mean_db > m + f->bias_max_db) f->mean_db = m + f->bias_max_db;
    f->floor_db = m;
}
