/* src/gate.h -- private. The level gate of one channel: which hops could be speech, which are
 * worth the pitch tracker, which are worth looking at for tones. */
#ifndef TM_GATE_H
#define TM_GATE_H
#include "stage.h"
#include "tonemon.h"

#define GATE_RING 8   /* recent hop levels: the pitch window's reach and the lookahead */

typedef struct {
    float margin_db, min_level_db, over_mean_db;
    float lev[GATE_RING];   /* sample side: the levels of the last hops in */
} tm_gate;

void tmi_gate_init(tm_gate *g, const tm_config *cfg, int hops_per_s);
void tmi_gate_reset(tm_gate *g);
/* Sample side, hop m: records its level; returns 1 when the hop is loud enough for a tone to
 * matter (floor_db: the floor decided last). */
int  tmi_gate_push(tm_gate *g, int64_t m, float level_db, float floor_db);
/* Decided hop: 1 when its level could be speech (reads level, floor, noise mean). */
int  tmi_gate_update(const tm_gate *g, const tmi_hop *h);
/* Decided hop: 1 when its pitch should be estimated (reads n, level, floor). held: the leg is
 * on hold. */
int  tmi_gate_pitch(const tm_gate *g, const tmi_hop *h, int held);

#endif
