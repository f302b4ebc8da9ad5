/* tests/twice.h -- a call analysed twice: from its audio with the built-in profile, keeping the
 * frames, and again from those frames (what eval and calibrate do). Tests compare the two. */
#ifndef TM_TWICE_H
#define TM_TWICE_H
#include <stddef.h>
#include "tonemon.h"

typedef struct { tm_analyzer *audio, *frames; } twice;

/* Both analyzers finished, their events waiting; 0, or -1 when either failed (a test asserts
 * it). Free with twice_free. */
int  twice_analyze(const float *l, const float *r, size_t n, int rate, twice *out);
void twice_free(twice *t);

#endif
