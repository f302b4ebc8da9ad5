/* src/biquad.h -- private. Second-order IIR sections (direct form I, double state) and the
 * bilinear-transform designs the stages need. */
#ifndef TM_BIQUAD_H
#define TM_BIQUAD_H

typedef struct {
    double b0, b1, b2, a1, a2;   /* a0 normalised to 1 */
    double x1, x2, y1, y2;
} tm_biquad;

void tmi_biquad_lowpass(tm_biquad *q, double fc_hz, double q_factor, double fs_hz);
void tmi_biquad_highpass(tm_biquad *q, double fc_hz, double q_factor, double fs_hz);
void tmi_biquad_reset(tm_biquad *q);

static inline double biquad_run(tm_biquad *q, double x)
{
    double y = q->b0 * x + q->b1 * q->x1 + q->b2 * q->x2 - q->a1 * q->y1 - q->a2 * q->y2;
    /* A tiny offset would bias levels; flushing keeps denormals out of silence tails instead. */
    if (y < 1e-30 && y > -1e-30) y = 0.0;
    q->x2 = q->x1; q->x1 = x;
    q->y2 = q->y1; q->y1 = y;
    return y;
}

/* Runs x[0..n) through q into y (may alias x): the hot-path form, no per-sample branch; the
 * state is flushed to zero at the end of the block once it has decayed into the denormal range. */
static inline void biquad_block(tm_biquad *q, const float *x, float *y, int n)
{
    double b0 = q->b0, b1 = q->b1, b2 = q->b2, a1 = q->a1, a2 = q->a2;
    double x1 = q->x1, x2 = q->x2, y1 = q->y1, y2 = q->y2;
    for (int i = 0; i < n; i++) {
        double in = x[i];
        double out = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1; x1 = in;
        y2 = y1; y1 = out;
        y[i] = (float)out;
    }
    if (y1 < 1e-30 && y1 > -1e-30 && y2 < 1e-30 && y2 > -1e-30) y1 = y2 = 0.0;
    q->x1 = x1; q->x2 = x2; q->y1 = y1; q->y2 = y2;
}

#endif
