/* tools/lab/calib_run.c -- one `tonemon calibrate` run over measured calls (calib_run.h): the
 * k-fold cross-validation by call, the fit on all calls, the table of how the objective moves
 * around each threshold, and the profile written with where it came from. Also the scoring of
 * `tonemon eval`. */
#include "calib_run.h"
#include "term_live.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int calib_score_calls(const lcall *calls, int n, const tm_config *cfg, double tol, score_tally *t)
{
    int failed = 0;
    for (int i = 0; i < n; i++)
        if (calib_replay_score(&calls[i], cfg, tol, t) || calib_add_pitch(&calls[i], t)) {
            fprintf(stderr, "tonemon: %s: out of memory\n", tesc(calls[i].path));
            failed++;
        }
    return failed;
}

typedef struct {
    tm_config start, best;
    double start_score, fit_score, cv_sum, cv_start;
    int folds, kept_start;
    long evals;
} fit_result;

/* K-fold cross-validation by call (fit on the others, score the held-out calls), then the fit on
 * all calls. use[] ends all set. */
static void cross_validate(lcall *calls, int *use, int n, const objective *obj, int folds, fit_result *fr)
{
    for (int i = 0; i < n; i++) use[i] = 1;
    fr->start_score = calib_evaluate(calls, use, n, &fr->start, obj, NULL);
    fr->folds = folds < n ? folds : n;
    for (int f = 0; f < fr->folds; f++) {
        for (int i = 0; i < n; i++) use[i] = i % fr->folds != f;
        tm_config c = fr->start;
        calib_fit(calls, use, n, &c, obj, &fr->evals);
        for (int i = 0; i < n; i++) use[i] = i % fr->folds == f;
        fr->cv_sum += calib_evaluate(calls, use, n, &c, obj, NULL);
        fr->cv_start += calib_evaluate(calls, use, n, &fr->start, obj, NULL);
    }
    for (int i = 0; i < n; i++) use[i] = 1;
    fr->best = fr->start;
    fr->fit_score = calib_fit(calls, use, n, &fr->best, obj, &fr->evals);
}

/* One row per knob: the objective at every value tried, the others as chosen; with a plot
 * folder, an SVG per knob with the precision and recall of the type it acts on. */
static void sweep_table(FILE *out, lcall *calls, const int *use, int n, const objective *obj, const fit_result *fr,
                        const char *plot)
{
    fprintf(out, "\n  %-20s %8s %8s   objective at each value tried (others as chosen)\n", "threshold", "start", "chosen");
    for (int k = 0; k < CALIB_N_KNOBS; k++) {
        const knob *kn = &calib_knobs[k];
        tm_config c = fr->best, start = fr->start;
        float *fp = calib_field(&c, kn->name), chosen = *fp;
        fprintf(out, "  %-20s %8g %8g  ", kn->name, *calib_field(&start, kn->name), chosen);
        double ov[8], pv[8], rv[8];
        for (int j = 0; j < kn->n; j++) {
            *fp = (float)kn->v[j];
            ov[j] = pv[j] = rv[j] = 0.0;
            if (tm_config_check(&c, NULL) != TM_OK) { fprintf(out, "   %g:-", kn->v[j]); continue; }
            score_tally *t = calloc(1, sizeof *t);
            ov[j] = calib_evaluate(calls, use, n, &c, obj, t);
            type_score ts = score_type(t, obj->type >= 0 ? (tm_event_type)obj->type : kn->acts_on);
            pv[j] = ts.precision;
            rv[j] = ts.recall;
            free(t);
            fprintf(out, " %s%g:%.3f", (float)kn->v[j] == chosen ? "*" : " ", kn->v[j], ov[j]);
        }
        fprintf(out, "\n");
        if (plot) {
            mkdir(plot, 0777);
            calib_plot_knob(plot, kn, ov, pv, rv);
        }
    }
}

/* The chosen profile, with its provenance, to o->out. 0, or 1 (said on stderr). */
static int write_profile(const lcall *calls, int n, const tm_profile *p, const calib_run_opts *o, const fit_result *fr,
                         double audio_s, const score_tally *t)
{
    tm_profile outp = *p;
    outp.cfg = fr->kept_start ? fr->start : fr->best;
    const char *base = strrchr(o->out, '/');
    snprintf(outp.name, sizeof outp.name, "%s", base ? base + 1 : o->out);
    char *dot = strrchr(outp.name, '.');
    if (dot && dot != outp.name) *dot = 0;
    char date[32];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
    cJSON *prov = cJSON_CreateObject();
    cJSON_AddStringToObject(prov, "tool", "tonemon calibrate " TM_VERSION_STRING);
    cJSON_AddStringToObject(prov, "date", date);
    cJSON_AddStringToObject(prov, "objective", o->objective ? o->objective : "macro");
    cJSON_AddStringToObject(prov, "start_profile", o->start_profile ? o->start_profile : "built-in default");
    cJSON *cl = cJSON_AddArrayToObject(prov, "calls");
    for (int i = 0; i < n; i++) {
        const char *b = strrchr(calls[i].path, '/');
        cJSON_AddItemToArray(cl, cJSON_CreateString(b ? b + 1 : calls[i].path));
    }
    cJSON_AddNumberToObject(prov, "audio_minutes", round(audio_s / 6.0) / 10.0);
    cJSON_AddNumberToObject(prov, "folds", fr->folds);
    cJSON_AddNumberToObject(prov, "score_start_all", round(fr->start_score * 1e4) / 1e4);
    cJSON_AddNumberToObject(prov, "score_all", round(fr->fit_score * 1e4) / 1e4);
    cJSON_AddNumberToObject(prov, "score_cross_validated", round(fr->cv_sum / fr->folds * 1e4) / 1e4);
    cJSON_AddNumberToObject(prov, "score_start_cross_validated", round(fr->cv_start / fr->folds * 1e4) / 1e4);
    cJSON_AddBoolToObject(prov, "kept_start_thresholds", fr->kept_start);
    cJSON_AddItemToObject(prov, "scores", calib_tally_json(t));
    char *pj = cJSON_PrintUnformatted(prov);
    char *js = profile_to_json(&outp, pj);
    FILE *f = fopen(o->out, "w");
    int rc = 0;
    if (!f || !js || fprintf(f, "%s\n", js) < 0 || fclose(f)) {
        fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(o->out), strerror(errno));
        rc = 1;
    } else {
        printf("\n  wrote %s\n", tesc(o->out));
    }
    free(pj);
    free(js);
    cJSON_Delete(prov);
    return rc;
}

int calib_run(lcall *calls, int n, const tm_profile *p, const objective *obj, const calib_run_opts *o,
              double measure_s, clock_t t0)
{
    double audio_s = 0.0;
    for (int i = 0; i < n; i++) audio_s += calib_call_seconds(&calls[i]);
    int *use = calloc(n > 0 ? (size_t)n : 1, sizeof *use);
    if (!use) { fprintf(stderr, "tonemon: out of memory\n"); exit(1); }
    fit_result fr;
    memset(&fr, 0, sizeof fr);
    fr.start = p->cfg;
    cross_validate(calls, use, n, obj, o->folds, &fr);
    double search_s = (double)(clock() - t0) / CLOCKS_PER_SEC - measure_s;
    /* Thresholds that only fit these calls better are not worth shipping: keep the start unless
     * the held-out score gains at least --min-gain. */
    fr.kept_start = fr.cv_sum / fr.folds < fr.cv_start / fr.folds + o->min_gain;

    printf("tonemon calibrate: %d calls, %.1f min of audio; objective %s\n", n, audio_s / 60.0,
           o->objective ? tesc(o->objective) : "macro");
    printf("  measuring the calls %.1f s, %ld settings replayed in %.1f s\n", measure_s, fr.evals, search_s);
    printf("  start profile: %.3f on all calls, %.3f held out; calibrated: %.3f on all calls, %.3f held out (%d-fold by call)\n",
           fr.start_score, fr.cv_start / fr.folds, fr.fit_score, fr.cv_sum / fr.folds, fr.folds);
    if (fr.kept_start)
        printf("  held-out gain under %.3f: the start thresholds are kept (the table shows what the fit chose)\n", o->min_gain);
    sweep_table(stdout, calls, use, n, obj, &fr, o->plot);
    score_tally *t = calloc(1, sizeof *t);
    calib_evaluate(calls, use, n, fr.kept_start ? &fr.start : &fr.best, obj, t);
    printf("\n  the %s profile on all calls:\n", fr.kept_start ? "start (kept)" : "calibrated");
    score_print(stdout, t);
    int rc = o->out ? write_profile(calls, n, p, o, &fr, audio_s, t) : 0;
    free(t);
    free(use);
    return rc;
}
