/* src/pitch.h -- private. F0 and voicing per hop: NSDF candidates on a 5-8 kHz decimated copy via
 * real FFTs, chosen by a fixed-lag Viterbi path, refined at the full rate. */
#ifndef TM_PITCH_H
#define TM_PITCH_H
#include "biquad.h"
#include "tonemon.h"
#include <stdint.h>
#include <kiss_fftr.h>

#define PITCH_MAX_KEYS 16      /* positive NSDF lobes examined per hop (lag range / shortest period) */
#define PITCH_MAX_CANDS 8      /* voiced states per hop: F0, its subharmonics, one octave up */
#define PITCH_PATH_LAG 10      /* hops between a hop's analysis and its final F0 (100 ms) */
#define PITCH_CUT_BINS 24      /* FFT bins of the low band left out of the candidates' ranking */

/* One hop of the trellis. State n (after the n voiced candidates) is "unvoiced". */
typedef struct {
    int n;
    float lag[PITCH_MAX_CANDS];      /* decimated lag, interpolated */
    float val[PITCH_MAX_CANDS];      /* NSDF height, the voicing reported when chosen */
    float oct[PITCH_MAX_CANDS];      /* log2 F0 */
    float local[PITCH_MAX_CANDS];    /* local score: periodicity less the octave and envelope costs */
    float rank[PITCH_MAX_CANDS];     /* ranking height (without the band below RANK_CUT_HZ) less the
                                      * whole band's: in local; the live path takes it back out */
    signed char back[PITCH_MAX_CANDS + 1];   /* best predecessor state in the previous hop */
    float best_val;                  /* highest NSDF of the hop: the voicing of an unvoiced hop */
    int64_t pushes;                  /* hops pushed when it was analysed: where its window is now */
} pitch_col;

/* What a path knows of its last voiced hop once it has gone unvoiced. */
typedef struct {
    float uv_oct;                    /* log2 F0 of the last voiced hop on the unvoiced state's path */
    int   uv_gap;                    /* hops since then; < 0: none */
} pitch_path;

typedef struct {
    /* configuration */
    int fs, hop, dec, fs_dec;        /* input rate, hop, decimation factor, decimated rate */
    int win_dec, lag_min, lag_max;   /* decimated window and lag range, samples */
    int nfft;
    int win_full, hist_len;          /* refinement window and history length, full-rate samples */
    float voicing_min, octave_cost;   /* unvoiced state's score; cost per octave of lag */
    float jump_cost;                 /* cost per octave of F0 change between voiced hops */
    float live_jump_cost;            /* the same on the live path */
    double win_s, gap_s;             /* analysis window, and how far it ends before the newest sample, s */
    int gap_dec, buf_dec;            /* the gap and the decimated buffer's length, samples */
    int pre_dec;                     /* samples kept before the window (as many as the gap) */
    int cterm_n;                     /* terms of the constant-term NCCF, the same at every lag */
    int low_bins;                    /* FFT bins of the low band that tells band-limited audio */
    int cut_bins;                    /* ...and of the band the ranking leaves out (RANK_CUT_HZ) */
    float cut_share[PITCH_CUT_BINS]; /* share of each such bin's power the ranking leaves out */
    /* state */
    tm_biquad aa[2];                 /* anti-alias low-pass before decimation */
    tm_biquad env_hp[2];             /* envelope cue: 4th-order high-pass to the upper band (design) */
    float env_a;                     /* its smoothing coefficient */
    int env_warm;                    /* samples the envelope's filters settle in */
    int dec_phase;
    float *dec_buf;                  /* last buf_dec decimated samples, oldest first: pre_dec, the
                                      * window, gap_dec */
    float *env_buf;                  /* scratch: the upper band's envelope over the window */
    float *emph_buf;                 /* scratch: the whole buffer pre-emphasised in time (cterm) */
    float *hist2;                    /* full-rate ring of hist_len, written twice (mirror) */
    int hist_pos;
    int64_t pushes;
    /* the path */
    pitch_col col[PITCH_PATH_LAG + 1];
    int64_t ncols;                   /* hops added to the trellis since reset */
    int64_t nout;                    /* hops whose final F0 has been handed out */
    float score[PITCH_MAX_CANDS + 1];  /* best path score ending in each state of the newest hop */
    pitch_path fin;
    /* the live path: the same states with a cheaper octave jump, for the estimate at once */
    float live[PITCH_MAX_CANDS + 1];
    pitch_path lv;
    /* scratch, sized at init */
    kiss_fftr_cfg fwd, inv;
    float *fft_in, *acf, *sq_prefix;
    float *weight;                   /* power-spectrum weight: pre-emphasis and taper */
    kiss_fft_cpx *spec;
} tm_pitch;

/* Allocates (create time only); returns 0 on success, -1 on failure. */
/* From the profile: f0_min_hz..f0_max_hz, voicing_min, and pitch_peak_ratio (a peak at twice
 * the lag of another must be 1/peak_ratio as periodic to win: McLeod's rule, made additive:
 * 1 - peak_ratio of NSDF per octave of lag). */
int  tmi_pitch_init(tm_pitch *p, const tm_config *cfg, int hops_per_s);
void tmi_pitch_free(tm_pitch *p);
void tmi_pitch_reset(tm_pitch *p);
/* Feeds one hop of DC-blocked samples (decimation and history run on every hop). */
void tmi_pitch_push(tm_pitch *p, const float *x);
/* The same for both channels of a call at once (both from one config): faster than two pushes. */
void tmi_pitch_push2(tm_pitch *p0, tm_pitch *p1, const float *x0, const float *x1);
/* Analyses the window centred tmi_pitch_lookahead_hops() behind the newest hop and adds it to the
 * path. Returns, for that hop, the F0 of the best path ending there (no lookahead: what a live
 * decision can know now; 0 when unvoiced) and its periodicity. */
void tmi_pitch_estimate(tm_pitch *p, float *f0_hz, float *voicing);
/* Adds a hop that was not analysed (silence, or too quiet to be voice): unvoiced on the path. */
void tmi_pitch_skip(tm_pitch *p);
/* The final F0 and voicing of the oldest hop not yet handed out, once PITCH_PATH_LAG newer hops
 * have been added (or at once when flush is set, at the end of the stream). Returns 1 and the
 * hop's index since reset, or 0 when none is due. */
int  tmi_pitch_final(tm_pitch *p, int flush, int64_t *hop_index, float *f0_hz, float *voicing);
/* 1 when this hop's F0 and the last one's both lie within tol_hz of 50 or 60 Hz: mains hum. */
int  tmi_pitch_mains(float f0_hz, float prev_hz, float tol_hz);
/* Hops between the newest pushed hop and the hop the estimate is centred on. */
int  tmi_pitch_lookahead_hops(const tm_pitch *p);

#endif
