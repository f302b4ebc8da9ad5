/* src/bleed.h -- private. Is this channel's energy the other party leaking in (headset echo,
 * line echo, crosstalk)? Learns the leak's loss and delay from the audio. */
#ifndef TM_BLEED_H
#define TM_BLEED_H

#define BLEED_MAX_LAGS 52   /* 0..510 ms at 10 ms hops */

typedef struct {
    int   nlags;                          /* delays searched, hops */
    float margin_db, pitch_match_st, min_coupling_db;
    float o_level[BLEED_MAX_LAGS];        /* the other channel's recent hop levels, ring */
    float o_f0[BLEED_MAX_LAGS];           /* its pitch, semitones (-1000 unvoiced) */
    int   pos;                            /* slot of the newest entry */
    double mean[BLEED_MAX_LAGS], var[BLEED_MAX_LAGS];
    long  cnt[BLEED_MAX_LAGS];          /* learning hops per delay */
    long  count, o_talk, clear_count;
    float clear_db;                       /* loss an unseen leak must have, dB */
    float contra;                         /* how often the measured leak failed to show */
    long  chances;
    int   measured, delay_hops;
    float coupling_db;                    /* leak loss, dB (level of other minus level here) */
    float tail_decay_db;                  /* reverberant tail: decay per hop, dB */
    float tail_db;                        /* the other voice's level through the room, decaying */
    int   echo_on;                        /* the canceller cue is used */
    float echo_removed_min_db;            /* canceller cue: removed this much, leak */
    float echo_removed_sure_db;           /* ... even with another voice's pitch */
    float echo_dt_max_db;                 /* removed less while the other spoke: own voice */
} tm_bleed;

void tmi_bleed_init(tm_bleed *b, int max_delay_hops, float margin_db, float pitch_match_st,
                float min_coupling_db, float tail_decay_db_per_hop);
void tmi_bleed_reset(tm_bleed *b);
/* The echo canceller cue (src/echo.c), after init: on (0 ignores any cue, e.g. a replayed one)
 * and its thresholds. */
void tmi_bleed_echo_init(tm_bleed *b, int on, float removed_min_db, float removed_sure_db,
                         float dt_max_db);
/* Per hop, in this order: the other channel's level and F0 of this hop, then learn, then decide. */
void tmi_bleed_push_other(tm_bleed *b, float o_level_db, float o_f0_hz);
/* o_talking: the other side's own voice was heard on its channel (its last decision), so that
 * this channel's leak into the other is not taken for the other side talking. */
void tmi_bleed_learn(tm_bleed *b, float level_db, float f0_hz, float floor_db, float o_floor_db,
                 int o_talking);
/* 1 when this hop's level (and pitch) is explained by the other channel's leak. echo_known: the
 * echo canceller's cue holds for this hop, echo_removed_db the dB it took away. */
int  tmi_bleed_decide(const tm_bleed *b, float level_db, float f0_hz, int echo_known,
                      float echo_removed_db);

#endif
