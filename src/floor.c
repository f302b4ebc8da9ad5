/* src/floor.c -- adaptive noise floor of one channel (minimum statistics, after R. Martin,
 * "Noise power spectral density estimation based on optimal smoothing and minimum statistics",
 * IEEE TSAP 2001, reduced to broadband hop levels).
 *
 * The floor is the lowest hop level seen over the last window (default 3 s), kept as the minima
 * of six sub-windows so that it rises again within half a second of the window once the noise
 * gets louder, and drops at once when it gets quieter. Speech has pauses between phrases and
 * stop closures, so its minimum over 3 s is the noise under it, not the voice. A hop level at the
 * minimum of white noise sits about 1.5 dB under its mean: the speech margin absorbs that. */
#include "floor.h"

void floor_init(tm_floor *f, int window_hops, float init_db)
{
    f->sub_hops = window_hops / FLOOR_SUBWINDOWS;
    if (f->sub_hops < 1) f->sub_hops = 1;
    f->init_db = init_db;
    floor_reset(f);
}

void floor_reset(tm_floor *f)
{
    /* Until a window has passed, assume a quiet line: a loud noise then reads as active for a
     * few seconds, but it is not voiced, so it never confirms speech. */
    for (int i = 0; i < FLOOR_SUBWINDOWS; i++) f->sub_min[i] = f->init_db;
    f->cur_min = 1e9f;
    f->cur_count = 0;
    f->pos = 0;
    f->floor_db = f->init_db;
}

float floor_update(tm_floor *f, float level_db)
{
    if (level_db < f->cur_min) f->cur_min = level_db;
    if (++f->cur_count >= f->sub_hops) {
        f->sub_min[f->pos] = f->cur_min;
        f->pos = (f->pos + 1) % FLOOR_SUBWINDOWS;
        f->cur_min = 1e9f;
        f->cur_count = 0;
    }
    float m = f->cur_min;
    for (int i = 0; i < FLOOR_SUBWINDOWS; i++)
        if (f->sub_min[i] < m) m = f->sub_min[i];
    f->floor_db = m;
    return m;
}
