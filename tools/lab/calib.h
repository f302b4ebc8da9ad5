/* tools/lab/calib.h -- the calibration engine behind `tonemon eval` and `tonemon calibrate`:
 * labelled calls measured once (level, loudness, pitch per hop: the costly part), then replayed
 * through the decision stages (tm_analyzer_process_frames) under any thresholds and scored, so
 * that hundreds of settings cost seconds; the coordinate descent over the knobs that matter. */
#ifndef TM_CALIB_H
#define TM_CALIB_H
#include "cJSON.h"
#include "score.h"

/* One labelled call, measured. */
typedef struct {
    char *path;
    truth_set truth;
    tm_frame *fr;          /* fr[hop * nch + c] */
    size_t hops;           /* analyzer hops of hop samples: 10 ms only where rate / 100 is whole */
    int nch, rate, hop;
    float *pitch_truth;    /* optional, on the truth's own 10 ms grid: [slot * 2 + c] */
    size_t truth_slots;
} lcall;

typedef struct {
    int type;              /* -1: macro F1 over event types */
    double min_precision;  /* constraint for a single type, 0 none */
    int max_louder;        /* a setting that flags more louder turns (+3..5 dB, not raised) as
                              raised voice than this ranks below every one that does not; -1
                              none. calib_fit sets it to its start's count. */
} objective;

/* A threshold the search moves, the values it tries, and the event type it mostly acts on. */
typedef struct { const char *name; double v[8]; int n; tm_event_type acts_on; } knob;
extern const knob calib_knobs[];
enum { CALIB_N_KNOBS = 29 };

/* Expands the files and folders given into calls, measures each with its labels (truth: the one
 * call's truth file; truth_dir: where NAME.truth.json or NAME.labels.txt live, else beside it).
 * Returns the number measured (failures counted in *failed, each named on stderr), -1 when out
 * of memory. */
int    calib_load_calls(const char *truth, const char *truth_dir, int agent_ch, int caller_ch, const tm_profile *p,
                        char **args, int nargs, lcall **out, int *failed);
void   calib_call_free(lcall *c);
/* Frees n calls and the array (n < 0: only the array). */
void   calib_calls_free(lcall *calls, int n);
double calib_call_seconds(const lcall *c);
/* Replays one call under cfg and adds its events (and pitch) to the tally. 0, or -1 out of memory. */
int    calib_replay_score(const lcall *c, const tm_config *cfg, double tol, score_tally *t);
int    calib_add_pitch(const lcall *c, score_tally *t);
/* 'macro' or TYPE[:precision>=P]: 0, or -1 if not one. */
int    calib_parse_objective(const char *s, objective *o);
double calib_objective_of(const score_tally *t, const objective *o);
/* The objective over the calls whose use[i] is set (NULL: all); the tally into out if not NULL. */
double calib_evaluate(lcall *calls, const int *use, int n, const tm_config *cfg, const objective *o, score_tally *out);
float *calib_field(tm_config *c, const char *name);
/* Coordinate descent over the knobs, two passes, from cfg (updated); the objective reached. */
double calib_fit(lcall *calls, const int *use, int n, tm_config *cfg, const objective *o, long *evals);
cJSON *calib_tally_json(const score_tally *t);
/* DIR/KNOB.svg: objective, precision and recall over the knob's values. */
void   calib_plot_knob(const char *dir, const knob *k, const double *obj, const double *prec, const double *rec);

#endif
