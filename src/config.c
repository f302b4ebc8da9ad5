/* src/config.c -- the defaults of every threshold, their accepted ranges and names.
 * models/default.json repeats these values; tests/test_profile checks that it does. */
#include "tonemon.h"
#include <stddef.h>

tm_config tm_config_default(int sample_rate_hz)
{
    tm_config c = {0};
    c.sample_rate_hz = sample_rate_hz;
    c.channels = 2;
    c.event_capacity = 1024;

    c.speech_margin_db = 8.0f;
    c.speech_min_level_db = -60.0f;
    c.floor_window_s = 3.0f;
    c.onset_ms = 30.0f;
    c.hangover_ms = 200.0f;
    c.voicing_min = 0.55f;
    c.f0_min_hz = 60.0f;
    c.f0_max_hz = 500.0f;
    c.pitch_peak_ratio = 0.93f;
    c.bleed_margin_db = 6.0f;
    c.bleed_max_delay_ms = 250.0f;
    c.bleed_pitch_match_st = 1.0f;
    c.bleed_min_coupling_db = 12.0f;
    c.overlap_min_s = 0.1f;
    c.backchannel_max_s = 1.0f;
    c.handover_max_s = 0.3f;
    c.turn_pause_max_s = 0.5f;
    c.backchannel_context_s = 1.0f;
    c.silence_min_s = 5.0f;
    c.monologue_min_s = 45.0f;
    c.raised_min_db = 6.0f;
    c.raised_exit_db = 4.0f;
    c.raised_min_st = 1.5f;
    c.raised_min_s = 1.0f;
    c.baseline_window_s = 60.0f;
    c.baseline_warmup_s = 5.0f;
    c.prior_loudness_lufs = -26.0f;
    c.repeat_window_s = 120.0f;
    c.repeat_count = 2;
    c.floor_digital_db = -100.0f;
    c.floor_bias_max_db = 10.0f;
    c.speech_over_mean_db = 6.0f;
    c.speech_rel_db = 12.0f;   /* 15 kept the synthesizer's quietest syllables; 12 keeps them within 0.01 and
                                * halves the false alerts of real desks (babble, office; realistic corpus) */
    c.weak_bridge_ms = 200.0f;
    c.overlap_merge_s = 0.3f;
    c.bleed_tail_t60_s = 1.2f;
    c.hold_window_s = 3.0f;
    c.hold_active_min = 0.6f;
    c.hold_voiced_min = 0.6f;
    c.hold_steady_min = 0.8f;
    c.hold_tone_frac_min = 0.95f;
    c.hold_tuned_min = 0.6f;
    c.hold_tuned_keep_min = 0.4f;
    c.hold_gap_s = 0.3f;
    c.hold_lead_max_s = 2.0f;
    c.hold_end_voiced_s = 0.3f;
    c.hold_onsets_max_hz = 3.0f;
    c.alert_repeat_min_s = 20.0f;
    c.upset_window_s = 60.0f;
    c.onset_voiced_ms = 10.0f;
    c.echo_canceller = 1;   /* it rests where the leak is weak: bench stays over 1000x */
    c.echo_filter_ms = 320.0f;
    c.echo_warmup_s = 2.0f;
    c.echo_removed_min_db = 6.0f;
    c.echo_dt_max_db = 4.0f;
    c.echo_removed_sure_db = 12.0f;
    c.backchannel_min_s = 0.1f;
    c.echo_run_leak_db = -24.0f;
    c.bleed_early_corr = 0.8f;
    c.echo_dt_voice_db = 3.0f;   /* at most half the hop's energy was echo */
    c.speech_far_oct = 0.6f;     /* a talker's voiced hops: 95 % within 0.3 octave of their median */
    c.speech_far_loud_db = 3.0f;
    c.tail_gap_max_s = 0.35f;    /* the gate's 200 ms hangover plus the longest split measured (150 ms) */
    c.speech_weak_rel_db = 10.0f; /* the talker's short segments peak within 8 dB of their level */
    c.interrupt_rel_db = 5.0f;    /* babble that passes sits 6-10 dB under; 5: the knee (turns.c) */
    c.laugh_high_oct = 0.6f;      /* as speech_far_oct: outside a talker's own pitch range */
    c.laugh_high_min_pct = 70.0f;
    c.laugh_max_s = 2.0f;         /* laugh bouts: 0.5-2 s of 3-8 "ha" pulses */
    c.laugh_pulses_min = 3.0f;
    c.laugh_pulse_max_ms = 150.0f;
    c.laugh_gap_min_ms = 50.0f;
    c.onset_lead_rise_db = 6.0f;
    c.mains_hum_tol_hz = 0.5f;
    c.bleed_delay_pitch_st = 0.3f; /* an echo keeps its voice's F0; a contour moves more in 10 ms */
    c.speech_final_voiced_min_ms = 30.0f; /* a syllable's vowel: 50 ms and more */
    c.speech_echo_contour_pct = 80.0f;     /* development corpora: 90 echo segments, 8 of speech */
    c.speech_echo_contour_min_ms = 40.0f;  /* fewer hops follow a contour by chance */
    c.speech_warmup_peer_db = 15.0f; /* babble lies 10-25 dB under its talker; the corpus's two legs <= 9.7 dB apart */
    c.backchannel_alone_max_s = 0.6f;   /* the corpus's backchannels: 90 % under 0.57 s */
    c.backchannel_alone_quiet_s = 0.25f;
    c.speech_register_rel_db = 12.0f; /* babble 10-25 dB under; 6 dB took a low voice's harmonic errors */
    c.speech_diffuse_spread_db = 12.0f; /* development corpora: babble's false segments 8.1 dB (median), the talkers' 19-23 */
    c.speech_diffuse_voiced_pct = 45.0f; /* ... their hops 0.3 voiced (median), the talkers' 0.6-0.7 */
    c.speech_diffuse_own_voiced_pct = 90.0f; /* an "uh-huh" under street noise: 96-100 % */
    c.speech_diffuse_own_min_ms = 100.0f; /* such a word: 140 ms and more; a babble voice crossing the gate: 20-90 */
    c.speech_over_background_db = 6.0f;    /* development corpora: see src/vad.c */
    c.speech_background_voiced_pct = 20.0f; /* street and AGC-pumped noise is mostly unvoiced */
    c.speech_background_s = 4.0f;
    c.raised_joint_db_st = 1.0f;           /* development corpora: see src/raised.c */
    c.silence_break_rel_db = 6.0f; /* talk after 5 s of quiet peaks within 5 dB of the level */
    c.echo_dt_hold_ms = 200.0f;
    c.echo_dt_hold_db = 2.0f;
    c.speech_strong_rel_db = 6.0f; /* within a talker's phrases a voiced hop this close comes every 0.25 s (99 %) */
    c.speech_strong_gap_ms = 500.0f;
    c.hangover_strong_ms = 300.0f;
    c.bleed_continue_st = 0.5f;   /* from hop to hop a voice moves under 0.5 semitone 97 % of the time */
    c.speech_distant_spread_db = 20.0f; /* development corpora: see src/vad.c */
    c.speech_distant_fall_db = 10.0f;
    c.speech_distant_bg_voiced_pct = 30.0f;
    c.speech_distant_over_bg_db = 10.0f;
    c.bleed_compress_max_db_per_db = 0.6f;   /* a 2.5:1 compressor at most */
    c.speech_faint_over_bg_db = 6.0f;
    c.speech_register_relevel_db = 3.0f;  /* see src/vad.c check_register */
    c.speech_warmup_overlap_db = 4.0f;    /* see src/vad.c learn_level */
    c.speech_own_oct = 0.25f;     /* a talker's voiced hops: 90 % within 0.2 octave of their median */
    c.speech_own_min_pct = 50.0f;
    return c;
}

#define F(name, lo, hi, help) { #name, 0, offsetof(tm_config, name), lo, hi, help }
#define I(name, lo, hi, help) { #name, 1, offsetof(tm_config, name), lo, hi, help }
static const tm_config_field fields[] = {
    F(speech_margin_db, 1, 40, "level above the adaptive noise floor that counts as active, dB"),
    F(speech_min_level_db, -100, -10, "nothing quieter than this is speech, dBFS"),
    F(floor_window_s, 0.5, 30, "window of the minimum-statistics noise floor, s"),
    F(onset_ms, 10, 500, "activity needed before speech is confirmed, ms"),
    F(hangover_ms, 0, 1000, "speech holds over gaps this long, ms"),
    F(voicing_min, 0.1, 0.99, "periodicity (NSDF peak) that counts as voiced, 0..1"),
    F(f0_min_hz, 40, 200, "lowest pitch searched, Hz"),
    F(f0_max_hz, 200, 1000, "highest pitch searched, Hz"),
    F(pitch_peak_ratio, 0.5, 1.0, "first NSDF peak within this ratio of the best is F0"),
    F(bleed_margin_db, 0, 30, "own speech must exceed the predicted leak by this, dB"),
    F(bleed_max_delay_ms, 0, 500, "longest leak delay searched, ms"),
    F(bleed_pitch_match_st, 0.1, 6, "pitch within this of the other side's is leak, semitones"),
    F(bleed_min_coupling_db, 0, 60, "leak loss assumed before one is measured, dB"),
    F(overlap_min_s, 0.01, 2, "shortest overlap reported, s"),
    F(backchannel_max_s, 0.2, 5, "longest backchannel; talking past it takes the floor, s"),
    F(handover_max_s, 0, 2, "overlap at a turn's end that is an ordinary hand-over; a newcomer who came in this soon after the holder took the floor started with them, no interruption, s"),
    F(turn_pause_max_s, 0.05, 3, "a pause this short inside a turn does not end it, s"),
    F(backchannel_context_s, 0, 5, "the holder speaks this close to a backchannel, s"),
    F(silence_min_s, 0.5, 600, "dead air this long is a silence, s"),
    F(monologue_min_s, 5, 3600, "floor held this long without a turn from the other, s"),
    F(raised_min_db, 1, 30, "loudness over own baseline for a raised voice, dB"),
    F(raised_exit_db, 0, 30, "raised episode continues while above this over baseline, dB"),
    F(raised_min_st, 0, 12, "pitch over own baseline for a raised voice, semitones"),
    F(raised_min_s, 0.1, 30, "raised loudness sustained this long, s"),
    F(baseline_window_s, 5, 600, "baselines are medians over this much of own speech, s"),
    F(baseline_warmup_s, 0, 120, "the prior weighs like this much speech, s"),
    F(prior_loudness_lufs, -70, 0, "loudness baseline before a speaker has talked, LUFS"),
    F(repeat_window_s, 1, 3600, "interruptions of the caller this close raise severity, s"),
    I(repeat_count, 1, 100, "this many within repeat_window_s give severity 2"),
    F(floor_digital_db, -130, -60, "hops under this are digital silence, not noise, dBFS"),
    F(floor_bias_max_db, 0, 30, "noise mean may sit this far over the floor minimum, dB"),
    F(speech_over_mean_db, 0, 40, "active hops are also this far over the noise mean level, dB"),
    F(speech_rel_db, 3, 60, "speech is voiced within this of the speaker's own level, dB"),
    F(overlap_merge_s, 0, 5, "overlaps this close together are one, s"),
    F(weak_bridge_ms, 0, 2000, "weaker hops only bridge this long after a voiced one, ms"),
    F(bleed_tail_t60_s, 0.01, 3, "reverberation time of the echo path (speakerphone room), s"),
    F(hold_window_s, 0.5, 10, "hold music is judged over this window, s"),
    F(hold_active_min, 0, 1, "share of the window sounding (active or voiced) for music"),
    F(hold_voiced_min, 0, 1, "share of the window voiced for music"),
    F(hold_steady_min, 0, 1, "share of voiced hop pairs whose pitch stands still for music"),
    F(hold_tone_frac_min, 0.3, 1.01, "share of 30 ms energy in one signalling tone for a tone"),
    F(hold_tuned_min, 0, 1, "share of voiced hops on the A440 semitone grid for music"),
    F(hold_tuned_keep_min, 0, 1, "share of voiced hops on the grid for a hold to go on"),
    F(hold_gap_s, 0.01, 3, "a pause without sound this long parts speech from the hold music after it, s"),
    F(hold_lead_max_s, 0, 3, "sound without a voice's glide rising out of quiet before the music's first note starts the hold, up to s"),
    F(hold_end_voiced_s, 0.05, 10, "voiced this long after such a pause without sounding like music, talk ends a hold, s"),
    F(hold_onsets_max_hz, 0.1, 100, "music that starts a hold begins voiced stretches at most this often, per s"),
    F(alert_repeat_min_s, 0, 600, "a prompt of the same reason this soon is merged into the shown one, s"),
    F(upset_window_s, 1, 3600, "\"upset caller\" needs a caller raised voice within this, s"),
    F(onset_voiced_ms, 10, 1000, "speech starts once its onset holds this much voiced speech near the talker's level, ms"),
    I(echo_canceller, 0, 1, "1: an adaptive echo canceller's removal is a leak cue; 0: off"),
    F(echo_filter_ms, 20, 1000, "echo path span (delay plus tail) the canceller models, ms"),
    F(echo_warmup_s, 0, 60, "reference activity before the canceller's cue is trusted, s"),
    F(echo_removed_min_db, 0, 40, "a hop the canceller took this much from is leak, dB"),
    F(echo_dt_max_db, -10, 40, "took less than this of a hop as loud as the predicted leak: own voice, dB (-10: off)"),
    F(echo_removed_sure_db, 0, 60, "took this much: leak even with another voice's pitch, dB"),
    F(backchannel_min_s, 0, 1, "a shorter utterance inside the other's turn is no backchannel, s"),
    F(echo_run_leak_db, -100, 0, "the canceller runs on a channel whose leak is louder than this, dB"),
    F(bleed_early_corr, 0.3, 1, "unmeasured, an envelope this correlated with the other's at one delay is leak (1: off)"),
    F(echo_dt_voice_db, 0, 40, "converged canceller took less than this from a hop with another voice's pitch: own voice, dB (0: off)"),
    F(speech_far_oct, 0, 4, "a voiced hop this far from the talker's median pitch is another voice ..., octaves (0: off)"),
    F(speech_far_loud_db, 0, 60, "... when more than this under the talker's level, dB"),
    F(tail_gap_max_s, 0, 2, "a segment this soon after one's own, in a turn just cut into, is its tail, not a backchannel, s"),
    F(speech_weak_rel_db, 0, 60, "a segment shorter than a backchannel that never came within this of the talker's level is not theirs, dB (0: off)"),
    F(interrupt_rel_db, 0, 60, "an interrupter (and an agent holding the floor) came within this of their own level, dB (0: off)"),
    F(laugh_high_oct, 0, 4, "a short segment whose voiced hops lie this far above the talker's register ..., octaves (0: off)"),
    F(laugh_high_min_pct, 0, 100, "... this share of them or more, is a laugh, not speech, %"),
    F(laugh_max_s, 0, 5, "... when no longer than this, s"),
    F(laugh_pulses_min, 0, 20, "a segment no longer than laugh_max_s of this many pulses of sound (0: off) ..."),
    F(laugh_pulse_max_ms, 10, 1000, "... none longer than this, ms ..."),
    F(laugh_gap_min_ms, 10, 1000, "... each after a quiet gap this long, is a laugh, ms"),
    F(silence_break_rel_db, 0, 60, "speech ends dead air once within this of the talker's level (or 2 s long), dB (0: any)"),
    F(echo_dt_hold_ms, 0, 2000, "double-talk hangover: this long after a hop of own voice under a measured leak ..., ms"),
    F(echo_dt_hold_db, 0, 40, "... a hop the converged canceller took less than this from is own voice, dB (0: off)"),
    F(speech_strong_rel_db, 0, 60, "speech goes on only while a voiced hop within this of the talker's level came ..., dB (0: off)"),
    F(speech_strong_gap_ms, 0, 5000, "... within this long, ms"),
    F(hangover_strong_ms, 0, 1000, "a pause this long still bridged when the talker resumes at their level and pitch, ms"),
    F(speech_distant_spread_db, 0, 60, "a segment whose sound over backchannel_max_s either side of its start (1.27 s at most) spreads less than this from its 10th to its 90th percentile, dB (0: off) ..."),
    F(speech_distant_fall_db, 1, 60, "... whose level never falls this much within 30 ms over its first backchannel_max_s (a near voice stops at once, voices in a room fade), dB ..."),
    F(speech_distant_bg_voiced_pct, 0, 100, "... and where this share of the sound outside this talker's segments in the speech_background_s before it is voiced (other voices), is distant voices and is withdrawn, %"),
    F(speech_distant_over_bg_db, 0, 60, "... when its voiced hops' 80th percentile lies less than this over that sound's, dB (0: at any level)"),
    F(bleed_continue_st, 0, 12, "before a leak is measured, a voiced hop this close in pitch to this side's voice on the hop before, and not at the other voice's pitch, is that voice, semitones (0: off)"),
    F(bleed_compress_max_db_per_db, 0, 1, "a measured leak's loss may grow with the other voice's level by up to this, dB per dB (0: off)"),
    F(speech_faint_over_bg_db, 0, 60, "a segment never near the talker's level that never falls speech_distant_fall_db in 30 ms stands this far over the sound before it, or is withdrawn, dB (0: off)"),
    F(speech_register_relevel_db, 0, 60, "when the register moves to a voice heard at or over the talker's level whose anchors lie this far over it (median), the level is set again from them, dB (0: off)"),
    F(speech_warmup_overlap_db, 0, 60, "a level first learnt under the other side's talk at a call's start is set again by a block of the anchors after it whose 80th percentile lies this far over it, dB (0: off)"),
    F(speech_own_oct, 0, 4, "a short segment that never came that close is the talker's only with its voiced hops within this of their register ..., octaves (0: off)"),
    F(speech_own_min_pct, 0, 100, "... this share of them or more, %"),
    F(mains_hum_tol_hz, 0, 5, "a pitch within this of 50 or 60 Hz on two hops in a row is mains hum, not a voice, Hz (0: off)"),
    F(onset_lead_rise_db, 0, 60, "a segment's unvoiced lead-in reaches back only over hops this far over the sound before it, dB (0: off)"),
    F(bleed_delay_pitch_st, 0, 2, "the leak's delay is where this channel's pitch follows the other voice's within this on 45 % of the hops with both voiced, semitones (0: off)"),
    F(speech_final_voiced_min_ms, 0, 1000, "a segment that closes within backchannel_max_s of its start with fewer voiced hops than this on the pitch path's final reading is withdrawn, ms (0: off)"),
    F(speech_echo_contour_pct, 0, 100, "a segment that closes within backchannel_max_s of its start whose final voiced hops follow the other channel's final pitch (while it talked, from before) at one delay of 10 ms to bleed_max_delay_ms (80 ms at least), within bleed_delay_pitch_st (0: off too), on this share of them or more is its echo and is withdrawn, % (0: off)"),
    F(speech_echo_contour_min_ms, 0, 1000, "... when it has at least this many final voiced hops, ms"),
    F(speech_warmup_peer_db, 0, 60, "until a talker's own level is known, their voiced hops while the other side talks are speech only within this of the other talker's level, dB (0: off)"),
    F(backchannel_alone_max_s, 0, 5, "a newcomer's words shorter than this, then a pause of backchannel_alone_quiet_s at their noise floor while the holder talked on past handover_max_s, are a backchannel, and what follows is a new attempt at the floor, s (0: off)"),
    F(backchannel_alone_quiet_s, 0, 5, "... that pause (over turn_pause_max_s the rule never holds), s"),
    F(speech_register_rel_db, 0, 60, "a talker's pitch register is set from the first voiced hops within this of their level, dB"),
    F(speech_diffuse_spread_db, 0, 60, "a segment whose sound over backchannel_max_s either side of its start (1.27 s at most; every hop's level) spreads less than this from its 10th to its 90th percentile, dB (0: off) ..."),
    F(speech_diffuse_voiced_pct, 0, 100, "... and has fewer of those hops voiced than this, is babble of distant talkers and is withdrawn, %"),
    F(speech_diffuse_own_voiced_pct, 0, 101, "... unless this share of the segment's own hops or more is voiced (a near word in steady noise), % (101: no segment is exempt)"),
    F(speech_diffuse_own_min_ms, 0, 1000, "... when those hops last this long at least, ms"),
    F(speech_over_background_db, 0, 60, "a segment whose voiced hops (over its first backchannel_max_s) lie, at their 80th percentile, less than this over the 80th percentile of the sound outside this talker's segments (not leak, hold or tones) in the speech_background_s before it, dB (0: off) ..."),
    F(speech_background_voiced_pct, 0, 100, "... where this share of that sound or more is voiced (other voices: babble), is one of those voices and is withdrawn, %"),
    F(speech_background_s, 0, 8.9, "... that sound's span (half a second of it at least, or the rule does not judge), s"),
    F(raised_joint_db_st, 0, 30, "a raised voice's level margin over raised_min_db (dB) plus its pitch margin over raised_min_st (semitones) is at least this (0: off)"),
};
#undef F
#undef I

const tm_config_field *tm_config_fields(size_t *count)
{
    if (count) *count = sizeof fields / sizeof fields[0];
    return fields;
}

tm_status tm_config_check(const tm_config *cfg, const char **bad_field)
{
    const char *dummy;
    if (!bad_field) bad_field = &dummy;
    *bad_field = NULL;
    if (!cfg) return TM_ERR_ARG;
    if (cfg->sample_rate_hz < 8000 || cfg->sample_rate_hz > 48000) {
        *bad_field = "sample_rate_hz";
        return TM_ERR_RATE;
    }
    if (cfg->channels != 1 && cfg->channels != 2) { *bad_field = "channels"; return TM_ERR_ARG; }
    if (cfg->event_capacity < 4 || cfg->event_capacity > (1u << 20)) {
        *bad_field = "event_capacity";
        return TM_ERR_ARG;
    }
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *p = (const char *)cfg + fields[i].offset;
        double v = fields[i].is_int ? (double)*(const int *)p : (double)*(const float *)p;
        if (!(v >= fields[i].min && v <= fields[i].max)) { /* also rejects NaN */
            *bad_field = fields[i].name;
            return TM_ERR_ARG;
        }
    }
    if (cfg->f0_min_hz * 2.0f > cfg->f0_max_hz) { *bad_field = "f0_max_hz"; return TM_ERR_ARG; }
    if (cfg->raised_exit_db > cfg->raised_min_db) { *bad_field = "raised_exit_db"; return TM_ERR_ARG; }
    return TM_OK;
}

const char *tm_version(void) { return TM_VERSION_STRING; }

const char *tm_strerror(tm_status s)
{
    switch (s) {
    case TM_OK: return "ok";
    case TM_ERR_ARG: return "invalid argument";
    case TM_ERR_NOMEM: return "out of memory";
    case TM_ERR_RATE: return "sample rate must be 8000..48000 Hz";
    case TM_ERR_STATE: return "not in this state (after finish, or samples and frames mixed; reset first)";
    }
    return "unknown status";
}

const char *tm_event_type_name(tm_event_type t)
{
    static const char *names[] = {
        "speech", "overlap", "interruption", "backchannel", "raised_voice", "silence",
        "monologue", "deescalation", "hold"};
    _Static_assert(sizeof names / sizeof names[0] == TM_EV__COUNT, "a name for every event type");
    return (unsigned)t < TM_EV__COUNT ? names[t] : "unknown";
}

const char *tm_reason_name(tm_reason r)
{
    static const char *names[] = {
        "none", "caller_raised", "agent_interrupts", "agent_raised", "agent_monologue", "silence"};
    _Static_assert(sizeof names / sizeof names[0] == TM_REASON__COUNT, "a name for every reason");
    return (unsigned)r < TM_REASON__COUNT ? names[r] : "unknown";
}
