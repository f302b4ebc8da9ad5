/* src/raised.h -- private. Raised voice of one speaker against their own running baselines. */
#ifndef TM_RAISED_H
#define TM_RAISED_H
#include "emit.h"
#include "median.h"
#include "stage.h"

typedef struct {
    int   min_hops, run_gap_hops, ep_gap_hops, warmup_hops, refresh_hops;
    float min_db, exit_db, min_st, joint_db_st, prior_lufs;
    tm_median base_loud, base_st;     /* running medians of own speech */
    tm_median run_excess, run_st;     /* the candidate run */
    tm_median ep_excess, ep_st;       /* the confirmed episode */
    float base_l, base_p;             /* cached baselines (LUFS, semitones re 100 Hz) */
    int   base_p_ready, cache_age;
    int   in_run, in_ep;
    int64_t run_start, run_last, ep_start, ep_last, ep_detected;
    int64_t run_seg;                    /* the phrase (its first hop) the run started in */
    int   run_seg_hops, frag_hops;      /* the run's hops in it; fewer is a fragment, no word */
    int   back_hops;                    /* how far before the run its phrase may start */
    int   turn_hops;                    /* a reply longer than a backchannel ends an episode */
    int64_t own_last;                   /* this speaker's last hop of own speech (-1: none) */
    int64_t last_ep_end;                /* where the speaker's last episode ended (0: none) */
    double raised_hops;               /* total hops inside episodes */
    int   episodes;
} tm_raised;

int  tmi_raised_init(tm_raised *r, const tm_config *cfg, int hops_per_s);   /* allocates; 0 or -1 */
void tmi_raised_free(tm_raised *r);
void tmi_raised_reset(tm_raised *r);
/* The speaker's baselines were learnt from another voice: they start again from the prior (an
 * episode under way ends first). Counts and totals are kept. */
void tmi_raised_rebase(tm_raised *r, const tmi_hop *h, const tm_emitter *em);
/* One hop: reads the channel, n, active and seg_on (own speech), the loudness and F0; and the
 * other party's speech segment (other: their hop n; NULL with one channel). */
void tmi_raised_update(tm_raised *r, const tmi_hop *h, const tmi_hop *other,
                       const tm_emitter *em);
/* End of stream (h: the hop after the last): closes an open episode. */
void tmi_raised_finish(tm_raised *r, const tmi_hop *h, const tm_emitter *em);

#endif
