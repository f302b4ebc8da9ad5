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
const condition *harness_condition(const char *name);

/* Everything one analysis produced. */
typedef struct {
    tm_event *ev;        /* all events, final and alerts, in ring order */
    size_t n_ev;
    tm_frame *fr;        /* fr[hop * 2 + channel] */
    size_t hops;
    tm_stats stats;
} run_out;

/* Field-by-field equality (structs have padding that memcmp would compare). */
int  event_equal(const tm_event *a, const tm_event *b);
int  frame_equal(const tm_frame *a, const tm_frame *b);

/* The synthesizer options of a condition. */
synth_opts harness_opts(const condition *c, uint64_t seed, double duration_s);
/* Analyses two channels with cfg (NULL: defaults for the rate), fed in blocks of `block`. */
int  harness_analyze(const float *l, const float *r, size_t n, int rate, const tm_config *cfg,
                     size_t block, run_out *out);
void run_out_free(run_out *o);
/* Synthesizes seed under condition c, analyses it and adds events and pitch to the tally. */
int  harness_run(const condition *c, uint64_t seed, double duration_s, const tm_config *cfg,
                 size_t block, score_tally *tally);

#endif
