/* tools/lab/calib_run.h -- a whole calibration run over measured calls, and the scoring of
 * `tonemon eval` (the engine is calib.h). */
#ifndef TM_CALIB_RUN_H
#define TM_CALIB_RUN_H
#include "calib.h"
#include <time.h>

typedef struct {
    const char *objective;       /* as given (NULL: macro), for the output and the provenance */
    const char *start_profile;   /* --profile as given, NULL: the built-in default */
    const char *out, *plot;      /* the profile to write, the folder of per-knob SVGs; NULL: none */
    int folds;                   /* cross-validation folds (at most one per call) */
    double min_gain;             /* held-out gain the calibrated thresholds must bring */
} calib_run_opts;

/* Replays every call under cfg into t; the number that failed (each named on stderr). */
int calib_score_calls(const lcall *calls, int n, const tm_config *cfg, double tol, score_tally *t);
/* Cross-validates, fits, prints the run's figures, sweep table and scores to stdout and writes
 * o->out. measure_s: the time the calls took to measure, since t0 (CPU clock). Returns 0, or 1
 * if the profile could not be written. */
int calib_run(lcall *calls, int n, const tm_profile *p, const objective *obj, const calib_run_opts *o,
              double measure_s, clock_t t0);

#endif
