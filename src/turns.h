/* src/turns.h -- private. Turn-taking between agent and caller: floor, overlap, interruption,
 * backchannel, hand-over, silence, monologue. Causal: decisions use only hops seen so far. */
#ifndef TM_TURNS_H
#define TM_TURNS_H
#include "emit.h"
#include "stage.h"

#define TURNS_RING 32   /* closed segments remembered per channel for overlaps */
/* hops whose quietness is remembered per channel: 5.12 s, over the longest turn pause and tail
 * gap a profile may set (3 s and 2 s) */
#define TURNS_QUIET_RING 512

/* What the holder's talk has told an attempt so far (turns_pending). */
typedef struct {
    int overlapped;      /* the holder was talking when it started */
    int64_t paused_at;   /* the holder was in a pause within its turn as it started: the
                            holder's last hop before it, until the holder is heard again; -1 */
    int holder_went_on;  /* the holder's turn went on past it */
    int holder_broke;    /* the holder paused longer than a turn pause: later talk is new */
    int64_t holder_last; /* the holder's last active hop so far */
    int64_t holder_fresh;/* start of the holder's new segment after a real pause; -1 none */
} turns_heard;

typedef struct {
    int active;          /* a newcomer segment waiting for its class */
    int64_t start;
    turns_heard h;       /* the holder's talk since it started */
    int64_t holder_seg;  /* the holder's segment counted last in h; -1 none */
    turns_heard before;  /* h before that segment: restored if the segment is withdrawn */
    int closed;          /* short segment closed; waiting for the holder to go on */
    int ho_checked;      /* the hand-over window has passed */
    int tail;            /* the newcomer's own turn, cut into, split there (tail_of_turn) */
    int64_t merged;      /* start of the segment that reopened the attempt after a pause; -1 */
    int64_t end, deadline;
    float peak_rel_db;   /* the newcomer's loudest over their own level since the start, dB */
    float holder_rel_db; /* the holder's, over the segments that reach into the attempt, dB */
} turns_pending;

typedef struct {
    int nch;
    int overlap_hops, bc_hops, bc_min_hops, handover_hops, pause_hops, ctx_hops, silence_hops, monologue_hops;
    int holder;                       /* TM_AGENT, TM_CALLER or TM_NOBODY */
    int64_t floor_start;
    int mono_alerted;
    int64_t mono_detected;
    int64_t sil_start;
    int sil_alerted;
    int64_t sil_detected;
    int64_t sil_end;                  /* a segment that ends the alerted silence if it stands; -1 */
    turns_pending pend[2];
    int64_t intr_start[2], intr_detected[2];  /* interruption awaiting its end; -1 none */
    int intr_of[2];
    int64_t intr_seg[2], intr_prev_end[2];    /* ... the open segment it rests on, and the end
                                                 of the attempt before that segment reopened it
                                                 (-1: it began with that segment) */
    int64_t iw_seg[2], iw_start[2];   /* an interruption whose attempt's newest segment may still
                                         be withdrawn as another voice: the segment, the attempt's
                                         start; its alert waits for the judgement; -1 none */
    int64_t iw_prev_end[2];           /* ... the attempt's end before that segment */
    int iw_of[2];
    int merge_hops;                   /* overlaps this close are one */
    int tail_gap_hops;                /* a split this short in a turn cut into is no new entry */
    int alone_hops, alone_quiet_hops; /* backchannel_alone_max_s, backchannel_alone_quiet_s */
    int64_t bc_end[2];                /* end of c's short words last settled over the holder's turn
                                         (a backchannel, or a blip too short for one); -1 none */
    float intr_rel_db;                /* an interrupter (and an agent holding the floor) within this
                                         of their own level, dB (interrupt_rel_db) */
    int64_t last_held;                /* last hop on which music held a channel; -1 none */
    float sil_break_db;               /* speech ends dead air within this of the talker's level
                                         (silence_break_rel_db; 0: any speech) */
    int sil_break_hops;               /* ... or once it lasts this long */
    int64_t heard[2];                 /* last hop of speech that ends dead air; -1 none */
    int64_t heard_seg[2], heard_before[2]; /* the segment that set it, and heard[] before it */
    unsigned char quiet[2][TURNS_QUIET_RING]; /* the hop's level could not be speech (not cand) */
    int ov_pending;                   /* an overlap held back in case the next one joins it */
    int64_t ov_start, ov_end, ov_detected;
    tmi_span ring[2][TURNS_RING];
    int ring_pos[2], ring_n[2];
} tm_turns;

void tmi_turns_init(tm_turns *t, const tm_config *cfg, int hops_per_s);
void tmi_turns_reset(tm_turns *t);
/* One hop, after both channels' speech segments were decided: hp[c] for each channel (all with
 * the same n) gives its segment (seg_on, seg_start, seg_last), what opened or closed at this hop
 * (seg_flags, closed), whether this hop is its speech, and whether music holds it (not silence). */
void tmi_turns_update(tm_turns *t, const tmi_hop *hp, const tm_emitter *em);
/* 1 when c's open segment from seg_start may reopen c's paused attempt at the floor, or did and
 * its interruption's alert waits: whether it is doubtful (tmi_vad_doubtful) matters then */
int tmi_turns_may_reopen(const tm_turns *t, int c, int64_t seg_start);
/* The open segment of c starting at start was no speech (music, a laugh, a murmur): forget it
 * without an event. own: its pitch was c's own (tmi_vad_seg_own): c's voice was heard in it all
 * the same, which the other side's attempt keeps as c's turn going on. */
void tmi_turns_withdraw(tm_turns *t, int c, int64_t start, int own, const tm_emitter *em);
/* End of stream at hop hp[0].n, after a last update that closed the open segments. */
void tmi_turns_finish(tm_turns *t, const tmi_hop *hp, const tm_emitter *em);

#endif
