/* src/floor.h -- private. Adaptive noise floor: minimum statistics over sub-windows, corrected
 * for the bias of a minimum, blind to digital silence. */
#ifndef TM_FLOOR_H
#define TM_FLOOR_H
#include "stage.h"
#include "tonemon.h"

#define FLOOR_SUBWINDOWS 6

typedef struct {
    float sub_min[FLOOR_SUBWINDOWS]; /* minimum of each finished sub-window, dB */
    float cur_min;                   /* minimum of the sub-window being filled */
    int   sub_hops, cur_count, pos;
    int   sound;                     /* a hop over digital silence has been heard */
    int   muted_start;               /* the leg was digitally silent before its first sound */
    float init_db;
    float digital_db;                /* hops under this are digital silence (lost packets) */
    float bias_max_db;               /* the mean may sit at most this far over the minimum */
    float margin_db;                 /* hops this far over the noise mean are not noise */
    float min_db;                    /* minimum statistics */
    float mean_db;                   /* running mean level of the noise hops */
    float floor_db;
} tm_floor;

void tmi_floor_init(tm_floor *f, const tm_config *cfg, int hops_per_s);
void tmi_floor_reset(tm_floor *f);
/* Reads the hop's level; the estimates for this hop are then floor_db and mean_db. */
void tmi_floor_update(tm_floor *f, const tmi_hop *h);
/* 1 when most of the hop's n samples are one run of exact zeros (a zeroed packet). */
int  tmi_floor_lost(const float *x, int n);

#endif
