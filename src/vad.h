/* src/vad.h -- private. Speech segments of one channel from per-hop activity: onset
 * confirmation by a voiced hop near the speaker's own level, weak hops only bridging, hangover. */
#ifndef TM_VAD_H
#define TM_VAD_H
#include "stage.h"
#include "tonemon.h"

/* The speaker's level must come from real speech before it gates anything: 100 voiced hops. */
#define VAD_LEVEL_WARMUP_HOPS 100
/* Hops of level history: a lead-in (20), the background before it (30), the onset after. */
#define VAD_LVL_RING 128
/* Hops of sound history: the background rule's span before an onset and the diffuse rule's
 * backchannel_max_s either side of it. */
#define VAD_SND_RING 1024
/* the diffuse rule's reach either side of a segment's start, hops (its window fits the ring
 * with the background rule's before it) */
#define VAD_DIFFUSE_MAX_HOPS 127
#define VAD_FV_RING 512           /* from a segment's start (less the echo rule's delays) to the
                                     hop it closes at, held open up to settle_hops at most */
/* Hops after which a hop's final F0 is surely known in a live run: the pitch path's lag
 * (PITCH_PATH_LAG, src/pitch.h) and one (checked in src/analyzer.c). */
#define VAD_FINAL_LAG_HOPS 11

/* Delays searched for a segment that follows the other channel's pitch: bleed_max_delay_ms's
 * longest (500 ms) at 100 hops a second. */
#define VAD_ECHO_MAX_LAGS 50
/* Closed segments remembered for the other channel's echo rule: more than close within its
 * reach (a short segment, the delays searched and VAD_FINAL_LAG_HOPS) with the default hangover;
 * one forgotten only makes the rule take back less, alike in a live run and a replay. */
#define VAD_PAST_SEGS 16

typedef struct tm_vad {
    int onset_hops, hangover_hops, bridge_hops;
    int strong_hang_hops;    /* a longer hangover that only a strong hop ends (0: none) */
    int keep_run;            /* closing keeps the onset run heard in that hangover */
    int run_pending;         /* ... which was ready: the next hop confirms it */
    int onset_anchors;       /* anchors an onset run needs before it is speech */
    float rel_db;            /* anchors lie within this of the speaker's own voiced level */
    float far_oct, loud_db;  /* a hop more than loud_db under that level is no anchor when its
                                pitch is more than far_oct from the speaker's register (0: off) */
    float weak_db;           /* a short segment whose loudest anchor stayed this far under the
                                talker's level is withdrawn (0: off) */
    int short_hops;          /* short: under a backchannel's longest */
    float laugh_oct, laugh_frac; /* a segment of at most laugh_hops whose voiced hops lie laugh_frac
                                or more over laugh_oct above the register is a laugh (0: off) */
    int laugh_hops;
    int pulses_min, pulse_max_hops, gap_min_hops; /* a segment of at most laugh_hops of pulses_min
                                pulses of sound or more, none over pulse_max_hops, parted by quiet
                                gaps of gap_min_hops, is a laugh (pulses_min 0: off) */
    int pulse_len, quiet_len; /* the open segment's active run now, and its inactive run now */
    int seg_pulses, seg_gaps, seg_long_pulse; /* its pulses ended, gaps, a pulse too long */
    float strong_db;         /* the segment goes on only while a voiced hop within this of the
                                talker's level came in the last strong_gap_hops (0: off) */
    int strong_gap_hops;
    float own_oct, own_frac; /* a segment never that close is theirs only with own_frac of its
                                voiced hops within own_oct of the register (0: off) */
    int seg_own, run_own;    /* voiced hops of the open segment, of the onset run, in register */
    int seg_strong, run_strong; /* ... had a hop near the level at the talker's pitch */
    int64_t last_strong;     /* last such hop of the open segment (its confirmation at first) */
    int settle_hops;         /* see tmi_vad_settle_hops */
    int music;               /* the open segment began where the hold stage hears what may be a
                                hold's music starting: its close waits for the ruling */
    int deferred;            /* its hangover is over: it is open only for that ruling */
    int seg_voiced, seg_high, run_voiced, run_high; /* voiced hops of the open segment, of the
                                onset run, and those of them that high */
    float seg_peak_db, run_peak_db; /* loudest anchor of the open segment, of the onset run */
    float reg_oct;           /* the speaker's register: running median of log2 F0 of the anchors */
    float warm_oct[VAD_LEVEL_WARMUP_HOPS];  /* (both buffers serve relearning after warm-up) */
    float loud_oct[VAD_LEVEL_WARMUP_HOPS];  /* log2 F0 of the last anchors at the level or over
                                               it, a ring, since the register was set */
    float loud_db_ring[VAD_LEVEL_WARMUP_HOPS]; /* ... and their levels, dBFS */
    float relevel_db;        /* speech_register_relevel_db */
    int64_t loud_n;          /* such anchors since the register was set */
    int64_t loud_far_from;   /* loud_n at the first of the checks in a row that found their
                                median far from the register; -1 none */
    int relearn_n;           /* hops far over the level gathered to learn it again */
    int64_t relearn_from;    /* the first of them */
    int relearn_held;        /* with a peer: a first second of them gathered, waiting for a second */
    int relearn_second;      /* ... loud hops since the other side talked (from relearn_from) */
    int relearn_quiet;       /* hops the other side talked, this one silent, while held */
    int64_t relearn_last;    /* the last hop far over the level */
    float relearn_ref_db;    /* the level the attempt began at */
    int held_floor;          /* a phrase of 2 * backchannel_max_s or more closed at this level */
    float spk_db;            /* running 80th percentile of the anchors' levels, dBFS */
    long spk_n;              /* voiced speech hops behind spk_db */
    float warm_db[VAD_LEVEL_WARMUP_HOPS]; /* the first anchors' levels, until spk_db is set */
    float blk_db[VAD_LEVEL_WARMUP_HOPS], blk_oct[VAD_LEVEL_WARMUP_HOPS]; /* the block of anchors
                                after warm-up that checks it */
    int blk_n, blk_left;     /* anchors in that block; blocks still to check */
    float blk_over_db;       /* a block this far over the level sets it again: rel_db, or
                                overlap_db after a warm-up under the other side's talk */
    float overlap_db;        /* speech_warmup_overlap_db */
    int warm_peer_on;        /* hops of the warm-up while the other side was in a segment */
    int warm_peer_new;       /* ... whose own level was not known when it began */
    int64_t warm_from;       /* the first anchor of the warm-up */
    int warm_sparse;         /* the level was set by a warm-up that took VAD_WARMUP_SPARSE_HOPS
                                or more, and not set again since */
    int epoch;               /* times the level was set again from a louder voice */
    int on;                  /* inside a confirmed segment (hangover included) */
    int64_t seg_start;       /* first hop of the open segment */
    int64_t phrase_start;    /* its first hop after a pause the longer hangover bridged */
    int64_t phrase_max;      /* the longest of its phrases before that one, hops */
    int64_t last_active;     /* last active hop of the open (or last) segment; -1 none yet */
    int64_t last_anchor;     /* last anchor hop of the open segment */
    int64_t prev_last;       /* last_active before the open segment */
    int64_t confirm;         /* hop at which the open segment was confirmed */
    int64_t run_start;       /* candidate run before confirmation */
    int run_len, run_anchor; /* run_anchor: anchors in the run */
    int64_t run_first;       /* the run's first anchor */
    float lead_rise_db;      /* the lead-in before it reaches back over hops this far over the
                                sound before the lead-in (0: off) */
    float lvl[VAD_LVL_RING]; /* the last hops' levels, dBFS, by hop index */
    int fv_min;              /* voiced hops on the final pitch path a short segment needs (0: off) */
    int64_t fv_upto;         /* last hop whose final F0 is known; -1 none */
    int64_t fv_from;         /* first hop of the unbroken run of them */
    int64_t fv_cum[VAD_FV_RING]; /* final-voiced hops up to and including each hop, by hop index */
    float fv_f0[VAD_FV_RING];    /* final F0 of each hop, Hz (0: unvoiced), by hop index */
    float peer_db;               /* speech_warmup_peer_db (0: off) */
    float reg_rel_db;            /* speech_register_rel_db */
    const struct tm_vad *peer;   /* the other channel's segmenter, for the echo rule; NULL: none */
    float echo_frac;             /* a short segment whose final voiced hops follow the peer's
                                    final pitch at one delay on this share or more is its echo
                                    (0: off) */
    int echo_min_voiced, echo_lags; /* ... with this many voiced hops at least; delays 1..lags */
    float echo_st;               /* ... within this, semitones */
    int64_t past_a[VAD_PAST_SEGS], past_b[VAD_PAST_SEGS]; /* the last segments closed as speech */
    int past_n;                  /* segments closed so far (the ring holds the last of them) */
    int seg_echo;                /* the open (or last) segment was taken back as the peer's echo */
    float dif_db, dif_frac;      /* speech_diffuse_spread_db, speech_diffuse_voiced_pct / 100 */
    float dif_own_frac;          /* speech_diffuse_own_voiced_pct / 100 */
    int dif_own_min;             /* speech_diffuse_own_min_ms in hops */
    int dif_hops;                /* hops judged either side of a segment's start */
    float snd_db[VAD_SND_RING];  /* each hop's level, dBFS, by hop index */
    unsigned char snd_cand[VAD_SND_RING];   /* ... whether it was over the floor */
    unsigned char snd_voiced[VAD_SND_RING]; /* ... and voiced */
    unsigned char snd_bg[VAD_SND_RING];     /* ... and may be background: not leak, a lost
                                               packet, hold or tones */
    unsigned char snd_seg[VAD_SND_RING];    /* ... and lies in a segment of this talker's
                                               (from its lead-in on; not one withdrawn) */
    unsigned char snd_own[VAD_SND_RING];    /* ... and was the talker's own voice: voiced at their
                                               pitch, within speech_strong_rel_db of their level */
    float bg_db, bg_frac;        /* speech_over_background_db, speech_background_voiced_pct / 100 */
    int bg_hops;                 /* speech_background_s in hops */
    float dst_spread_db, dst_fall_db, dst_bg_frac, dst_over_db; /* speech_distant_* (pct / 100) */
    float faint_db;              /* speech_faint_over_bg_db */
    int fall_hops;               /* VAD_FALL_MS in hops */
    int64_t hop_n;               /* the last hop updated */
    int seg_judged;              /* the open segment was found not diffuse */
    int64_t seg_first;           /* its first anchor */
    struct {                     /* the warm-up when it started, restored when it is withdrawn
                                    as diffuse before the level was known */
        long spk_n;
        int64_t warm_from;
        int blk_n, blk_left;
        int warm_peer_on;
    } seg_warm;
} tm_vad;

void tmi_vad_init(tm_vad *v, const tm_config *cfg, int hops_per_s);
void tmi_vad_reset(tm_vad *v);
/* 1 when an active hop with this level and pitch (0: unvoiced) is an anchor: it may start or
 * carry speech. */
int  tmi_vad_anchor(const tm_vad *v, int active, float f0_hz, float level_db);
/* 1 when such a hop carries an open segment on: as an anchor, but any pitch. */
int  tmi_vad_carries(const tm_vad *v, int active, float f0_hz, float level_db);
/* One hop: reads n, active, f0 (voiced), the level, music_from and music_rings (a segment that
 * began where music may be starting, and ends while a note rings, stays open past its hangover
 * while that music is not ruled on, settle_hops after its first hop at most: a hold that starts
 * withdraws it, else it closes as any). Returns TMI_SEG_CONFIRMED when a segment
 * starting at v->seg_start is confirmed, or TMI_SEG_CLOSED with the closed segment in *closed,
 * or TMI_SEG_WITHDRAWN with it when it was too weak to be the talker (see weak_db): the
 * caller's to take back. */
int  tmi_vad_update(tm_vad *v, const tmi_hop *h, tmi_span *closed);
/* 1 while the open segment is short and has not come within weak_db of the talker's level, or
 * is a laugh so far, or may be hold music: it may still be taken back. */
int  tmi_vad_weak(const tm_vad *v);
/* 1 when the open segment is not judged yet (the diffuse and background rules judge it on its
 * first backchannel_max_s, or when it closes sooner) and would be withdrawn as another voice if
 * judged on what is heard of it so far */
int  tmi_vad_doubtful(const tm_vad *v);
/* The pitch path's final F0 of hop k, given in hop order (PITCH_PATH_LAG hops after the live
 * estimate, or with the hop in a replay): a segment that closes within a backchannel's length
 * of its start (hangover included) with fewer than speech_final_voiced_min_ms of final voiced
 * hops is withdrawn as it closes. */
void tmi_vad_final_f0(tm_vad *v, int64_t k, float f0_hz);
/* The other channel's segmenter, whose final F0 the echo rule (speech_echo_contour_pct) reads;
 * NULL for none. */
void tmi_vad_set_peer(tm_vad *v, const tm_vad *peer);
/* 1 unless the open (or last) segment's voiced hops were mostly off the talker's register (under
 * speech_own_min_pct of them within it): another voice's, as far as the pitch tells. */
int  tmi_vad_seg_own(const tm_vad *v);
/* The loudest voiced hop of the open (or last) segment over the talker's level, dB; 0 while that
 * level is not yet known. */
float tmi_vad_peak_rel(const tm_vad *v);
/* The longest segment that may be taken back when it closes, hops. */
int  tmi_vad_takeback_hops(const tm_vad *v);
/* Hops after which no later hop changes a hop's speech flag: a confirmation reaches back over
 * the onset run (the reach), renewed activity over the hangover gap, and a segment is taken back
 * at most the take-back length after its first hop (a weak one or a laugh when it closes, one
 * that may be hold music when the hold stage rules). The analyzer holds frames this long. */
int  tmi_vad_settle_hops(const tm_vad *v);
/* The longest onset run: a confirmation marks speech back this many hops. */
int  tmi_vad_reach_hops(const tm_vad *v);
/* Takes back an open segment (music or a tone's ramp opened it): returns 1 and the segment, else
 * 0. The channel's last speech is again that before the segment. */
int  tmi_vad_withdraw(tm_vad *v, tmi_span *closed);
/* End of stream: closes an open segment. Returns 1 and the segment, else 0. */
int  tmi_vad_finish(tm_vad *v, tmi_span *closed);

#endif
