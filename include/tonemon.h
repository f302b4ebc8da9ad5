/* tonemon.h -- streaming speech-side tone monitor for two-party calls.
 *
 * The caller pushes blocks of float samples for the agent and the caller channel (any block
 * size); the analyzer measures each channel every hop (level, loudness, F0, voicing, speech,
 * bleed), follows the turn-taking and pushes events (speech, overlap, interruption, backchannel,
 * raised voice, silence, monologue, de-escalation moments) into a fixed-size ring that the caller
 * drains with tm_analyzer_next_event().
 *
 * Real-time rules: tm_analyzer_process(), tm_analyzer_next_event() and the getters never
 * allocate, lock, log or do I/O, and their work is bounded by the number of samples given. All
 * memory is allocated in tm_analyzer_create(). One analyzer is used by one thread at a time.
 *
 * Time is a sample index (int64_t) since create or reset, at the configured sample rate.
 *
 * Callbacks: tm_config.on_frame is called on the caller's thread from inside
 * tm_analyzer_process*(), tm_analyzer_process_frames() and tm_analyzer_finish() (which flushes
 * the last frames). Inside it the getters and tm_analyzer_next_event() may be used on the same
 * analyzer; tm_analyzer_process*(), _process_frames() return TM_ERR_STATE there and _finish()
 * and _reset() do nothing; it must not destroy the analyzer. Distinct analyzers share no state:
 * any number may run on different threads at once.
 *
 * Input: NaN and +-Inf samples are treated as silence, finite samples beyond +-1000 are clipped
 * there (see tm_analyzer_process); no input makes the analyzer allocate, block or fail later.
 */
#ifndef TONEMON_H
#define TONEMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(TONEMON_BUILDING) && defined(__GNUC__)
#define TM_API __attribute__((visibility("default")))
#else
#define TM_API
#endif

/* A result that must be looked at (a status, a "got one" flag): ignoring it is a bug. */
#if defined(__GNUC__) && !defined(TM_NO_WARN_UNUSED)
#define TM_WUR __attribute__((warn_unused_result))
#else
#define TM_WUR
#endif

#define TM_VERSION_STRING "0.1.0"

typedef enum {
    TM_OK = 0,
    TM_ERR_ARG = -1,   /* a NULL pointer, a size or a threshold out of range */
    TM_ERR_NOMEM = -2, /* allocation failed in create */
    TM_ERR_RATE = -3,  /* sample rate outside 8000..48000 Hz */
    TM_ERR_STATE = -4  /* called in the wrong state: process after finish (reset first), or
                          samples and frames given to one analyzer between resets */
} tm_status;

/* Speakers are channel indices. A mono analyzer has only channel 0 (a mixed recording). */
enum { TM_AGENT = 0, TM_CALLER = 1, TM_NOBODY = -1 };

typedef enum {
    TM_EV_SPEECH = 0,    /* speaker talked from start to end */
    TM_EV_OVERLAP,       /* both talked at once for >= overlap_min_s */
    TM_EV_INTERRUPTION,  /* speaker took the floor from other */
    TM_EV_BACKCHANNEL,   /* speaker's short utterance inside the other's turn */
    TM_EV_RAISED_VOICE,  /* speaker's loudness and pitch above their own baseline */
    TM_EV_SILENCE,       /* nobody talked for >= silence_min_s */
    TM_EV_MONOLOGUE,     /* speaker held the floor >= monologue_min_s */
    TM_EV_DEESCALATION,  /* a moment worth acting on; see reason */
    TM_EV_HOLD,          /* music (hold) on channel `speaker`: neither speech nor silence */
    TM_EV__COUNT
} tm_event_type;

typedef enum {
    TM_REASON_NONE = 0,
    TM_REASON_CALLER_RAISED,      /* caller raised voice: acknowledge, validate */
    TM_REASON_AGENT_INTERRUPTS,   /* agent interrupted the caller: let them finish */
    TM_REASON_AGENT_RAISED,       /* agent raised voice: slow down, lower the voice */
    TM_REASON_AGENT_MONOLOGUE,    /* agent monologue: check understanding */
    TM_REASON_SILENCE,            /* dead air: say what you are doing */
    TM_REASON__COUNT
} tm_reason;

typedef struct {
    tm_event_type type;
    int      speaker;     /* TM_AGENT, TM_CALLER, TM_NOBODY (overlap, silence) */
    int      other;       /* interruption: the one interrupted; else TM_NOBODY */
    int64_t  start, end;  /* samples; [start, end) */
    int64_t  detected;    /* sample at which a live run knew of it (>= start) */
    float    level_db;    /* raised voice: median loudness over baseline, dB */
    float    pitch_st;    /* raised voice: median pitch over baseline, semitones */
    tm_reason reason;     /* deescalation only */
    int      severity;    /* deescalation: 1 normal, 2 high (repeated or escalating) */
    int      final;       /* 1: complete event. 0: early alert at `detected`, end = detected;
                             the complete event follows later with the same start. */
    int      count;       /* deescalation: occurrences merged into this prompt (1: the first);
                             an early event with the start of a prompt already shown and a higher
                             count is a repeat merged into it, not a new prompt */
} tm_event;

/* One hop of one channel, as reported to tm_config.on_frame. */
typedef struct {
    int64_t start;      /* first sample of the hop */
    int     channel;    /* 0 or 1 */
    float   level_db;   /* RMS level of the hop, dBFS, floored at -120 */
    float   loudness_lufs; /* BS.1770 momentary loudness (400 ms), LUFS, floored at -120 */
    float   f0_hz;      /* 0 when unvoiced */
    float   voicing;    /* 0..1 periodicity confidence */
    int     speech;     /* 1: this channel's own voice */
    int     bleed;      /* 1: energy explained by the other channel leaking in */
    float   floor_db;   /* adaptive noise floor, dBFS */
    float   f0_live_hz; /* F0 as the event stages saw it at the hop, before the 100 ms of
                           lookahead settled f0_hz; replay feeds it to them again */
    float   tone_frac;  /* share of the 30 ms around the hop in one signalling tone or DTMF
                           pair (0..1); replay feeds it to the hold stage again */
    float   echo_removed_db; /* dB the echo canceller (other channel as reference) took from
                           this hop, when echo_known; replay feeds it to the leak stage again */
    int     echo_known; /* 0: no echo cue; 1: the canceller is still converging (a large
                           removal counts, a small one does not); 2: converged */
    int     lost;       /* 1: most of the hop is a run of exact zeros (a lost packet zeroed by
                           the line); replay feeds it to the noise floor again */
} tm_frame;

typedef void (*tm_frame_fn)(void *user, const tm_frame *frame);

/* Every threshold of the detectors. tm_config_default() holds the defaults that
 * models/default.json repeats; the names carry the units. */
typedef struct {
    int    sample_rate_hz;       /* 8000..48000 */
    int    channels;             /* 2: agent + caller; 1: one mixed channel */
    size_t event_capacity;       /* events kept between two drains; oldest dropped when full */
    tm_frame_fn on_frame;        /* optional; called inside process for every finished hop */
    void  *on_frame_user;

    /* speech activity */
    float speech_margin_db;      /* level above the noise floor that counts as active */
    float speech_min_level_db;   /* nothing quieter (dBFS) is speech, whatever the floor */
    float floor_window_s;        /* minimum-statistics window of the noise floor tracker */
    float onset_ms;              /* active this long before speech is confirmed */
    float hangover_ms;           /* speech holds over gaps this long */
    float voicing_min;           /* periodicity that counts as voiced (0..1) */
    /* pitch */
    float f0_min_hz, f0_max_hz;
    float pitch_peak_ratio;      /* first NSDF peak within this ratio of the best is F0 */
    /* echo and crosstalk */
    float bleed_margin_db;       /* own speech must exceed the predicted leak by this */
    float bleed_max_delay_ms;    /* longest leak delay searched */
    float bleed_pitch_match_st;  /* same pitch as the other side within this is leak */
    float bleed_min_coupling_db; /* weakest leak loss assumed before one is measured */
    /* turn-taking */
    float overlap_min_s;
    float backchannel_max_s;
    float handover_max_s;        /* overlap at a turn's end that is an ordinary hand-over; two
                                    turns begun this close are a simultaneous start */
    float turn_pause_max_s;      /* a pause this short inside a turn does not end it */
    float backchannel_context_s; /* holder must speak within this before/after a backchannel */
    float silence_min_s;
    float monologue_min_s;
    /* raised voice */
    float raised_min_db;         /* loudness over own baseline */
    float raised_exit_db;        /* episode ends below this over baseline */
    float raised_min_st;         /* pitch over own baseline, semitones */
    float raised_min_s;          /* sustained this long */
    float baseline_window_s;     /* running median of own speech over this much speech */
    float baseline_warmup_s;     /* prior weighs like this much speech */
    float prior_loudness_lufs;   /* baseline prior before a speaker has talked */
    /* de-escalation */
    float repeat_window_s;       /* interruptions of the caller this close raise severity */
    int   repeat_count;          /* this many of them within repeat_window_s, caller upset: severity 2 */
    /* speech activity in noise (appended: fields are only ever added at the end) */
    float floor_digital_db;      /* hops under this are digital silence, not noise, dBFS */
    float floor_bias_max_db;     /* the noise mean may sit this far over the floor minimum */
    float speech_over_mean_db;   /* active hops are also this far over the noise mean level */
    float speech_rel_db;         /* speech starts and carries on voiced hops within this of
                                    the speaker's own voiced level (babble is weaker) */
    float weak_bridge_ms;        /* hops weaker than that only bridge this long after one */
    float overlap_merge_s;       /* overlaps this close together are one */
    float bleed_tail_t60_s;      /* reverberation time of the echo path (speakerphone room) */
    /* hold music and tones */
    float hold_window_s;         /* music is judged over this window */
    float hold_active_min;       /* share of the window sounding (active or voiced) */
    float hold_voiced_min;       /* share of the window voiced */
    float hold_steady_min;       /* share of voiced hop pairs whose pitch stands still */
    float hold_tone_frac_min;    /* share of 30 ms energy in one signalling tone: a tone hop */
    float hold_tuned_min;        /* share of voiced hops on the A440 semitone grid (tuned music) */
    float hold_tuned_keep_min;   /* ... that a hold already recognised needs to go on */
    float hold_gap_s;            /* a pause without sound this long parts the speech before
                                    hold music from it: the hold starts after it */
    float hold_lead_max_s;       /* unpitched or still sound rising out of quiet right before
                                    the music's first note belongs to the hold, up to this long */
    float hold_end_voiced_s;     /* a stretch after such a pause inside a hold, voiced this long
                                    without sounding like music, is talk: the hold ends */
    float hold_onsets_max_hz;    /* music starting a hold begins voiced stretches at most this
                                    often (syllables come 4-5 a second, notes ring on) */
    /* prompts that do not nag */
    float alert_repeat_min_s;    /* a prompt of the same reason this soon is merged into the shown one */
    float upset_window_s;        /* "upset caller" needs a caller raised voice within this */
    /* speech onset in babble */
    float onset_voiced_ms;       /* a segment starts once its onset run holds this much voiced
                                    speech near the talker's level (a distant talker's vowel
                                    peak is shorter) */
    /* the echo canceller cue of the leak stage (speexdsp MDF, other channel as reference) */
    int   echo_canceller;        /* 1: run it; 0: leak is judged from levels and pitch alone */
    float echo_filter_ms;        /* echo path span the canceller models (delay plus tail) */
    float echo_warmup_s;         /* reference activity before its cue is trusted */
    float echo_removed_min_db;   /* a hop the canceller took this much from is leak */
    float echo_dt_max_db;        /* took less than this while the reference spoke: own voice
                                    (-10, the least the cue reads, turns it off) */
    float echo_removed_sure_db;  /* took this much: leak even where the pitch is another voice's */
    /* turn-taking on real audio */
    float backchannel_min_s;     /* shorter "utterances" (an echo fragment, a click) are no
                                    backchannel: the shortest "mm" is about 0.2 s */
    float echo_run_leak_db;      /* the canceller runs on a channel whose leak sits less than
                                    this far under the other voice (a running median of its
                                    level under the other's recent peak while the other talks):
                                    weaker leaks are told by their level alone, dB (negative) */
    float bleed_early_corr;      /* until the leak is measured, a channel whose level envelope
                                    correlates this well with the other side's at one delay is
                                    taken to carry its leak there (1: off) */
    float echo_dt_voice_db;      /* the converged canceller took less than this from a hop with
                                    a pitch not the other voice's: own voice under the echo
                                    (double-talk), whatever the level model predicted (0: off) */
    float speech_far_oct;        /* a voiced hop whose pitch is more than this from the talker's
                                    register (median F0) is no anchor of their speech ... */
    float speech_far_loud_db;    /* ... when it is more than this under the talker's level (0: off) */
    float tail_gap_max_s;        /* a speaker's segment this soon after their own, in a turn the
                                    other has just cut into, is its tail: no backchannel (0: off) */
    float speech_weak_rel_db;    /* a segment shorter than backchannel_max_s whose loudest voiced
                                    hop stayed more than this under the talker's level is not
                                    theirs (0: off) */
    float interrupt_rel_db;      /* an interrupter, and an agent holding the floor, came within
                                    this of their own level (0: off) */
    float laugh_high_oct;        /* a segment no longer than laugh_max_s whose voiced hops lie ... */
    float laugh_high_min_pct;    /* ... this share of them or more, over this far above the
                                    talker's register is a laugh, not speech (0: off) */
    float laugh_max_s;
    float laugh_pulses_min;      /* a segment no longer than laugh_max_s of this many pulses of
                                    sound or more (0: off), ... */
    float laugh_pulse_max_ms;    /* ... none of them longer than this, ... */
    float laugh_gap_min_ms;      /* ... each after a quiet gap this long, is a laugh ("ha-ha-ha") */
    float silence_break_rel_db;  /* speech ends dead air once it comes within this of the talker's
                                    level (or lasts 2 s); quieter talk in dead air is the
                                    neighbours' (0: any speech) */
    float echo_dt_hold_ms;       /* for this long after a hop of this side's own voice under a
                                    measured leak (another voice's pitch) ... */
    float echo_dt_hold_db;       /* ... a hop the converged canceller took less than this from
                                    is still that voice, not leak: double-talk hangover (0: off) */
    float speech_strong_rel_db;  /* a segment goes on (voiced hops within speech_rel_db carry it)
                                    only while a voiced hop within this of the talker's level
                                    came in the last ... (0: off) */
    float speech_strong_gap_ms;  /* ... this long; after it weaker hops only bridge */
    float speech_own_oct;        /* a segment that never came within speech_strong_rel_db of the
                                    level is the talker's only if its voiced hops lie within this
                                    of their register ... (0: off) */
    float speech_own_min_pct;    /* ... this share of them or more, % */
    float mains_hum_tol_hz;      /* a pitch within this of 50 or 60 Hz on two hops in a row is
                                    mains hum, not a voice (0: off) */
    float onset_lead_rise_db;    /* a segment's unvoiced lead-in before its first voiced hop
                                    reaches back only over hops this far over the sound before
                                    it (babble is no fricative), dB (0: off) */
    float bleed_delay_pitch_st;  /* the leak's delay is where this channel's pitch follows the
                                    other voice's within this on 45 % of the hops with both voiced
                                    (an AGC and a wandering echo hide it from the level
                                    difference), semitones (0: off) */
    float speech_final_voiced_min_ms; /* a segment that closes within backchannel_max_s of
                                    its start (hangover_ms included) with fewer voiced hops than
                                    this on the pitch path's final reading is withdrawn: a click,
                                    a breath, a laugh's last pulse that the live reading took
                                    for voiced, ms (0: off) */
    float speech_echo_contour_pct; /* ... and one whose final voiced hops follow the other
                                    channel's final pitch, where it talked from before, at one
                                    delay (up to bleed_max_delay_ms, within bleed_delay_pitch_st)
                                    on this share of them or more is the other voice's echo,
                                    % (0: off) */
    float speech_echo_contour_min_ms; /* ... when it has at least this many voiced hops, ms */
    float speech_warmup_peer_db;   /* until a talker's own level is known, a voiced hop of theirs
                                    while the other side talks is speech only within this of
                                    the other talker's level: the babble behind a caller who has
                                    not spoken yet is no answer to the agent's greeting, dB
                                    (0: off) */
    float backchannel_alone_max_s; /* a newcomer's words shorter than this, then a pause of
                                    backchannel_alone_quiet_s at their noise floor while the holder
                                    talked on past the hand-over: an "uh-huh", and what follows the
                                    pause is a new attempt at the floor, s (0: off) */
    float backchannel_alone_quiet_s; /* ... that pause, s (over turn_pause_max_s: never) */
    float speech_register_rel_db; /* a talker's pitch register is set from the warm-up's anchors
                                    within this of their level (the babble and crosstalk heard
                                    before their first words are further under it), dB */
    float speech_diffuse_spread_db; /* a segment whose sound over backchannel_max_s either side of
                                    its start (1.27 s at most) spreads less than this (90th less
                                    10th percentile of every hop's level) ... dB (0: off) */
    float speech_diffuse_voiced_pct; /* ... with fewer of those hops voiced than this is the
                                    babble of distant talkers, not the near one, and is withdrawn, % */
    float speech_diffuse_own_voiced_pct; /* ... unless this share of the segment's own hops or
                                    more is voiced (a near word in steady noise), % */
    float speech_diffuse_own_min_ms; /* ... and they last this long at least, ms */
    float speech_over_background_db; /* a segment whose voiced hops (its first backchannel_max_s)
                                    lie, at their 80th percentile, less than this over the 80th
                                    percentile of the sound outside this talker's segments in the
                                    speech_background_s before it ... dB (0: off) */
    float speech_background_voiced_pct; /* ... where this share of that sound or more is voiced
                                    (the babble of other voices), is one of them and is withdrawn, % */
    float speech_background_s;   /* ... that sound's span, s (at most 8.9 s at 100 hops/s) */
    float raised_joint_db_st;    /* the level's margin over raised_min_db (dB) and the pitch's
                                    over raised_min_st (semitones) add up to this at least */
    float hangover_strong_ms;    /* a pause longer than hangover_ms, up to this, stays inside
                                    the segment when the talker comes back with a strong hop
                                    (speech_strong_rel_db of their level, at their pitch), ms
                                    (at or under hangover_ms: off) */
    float bleed_continue_st;     /* before a leak is measured, a voiced hop whose pitch moved
                                    no more than this from the hop before, which was this side's
                                    voice, and is not the other voice's pitch (only a harmonic
                                    of it), is this side's voice going on, semitones (0: off) */
    float speech_distant_spread_db; /* a segment whose sound over backchannel_max_s either side of
                                    its start spreads less than this (10th to 90th percentile) ... dB
                                    (0: off) */
    float speech_distant_fall_db; /* ... and whose level never falls this much within 30 ms in its
                                    first backchannel_max_s, dB (1-60) ... */
    float speech_distant_bg_voiced_pct; /* ... after sound outside this talker's segments voiced
                                    this much (speech_background_s), is distant voices, withdrawn, % */
    float speech_distant_over_bg_db; /* ... when its voiced hops lie less than this over that
                                    sound (80th percentiles), dB (0: at any level) */
    float bleed_compress_max_db_per_db; /* a measured leak's loss may grow with the other voice's
                                    level (a clipped speakerphone's echo is compressed): the
                                    slope learnt, at most this, dB of loss per dB of level,
                                    brings the leak of that voice's quieter syllables up (0: off) */
    float speech_faint_over_bg_db; /* a segment that never came within speech_far_loud_db of the
                                    talker's level nor near it at their pitch, and never fell
                                    speech_distant_fall_db within 30 ms, stands at least this over
                                    the sound before it (80th percentiles) or is not the talker's,
                                    withdrawn, dB (0: off) */
    float speech_register_relevel_db; /* when the register moves to the pitch of a voice heard at
                                    or over the talker's level (src/vad.c check_register), and
                                    that voice's anchors lie this much over the level (median),
                                    the level is set again from them, dB (0: off) */
    float speech_warmup_overlap_db; /* a talker's level first learnt while the other side talked
                                    on nearly all of it, before that side's own level was known
                                    (a call's first seconds), is checked by the anchors after it:
                                    a block of them whose 80th percentile lies this much over it
                                    sets it again, dB (0: off) */
} tm_config;

typedef struct tm_analyzer tm_analyzer;

/* Per-speaker statistics over the call so far (for the summary). */
typedef struct {
    double talk_s;            /* seconds of speech */
    double raised_s;          /* seconds inside raised-voice episodes */
    int    interruptions_made;
    int    backchannels;
    int    monologues;
    int    raised_count;
    double hold_s;            /* seconds of hold music on this channel */
    float  f0_median_hz, f0_p10_hz, f0_p90_hz;   /* over voiced speech hops; 0 if none */
    float  level_median_db, level_p90_db;        /* hop level over speech hops, dBFS */
    float  loudness_median_lufs;                 /* momentary loudness over speech hops */
    float  baseline_lufs, baseline_f0_hz;        /* current baselines */
    float  coupling_db;       /* measured leak loss from the other channel, 0 if unknown */
    float  coupling_delay_ms;
} tm_speaker_stats;

typedef struct {
    double duration_s;
    double overlap_s;
    double silence_s;         /* inside silence events */
    int    overlaps, silences, deescalations;
    tm_speaker_stats speaker[2];
    size_t events_dropped;
} tm_stats;

/* The library's version at run time ("0.1.0"); TM_VERSION_STRING is the header's. */
TM_API const char *tm_version(void);
TM_API tm_config   tm_config_default(int sample_rate_hz);
/* Checks every field's range; returns TM_OK, TM_ERR_RATE or TM_ERR_ARG (and the field name in
 * *bad_field when not NULL). */
TM_API TM_WUR tm_status   tm_config_check(const tm_config *cfg, const char **bad_field);
/* Allocates everything the analyzer will ever need. TM_ERR_ARG, TM_ERR_RATE, TM_ERR_NOMEM. */
TM_API TM_WUR tm_status   tm_analyzer_create(const tm_config *cfg, tm_analyzer **out);
TM_API void        tm_analyzer_destroy(tm_analyzer *a);       /* NULL is a no-op */
TM_API void        tm_analyzer_reset(tm_analyzer *a);         /* t = 0 again, frees nothing */
/* ch1 is ignored (may be NULL) for a mono analyzer. Non-finite samples (NaN, +-Inf) are treated
 * as 0, finite ones beyond +-1000 are clipped there. Any n_frames, even 0 or 1.
 * TM_ERR_ARG for a NULL analyzer or a NULL channel with n_frames > 0; TM_ERR_STATE after
 * tm_analyzer_finish() or tm_analyzer_process_frames() (until tm_analyzer_reset()); then nothing
 * is consumed. */
TM_API TM_WUR tm_status   tm_analyzer_process(tm_analyzer *a, const float *ch0, const float *ch1,
                                       size_t n_frames);
/* Interleaved twin: frame i is x[i*stride + c0] and x[i*stride + c1]. Statuses as process(), and
 * TM_ERR_ARG for stride < 1 or a channel index outside 0..stride-1. */
TM_API TM_WUR tm_status   tm_analyzer_process_interleaved(tm_analyzer *a, const float *x, int stride,
                                                   int c0, int c1, size_t n_frames);
/* Replay: instead of samples, the measured features of n_hops hops (frames[h * channels + c],
 * as on_frame reported them: level_db, loudness_lufs, f0_hz, f0_live_hz, voicing, tone_frac,
 * echo_removed_db, echo_known, lost; the rest is ignored).
 * Runs only the decision stages (noise floor, leak, speech, turns, raised voice), hundreds of
 * times faster than process(): for re-scoring a call under other thresholds. Do not mix with
 * process() on one analyzer between resets. TM_ERR_ARG for a NULL analyzer, or NULL frames with
 * n_hops > 0; TM_ERR_STATE after process() or finish() (until reset). */
TM_API TM_WUR tm_status   tm_analyzer_process_frames(tm_analyzer *a, const tm_frame *frames, size_t n_hops);
/* End of stream: closes open speech, overlaps, episodes and flushes the delayed frames; every
 * alert still open gets its complete event. Later process calls return TM_ERR_STATE until
 * tm_analyzer_reset(). NULL, or a second call, is a no-op. */
TM_API void        tm_analyzer_finish(tm_analyzer *a);
/* 1 got one, 0 empty (also for a NULL analyzer or ev). Every alert (final = 0) is followed,
 * sooner or later, by a complete event (final = 1) of the same type, speaker and start, and a
 * de-escalation moment's complete event keeps the severity its alert had: what a live run shows
 * is what the record keeps. */
TM_API TM_WUR int         tm_analyzer_next_event(tm_analyzer *a, tm_event *ev);
TM_API size_t      tm_analyzer_dropped(const tm_analyzer *a);   /* 0 for NULL */
/* Samples between a sample entering process and its frame reaching on_frame. 0 for NULL. */
TM_API int64_t     tm_analyzer_latency(const tm_analyzer *a);
/* Samples per hop: sample_rate_hz / 100, rounded down, so a hop lasts hop / sample_rate_hz s
 * (9.977 ms at 11025 Hz): tools turn hop indices into time with it, never with 100 hops/s.
 * 0 for NULL. */
TM_API int         tm_analyzer_hop_size(const tm_analyzer *a);
/* TM_ERR_ARG for a NULL out (nothing written) or a NULL analyzer (*out zeroed). */
TM_API tm_status   tm_analyzer_stats(const tm_analyzer *a, tm_stats *out);
/* Current state for a live display: smoothed level of each channel and who is talking.
 * TM_ERR_ARG for a NULL array (nothing written) or a NULL analyzer (-120 dB, nobody talking). */
TM_API tm_status   tm_analyzer_meter(const tm_analyzer *a, float level_db[2], int talking[2]);
TM_API const char *tm_strerror(tm_status s);

/* The profile's fields, for front ends that read and write profiles: every float or int field
 * of tm_config that is a threshold, with its JSON key (the field name), range and meaning. */
typedef struct {
    const char *name;     /* JSON key, e.g. "raised_min_db" */
    int         is_int;   /* 1: int field, else float */
    size_t      offset;   /* offsetof(tm_config, field) */
    double      min, max; /* accepted range, inclusive */
    const char *help;     /* one line: what it is, with its unit */
} tm_config_field;
TM_API const tm_config_field *tm_config_fields(size_t *count);
TM_API const char *tm_event_type_name(tm_event_type t);     /* "speech", "overlap", ... */
TM_API const char *tm_reason_name(tm_reason r);             /* "caller_raised", ... */

#ifdef __cplusplus
}
#endif
#endif
