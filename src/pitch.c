/* src/pitch.c -- fundamental frequency and voicing of one channel.
 *
 * Input: DC-blocked hops. Output per hop: F0 in Hz (0 when unvoiced) and a periodicity in 0..1
 * for a 40 ms window centred 2 hops behind the newest one; once at once (the best path ending at
 * that hop, for the live decisions) and once final, PITCH_PATH_LAG hops later (for the frames).
 *
 * Periodicity: the normalised squared difference function (NSDF, P. McLeod and G. Wyvill, "A
 * smarter way to find pitch", ICMC 2005), n(t) = 2 r(t) / m(t) = 1 - d(t)/m(t) with d YIN's
 * difference function (de Cheveigne and Kawahara, JASA 2002). It runs on a copy low-passed at
 * 2.1-2.5 kHz, decimated to 5-8 kHz and pre-emphasised below 1 kHz: F0 up to 500 Hz keeps its
 * harmonics up to the third formant there, and pink or babble noise, whose broad low-frequency
 * autocorrelation lifts the long lags, no longer pulls subharmonics. r(t) comes from two real
 * FFTs (kiss_fftr, distinct buffers, a fast size), m(t) from prefix sums. The top of each
 * positive lobe is a candidate. Where the longer lag of a 2:1 pair leads, it is checked against a
 * constant-term correlation (RAPT's NCCF) on a span centred on the hop (see cterm_delta), and its
 * F0 must have partials of its own at its odd multiples (odd_partials, SUB_RATIO_*). A short lag
 * against a voiced one 4-7 times longer must repeat at its own multiples too (multiples_nsdf,
 * MULT_*): a formant's harmonic does not.
 *
 * Decision: a dynamic-programming path over the candidates and an unvoiced state, as in RAPT (D.
 * Talkin, "A robust algorithm for pitch tracking", 1995), Praat (P. Boersma, "Accurate short-term
 * analysis of the fundamental frequency...", IFA Proceedings 17, 1993: octave cost, octave-jump
 * cost, voiced/unvoiced cost) and pYIN (M. Mauch and S. Dixon, ICASSP 2014). Local score: the
 * NSDF height (on wideband hops measured without the band below RANK_CUT_HZ, where pink noise
 * decides octaves, and shifted to keep the hop's whole-band height), less an octave cost per
 * octave of lag beyond the hop's shortest candidate (a period's multiples are as periodic as the
 * period itself) and less an envelope cost; the
 * unvoiced state scores voicing_min. Transitions cost per octave of F0 change, and leaving or
 * entering voicing costs a fixed amount plus a prior that pulls a new stretch towards the last
 * F0 on the path and fades with the gap. Each hop is final PITCH_PATH_LAG hops after it was
 * analysed, by tracing the best path back from the newest hop.
 *
 * Missing fundamental: through a telephone band with a weak first harmonic, the NSDF of a vowel
 * whose first formant sits on a low harmonic can prefer that harmonic's period. The spacing of
 * the harmonics above 1 kHz still carries F0: the half-wave rectified upper band is periodic at
 * the true period only. On band-limited hops (nothing below 200 Hz), where two candidates are
 * 2:1 to 7:1 apart, the shorter one loses what the envelope's periodicity at the longer lag
 * exceeds its own (at the best of its multiples that are not the longer lag's: env_witness),
 * weighted by that clarity. The final
 * period is re-measured at the full rate over a few lags with parabolic interpolation. */
#include "pitch.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Below this NSDF a lobe is no candidate: white noise reaches ~0.2 at some lag in 40 ms. */
#define CAND_MIN_NSDF 0.25f
/* The decimated copy's content near its Nyquist frequency (what the 2nd-order anti-alias filter
 * lets fold back) has no reliable phase between integer lags: the power spectrum is tapered
 * (raised cosine) from this share of Nyquist to zero, else a period midway between two lags
 * looks less periodic than its double. */
#define TAPER_FROM 0.7
/* Pre-emphasis y = x - a x[-1] of the decimated copy, applied as a weight on its spectrum: -4.4 dB at DC, +1.6 dB at 1 kHz, so a
 * formant on a low harmonic weighs less against the harmonics above it. Measured on the tuning
 * set: 0.7 costs natural wideband speech its voicing, 0 lets telephone speech take a formant's
 * harmonic for F0. */
#define PREEMPH 0.4f
/* Cost per octave of F0 change between two voiced hops, as a share of what the octave cost gives
 * back over the lookahead. 0.42 per octave (Praat's octave-jump cost is 0.35): a stretch taken an
 * octave down for a few hops in noise pays it twice, going and coming back; 0.9 (0.19 per octave)
 * let 5-12 hops whose double period led by chance go down (`tonemon synth` seeds 1-6, pink10 GPE
 * 0.41 -> 0.27 %, tel+15 0.54 -> 0.28 %, natural telephone speech of the tuning set 3.9 -> 3.1 %
 * with OCTAVE_SHARE 0.5). A real octave jump (a raised voice) still pays for itself: its old
 * F0's double is no more periodic than the new F0 and loses the octave cost every hop, and the
 * change of F0 within a hop up to JUMP_FREE_OCT is free (below). */
#define JUMP_SHARE 1.2f
/* F0 moves this much between two hops without cost: vibrato and fast intonation (a 5 Hz swing of
 * +-0.15 octave moves 0.047 octave a hop) are not jumps; charged linearly, the sharper jump cost
 * made a telephone voice in such a swing unvoiced where its period blurs (test_pitch, formant on
 * H6: voiced 78 -> 74 %; with this 79 %). An octave jump pays 0.95 of its cost. */
#define JUMP_FREE_OCT 0.05f
/* The live estimate (what the event stages see at once) has no lookahead to pay a jump back
 * with: on its own path an octave jump costs what it did before the final path's was raised
 * (0.19 per octave, charged linearly). With the final path's cost the live F0 held a stretch
 * too long at the old F0 or unvoiced and the sweep's bleed6 events lost an overlap and a
 * backchannel (macro F1 0.945 -> 0.937); with this one they are unchanged. */
#define LIVE_JUMP_SHARE 0.54f
/* Cost of starting or ending a voiced stretch (Praat's voiced/unvoiced cost 0.14). */
#define VUV_COST 0.14f
/* Prior of a new stretch towards the last F0 on its path: this much at an octave (or more) away,
 * fading with the gap (time constant in hops). Weaker than PITCH_PATH_LAG hops of octave cost, so
 * a real jump between stretches is taken within the lookahead. */
#define PRIOR_COST 0.15f
#define PRIOR_FADE_HOPS 30.0f
/* Envelope cue: upper band from 1 kHz (4th order: a first formant at 500 Hz is 30 dB down, where
 * two one-pole sections left it 15 dB down and its rectified ripple passed for the period). */
/* The rectified band is smoothed below the band: the envelope keeps F0 (<= 500 Hz), the carrier's
 * fine structure, which makes the envelope's periodicity swing between integer lags, goes. */
#define ENV_LP_HZ 700.0
#define ENV_HP_HZ 1000.0
/* The envelope's filters start at rest at the window's start: its first 2 ms are left out. */
#define ENV_WARM_S 0.002
/* Envelope periodicity differences below this are noise, not evidence (0.1: with the lower
 * ENV_TRUSTED below, 0.05 let noise in a telephone band halve F0 on the tuning set). */
#define ENV_MARGIN 0.1f
/* An envelope this periodic at the shorter lag clears it: the smoothing blurs a high voice's
 * envelope a little, so its double period always looks a bit clearer. */
#define ENV_CLEAR 0.8f
/* ...and the longer lag's envelope is evidence only when this periodic itself: in noise the upper
 * band's envelope is mostly the noise's. 0.45: behind the 4th-order high-pass a rough natural
 * voice's envelope reaches 0.45-0.65 at its period through a telephone band (tuning set: natural
 * telephone GPE 4.9 -> 4.2 %, with noise 4.5 -> 3.6 %). */
#define ENV_TRUSTED 0.45f
/* Two lags are q:1 apart within this share of q: the F0 moves within the 40 ms window, and a
 * formant's harmonic is found a little off its exact multiple. */
#define ENV_RATIO_TOL 0.1f
/* Harmonics up to the 7th can pass for F0 where one dominates a formant of a narrow band (a
 * first formant near 600 Hz on a 90 Hz voice, the commonest gross error left on natural
 * telephone speech of the tuning set). */
#define ENV_MIN_Q 2.0f
#define ENV_MAX_Q 7.0f
/* The cue is for band-limited audio only: it applies where the band below LOW_BAND_HZ holds less
 * than LOW_BAND_SHARE of the window's energy (a telephone band: nothing below 300 Hz). Wideband
 * audio with a fundamental, or with pink noise, has the NSDF's own evidence there, and the
 * envelope of its upper band in noise only adds noise: ungated, it was the commonest cause
 * of a halved F0 in pink noise (tuning set). 200 Hz: the pink noise's bulk is below it, and a
 * strong 3rd or 4th harmonic just above a telephone band's 300 Hz edge leaks more than 1 % into
 * the 40 ms window's bins below 250 Hz; 150 Hz let the cue act on a clean wideband 210 Hz voice
 * and halve it. */
#define LOW_BAND_HZ 200.0f
#define LOW_BAND_SHARE 0.01f
/* The shorter candidate of a pair is checked only when it is this periodic itself. */
#define ENV_CONTEST_MIN 0.4f
/* Weight of the envelope's clarity difference, in NSDF units, times the doubt (1 - NSDF) of the
 * shorter candidate: a clearly periodic short lag is not overruled by a noisy envelope. 8: with
 * the sharper high-pass the envelope is clean enough to be trusted twice as much as at first
 * (tuning set, natural telephone speech: GPE 5.2 -> 4.9 %, 12 changes nothing more). */
#define ENV_WEIGHT 8.0f
/* The octave cost is this share of McLeod's margin (1 - peak_ratio) per octave, counted from
 * the hop's most periodic candidate (shorter lags gain, longer ones lose): counted from the
 * shortest candidate, a spurious short lobe lowered every real one towards the unvoiced state's
 * score and cost voicing (tuning set VDE 1.2 -> 1.0 % synthetic, 6.6 -> 5.9 % natural). With heights
 * interpolated by sinc, a period's multiples lose to it by jitter alone, and a larger cost
 * takes a formant's harmonic for F0 through a telephone band. 0.5 (0.035 per octave; Praat's
 * octave cost is 0.01 per octave of its lag range, RAPT's lag weight 0.3 over its whole range):
 * in pink noise or a telephone band with noise, a voice's double period leads its period by a
 * few hundredths for a few hops often; 0.3 let it (with JUMP_SHARE 1.2, `tonemon synth` seeds
 * 1-6: tel+15 GPE 0.30 % at 0.5 against 0.54 % at 0.3; 0.6 lost natural pink10 speech of the
 * tuning set). */
#define OCTAVE_SHARE 0.5f
/* ...counted over at most this many octaves below the most periodic candidate: the octave cost
 * is for telling a period from its multiples 2:1 and 3:1; a telephone voice whose first formant
 * sits on its 4th-6th harmonic is 2-2.6 octaves below that harmonic's lobe and was made unvoiced
 * by OCTAVE_SHARE 0.5 counted all the way (test_pitch, formant on H6: 95 Hz voiced 78 -> 67 %). */
#define OCTAVE_CAP 1.0f
/* ...and over at most this many octaves above it: just over log2 3, so a period still gains
 * fully on its own 2x and 3x multiples. In pink noise the most periodic lobe is often a voice's
 * subharmonic (half or a third of F0); counted all the way up, F0's octave above then led F0 by
 * another 0.035 and a voice whose odd harmonics sink into the noise went an octave up for a
 * stretch. `tonemon synth` seeds 1-10 and 12-40, pink10: 348 -> 307 gross hops (octave up 180 ->
 * 129; a cap of 1 took 124 of them but made 79 more a third or half of F0; 1.3: 301, with 35
 * more at a third); tel+15 416 -> 413; tuning set natural tel+15 2.94 -> 2.87 %. */
#define OCTAVE_CAP_UP 1.6f
/* Candidates are ranked without the band below this (a 4th-order Butterworth high-pass's power
 * response, up to twice it), on wideband hops; the hop's voicing stays that of the whole band.
 * In a 40 ms window pink noise has most of its power there: its slow components add to the
 * autocorrelation at every lag, more at short lags than at long ones (a voice at a low local SNR
 * leaned an octave up, most often at a stretch's weak end, which the jump cost then carried over
 * the whole stretch), and a component near half or a third of F0 lifts twice or three times the
 * period (an octave or a twelfth down). A voice keeps its period without it: its harmonics above
 * carry it, as through a telephone band. `tonemon synth` seeds 1-10 and 12-40, pink10: 307 -> 62
 * gross hops (octave up 130 -> 7; 100 Hz: 160, 150 Hz: 83, a 2nd-order response at 120 Hz: 75);
 * unit-test noise, seeds 140-179: 151 -> 45; tuning sets' synthetic and natural wideband GPE
 * unchanged but for one creak hop (creak VDE 6.2 -> 7.1 %: weak hops at a stretch's edge). Left out of the whole
 * periodicity instead (the weight) it cost voicing and natural speech (tuning set: creak VDE 6 ->
 * 10 %, natural clean GPE 0 -> 0.4 % at 150 Hz). The final path only: the live path takes the
 * difference back out (pitch_col.rank): ranked the same way, the live F0 lost the sweep's bleed6
 * an overlap (of 52); taking it back out, every sweep event figure is unchanged. */
#define RANK_CUT_HZ 120.0
/* Two candidates are a 2:1 pair for the constant-term re-measurement within this much of 2. */
#define CTERM_PAIR_TOL 0.2f
/* Subharmonic check: where the longer lag of a 2:1 pair leads and the shorter one is voiced, the
 * longer one's F0 f must show partials of its own at its odd multiples (1, 3, 5... f: the ones
 * its double lacks), or its lead is noise's. Pink noise at 10 dB SNR has, in a 40 ms window, a
 * component near f often enough to make a voice more periodic at twice its period than at its
 * period for a few hops; a real subharmonic (or the fundamental of a voice whose first formant
 * sits on its 2nd harmonic) has partials there standing out of the noise. Evidence: the power
 * at the odd multiples up to SUB_MAX_HZ (the peak within SUB_PEAK_SPAN f of each) over the power
 * midway between them and the even ones (+-f/2), summed. Wideband: at or below SUB_RATIO_FULL
 * the longer lag's whole lead is taken away (down to a tie, where the octave cost decides; the
 * voicing stays), less of it up to SUB_RATIO_NONE, none above. Tuning set and `tonemon synth`
 * seeds 1-6, pink10 GPE 0.78 -> 0.41 % (clean, pink20 and natural speech unchanged); the whole
 * lead below a ratio of 2: 0.46 %, below 1.5: 0.67 %; a ramp from 1 to 4: 0.37 %, to 5: 0.53 %,
 * to 6: 0.95 % (it takes real subharmonics); up to 1 kHz fewer errors go, up to 2 kHz the same.
 * Through a telephone band the fundamental, the first odd multiple, is gone: the whole lead
 * below SUB_RATIO_BAND only (2 cost natural telephone speech 0.1-0.3 points of GPE on the tuning
 * set; 1.5: synthetic tel+15 0.35 -> 0.19 %, natural speech unchanged). With the sharper octave
 * and jump costs (OCTAVE_SHARE, JUMP_SHARE) natural telephone speech no longer loses at 2:
 * `tonemon synth` seeds 1-6 tel+15 0.28 -> 0.24 % (3: 0.22 %, but a 95 Hz telephone voice whose
 * formant sits on its 4th harmonic went to 4/3 F0 in test_pitch; 5 cost natural tel+15 0.3
 * points). On wideband hops the check runs where the shorter lag is at least SUB_SHORT_MIN
 * periodic, not only where it would be voiced itself: pink noise near half the F0 takes a
 * voice's period down to 0.45-0.55 while its double stays at 0.6 (seeds 1-6 pink10 0.27 ->
 * 0.21 %; such a hop goes to the shorter lag or unvoiced, not to a halved F0; 0.35 made the same
 * errors and 0.1 % more hops unvoiced). Through a telephone band that cost natural tel+15 speech
 * 0.2 points (tuning set): there the shorter lag must be voiced itself. */
#define SUB_MAX_HZ 1500.0f
#define SUB_PEAK_SPAN 0.2f
#define SUB_RATIO_FULL 1.0f
#define SUB_RATIO_NONE 3.0f
#define SUB_RATIO_BAND 2.0f
#define SUB_SHORT_MIN 0.45f
/* Multiples check: a lag L is a period only if the signal repeats at 2L, 3L... as well. A harmonic
 * that dominates a first formant (the 4th-7th of a low voice through a codec) makes the NSDF
 * nearly as high at its own short period as at F0's, yet at 2L, 3L the other harmonics, strong
 * beside the formant, are out of phase and the NSDF sinks; at a real period's multiples it stays
 * between the period's height and its q-th multiple's. So where a voiced candidate sits at
 * q = 4..7 times a lag, the lag loses MULT_WEIGHT times what the lower of the two heights exceeds
 * the mean NSDF near the lag's multiples 2..q-1 (within MULT_TOL of each: F0 moves in the
 * window) by more than MULT_MARGIN. The lower height, not the lag's own: a fast glide's NSDF
 * falls with the lag, and measured from the lag's own height a 420 Hz glide lost its period to
 * its double for 6 hops (tuning set, gen.py seed 1). Unlike the envelope cue it needs no
 * band-limited hop: through GSM with street noise the band below 200 Hz is seldom empty, and where
 * it is the upper band's envelope, smoothed, repeats at a 450 Hz harmonic's short period too (seed 29
 * c26, a 70-100 Hz voice: 15 % of its voiced hops at its 4th-6th harmonic, 5 % with the check;
 * tests/espeak/pitch_codec_test.sh 12 -> 4 %). Tuning set, natural speech: tel GPE 3.14 ->
 * 2.93 %, tel+15 2.86 -> 2.75 %, every other row unchanged. Not at q = 2 (2L is the longer lag
 * itself: the subharmonic check's) nor q = 3: hold music's fifth stands 3:1 over its chord's root
 * an octave down (test_hold_bounds: 0.74 s of fading music read as speech), and a laugh's 200 Hz
 * pulses in breath noise were 3:1 over a voiced lobe. A margin of 0.1, or a longer candidate down
 * to 0.4 or 0.25 periodic, took more formant harmonics away (tel+15 1.0-1.4 %) but also the pitch
 * of a laugh's pulses (seed 30 c29: a dead air lost) and of hold music's notes (seed 30 c48: 2.8 s
 * of music read as speech; test_hold_bounds). */
#define MULT_TOL 0.04f
#define MULT_MARGIN 0.15f
#define MULT_WEIGHT 1.0f
/* Half-width of the windowed sinc that interpolates the autocorrelation between lags. */
#define SINC_TAPS 6

/* Mains hum reads as a voice standing on 60 Hz (the lowest pitch searched) to a tenth of a hertz,
 * hop after hop, and a line's AGC lifts it in the pauses to within 10 dB of the talker: before
 * their level was known it started speech (seed 24 c17, seed 26 c32: the caller "talked" over
 * every turn of the agent's). A voice holds 50 or 60 Hz that closely for 20 ms only in creak. */
static int near_mains(float f0_hz, float tol_hz)
{
    return fabsf(f0_hz - 50.0f) <= tol_hz || fabsf(f0_hz - 60.0f) <= tol_hz;
}

int tmi_pitch_mains(float f0_hz, float prev_hz, float tol_hz)
{
    return tol_hz > 0.0f && f0_hz > 0.0f && near_mains(f0_hz, tol_hz) && near_mains(prev_hz, tol_hz);
}

int tmi_pitch_lookahead_hops(const tm_pitch *p)
{
    /* window centre is 25 ms behind the newest sample; a hop's centre is hop/2 into it */
    double behind = (p->win_s / 2.0 + p->gap_s) * p->fs - p->hop / 2.0;
    return (int)floor(behind / p->hop + 0.5);
}

int tmi_pitch_init(tm_pitch *p, const tm_config *cfg, int hops_per_s)
{
    int fs_hz = cfg->sample_rate_hz, hop = cfg->sample_rate_hz / hops_per_s;
    float f0_min_hz = cfg->f0_min_hz, f0_max_hz = cfg->f0_max_hz;
    float peak_ratio = cfg->pitch_peak_ratio, voicing_min = cfg->voicing_min;
    memset(p, 0, sizeof *p);
    p->fs = fs_hz;
    p->hop = hop;
    p->dec = fs_hz / 5000;
    if (p->dec < 1) p->dec = 1;
    double fsd = (double)fs_hz / p->dec;
    p->fs_dec = (int)fsd;
    /* A 40 ms window ending 5 ms before the newest sample: centred 25 ms back, on a hop's centre,
     * and short enough for a 320-point FFT (radix 2 and 5) at the 5.3 kHz copy of 16 kHz input. */
    p->win_s = 0.040;
    p->gap_s = 0.005;
    p->win_dec = (int)floor(p->win_s * fsd + 0.5);
    p->gap_dec = (int)floor(p->gap_s * fsd + 0.5);
    p->lag_min = (int)floor(fsd / f0_max_hz);
    if (p->lag_min < 2) p->lag_min = 2;
    p->lag_max = (int)ceil(fsd / f0_min_hz) + 1;
    if (p->lag_max > p->win_dec - 2) p->lag_max = p->win_dec - 2;
    p->nfft = kiss_fftr_next_fast_size_real(p->win_dec + p->lag_max + 1);
    p->win_full = (int)floor(0.020 * fs_hz + 0.5);
    /* the final hop's window is PITCH_PATH_LAG hops older than the newest, and reaches a window
     * and a longest period around its centre */
    p->hist_len = (int)ceil((p->win_s / 2.0 + p->gap_s) * fs_hz) + (PITCH_PATH_LAG + 1) * hop +
                  p->win_full + (int)ceil(fs_hz / f0_min_hz) + p->dec + 4;
    p->octave_cost = OCTAVE_SHARE * (1.0f - peak_ratio);
    p->jump_cost = JUMP_SHARE * PITCH_PATH_LAG * p->octave_cost;
    p->live_jump_cost = LIVE_JUMP_SHARE * PITCH_PATH_LAG * p->octave_cost;
    p->voicing_min = voicing_min;
    double fc = 0.4 * fsd < 2500.0 ? 0.4 * fsd : 2500.0;
    /* Low-pass to 2.5 kHz (0.4 of the copy's rate): the harmonics up to the third formant keep
     * the period clear when the fundamental is missing (telephone band). Decimated copies get a
     * 2nd-order filter: what folds back is 12 dB/octave down and inharmonic, which the NSDF
     * averages out, and it halves the cost; an 8 kHz input is not decimated and gets a 4th-order
     * Butterworth, which measurably helps on narrowband audio. */
    if (p->dec > 1) {
        tmi_biquad_lowpass(&p->aa[0], fc, 0.70710678, fs_hz);
    } else {
        tmi_biquad_lowpass(&p->aa[0], fc, 0.54119610, fs_hz);
        tmi_biquad_lowpass(&p->aa[1], fc, 1.30656296, fs_hz);
    }
    p->weight = calloc((size_t)p->nfft / 2 + 1, sizeof(float));
    for (int i = 0; p->weight && i <= p->nfft / 2; i++) {
        double w = 2.0 * M_PI * i / p->nfft, f = fsd * i / p->nfft, lo = TAPER_FROM * fsd / 2.0;
        double pre = 1.0 + PREEMPH * PREEMPH - 2.0 * PREEMPH * cos(w);
        double taper = f <= lo ? 1.0 : 0.5 + 0.5 * cos(M_PI * (f - lo) / (fsd / 2.0 - lo));
        p->weight[i] = (float)(pre * taper * taper);
    }
    p->env_a = (float)(1.0 - exp(-2.0 * M_PI * ENV_LP_HZ / fsd));
    tmi_biquad_highpass(&p->env_hp[0], ENV_HP_HZ, 0.54119610, fsd);
    tmi_biquad_highpass(&p->env_hp[1], ENV_HP_HZ, 1.30656296, fsd);
    p->low_bins = (int)(LOW_BAND_HZ * p->nfft / fsd);
    p->cut_bins = (int)(2.0 * RANK_CUT_HZ * p->nfft / fsd);
    if (p->cut_bins > PITCH_CUT_BINS - 1) p->cut_bins = PITCH_CUT_BINS - 1;
    for (int k = 0; k <= p->cut_bins; k++) {
        double x = pow(fsd * k / p->nfft / RANK_CUT_HZ, 8.0);
        p->cut_share[k] = (float)(1.0 / (1.0 + x));   /* what the high-pass takes away */
    }

    /* as much signal before the window as after it: a constant-term window centred on the hop
     * then fits at every lag up to lag_max (cterm_delta) */
    p->pre_dec = p->gap_dec;
    p->buf_dec = p->pre_dec + p->win_dec + p->gap_dec;
    p->cterm_n = p->buf_dec - p->lag_max - 1;
    if (p->cterm_n > p->win_dec) p->cterm_n = p->win_dec;
    p->dec_buf = calloc((size_t)p->buf_dec, sizeof(float));
    p->env_buf = calloc((size_t)p->win_dec, sizeof(float));
    p->emph_buf = calloc((size_t)p->buf_dec, sizeof(float));
    p->env_warm = (int)ceil(ENV_WARM_S * fsd);
    p->hist2 = calloc((size_t)p->hist_len * 2, sizeof(float));
    p->fft_in = calloc((size_t)p->nfft, sizeof(float));
    p->acf = calloc((size_t)p->nfft, sizeof(float));
    p->sq_prefix = calloc((size_t)p->win_dec + 1, sizeof(float));
    p->spec = calloc((size_t)p->nfft / 2 + 1, sizeof(kiss_fft_cpx));
    p->fwd = kiss_fftr_alloc(p->nfft, 0, NULL, NULL);
    p->inv = kiss_fftr_alloc(p->nfft, 1, NULL, NULL);
    if (!p->weight || !p->dec_buf || !p->env_buf || !p->emph_buf || !p->hist2 || !p->fft_in || !p->acf || !p->sq_prefix ||
        !p->spec || !p->fwd || !p->inv) {
        tmi_pitch_free(p);
        return -1;
    }
    tmi_pitch_reset(p);
    return 0;
}

void tmi_pitch_free(tm_pitch *p)
{
    free(p->dec_buf); free(p->env_buf); free(p->emph_buf); free(p->hist2); free(p->fft_in); free(p->acf);
    free(p->sq_prefix); free(p->spec); free(p->weight);
    kiss_fftr_free(p->fwd);
    kiss_fftr_free(p->inv);
    memset(p, 0, sizeof *p);
}

void tmi_pitch_reset(tm_pitch *p)
{
    tmi_biquad_reset(&p->aa[0]);
    tmi_biquad_reset(&p->aa[1]);
    p->dec_phase = 0;
    memset(p->dec_buf, 0, (size_t)p->buf_dec * sizeof(float));
    memset(p->hist2, 0, (size_t)p->hist_len * 2 * sizeof(float));
    p->hist_pos = 0;
    p->pushes = 0;
    p->ncols = p->nout = 0;
    memset(p->score, 0, sizeof p->score);
    memset(p->live, 0, sizeof p->live);
    p->fin.uv_oct = p->lv.uv_oct = 0.0f;
    p->fin.uv_gap = p->lv.uv_gap = -1;
}

static void shift_in(float *buf, int len, const float *x, int k)
{
    if (k >= len) {
        memcpy(buf, x + k - len, (size_t)len * sizeof(float));
    } else {
        memmove(buf, buf + k, (size_t)(len - k) * sizeof(float));
        memcpy(buf + len - k, x, (size_t)k * sizeof(float));
    }
}

/* The full-rate ring, written twice so that the newest hist_len samples are always contiguous. */
static void push_history(tm_pitch *p, const float *x)
{
    int n = p->hop;
    for (int done = 0; done < n;) {
        int m = n - done < p->hist_len - p->hist_pos ? n - done : p->hist_len - p->hist_pos;
        memcpy(p->hist2 + p->hist_pos, x + done, (size_t)m * sizeof(float));
        memcpy(p->hist2 + p->hist_pos + p->hist_len, x + done, (size_t)m * sizeof(float));
        p->hist_pos += m;
        if (p->hist_pos == p->hist_len) p->hist_pos = 0;
        done += m;
    }
    p->pushes++;
}

/* Keeps every dec-th of m low-passed samples in out (k of them so far): dec_phase samples went
 * by since the last one kept. */
static void decimate(tm_pitch *p, const float *lp, int m, float *out, int *k)
{
    for (int i = p->dec - 1 - p->dec_phase; i < m; i += p->dec)
        if (*k < 256) out[(*k)++] = lp[i];
    p->dec_phase = (p->dec_phase + m) % p->dec;
}

void tmi_pitch_push(tm_pitch *p, const float *x)
{
    int n = p->hop;
    push_history(p, x);
    /* Filter the hop, keep every dec-th sample, then shift them in at once. */
    float lp[480], out[256];
    int k = 0;
    for (int done = 0; done < n; done += 480) {
        int m = n - done < 480 ? n - done : 480;
        biquad_block(&p->aa[0], x + done, lp, m);
        if (p->dec == 1) biquad_block(&p->aa[1], lp, lp, m);
        decimate(p, lp, m, out, &k);
    }
    shift_in(p->dec_buf, p->buf_dec, out, k);
}

/* One sample through section q, state s = {x1, x2, y1, y2}: biquad_block's arithmetic. */
static inline double section(const tm_biquad *q, double s[4], double in)
{
    double out = q->b0 * in + q->b1 * s[0] + q->b2 * s[1] - q->a1 * s[2] - q->a2 * s[3];
    s[1] = s[0]; s[0] = in;
    s[3] = s[2]; s[2] = out;
    return out;
}

static void section_store(tm_biquad *q, double s[4])
{
    if (s[2] < 1e-30 && s[2] > -1e-30 && s[3] < 1e-30 && s[3] > -1e-30) s[2] = s[3] = 0.0;
    q->x1 = s[0]; q->x2 = s[1]; q->y1 = s[2]; q->y2 = s[3];
}

/* The undecimated (8 kHz) anti-alias filter, two sections, on both channels: the results of
 * biquad_block through q[0] and then q[1] (float between them), with the four recursions in
 * one loop, side by side instead of one after the other. */
static void lowpass4_2(tm_biquad q0[2], tm_biquad q1[2], const float *x0, const float *x1,
                       float *y0, float *y1, int n)
{
    double s[4][4] = {{q0[0].x1, q0[0].x2, q0[0].y1, q0[0].y2}, {q0[1].x1, q0[1].x2, q0[1].y1, q0[1].y2},
                      {q1[0].x1, q1[0].x2, q1[0].y1, q1[0].y2}, {q1[1].x1, q1[1].x2, q1[1].y1, q1[1].y2}};
    for (int i = 0; i < n; i++) {
        float a = (float)section(&q0[0], s[0], x0[i]);
        float b = (float)section(&q1[0], s[2], x1[i]);
        y0[i] = (float)section(&q0[1], s[1], a);
        y1[i] = (float)section(&q1[1], s[3], b);
    }
    section_store(&q0[0], s[0]);
    section_store(&q0[1], s[1]);
    section_store(&q1[0], s[2]);
    section_store(&q1[1], s[3]);
}

void tmi_pitch_push2(tm_pitch *p0, tm_pitch *p1, const float *x0, const float *x1)
{
    int n = p0->hop;
    push_history(p0, x0);
    push_history(p1, x1);
    float lp0[480], lp1[480], out0[256], out1[256];
    int k0 = 0, k1 = 0;
    for (int done = 0; done < n; done += 480) {
        int m = n - done < 480 ? n - done : 480;
        if (p0->dec == 1) lowpass4_2(p0->aa, p1->aa, x0 + done, x1 + done, lp0, lp1, m);
        else biquad_block2(&p0->aa[0], &p1->aa[0], x0 + done, x1 + done, lp0, lp1, m);
        decimate(p0, lp0, m, out0, &k0);
        decimate(p1, lp1, m, out1, &k1);
    }
    shift_in(p0->dec_buf, p0->buf_dec, out0, k0);
    shift_in(p1->dec_buf, p1->buf_dec, out1, k1);
}

/* Parabolic vertex offset in -0.5..0.5 around the middle of three samples. */
static float parabola(float a, float b, float c)
{
    float den = a - 2.0f * b + c;
    if (den >= 0.0f) return 0.0f;
    float d = 0.5f * (a - c) / den;
    return d < -0.5f ? -0.5f : d > 0.5f ? 0.5f : d;
}

/* NSDF at one integer lag over a full-rate window centred `centre` samples into h. */
static float nsdf_full(const tm_pitch *p, const float *h, int centre, int lag)
{
    int start = centre - (p->win_full + lag) / 2;
    if (start < 0) start = 0;
    if (start + p->win_full + lag > p->hist_len) start = p->hist_len - p->win_full - lag;
    if (start < 0) return 0.0f;
    const float *a = h + start, *b = a + lag;
    float r = 0.0f, m = 0.0f;
    for (int j = 0; j < p->win_full; j++) {
        r += a[j] * b[j];
        m += a[j] * a[j] + b[j] * b[j];
    }
    return m > 0.0f ? 2.0f * r / m : 0.0f;
}

/* The period of the hop analysed `age` pushes ago, re-measured at the full rate near lag_dec. */
static float refine(const tm_pitch *p, float lag_dec, int64_t age)
{
    float lag0 = lag_dec * p->dec;
    int reach = p->dec / 2 + 1;   /* the coarse lag is within half a decimated sample */
    int lo = (int)floor(lag0) - reach, hi = (int)ceil(lag0) + reach;
    int max_lag = p->hist_len - p->win_full - 1;
    if (lo < 2) lo = 2;
    if (hi > max_lag) hi = max_lag;
    if (hi - lo < 2) return lag0;
    const float *h = p->hist2 + p->hist_pos;
    int centre = p->hist_len - (int)floor((p->win_s / 2.0 + p->gap_s) * p->fs + 0.5) -
                 (int)age * p->hop;
    float v[40];
    int n = hi - lo + 1;
    if (n > 40) n = 40;
    int best = 0;
    for (int i = 0; i < n; i++) {
        v[i] = nsdf_full(p, h, centre, lo + i);
        if (v[i] > v[best]) best = i;
    }
    if (best == 0 || best == n - 1) return lag0;  /* no interior peak: keep the coarse one */
    return lo + best + parabola(v[best - 1], v[best], v[best + 1]);
}

/* The upper band's envelope over the analysis window, into env_buf; returns its mean past the
 * filters' settling. Made only on the hops that need it (band-limited, two candidates q:1 apart),
 * from the decimated copy, with the filters starting at rest at the window's start: wideband
 * audio pays nothing for the cue. The upper band: a 4th-order Butterworth high-pass at ENV_HP_HZ;
 * half-wave rectified, smoothed by two one-pole low-passes; in float: the cue needs the
 * envelope's shape, not an exact filter. */
static float envelope(tm_pitch *p)
{
    const int w = p->win_dec;
    const float *x = p->dec_buf + p->pre_dec;
    const tm_biquad *h0 = &p->env_hp[0], *h1 = &p->env_hp[1];
    /* the two sections (biquad_block's arithmetic, from rest, float between them) and the
     * smoothing in one loop: their recursions run side by side, not one after the other */
    double x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0, z1 = 0.0, z2 = 0.0, o1 = 0.0, o2 = 0.0;
    float s1 = 0.0f, s2 = 0.0f, a = p->env_a, sum = 0.0f;
    for (int i = 0; i < w; i++) {
        double in = x[i];
        double out = h0->b0 * in + h0->b1 * x1 + h0->b2 * x2 - h0->a1 * y1 - h0->a2 * y2;
        x2 = x1; x1 = in;
        y2 = y1; y1 = out;
        double in2 = (float)out;
        double out2 = h1->b0 * in2 + h1->b1 * z1 + h1->b2 * z2 - h1->a1 * o1 - h1->a2 * o2;
        z2 = z1; z1 = in2;
        o2 = o1; o1 = out2;
        float v = (float)out2;
        s1 += a * ((v > 0.0f ? v : 0.0f) - s1);
        s2 += a * (s1 - s2);
        p->env_buf[i] = s2;
        if (i >= p->env_warm) sum += s2;
    }
    return w > p->env_warm ? sum / (float)(w - p->env_warm) : 0.0f;
}

/* Periodicity of the upper band's envelope near one lag (its mean removed), best of two lags. */
static float env_nsdf(const tm_pitch *p, float lag_dec, float mean)
{
    const int w = p->win_dec;
    const float *e = p->env_buf;
    /* the smoothed envelope's peaks are a few lags wide: the nearest lag and the next one do */
    int l0 = (int)floorf(lag_dec);
    float best = 0.0f;
    for (int lag = l0; lag <= l0 + 1; lag++) {
        if (lag < 1 || lag >= w / 2) continue;
        float r = 0.0f, m = 0.0f;
        for (int j = p->env_warm; j < w - lag; j += 2) {   /* smoothed below 1 kHz: every other sample */
            float a = e[j] - mean, b = e[j + lag] - mean;
            r += a * b;
            m += a * a + b * b;
        }
        float v = m > 0.0f ? 2.0f * r / m : 0.0f;
        if (v > best) best = v;
    }
    return best;
}

/* The envelope's periodicity at the shorter lag t of a q:1 pair, as the best of its multiples
 * k t (k = 1..q+1, k != q) that fit the envelope's lag range: each is a period if t is, none is
 * a period of the longer lag when t is only a formant's harmonic of it (for q = 2: lags t and
 * 3t, where the envelope of the longer period is at its trough). One noisy lag alone let the
 * upper band's noise in a telephone band at 15 dB SNR take voices an octave down (tuning set:
 * synthetic tel+15 GPE 0.41 -> 0.35 %, tonemon synth seeds 1-6 0.92 -> 0.74 %; natural
 * telephone speech unchanged). env_t: the envelope's periodicity at t itself. */
static float env_witness(const tm_pitch *p, float t, int q, float env_t, float mean)
{
    float best = env_t;
    for (int k = 2; k <= q + 1; k++) {
        if (k == q || k * t + 1.0f >= (float)(p->win_dec / 2)) continue;
        float e = env_nsdf(p, k * t, mean);
        if (e > best) best = e;
    }
    return best;
}

/* NSDF between two lags (peak + d, |d| <= 0.5): r by windowed-sinc interpolation of the
 * autocorrelation, which the 0.4 fs low-pass band-limits, m linearly. The parabola through three
 * integer lags underrates a sharp peak between them by up to 5 % for a voice whose harmonics
 * reach the low-pass, enough for its own double period to look more periodic. */
static float nsdf_between(const tm_pitch *p, int peak, float d, float total, float scale)
{
    float r = 0.0f;
    if (fabsf(d) < 1e-3f) {
        r = p->acf[peak];
    } else {
        float s = sinf((float)M_PI * d) / (float)M_PI;
        for (int k = -SINC_TAPS; k <= SINC_TAPS; k++) {
            int t = peak + k;
            if (t < 0) t = -t;                      /* r is even */
            float u = d - (float)k, q = u / (SINC_TAPS + 1);
            float win = (1.0f - q * q) * (1.0f - q * q);   /* biweight taper: no trigonometry */
            r += p->acf[t] * ((k & 1) ? -s : s) / u * win;
        }
    }
    int lo = d < 0.0f ? peak - 1 : peak;
    float fr = d < 0.0f ? 1.0f + d : d;
    float m0 = p->sq_prefix[p->win_dec - lo] + (total - p->sq_prefix[lo]);
    float m1 = p->sq_prefix[p->win_dec - lo - 1] + (total - p->sq_prefix[lo + 1]);
    float m = m0 + fr * (m1 - m0);
    return m > 0.0f ? 2.0f * r * scale / m : 0.0f;
}

/* How much more (or less) periodic the pre-emphasised copy is at lag t with RAPT's constant
 * number of product terms (cterm_n, on a span centred on the window's centre) than with the
 * window's own w - t terms (McLeod's type-II NSDF, whose estimate at a long lag rests on fewer
 * terms and so varies more). y: the whole decimated buffer, pre-emphasised in time. */
static float cterm_delta(const tm_pitch *p, const float *y, int t)
{
    const int w = p->win_dec, n = p->cterm_n;
    if (t <= 0 || t > p->lag_max || n <= 0) return 0.0f;
    int j0 = p->pre_dec + (w - n - t) / 2;
    if (j0 + n + t > p->buf_dec) j0 = p->buf_dec - n - t;
    if (j0 < 0) j0 = 0;
    float r = 0.0f, m = 0.0f, r2 = 0.0f, m2 = 0.0f;
    for (int j = j0; j < j0 + n; j++) {
        r += y[j] * y[j + t];
        m += y[j] * y[j] + y[j + t] * y[j + t];
    }
    for (int j = p->pre_dec; j < p->pre_dec + w - t; j++) {
        r2 += y[j] * y[j + t];
        m2 += y[j] * y[j] + y[j + t] * y[j + t];
    }
    if (!(m > 0.0f) || !(m2 > 0.0f)) return 0.0f;
    return 2.0f * r / m - 2.0f * r2 / m2;
}

/* Power at the odd multiples of f_hz (up to SUB_MAX_HZ) over the power midway between them and
 * the even ones, from the hop's weighted power spectrum (p->spec's real parts); 0 when no odd
 * multiple fits. */
static float odd_partials(const tm_pitch *p, float f_hz)
{
    const float df = ((float)p->fs / p->dec) / (float)p->nfft;
    const int half = p->nfft / 2;
    float on = 0.0f, off = 0.0f;
    for (int k = 0; (2 * k + 1) * f_hz <= SUB_MAX_HZ; k++) {
        float fo = (float)(2 * k + 1) * f_hz;
        int q0 = (int)floorf((fo - 0.5f * f_hz) / df + 0.5f), q1 = (int)floorf((fo + 0.5f * f_hz) / df + 0.5f);
        if (q0 < 1 || q1 > half) break;
        int b0 = (int)floorf((fo - SUB_PEAK_SPAN * f_hz) / df + 0.5f);
        int b1 = (int)floorf((fo + SUB_PEAK_SPAN * f_hz) / df + 0.5f);
        float peak = 0.0f;
        for (int b = b0 < 1 ? 1 : b0; b <= b1; b++) if (p->spec[b].r > peak) peak = p->spec[b].r;
        on += peak;
        off += 0.5f * (p->spec[q0].r + p->spec[q1].r);
    }
    return off > 0.0f ? on / off : 0.0f;
}

/* One step of a path's scores into hop column c: score holds the best path score ending in each
 * state of the previous hop and becomes the same for c; back (when not NULL) gets each state's
 * best predecessor. jump: cost per octave of F0 change beyond free_oct. ps: the path's state. */
static void path_step(const tm_pitch *p, const pitch_col *c, float *score, signed char *back,
                      float jump, float free_oct, int ranked, pitch_path *ps)
{
    const int uv = c->n;
    float next[PITCH_MAX_CANDS + 1];
    signed char arg_of[PITCH_MAX_CANDS + 1];
    if (p->ncols == 0) {
        for (int i = 0; i < c->n; i++) { next[i] = c->local[i] - (ranked ? 0.0f : c->rank[i]); arg_of[i] = -1; }
        next[uv] = p->voicing_min;
        arg_of[uv] = -1;
        ps->uv_gap = -1;
    } else {
        const pitch_col *pc = &p->col[(p->ncols - 1) % (PITCH_PATH_LAG + 1)];
        const int puv = pc->n;
        float prior = ps->uv_gap >= 0 ? PRIOR_COST * expf(-(float)ps->uv_gap / PRIOR_FADE_HOPS) : 0.0f;
        for (int i = 0; i < c->n; i++) {
            /* from the unvoiced state: start a stretch, pulled towards the last F0 on that path */
            float d = ps->uv_gap >= 0 ? fabsf(c->oct[i] - ps->uv_oct) : 0.0f;
            float best = score[puv] - VUV_COST - prior * (d < 1.0f ? d : 1.0f);
            int arg = puv;
            for (int j = 0; j < pc->n; j++) {
                float dj = fabsf(c->oct[i] - pc->oct[j]) - free_oct;
                float sc = score[j] - jump * (dj > 0.0f ? dj : 0.0f);
                if (sc > best) { best = sc; arg = j; }
            }
            next[i] = best + c->local[i] - (ranked ? 0.0f : c->rank[i]);
            arg_of[i] = (signed char)arg;
        }
        float best = score[puv];
        int arg = puv;
        for (int j = 0; j < pc->n; j++)
            if (score[j] - VUV_COST > best) { best = score[j] - VUV_COST; arg = j; }
        next[uv] = best + p->voicing_min;
        arg_of[uv] = (signed char)arg;
        if (arg == puv) {
            if (ps->uv_gap >= 0) ps->uv_gap++;
        } else {
            ps->uv_oct = pc->oct[arg];
            ps->uv_gap = 1;
        }
    }
    /* keep the scores near zero: only their differences matter */
    float top = next[0];
    for (int i = 1; i <= uv; i++) if (next[i] > top) top = next[i];
    for (int i = 0; i <= uv; i++) score[i] = next[i] - top;
    if (back) memcpy(back, arg_of, (size_t)(uv + 1));
}

/* Adds hop column c (its candidates filled in) to both paths: the final one (back pointers,
 * the sharp jump cost) and the live one (scores only, LIVE_JUMP_SHARE). */
static void add_column(tm_pitch *p, pitch_col *c)
{
    c->pushes = p->pushes;
    path_step(p, c, p->score, c->back, p->jump_cost, JUMP_FREE_OCT, 1, &p->fin);
    path_step(p, c, p->live, NULL, p->live_jump_cost, 0.0f, 0, &p->lv);
    p->ncols++;
}

/* The best state of the newest hop on the path whose scores are given. */
static int best_state(const tm_pitch *p, const float *score)
{
    const pitch_col *c = &p->col[(p->ncols - 1) % (PITCH_PATH_LAG + 1)];
    int best = c->n;
    for (int i = 0; i < c->n; i++) if (score[i] > score[best]) best = i;
    return best;
}

static pitch_col *new_column(tm_pitch *p)
{
    /* the slot of the hop PITCH_PATH_LAG + 1 back, which must have been handed out already */
    if (p->ncols - p->nout > PITCH_PATH_LAG) {
        int64_t k;
        float f, v;
        tmi_pitch_final(p, 1, &k, &f, &v);
    }
    pitch_col *c = &p->col[p->ncols % (PITCH_PATH_LAG + 1)];
    c->n = 0;
    c->best_val = 0.0f;
    return c;
}

void tmi_pitch_skip(tm_pitch *p)
{
    pitch_col *c = new_column(p);
    add_column(p, c);
}

int tmi_pitch_final(tm_pitch *p, int flush, int64_t *hop_index, float *f0_hz, float *voicing)
{
    if (p->nout >= p->ncols || (!flush && p->ncols - p->nout <= PITCH_PATH_LAG)) return 0;
    int s = best_state(p, p->score);
    for (int64_t k = p->ncols - 1; k > p->nout; k--) {
        int b = p->col[k % (PITCH_PATH_LAG + 1)].back[s];
        s = b < 0 ? p->col[(k - 1) % (PITCH_PATH_LAG + 1)].n : b;
    }
    const pitch_col *c = &p->col[p->nout % (PITCH_PATH_LAG + 1)];
    *hop_index = p->nout++;
    if (s >= c->n) {
        *f0_hz = 0.0f;
        *voicing = c->best_val;
    } else {
        *f0_hz = (float)p->fs / refine(p, c->lag[s], p->pushes - c->pushes);
        *voicing = c->val[s] > 1.0f ? 1.0f : c->val[s];
    }
    return 1;
}

/* Mean NSDF near the multiples 2..q-1 of lag (the best integer lag within MULT_TOL of each; q >= 4
 * here); -1 when one of them is beyond lmax. Integer lags: a harmonic-rich period between two
 * lags reads a little low there, which MULT_MARGIN absorbs. */
static float multiples_nsdf(const float *nsdf, int lmax, float lag, int q)
{
    float sum = 0.0f;
    for (int k = 2; k < q; k++) {
        float m = (float)k * lag, best = -1.0f;
        int lo = (int)floorf(m * (1.0f - MULT_TOL)), hi = (int)ceilf(m * (1.0f + MULT_TOL));
        if (hi > lmax) return -1.0f;
        for (int t = lo; t <= hi; t++) if (nsdf[t] > best) best = nsdf[t];
        sum += best;
    }
    return sum / (float)(q - 2);
}

void tmi_pitch_estimate(tm_pitch *p, float *f0_hz, float *voicing)
{
    const int w = p->win_dec, lmax = p->lag_max;
    const float *x = p->dec_buf + p->pre_dec;
    pitch_col *c = new_column(p);
    *f0_hz = 0.0f;
    *voicing = 0.0f;

    /* r(t) = sum_j x_j x_{j+t}: zero-padding to nfft >= w + lag_max keeps it free of wrap. */
    memcpy(p->fft_in, x, (size_t)w * sizeof(float));
    memset(p->fft_in + w, 0, (size_t)(p->nfft - w) * sizeof(float));
    kiss_fftr(p->fwd, p->fft_in, p->spec);
    /* the spectral weight (pre-emphasis, taper to Nyquist) shapes r(t) as a filter would */
    float e_low = 0.0f, e_all = 0.0f;
    for (int i = 0; i <= p->nfft / 2; i++) {
        float pw = p->spec[i].r * p->spec[i].r + p->spec[i].i * p->spec[i].i;
        if (i <= p->low_bins) e_low += pw;
        e_all += pw;
        p->spec[i].r = pw * p->weight[i];
        p->spec[i].i = 0.0f;
    }
    int band_limited = e_low < LOW_BAND_SHARE * e_all;
    kiss_fftri(p->inv, p->spec, p->acf);

    p->sq_prefix[0] = 0.0f;
    for (int j = 0; j < w; j++) p->sq_prefix[j + 1] = p->sq_prefix[j] + x[j] * x[j];
    float total = p->sq_prefix[w];
    if (!(total > 1e-12f) || !(p->acf[0] > 0.0f)) { add_column(p, c); return; }
    /* m(t) comes from the unweighted samples: scaling r by the energy the weight kept keeps
     * n(0) = 1, as if m had been measured on the weighted signal too */
    float scale = total / p->acf[0];

    /* nsdf into fft_in (free now) */
    float *nsdf = p->fft_in;
    for (int t = 0; t <= lmax; t++) {
        float m = p->sq_prefix[w - t] + (total - p->sq_prefix[t]);
        nsdf[t] = m > 0.0f ? 2.0f * p->acf[t] * scale / m : 0.0f;
    }

    /* Key maxima: the highest point of each positive lobe after the lag-0 lobe. */
    int t = 1;
    while (t <= lmax && nsdf[t] > 0.0f) t++;
    float klag[PITCH_MAX_KEYS], kval[PITCH_MAX_KEYS], kadj[PITCH_MAX_KEYS];
    int nk = 0;
    while (t < lmax && nk < PITCH_MAX_KEYS) {
        while (t < lmax && nsdf[t] <= 0.0f) t++;
        int peak = t;
        while (t < lmax && nsdf[t] > 0.0f) {
            if (nsdf[t] > nsdf[peak]) peak = t;
            t++;
        }
        if (peak >= p->lag_min && peak < lmax && peak > 0 && nsdf[peak] > 0.0f) {
            /* interpolated height: at a period between two lags the integer-lag value of a voice
             * rich in harmonics sags, and would lose against its own double period */
            float d = parabola(nsdf[peak - 1], nsdf[peak], nsdf[peak + 1]);
            float v = nsdf[peak];
            /* the exact height only where it can matter: a parabola errs by 5 % at most */
            if (v >= 0.9f * CAND_MIN_NSDF) v = nsdf_between(p, peak, d, total, scale);
            if (v > c->best_val) c->best_val = v;
            if (v >= CAND_MIN_NSDF) { klag[nk] = peak + d; kval[nk] = v; nk++; }
        }
    }
    /* Ranking without the low band (RANK_CUT_HZ): the autocorrelation of the band below it, from
     * the hop's weighted power spectrum (a few bins), taken out at each candidate's lag; the
     * heights are then shifted so the best keeps the hop's whole-band height (its voicing). What
     * follows scores these heights; rank keeps what they add, for the live path to take back. */
    float rank[PITCH_MAX_KEYS];
    for (int i = 0; i < nk; i++) rank[i] = 0.0f;
    if (!band_limited && nk > 1) {
        float lo[PITCH_CUT_BINS], lo0 = 0.0f;
        for (int k = 0; k <= p->cut_bins; k++) {
            lo[k] = (k ? 2.0f : 1.0f) * p->cut_share[k] * p->spec[k].r;
            lo0 += lo[k];
        }
        if (lo0 > 0.0f && lo0 < p->acf[0]) {
            float keep = p->acf[0] / (p->acf[0] - lo0), cut[PITCH_MAX_KEYS], top_raw = kval[0], top_cut = 0.0f;
            for (int i = 0; i < nk; i++) {
                /* sum of lo[k] cos(k th): cos(k th) by the Chebyshev recurrence */
                float th = 2.0f * (float)M_PI * klag[i] / (float)p->nfft, c1 = cosf(th);
                float cm = 1.0f, ck = c1, rl = lo[0] + lo[1] * c1;
                for (int k = 2; k <= p->cut_bins; k++) {
                    float cn = 2.0f * c1 * ck - cm;
                    cm = ck;
                    ck = cn;
                    rl += lo[k] * cn;
                }
                int ti = (int)floorf(klag[i] + 0.5f);
                float m = p->sq_prefix[w - ti] + (total - p->sq_prefix[ti]);
                cut[i] = m > 0.0f ? (kval[i] - 2.0f * rl * scale / m) * keep : kval[i];
                if (kval[i] > top_raw) top_raw = kval[i];
                if (i == 0 || cut[i] > top_cut) top_cut = cut[i];
            }
            for (int i = 0; i < nk; i++) {
                rank[i] = cut[i] + (top_raw - top_cut) - kval[i];
                kval[i] += rank[i];
            }
        }
    }
    /* The longer lag of a 2:1 pair is re-measured with constant terms (cterm_delta) on wideband
     * hops, for its local score only (its reported periodicity and the octave cost's reference
     * stay): in pink noise its type-II height led the true period's by chance for a few hops and
     * took a voice an octave down. Through a telephone band the longer lag is often the truth
     * (a missing fundamental) and the constant-term span, longer than the window, loses to F0
     * movement: natural telephone speech lost (tuning set). */
    for (int i = 0; i < nk; i++) kadj[i] = 0.0f;
    if (!band_limited) {
        int emph = 0;
        for (int i = 0; i < nk; i++) {
            for (int j = 0; j < i; j++) {
                /* ...where the shorter one would be voiced itself: the voicing decision stays */
                if (fabsf(klag[i] / klag[j] - 2.0f) >= CTERM_PAIR_TOL || kval[j] < p->voicing_min) continue;
                if (kval[i] <= kval[j]) break;   /* no lead to take away */
                if (!emph) {
                    float *y = p->emph_buf;
                    y[0] = p->dec_buf[0];
                    for (int k = 1; k < p->buf_dec; k++) y[k] = p->dec_buf[k] - PREEMPH * p->dec_buf[k - 1];
                    emph = 1;
                }
                /* it can take the longer lag's lead away, down to a tie (where the octave cost
                 * decides), never hand the shorter one a lead of its own: the hop's best score,
                 * its voicing on the path, stays (sweep noise10 VDE +0.02 points otherwise) */
                float dl = cterm_delta(p, p->emph_buf, (int)floorf(klag[i] + 0.5f));
                float floor_dl = kval[j] - kval[i] < 0.0f ? kval[j] - kval[i] : 0.0f;
                kadj[i] = dl > 0.0f ? 0.0f : dl < floor_dl ? floor_dl : dl;
                break;
            }
        }
    }
    /* Subharmonic check (SUB_RATIO_*), on the longer lag of a 2:1 pair that still leads. */
    for (int i = 0; i < nk; i++) {
        for (int j = 0; j < i; j++) {
            float short_min = band_limited ? p->voicing_min : fminf(p->voicing_min, SUB_SHORT_MIN);
            if (fabsf(klag[i] / klag[j] - 2.0f) >= CTERM_PAIR_TOL || kval[j] < short_min) continue;
            float lead = kval[i] + kadj[i] - kval[j];
            if (lead <= 0.0f) break;
            float ratio = odd_partials(p, (float)p->fs / p->dec / klag[i]), take = 0.0f;
            if (!(ratio > 0.0f)) break;   /* no odd multiple in range: no evidence either way */
            if (band_limited)
                take = ratio < SUB_RATIO_BAND ? 1.0f : 0.0f;
            else
                take = ratio <= SUB_RATIO_FULL ? 1.0f : ratio >= SUB_RATIO_NONE ? 0.0f :
                       (SUB_RATIO_NONE - ratio) / (SUB_RATIO_NONE - SUB_RATIO_FULL);
            kadj[i] -= take * lead;
            break;
        }
    }
    /* the PITCH_MAX_CANDS most periodic lobes, kept in lag order */
    while (nk > PITCH_MAX_CANDS) {
        int worst = 0;
        for (int i = 1; i < nk; i++) if (kval[i] < kval[worst]) worst = i;
        memmove(klag + worst, klag + worst + 1, (size_t)(nk - worst - 1) * sizeof(float));
        memmove(kval + worst, kval + worst + 1, (size_t)(nk - worst - 1) * sizeof(float));
        memmove(kadj + worst, kadj + worst + 1, (size_t)(nk - worst - 1) * sizeof(float));
        memmove(rank + worst, rank + worst + 1, (size_t)(nk - worst - 1) * sizeof(float));
        nk--;
    }
    float fsd = (float)p->fs / p->dec;
    int top = 0;
    for (int i = 0; i < nk; i++) {
        c->lag[i] = klag[i];
        c->val[i] = kval[i] - rank[i];
        c->rank[i] = rank[i];
        c->oct[i] = log2f(fsd / klag[i]);
        if (kval[i] > kval[top]) top = i;
    }
    /* a period's multiples are as periodic as the period: prefer shorter lags, around the most
     * periodic candidate, which keeps its own height against the unvoiced state */
    for (int i = 0; i < nk; i++) {
        float below = c->oct[top] - c->oct[i];
        if (below < -OCTAVE_CAP_UP && kval[i] < kval[top] - p->octave_cost) below = -OCTAVE_CAP_UP;
        c->local[i] = kval[i] + kadj[i] - p->octave_cost * (below < OCTAVE_CAP ? below : OCTAVE_CAP);
    }
    /* Multiples check (MULT_*): a short lag against a voiced longer one q = 4..7 times it. On a
     * band-limited hop the envelope cue below may take from the same lag too: two independent
     * witnesses (the NSDF at its multiples, the upper band's envelope) against one harmonic. */
    for (int i = 0; i < nk; i++) {
        float worst = 0.0f;
        for (int j = i + 1; j < nk; j++) {
            float r = klag[j] / klag[i], q = floorf(r + 0.5f);
            if (q < 4.0f || q > 7.0f || fabsf(r - q) > ENV_RATIO_TOL * q || c->val[j] < p->voicing_min) continue;
            float m = multiples_nsdf(nsdf, lmax, klag[i], (int)q);
            float d = m < 0.0f ? 0.0f : fminf(c->val[i], c->val[j]) - m - MULT_MARGIN;
            if (d > worst) worst = d;
        }
        c->local[i] -= MULT_WEIGHT * worst;
    }
    c->n = nk;
    /* Envelope cue: a candidate at 1/q of another's lag (q = ENV_MIN_Q..ENV_MAX_Q) is a harmonic of
     * that one unless the upper band's envelope repeats at the shorter lag as well. */
    float env[PITCH_MAX_CANDS], env_mean = -1.0f;
    for (int i = 0; i < nk; i++) env[i] = -1.0f;
    for (int i = 0; band_limited && i < nk; i++) {
        if (kval[i] < ENV_CONTEST_MIN) continue;
        float worst = 0.0f;
        for (int j = i + 1; j < nk; j++) {
            float r = klag[j] / klag[i];
            float q = floorf(r + 0.5f);
            if (q < ENV_MIN_Q || q > ENV_MAX_Q || fabsf(r - q) > ENV_RATIO_TOL * q) continue;
            if (env_mean < 0.0f) env_mean = envelope(p);
            if (env[i] < 0.0f) env[i] = env_nsdf(p, klag[i], env_mean);
            if (env[i] >= ENV_CLEAR) break;
            if (env[j] < 0.0f) env[j] = env_nsdf(p, klag[j], env_mean);
            if (env[j] < ENV_TRUSTED) continue;
            float d = env[j] - env_witness(p, klag[i], (int)q, env[i], env_mean) - ENV_MARGIN;
            if (d > worst) worst = d;
        }
        c->local[i] -= ENV_WEIGHT * worst * (1.0f - kval[i]);
    }
    add_column(p, c);

    int s = best_state(p, p->live);
    *voicing = c->best_val > 1.0f ? 1.0f : c->best_val;
    if (s < c->n) {
        *f0_hz = fsd / c->lag[s];
        *voicing = c->val[s] > 1.0f ? 1.0f : c->val[s];
    }
}
