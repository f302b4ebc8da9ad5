/* src/bleed.h -- private. Is this channel's energy the other party leaking in (headset echo,
 * line echo, crosstalk)? Learns the leak's loss and delay from the audio. */
#ifndef TM_BLEED_H
#define TM_BLEED_H
#include "stage.h"
#include "tonemon.h"

#define BLEED_MAX_LAGS 52   /* 0..510 ms at 10 ms hops */

typedef struct {
    int   nlags;                          /* delays searched, hops */
    float margin_db, pitch_match_st, min_coupling_db;
    float talker_db;                      /* this channel's talker's level (the speech stage's),
                                             or -200 dB while unknown */
    int   talker_sure;                    /* that level was not set by a sparse warm-up (vad.h):
                                             a babble-won level is not the talker's */
    float near_db;                        /* within this of it a hop is their voice's level */
    float continue_st;                    /* bleed_continue_st (0: off) */
    int   prev_own;                       /* the hop before was this side's voice: voiced, not leak */
    int   cont_run, cont_max_hops;        /* hops in a row this side's by their pitch track alone;
                                             at most hangover_ms of them */
    float prev_st;                        /* ... at this pitch, semitones (to_st) */
    float talker_st;                      /* their register: median pitch, semitones (to_st),
                                             or -1000 while unknown */
    float own_st;                         /* within this of it a pitch is theirs (speech_own_oct) */
    float o_level[BLEED_MAX_LAGS];        /* the other channel's recent hop levels, ring */
    float o_vlev[BLEED_MAX_LAGS];         /* ... less its noise: the level of what talks there */
    float o_noise_db;                     /* its noise (bias-corrected mean), dB */
    float o_f0[BLEED_MAX_LAGS];           /* its pitch, semitones (-1000 unvoiced) */
    signed char o_back[BLEED_MAX_LAGS];   /* 1: that hop of the other channel was this channel's
                                             own voice leaking there (its leak flag) */
    int   pos;                            /* slot of the newest entry */
    double mean[BLEED_MAX_LAGS], var[BLEED_MAX_LAGS];
    double lx[BLEED_MAX_LAGS], lxx[BLEED_MAX_LAGS], lxy[BLEED_MAX_LAGS]; /* per delay: the other
                                             voice's level learnt from (mean), its variance, and its
                                             covariance with the loss */
    float compress_max;                   /* bleed_compress_max_db_per_db (0: off) */
    long  cnt[BLEED_MAX_LAGS];          /* learning hops per delay */
    long  both_voiced[BLEED_MAX_LAGS];  /* of the chances to learn, hops with both sides voiced */
    long  coincide[BLEED_MAX_LAGS];     /* ... of these, hops at the other voice's very pitch */
    float coincide_st;                    /* that pitch: within this, semitones (0: not used) */
    long  count, o_talk, clear_count;
    float clear_db;                       /* loss an unseen leak must have, dB */
    float contra;                         /* how often the measured leak failed to show */
    long  chances;
    int   measured, delay_hops;
    float coupling_db;                    /* leak loss, dB (level of other minus level here) */
    float tail_decay_db;                  /* reverberant tail: slowest decay per hop, dB */
    float tail_db;                        /* the other voice's level through the room, decaying */
    float tail_rate_db;                   /* the room's decay per hop, learnt (>= tail_decay_db) */
    float tail_start_db;                  /* the voice level the tail decays from */
    int   tail_age;                       /* hops since */
    float tail_direct_db;                 /* the other voice at the leak delay, this hop */
    int   tail_pitch_hops;                /* hops past the delay whose pitch the tail carries */
    int   tail_min_delay;                 /* a leak with a room has at least this delay, hops */
    int   echo_on;                        /* the canceller cue is used */
    float echo_removed_min_db;            /* canceller cue: removed this much, leak */
    float echo_removed_sure_db;           /* ... even with another voice's pitch */
    float echo_dt_max_db;                 /* removed less while the other spoke: own voice */
    float echo_leak_rem_db;               /* running median of what the converged canceller took
                                             from the hops decided leak, dB (BLEED_REM_STEP_DB) */
    float echo_dt_voice_db;               /* ... removed less, with another voice's pitch */
    int   dt_hold_hops;                   /* double-talk hangover, hops (0: off) */
    float dt_hold_db;                     /* ... in it a hop removed less than this is own voice */
    int   dt_age;                         /* hops since this side's own voice under the leak */
    /* the early leak: until the leak is measured, the delay whose envelope of the other side
     * correlates best with this channel's (running sums per delay over hops where either is on) */
    float early_corr_min;
    double ec_n[BLEED_MAX_LAGS], ec_x[BLEED_MAX_LAGS], ec_y[BLEED_MAX_LAGS];
    double ec_xx[BLEED_MAX_LAGS], ec_yy[BLEED_MAX_LAGS], ec_xy[BLEED_MAX_LAGS];
    double ec_d[BLEED_MAX_LAGS];          /* mean loss (other minus here) where both are on */
    long  ec_dn[BLEED_MAX_LAGS];
    int   early_on, early_delay;          /* an early leak is in sight, at this delay */
    float early_coupling_db, early_corr;
} tm_bleed;

void tmi_bleed_init(tm_bleed *b, const tm_config *cfg, int hops_per_s);
void tmi_bleed_reset(tm_bleed *b);
/* One hop of this channel (h: level, F0, floor, cand) with the other channel's hop o (level, F0,
 * floor). o_talking: the other side's own voice was heard on its channel (its last decision),
 * so that this channel's leak into the other is not taken for the other side talking. o_leak:
 * the other channel's last decision took its hop for this channel's leak (so that this channel's
 * own voice, come back through the other channel, is not taken for the other side's leaking in;
 * the analyzer passes it only when tmi_bleed_known() holds for the other channel).
 * Learns the leak, then returns 1 when this hop is a speech candidate explained by the other's
 * leak. */
/* The level of this channel's talker, as the speech stage learnt it (-200: not yet), and their
 * register; sure: that level was not set by a sparse warm-up (it may be the babble's). */
void tmi_bleed_talker(tm_bleed *b, float level_db, float register_hz, int sure);
int  tmi_bleed_update(tm_bleed *b, const tmi_hop *h, const tmi_hop *o, int o_talking, int o_leak);
/* 1 when this channel's leak flags rest on a leak it found (measured, or the early leak), not on
 * the loss assumed before one is found: only such a flag tells the other channel that a hop here
 * was its own voice (o_leak of the other channel's update). */
int  tmi_bleed_known(const tm_bleed *b);

#endif
