/* src/pitch.h -- private. F0 and voicing per hop: NSDF on a 4 kHz decimated copy via real FFTs,
 * refined at the full rate, with an octave-jump guard. */
#ifndef TM_PITCH_H
#define TM_PITCH_H
#include "biquad.h"
#include <kiss_fftr.h>

#define PITCH_MAX_KEYS 16

typedef struct {
    /* configuration */
    int fs, hop, dec, fs_dec;        /* input rate, hop, decimation factor, decimated rate */
    int win_dec, lag_min, lag_max;   /* decimated window and lag range, samples */
    int nfft;
    int win_full, hist_len;          /* refinement window and history length, full-rate samples */
    float peak_ratio, voicing_min;
    double win_s, gap_s;             /* analysis window, and how far it ends before the newest sample, s */
    int gap_dec, buf_dec;            /* the gap and the decimated buffer's length, samples */
    /* state */
    tm_biquad aa[2];                 /* anti-alias low-pass before decimation */
    int dec_phase;
    float *dec_buf;                  /* last win_dec decimated samples, oldest first */
    float *hist;                     /* last hist_len full-rate samples, oldest first */
    float prev_f0;                   /* F0 of the last voiced hop, 0 if none recently */
    int   prev_age;                  /* hops since prev_f0 */
    float ref_oct;                   /* the speaker's register, mean log2 F0 */
    long  ref_n;
    /* scratch, sized at init */
    kiss_fftr_cfg fwd, inv;
    float *fft_in, *acf, *sq_prefix;
    kiss_fft_cpx *spec;
} tm_pitch;

/* Allocates (create time only); returns 0 on success, -1 on failure. */
int  pitch_init(tm_pitch *p, int fs_hz, int hop, float f0_min_hz, float f0_max_hz, float peak_ratio,
                float voicing_min);
void pitch_free(tm_pitch *p);
void pitch_reset(tm_pitch *p);
/* Feeds one hop of DC-blocked samples (decimation and history run on every hop). */
void pitch_push(tm_pitch *p, const float *x);
/* Estimates F0 for the analysis window centred 25 ms before the newest sample. A hop that is
 * not analysed should call pitch_skip so that continuity does not reach over the gap. */
void pitch_estimate(tm_pitch *p, float *f0_hz, float *voicing);
void pitch_skip(tm_pitch *p);
/* Tells the stage that the last estimate was this channel's own voice (not leak from the other
 * channel), so that it may shape the speaker's register used to settle octave doubts. */
void pitch_register(tm_pitch *p, float f0_hz, float voicing);
/* Hops between the newest pushed hop and the hop the estimate is centred on. */
int  pitch_lookahead_hops(const tm_pitch *p);

#endif
