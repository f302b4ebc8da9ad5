/* tests/signal.c -- generators for the unit tests. */
#include "signal.h"
#include <math.h>

void sig_sine(float *x, size_t n, int rate, float hz, float amp)
{
    for (size_t i = 0; i < n; i++) x[i] = amp * (float)sin(2.0 * M_PI * hz * (double)i / rate);
}

void sig_harmonics(float *x, size_t n, int rate, float f0, int first, int last, float amp)
{
    double peak = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = 0.0;
        for (int h = first; h <= last; h++)
            if (h * f0 < rate / 2.0) v += sin(2.0 * M_PI * h * f0 * (double)i / rate + 0.3 * h) / h;
        x[i] = (float)v;
        if (fabs(v) > peak) peak = fabs(v);
    }
    for (size_t i = 0; i < n; i++) x[i] = (float)(x[i] * amp / (peak > 0 ? peak : 1));
}

void sig_noise(float *x, size_t n, float rms, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i += 2) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double u = ((s >> 11) + 1.0) / 9007199254740993.0;
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        double v = (s >> 11) / 9007199254740992.0;
        double r = sqrt(-2.0 * log(u));
        x[i] = (float)(rms * r * cos(2 * M_PI * v));
        if (i + 1 < n) x[i + 1] = (float)(rms * r * sin(2 * M_PI * v));
    }
}

void sig_add(float *dst, const float *src, size_t n, float gain)
{
    for (size_t i = 0; i < n; i++) dst[i] += gain * src[i];
}

float sig_rms_db(const float *x, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)x[i] * x[i];
    return (float)(10.0 * log10(s / (n ? n : 1) + 1e-30));
}
