/* src/gate.c -- the level gate of one channel.
 *
 * A hop could be speech when its level clears the noise floor by the speech margin, the
 * bias-corrected noise mean by speech_over_mean_db, and the absolute minimum. The pitch tracker
 * costs most of the pipeline, so it runs only where the level could be speech, own or leaked,
 * and during hold music, whose notes must go on being heard once the floor has risen to them.
 * Tones are looked for only where a hop could be speech: a tone that matters is loud. */
#include "gate.h"

/* Pitch is also wanted a little under the speech margin: a leak or a soft onset sits just
 * under it, and the leak stage and the music detector need their F0 too. */
#define GATE_PITCH_SLACK_DB 3.0f
/* The 40 ms pitch window reaches 20 ms either side: a hop this much quieter than its loudest
 * neighbour (a stop closure, the silence after a word) would only borrow their periodicity. */
#define GATE_PITCH_DIP_DB 15.0f
#define GATE_PITCH_REACH_HOPS 2

void tmi_gate_init(tm_gate *g, const tm_config *cfg, int hops_per_s)
{
    (void)hops_per_s;
    g->margin_db = cfg->speech_margin_db;
    g->min_level_db = cfg->speech_min_level_db;
    g->over_mean_db = cfg->speech_over_mean_db;
    tmi_gate_reset(g);
}

void tmi_gate_reset(tm_gate *g)
{
    for (int i = 0; i < GATE_RING; i++) g->lev[i] = -120.0f;   /* silence before the stream */
}

int tmi_gate_push(tm_gate *g, int64_t m, float level_db, float floor_db)
{
    g->lev[m % GATE_RING] = level_db;
    return level_db >= floor_db + g->margin_db && level_db >= g->min_level_db;
}

int tmi_gate_update(const tm_gate *g, const tmi_hop *h)
{
    return h->level_db >= h->floor_db + g->margin_db && h->level_db >= g->min_level_db &&
           h->level_db >= h->noise_mean_db + g->over_mean_db;
}

int tmi_gate_pitch(const tm_gate *g, const tmi_hop *h, int held)
{
    if (!(h->level_db >= h->floor_db + g->margin_db - GATE_PITCH_SLACK_DB || held) ||
        h->level_db < g->min_level_db - GATE_PITCH_SLACK_DB)
        return 0;
    float peak = h->level_db;
    for (int64_t k = h->n - GATE_PITCH_REACH_HOPS; k <= h->n + GATE_PITCH_REACH_HOPS; k++)
        if (k >= 0 && g->lev[k % GATE_RING] > peak) peak = g->lev[k % GATE_RING];
    return h->level_db >= peak - GATE_PITCH_DIP_DB;
}
