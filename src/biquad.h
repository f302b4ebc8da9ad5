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

/* biquad_block on two signals through two sections at once, the same arithmetic sample for
 * sample. Each output waits on the one before it (a chain of multiply-adds over ten cycles long
 * per sample), so one section alone leaves the core mostly idle; two chains in one loop take
 * about the time of one. */
static inline void biquad_block2(tm_biquad *q0, tm_biquad *q1, const float *x0, const float *x1,
                                 float *y0, float *y1, int n)
{
    double b0 = q0->b0, b1 = q0->b1, b2 = q0->b2, a1 = q0->a1, a2 = q0->a2;
    double c0 = q1->b0, c1 = q1->b1, c2 = q1->b2, d1 = q1->a1, d2 = q1->a2;
    double x1a = q0->x1, x2a = q0->x2, y1a = q0->y1, y2a = q0->y2;
    double x1b = q1->x1, x2b = q1->x2, y1b = q1->y1, y2b = q1->y2;
    for (int i = 0; i < n; i++) {
        double ina = x0[i], inb = x1[i];
        double outa = b0 * ina + b1 * x1a + b2 * x2a - a1 * y1a - a2 * y2a;
        double outb = c0 * inb + c1 * x1b + c2 * x2b - d1 * y1b - d2 * y2b;
        x2a = x1a; x1a = ina; y2a = y1a; y1a = outa;
        x2b = x1b; x1b = inb; y2b = y1b; y1b = outb;
        y0[i] = (float)outa;
        y1[i] = (float)outb;
    }
    if (y1a < 1e-30 && y1a > -1e-30 && y2a < 1e-30 && y2a > -1e-30) y1a = y2a = 0.0;
    if (y1b < 1e-30 && y1b > -1e-30 && y2b < 1e-30 && y2b > -1e-30) y1b = y2b = 0.0;
    q0->x1 = x1a; q0->x2 = x2a; q0->y1 = y1a; q0->y2 = y2a;
    q1->x1 = x1b; q1->x2 = x2b; q1->y1 = y1b; q1->y2 = y2b;
}

#endif
