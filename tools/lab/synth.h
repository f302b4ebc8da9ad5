/* tools/lab/synth.h -- the labelled call synthesizer behind `tonemon synth` and the tests. */
#ifndef TM_SYNTH_H
#define TM_SYNTH_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int      rate_hz;          /* 8000..48000 */
    double   duration_s;
    uint64_t seed;
    int      telephone;        /* 300-3400 Hz band and a mu-law round trip */
    double   snr_db;           /* background noise; NAN = none */
    double   bleed_db;         /* each party leaks into the other's channel; NAN = none */
    double   bleed_delay_ms;
    int      monologue;        /* include an agent monologue of 46-55 s */
} synth_opts;

typedef struct { double start, end; int speaker, other; double gain_db; } synth_iv;

typedef struct { synth_iv *v; size_t n, cap; } synth_list;

typedef struct {
    synth_list speech[2], overlaps, interruptions, backchannels, raised, not_raised, silences,
               monologues;
    float *f0[2];              /* truth per 10 ms hop per channel, 0 = unvoiced */
    size_t hops;
} synth_truth;

synth_opts synth_defaults(void);
/* Renders the call: left = agent, right = caller, n frames each; caller frees with synth_free. */
int  synth_generate(const synth_opts *o, float **left, float **right, size_t *n, synth_truth *t);
void synth_free(float *left, float *right, synth_truth *t);
/* Truth JSON (the format of docs/labels.md) into a malloc'd string. */
char *synth_truth_json(const synth_opts *o, const synth_truth *t);

#endif
