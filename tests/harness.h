/* tests/harness.h -- runs synthesized calls through the analyzer in memory and scores them
 * against the synthesizer's truth. */
#ifndef TM_HARNESS_H
#define TM_HARNESS_H
#include "score.h"
#include "synth.h"

typedef struct {
    const char *name;
    int rate_hz, telephone;
    double snr_db, bleed_db, bleed_delay_ms;
    int monologue;
} condition;

extern const condition harness_conditions[];
extern const int harness_n_conditions;

/* Synthesizes seed under condition c (duration_s long), analyses it with cfg (NULL: defaults)
 * fed in blocks of `block` samples, and adds events and pitch to the tally. Returns 0. */
int harness_run(const condition *c, uint64_t seed, double duration_s, const tm_config *cfg,
                size_t block, score_tally *tally);

/* Events of one run, for invariance tests: malloc'd array of all events (final and alerts). */
int harness_events(const float *l, const float *r, size_t n, int rate, const tm_config *cfg,
                   size_t block, tm_event **out, size_t *n_out, float **f0_out, size_t *hops_out);

#endif
