/* src/stage.h -- private. The one shape of a decision stage, and what it reads.
 *
 * Every stage is a plain struct owned by the analyzer with the same lifecycle:
 *   tmi_NAME_init(&st, cfg, hops_per_s)   thresholds from the profile; any allocation is here
 *   tmi_NAME_reset(&st)                   t = 0 again, nothing freed
 *   tmi_NAME_update(&st, hop, ...)        one decided hop, read from a const tmi_hop
 *   tmi_NAME_finish(&st, ..., emitter)    end of stream: close what is open (its arguments
 *                                         are what the stage needs: the last hop, the channel)
 *   tmi_NAME_free(&st)                    only if init allocated
 * and hands its events to the emitter (src/emit.h) with times in hops. The analyzer fills a
 * tmi_hop per channel in stage order: each stage's result becomes a field that the stages after
 * it read, so a stage sees exactly what was decided before it and nothing of what comes after.
 * The sample-side front (energy, the pitch and tone windows, the echo canceller) reads the hop's
 * samples instead. The analyzer runs 100 hops per second (a hop is sample_rate / 100 samples):
 * the constants that stages keep in hops assume it, and hops_per_s is passed so that none
 * needs to. */
#ifndef TM_STAGE_H
#define TM_STAGE_H
#include <stdint.h>

/* A speech segment of one channel, in hops: [start, end); confirm is the hop it was confirmed. */
typedef struct { int64_t start, end, confirm; } tmi_span;

enum { TMI_SEG_CONFIRMED = 1, TMI_SEG_CLOSED = 2, TMI_SEG_WITHDRAWN = 4 };

typedef struct {
    int64_t n;              /* hop index */
    int     ch;             /* TM_AGENT or TM_CALLER */
    /* front */
    float   level_db;       /* hop RMS, dBFS */
    float   loud_lufs;      /* BS.1770 momentary loudness */
    float   tone_frac;      /* share of the hop carried by one signalling tone or DTMF pair */
    /* floor and level gate */
    float   floor_db;       /* noise floor (minimum statistics) */
    float   noise_mean_db;  /* bias-corrected noise mean */
    int     lost;           /* mostly a zeroed packet (tm_frame.lost) */
    int     cand;           /* the level could be speech */
    /* pitch (the live decision; the frame later gets the path's final F0) */
    float   f0_hz;          /* 0 unvoiced */
    float   voicing;
    /* leak */
    float   echo_removed_db;/* what the echo canceller took from the hop, dB (src/echo.c) */
    int     echo_known;     /* its cue: 0 none, 1 converging (a large removal counts), 2 converged */
    int     leak;           /* the level is the other party leaking in */
    /* hold */
    int     holding;        /* music holds this channel */
    int64_t hold_from;      /* the hold's first hop while holding, else -1 */
    int     hold_may_start; /* a hold beep sounds or was heard: the next one starts a hold */
    int64_t music_from;     /* the sound since this hop may be a hold's music starting, not yet
                               ruled on (tmi_hold_music_from); -1 none */
    int     music_rings;    /* a note sounded within the last 200 ms (tmi_hold_rings) */
    int     active;         /* cand, not leak, not a tone, not on hold */
    /* speech segments */
    int     seg_on;         /* a confirmed segment is open (hangover included) */
    int64_t seg_start;      /* first hop of the open (or last) segment */
    int64_t phrase_start;   /* first hop of its last phrase: after the last pause that only
                               hangover_strong_ms bridged (where the sound heard in that pause
                               began), else seg_start */
    int64_t seg_last;       /* its last active hop; -1 none yet */
    int     seg_weak;       /* the open segment may still be taken back as too weak (vad.h) */
    int     seg_doubtful;   /* the open segment, not yet judged, would be withdrawn as another
                               voice on what is heard of it so far (vad.h); asked only while it
                               may reopen an attempt at the floor (turns.h) */
    int     seg_held;       /* it is past its hangover, open only until the hold stage rules on
                               the music that may have opened it (vad.h) */
    int     seg_flags;      /* TMI_SEG_CONFIRMED / TMI_SEG_CLOSED / TMI_SEG_WITHDRAWN at this hop */
    tmi_span closed;        /* the segment closed (or withdrawn) at this hop */
    int     speech;         /* this hop is speech: active inside a confirmed segment */
    float   seg_peak_rel_db;/* the loudest voiced hop of the open (or last) segment over the
                               talker's level, dB; 0 until that level is known */
} tmi_hop;
/* At the end of the stream the analyzer runs the segment, turn and raised-voice stages once more
 * on a hop n = the number of hops, in which the open segments close and nothing is active or
 * speech; its other fields are still those of the last real hop. Two reads are of the last hop,
 * not this one: the level gate's "on hold" (pitch is followed through hold music) and the leak
 * stage's "the other side was talking". */

#endif
