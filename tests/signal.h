/* tests/signal.h -- test signals with a known answer. */
#ifndef TM_SIGNAL_H
#define TM_SIGNAL_H
#include <stddef.h>
#include <stdint.h>

void sig_sine(float *x, size_t n, int rate, float hz, float amp);
/* Harmonics first..last of f0 with 1/h amplitudes, peak-normalised to amp. */
void sig_harmonics(float *x, size_t n, int rate, float f0, int first, int last, float amp);
/* Gaussian white noise of the given RMS; seeded (print the seed on failure). */
void sig_noise(float *x, size_t n, float rms, uint64_t seed);
void sig_add(float *dst, const float *src, size_t n, float gain);
float sig_rms_db(const float *x, size_t n);

#endif
