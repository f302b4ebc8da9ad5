/* src/hold.h -- private. Hold music and signalling tones on one channel: sound that is neither
 * speech nor silence. */
#ifndef TM_HOLD_H
#define TM_HOLD_H
#include "emit.h"
#include "stage.h"

#define HOLD_TONES 14
#define HOLD_MAX_WIN 1024   /* hops of the music window (10.24 s at most) */
#define HOLD_PAST 512        /* hops before the window a lead-in may reach back (hold_lead_max_s <= 5.12 s) */
#define HOLD_VOICE_RING 2048 /* hops back a hold that ended may be taken up again (2 windows) */
/* The tone share is measured over 30 ms, so a tone burst's onset and end read as part tone for up
 * to 3 hops each side: voiced, loud, and no tone yet. Those hops are not speech either. */
#define HOLD_TONE_EDGE_HOPS 3
/* A burst: 5 tone hops in a row. Keyed digits last 70-100 ms; a steady vowel whose one harmonic
 * sits on a signalling tone (a 220 Hz voice's second on 440 Hz, through the telephone band that
 * removes its first) reads as a tone for 3 hops at a time on the synthetic calls. */
#define HOLD_TONE_BURST_HOPS 5

/* Hops of a stretch by their flags: sounding, voiced, standing still, voiced pairs, on the
 * grid, voiced onsets. */
typedef struct { int hops, voiced, steady, pairs, grid, onsets; } hold_counts;

typedef struct {
    /* tones: Goertzel coefficients at this rate, the last three hops' partial DFTs */
    int   hop, step;                    /* samples per hop read, one in step */
    float coef[HOLD_TONES], rot_c[HOLD_TONES], rot_s[HOLD_TONES];
    float re[3][HOLD_TONES], im[3][HOLD_TONES];
    double e[3];
    int   slot;
    float prev_x;                       /* the last sample read, for the first difference */
    /* music: per-hop flags over a sliding window */
    int   win, exit_win;
    unsigned char flag[HOLD_MAX_WIN];   /* bit 0 sounding, 1 voiced, 2 pitch standing still, 3 voiced pair, 4 on the A440 grid,
                                           5 voiced after an unvoiced hop */
    unsigned char past[HOLD_PAST];      /* the flags of the hops that left the window, for a lead-in
                                           that began before it */
    int   past_pos, n_past;             /* next to write; how many held */
    int   n_act, n_voiced, n_steady, n_pause, n_grid, n_onset, filled;   /* n_pause: voiced pairs */
    int   pos;
    float prev_st;
    int   gap;                          /* inactive hops in a row */
    float act_min, steady_min, voiced_min, tuned_min, tone_frac_min;
    float tuned_keep_min;               /* tuned share a hold needs to go on (tuned_min to start) */
    int   gap_hops;                     /* hops without sound that part speech from music after it */
    int   lead_max_hops;                /* longest lead-in before the music's first note */
    int   end_voiced_hops;              /* voiced hops of a stretch not music that end a hold */
    float onsets_max;                   /* voiced onsets in a window that may start a music hold */
    int   note_run;                     /* hops in a row standing still on the grid */
    /* inside a hold: the stretch of sound since the last pause of gap_hops */
    int   quiet;                        /* hops in a row without sound */
    int   proven;                       /* the stretch sounds like music: its notes are the hold's */
    int   st_pairs, st_steady, st_voiced, st_grid;   /* the stretch's counts, as the window's */
    int64_t talk_until;                 /* a hold ended by talk: no music hold starts before this hop */
    /* before a hold: the stretch sounding now (see tmi_hold_music_from) */
    int64_t lead_from;                  /* its first hop; -1 in a pause of gap_hops */
    int64_t cand_from;                  /* its first note's first hop; -1 none yet */
    int64_t last_note;                  /* the last hop of a note (tmi_hold_rings) */
    hold_counts lead, cand;             /* from lead_from (until the note), from the note on */
    int   lead_music;                   /* what sounded before the note stood still, as music */
    int   cand_judged;                  /* from the note on it was judged music (1) or not (-1)
                                           once voiced for hold_end_voiced_s; 0 not yet */
    int   cand_music;                   /* it sounds like music so far */
    float onsets_max_hz;
    int   hops_per_s;
    /* state */
    int   on;                           /* music (or tone) on this channel */
    int64_t start, last_music;
    int   bad;                          /* hops in a row that do not sound like music */
    int   trun, beeps;                  /* tone hops in a row; beeps recurring so far */
    int64_t trun_start, beep_start, beep_end;
    int     beep_len;                   /* tone hops of the last beep */
    int64_t last_tone;                  /* last hop that was a tone */
    int     last_run;                   /* tone hops in a row up to it */
    int64_t tone_from;                  /* see tmi_hold_tone_from */
    /* a ringer's warble: level extremes (hysteresis), maxima chained while a trill period apart */
    int   tr_dir;                       /* 1 (or 0 at first): looking for a maximum, -1 a minimum */
    float tr_cand_db;                   /* the extreme being followed */
    int64_t tr_cand_n, tr_last;         /* its hop; the hop of the last maximum confirmed */
    float tr_last_db, tr_first_db;      /* its level; the level of the chain's first maximum */
    int   tr_chain;                     /* trill periods in a row */
    int64_t tr_heard;                   /* hop at which the last of them closed */
    int   ring;                         /* this pitched stretch is a ringer, not a note or a beep */
    int   trun_ring;                    /* the tone run now sounding is a ringer's */
    int64_t pitched_from;               /* first hop of the pitched stretch (voiced or tone) */
    int   unpitched;                    /* hops in a row neither voiced nor tone */
    /* the hold as reported: music or beeps on this leg while the other leg is not on hold */
    int   held;
    int64_t held_start, held_detected, held_last;
    int   ended;                        /* a hold ended, not yet reported: the music may be heard
                                           again from before its end (the same hold) */
    int64_t ended_start, ended_detected, ended_last;
    int   voice_seen;                   /* voiced hops off the grid so far (a voice's) */
    int   voice_at[HOLD_VOICE_RING];    /* ... as of each of the last hops, by hop index */
    double held_hops;                   /* total hops on hold, for the summary */
    int64_t reported_end;               /* the hop after the last hold reported */
} tm_hold;

void  tmi_hold_init(tm_hold *h, const tm_config *cfg, int hops_per_s);
void  tmi_hold_reset(tm_hold *h);
/* Sample side, per hop, on the DC-blocked samples: the fraction of the last 30 ms's energy
 * carried by one signalling tone or one DTMF pair (0..1). */
float tmi_hold_tone(tm_hold *h, const float *x);
/* A hop not looked at for tones (too quiet to matter). */
void  tmi_hold_skip(tm_hold *h, const float *x);
/* One decided hop: reads n, ch, active, leak, F0 and tone_frac. other_held: the other leg is on
 * hold (the agent's leg is decided first in a hop, so if both would start at once, the agent's
 * does). other_tone: the other leg carries a tone at this hop far louder than this one's, whose
 * tone is then its leak, not this leg's (neither a beep nor a hold's). Emits the hold event
 * when a hold ends. Returns 1 when this hop is not speech (a tone or
 * within HOLD_TONE_EDGE_HOPS after a burst, or the leg is on hold); *started is the first hop of a hold that begins at this hop, else -1:
 * the speech segment the music had opened is then the caller's to withdraw. */
int   tmi_hold_update(tm_hold *h, const tmi_hop *hp, int other_held, int other_tone,
                      const tm_emitter *em, int64_t *started);
/* Called after tmi_hold_update: the first hop of the leading ramp of a tone burst recognised at
 * this hop (HOLD_TONE_BURST_HOPS tone hops in a row), else -1. A speech segment that started there began on the ramp: the caller's to withdraw. */
int64_t tmi_hold_tone_from(const tm_hold *h);
/* A beep long enough to be a hold tone has been heard (or sounds now) and the next one, within
 * HOLD_BEEP_GAP_HOPS, would start a hold that begins at the first: the dead air since may turn
 * out to be a hold. */
int   tmi_hold_may_start(const tm_hold *h, int64_t n);
/* Called after tmi_hold_update: where music may be starting, not yet ruled on, else -1. While
 * no hold is on, the stretch sounding now (no pause of hold_gap_s since, no 100 ms without
 * sound), from its first note on, sounds like the music that starts a hold (voiced, steady,
 * tuned, few onsets: by the starting thresholds until voiced for hold_end_voiced_s, then by
 * those that keep a hold, as a hold's own stretches are judged) and is younger than the music
 * window. Returns the stretch's first hop if its pitch stood still before that note, else the
 * note's first hop. A speech segment that began there may be the hold's music: the window
 * rules on it about 1.8 s into the music on the realistic corpus. */
int64_t tmi_hold_music_from(const tm_hold *h, int64_t n);
/* A note (HOLD_NOTE_MIN_HOPS hops standing still on the grid) sounded within the last 200 ms. */
int   tmi_hold_rings(const tm_hold *h, int64_t n);
/* End of stream: an open hold ends at its last music. */
void  tmi_hold_finish(tm_hold *h, int ch, const tm_emitter *em);

#endif
