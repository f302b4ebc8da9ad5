/* tools/lab/score.h -- labelled truth (synth truth JSON or Audacity label tracks) and the scoring of
 * detected events against it: the matching rule of the project (same type and speaker,
 * intervals overlap, onsets within a tolerance), per-type precision/recall/F1, onset error, alert
 * latency, frame-level speech F1 and pitch errors. Used by `tonemon eval`, `calibrate` and tests. */
#ifndef TM_SCORE_H
#define TM_SCORE_H
#include "call.h"
#include "synth.h"

typedef struct { double start, end; int speaker, other; } truth_iv;
typedef struct { truth_iv *v; size_t n, cap; } truth_list;

typedef struct {
    double duration_s;
    truth_list speech[2];
    truth_list ev[TM_EV__COUNT];     /* overlap, interruption, backchannel, raised, silence, monologue */
    truth_list not_raised;
    int has[TM_EV__COUNT];           /* the labels cover this type (absent: not scored) */
    int n_ignored;                   /* keys of a truth JSON that are not ours, skipped */
    char ignored[128];               /* the first of them, comma-separated (raw text) */
} truth_set;

typedef struct {
    int tp, fp, fn;
    double onset_sum, latency_sum;
    double onset[512], latency[512];  /* for percentiles; the first 512 */
    int n_onset, n_latency;
} type_tally;

typedef struct {
    type_tally t[TM_EV__COUNT];
    double sp_tp[2], sp_fp[2], sp_fn[2];     /* speech hops */
    int raised_on_not_raised, not_raised_total;
    /* pitch (when a pitch truth is given) */
    long pitch_both_voiced, pitch_gross, voicing_errors, pitch_hops;
    double pitch_fine_cents_sum;
    /* what an agent would have seen: de-escalation prompts, those whose source event matches no
     * truth, and alerts (interruption, raised voice, silence, monologue) matching no truth */
    int prompts, false_prompts, false_alerts;
    double minutes;
} score_tally;

void truth_free(truth_set *t);
int  truth_from_synth(truth_set *t, const synth_opts *o, const synth_truth *s);
/* Loads NAME.truth.json or Audacity labels (NAME.labels.txt, tab-separated "start end label").
 * On error writes "line N: problem" (or the JSON key) into err and returns -1. Top-level JSON
 * keys it does not know (notes, a labelling tool's own fields) are skipped and listed in
 * t->ignored for the caller to mention. */
int  truth_load(truth_set *t, const char *path, char *err, size_t errlen);
int  truth_parse(truth_set *t, const char *text, size_t len, char *err, size_t errlen);

/* Non-zero: score_call lists every missed and false event on stderr. */
extern int score_verbose;

/* Adds one call's final events (sorted or not) into the tally. tol_s: onset tolerance. */
void score_call(score_tally *s, const truth_set *t, const tm_event *ev, size_t n, int rate_hz,
                double tol_s);
/* Adds pitch errors: f0 per 10 ms hop and channel, estimated vs truth (0 = unvoiced). */
/* scope: hops to count voicing errors on (e.g. inside truth speech), NULL = all. */
void score_pitch(score_tally *s, const float *est, const float *truth, const unsigned char *scope,
                 size_t hops);

typedef struct { double precision, recall, f1, onset_mean, onset_p90, latency_mean, latency_p90; int tp, fp, fn; } type_score;
type_score score_type(const score_tally *s, tm_event_type type);
double score_speech_f1(const score_tally *s, int speaker);
/* 1 if anything at all was scored into s (events, speech frames, louder turns or pitch). */
int score_any(const score_tally *s);
/* Mean F1 over the event types that have truth or detections. */
double score_macro_f1(const score_tally *s);
/* Text table of a tally to f. */
void score_print(FILE *f, const score_tally *s);
/* False prompts and false alerts per minute of scored call (0 when nothing was scored). */
double score_false_prompts_per_min(const score_tally *s);
double score_false_alerts_per_min(const score_tally *s);
/* 1 for the event types that truth files label and the scorer matches (every type but speech,
 * which is scored by frames, and deescalation, which is derived). Loops use this, never a range
 * of the enum, so that a type added later is scored. */
int  score_scored_type(int type);

#endif
