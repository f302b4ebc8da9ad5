/* src/biquad.c -- second-order sections designed by the bilinear transform with frequency
 * pre-warping (RBJ audio-EQ cookbook forms). The designs serve the pitch decimator's anti-alias
 * low-pass (pitch.c). energy.c designs its BS.1770 K-weighting itself (shelf and high-pass,
 * re-derived for any rate as libebur128 does) into tm_biquad sections; its DC blocker is a
 * one-pole, and the synthesizer's telephone band has its own sections in tools/synth.c. */
#include "biquad.h"
#include <math.h>

void tmi_biquad_reset(tm_biquad *q) { q->x1 = q->x2 = q->y1 = q->y2 = 0.0; }

static void set(tm_biquad *q, double b0, double b1, double b2, double a0, double a1, double a2)
{
    q->b0 = b0 / a0; q->b1 = b1 / a0; q->b2 = b2 / a0;
    q->a1 = a1 / a0; q->a2 = a2 / a0;
    tmi_biquad_reset(q);
}

void tmi_biquad_lowpass(tm_biquad *q, double fc_hz, double q_factor, double fs_hz)
{
    double w = 2.0 * M_PI * fc_hz / fs_hz, c = cos(w), alpha = sin(w) / (2.0 * q_factor);
    set(q, (1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

void tmi_biquad_highpass(tm_biquad *q, double fc_hz, double q_factor, double fs_hz)
{
    double w = 2.0 * M_PI * fc_hz / fs_hz, c = cos(w), alpha = sin(w) / (2.0 * q_factor);
    set(q, (1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}
