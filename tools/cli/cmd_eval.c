/* tools/cli/cmd_eval.c -- `tonemon eval` (score calls against their labels) and `tonemon calibrate`
 * (search the thresholds that matter for the best score, with cross-validation by call).
 * Calibration measures each call once (level, loudness, pitch per hop: the costly part) and then
 * replays those features through the decision stages for every candidate setting
 * (tm_analyzer_process_frames), so hundreds of settings cost seconds. */
#include "cli.h"
#include "call.h"
#include "cJSON.h"
#include "evtype.h"
#include "calib.h"
#include "score.h"
#include "term_live.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct {
    const char *profile, *truth, *truth_dir, *objective, *out, *plot;
    double tol, min_gain;
    int json, folds, agent_ch, caller_ch;
} eopts;

static int parse(int argc, char **argv, const char *cmd, eopts *o, char ***files, int *nfiles)
{
    memset(o, 0, sizeof *o);
    o->tol = 1.0;
    o->min_gain = 0.005;
    o->folds = 5;
    o->agent_ch = o->caller_ch = -1;
    *files = calloc((size_t)argc + 1, sizeof **files);
    *nfiles = 0;
    if (!*files) { fprintf(stderr, "tonemon: out of memory\n"); return 1; }
    const arg_spec spec[] = {
        {"profile", 0, ARG_STR, &o->profile, 0, 0, NULL},
        {"truth", 0, ARG_STR, &o->truth, 0, 0, NULL},
        {"truth-dir", 0, ARG_STR, &o->truth_dir, 0, 0, NULL},
        {"objective", 0, ARG_STR, &o->objective, 0, 0, NULL},
        {"out", 0, ARG_STR, &o->out, 0, 0, NULL},
        {"plot", 0, ARG_STR, &o->plot, 0, 0, NULL},
        {"json", 0, ARG_FLAG, &o->json, 0, 0, NULL},
        {"tolerance", 0, ARG_DOUBLE, &o->tol, 0.05, 10, NULL},
        {"min-gain", 0, ARG_DOUBLE, &o->min_gain, 0, 1, NULL},
        {"folds", 0, ARG_INT, &o->folds, 2, 50, NULL},
        {"agent-channel", 0, ARG_INT, &o->agent_ch, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &o->caller_ch, 0, 255, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, rc = args_parse(cmd, argc, argv, spec, &first);
    if (rc == ARGS_HELP) return -1;
    if (rc) return 2;
    for (int i = first; i < argc; i++) (*files)[(*nfiles)++] = argv[i];
    if (!*nfiles) { fprintf(stderr, "tonemon %s: no calls given (try --help)\n", cmd); return 2; }
    return 0;
}

/* Measures every call that has labels; returns how many (messages printed for the others, and
 * one warning for the truth keys that were skipped). -1: out of memory. */

static void help_eval(void)
{
    puts("usage: tonemon eval [--profile P] [--truth T | --truth-dir DIR] [--tolerance S] [--json] CALL... | DIR\n"
         "Scores each call against its labels (NAME.truth.json or NAME.labels.txt, see docs/labels.md):\n"
         "per event type precision, recall, F1 (same type and speaker, intervals overlap, onsets within\n"
         "--tolerance s, default 1), onset error and alert latency; speech-frame F1 per speaker; pitch\n"
         "errors when NAME.f0.csv (a pitch truth) lies beside the labels.");
}

int cmd_eval(int argc, char **argv)
{
    eopts o;
    char **args;
    int nargs;
    int rc = parse(argc, argv, "eval", &o, &args, &nargs);
    if (rc < 0) { help_eval(); free(args); return 0; }
    if (rc) { free(args); return rc; }
    tm_profile p;
    if (load_profile(&p, o.profile)) { free(args); return 2; }
    lcall *calls;
    int failed;
    int n = calib_load_calls(o.truth, o.truth_dir, o.agent_ch, o.caller_ch, &p, args, nargs, &calls, &failed);
    score_tally *t = n >= 0 ? calloc(1, sizeof *t) : NULL;
    if (!t) {
        if (n >= 0) fprintf(stderr, "tonemon: out of memory\n");
        for (int i = 0; i < n; i++) calib_call_free(&calls[i]);
        free(calls);
        free(args);
        return 1;
    }
    for (int i = 0; i < n; i++)
        if (calib_replay_score(&calls[i], &p.cfg, o.tol, t) || calib_add_pitch(&calls[i], t)) {
            fprintf(stderr, "tonemon: %s: out of memory\n", tesc(calls[i].path));
            failed++;
        }
    if (!score_any(t)) {
        /* an empty table with "macro F1 0.000" would read as a result */
        fprintf(stderr, "tonemon eval: nothing was scored (%d call%s with usable labels)\n", n, n == 1 ? "" : "s");
        for (int i = 0; i < n; i++) calib_call_free(&calls[i]);
        free(calls);
        free(t);
        free(args);
        return 1;
    }
    if (o.json) {
        cJSON *j = calib_tally_json(t);
        cJSON_AddNumberToObject(j, "calls", n);
        cJSON_AddStringToObject(j, "profile", p.name);
        char *s = cJSON_Print(j);
        puts(s);
        free(s);
        cJSON_Delete(j);
    } else {
        printf("%d call%s, profile \"%s\", onset tolerance %.2f s\n", n, n == 1 ? "" : "s", tesc(p.name), o.tol);
        score_print(stdout, t);
    }
    for (int i = 0; i < n; i++) calib_call_free(&calls[i]);
    free(calls);
    free(t);
    free(args);
    return failed || n == 0 ? 1 : 0;
}


static void help_calibrate(void)
{
    puts("usage: tonemon calibrate [--truth-dir DIR] [--profile START] [--objective OBJ] [--folds K]\n"
         "                         [--out FILE] [--plot DIR] CALL... | DIR\n"
         "Searches the thresholds that matter (speech margin, hangover, leak margin, backchannel limit,\n"
         "hand-over and turn pauses, raised dB, pitch and duration) by coordinate descent from START\n"
         "(default: built-in) to maximise OBJ: 'macro' (mean F1 over event types, default) or\n"
         "'TYPE:precision>=P' (F1 of one type, e.g. raised_voice:precision>=0.9). Reports K-fold\n"
         "cross-validated scores by call, how the objective moves around each chosen threshold, and\n"
         "writes the profile with where it came from. The calibrated thresholds are written only if they\n"
         "beat the start profile on held-out calls by --min-gain (default 0.005); else the start is kept.");
}

int cmd_calibrate(int argc, char **argv)
{
    eopts o;
    char **args;
    int nargs;
    int rc = parse(argc, argv, "calibrate", &o, &args, &nargs);
    if (rc < 0) { help_calibrate(); free(args); return 0; }
    if (rc) { free(args); return rc; }
    objective obj;
    if (calib_parse_objective(o.objective, &obj)) {
        fprintf(stderr, "tonemon calibrate: --objective must be 'macro' or TYPE[:precision>=P] (got '%s')\n", tesc(o.objective));
        free(args);
        return 2;
    }
    tm_profile p;
    if (load_profile(&p, o.profile)) { free(args); return 2; }
    clock_t t0 = clock();
    lcall *calls;
    int failed;
    int n = calib_load_calls(o.truth, o.truth_dir, o.agent_ch, o.caller_ch, &p, args, nargs, &calls, &failed);
    free(args);
    if (n < 2) {
        if (n >= 0) fprintf(stderr, "tonemon calibrate: need at least 2 labelled calls (have %d)\n", n);
        for (int i = 0; i < n; i++) calib_call_free(&calls[i]);
        free(calls);
        return 1;
    }
    double measure_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    double audio_s = 0.0;
    for (int i = 0; i < n; i++) audio_s += calib_call_seconds(&calls[i]);

    int *use = malloc((size_t)n * sizeof *use);
    if (!use) { fprintf(stderr, "tonemon: out of memory\n"); exit(1); }
    long evals = 0;
    tm_config start = p.cfg;
    for (int i = 0; i < n; i++) use[i] = 1;
    double start_score = calib_evaluate(calls, use, n, &start, &obj, NULL);

    /* k-fold cross-validation by call: fit on the others, score the held-out calls */
    int folds = o.folds < n ? o.folds : n;
    double cv_sum = 0.0, cv_start = 0.0;
    for (int f = 0; f < folds; f++) {
        for (int i = 0; i < n; i++) use[i] = i % folds != f;
        tm_config c = start;
        calib_fit(calls, use, n, &c, &obj, &evals);
        for (int i = 0; i < n; i++) use[i] = i % folds == f;
        cv_sum += calib_evaluate(calls, use, n, &c, &obj, NULL);
        cv_start += calib_evaluate(calls, use, n, &start, &obj, NULL);
    }
    for (int i = 0; i < n; i++) use[i] = 1;
    tm_config best = start;
    double fit_score = calib_fit(calls, use, n, &best, &obj, &evals);
    double search_s = (double)(clock() - t0) / CLOCKS_PER_SEC - measure_s;
    /* Thresholds that only fit these calls better are not worth shipping: keep the start unless
     * the held-out score gains at least --min-gain. */
    int kept_start = cv_sum / folds < cv_start / folds + o.min_gain;

    printf("tonemon calibrate: %d calls, %.1f min of audio; objective %s\n", n, audio_s / 60.0,
           o.objective ? tesc(o.objective) : "macro");
    printf("  measuring the calls %.1f s, %ld settings replayed in %.1f s\n", measure_s, evals, search_s);
    printf("  start profile: %.3f on all calls, %.3f held out; calibrated: %.3f on all calls, %.3f held out (%d-fold by call)\n",
           start_score, cv_start / folds, fit_score, cv_sum / folds, folds);
    if (kept_start)
        printf("  held-out gain under %.3f: the start thresholds are kept (the table shows what the fit chose)\n", o.min_gain);
    printf("\n  %-20s %8s %8s   objective at each value tried (others as chosen)\n", "threshold", "start", "chosen");
    for (int k = 0; k < CALIB_N_KNOBS; k++) {
        tm_config c = best;
        float *fp = calib_field(&c, calib_knobs[k].name), chosen = *fp;
        printf("  %-20s %8g %8g  ", calib_knobs[k].name, *calib_field(&start, calib_knobs[k].name), chosen);
        double ov[8], pv[8], rv[8];
        for (int j = 0; j < calib_knobs[k].n; j++) {
            *fp = (float)calib_knobs[k].v[j];
            ov[j] = pv[j] = rv[j] = 0.0;
            if (tm_config_check(&c, NULL) != TM_OK) { printf("   %g:-", calib_knobs[k].v[j]); continue; }
            score_tally *t = calloc(1, sizeof *t);
            ov[j] = calib_evaluate(calls, use, n, &c, &obj, t);
            /* precision and recall of the type the threshold mostly acts on */
            tm_event_type ty = obj.type >= 0 ? (tm_event_type)obj.type
                             : strstr(calib_knobs[k].name, "raised") ? TM_EV_RAISED_VOICE
                             : strstr(calib_knobs[k].name, "backchannel") ? TM_EV_BACKCHANNEL
                             : strstr(calib_knobs[k].name, "handover") || strstr(calib_knobs[k].name, "turn_pause") ? TM_EV_INTERRUPTION
                             : TM_EV_OVERLAP;
            type_score ts = score_type(t, ty);
            pv[j] = ts.precision;
            rv[j] = ts.recall;
            free(t);
            printf(" %s%g:%.3f", (float)calib_knobs[k].v[j] == chosen ? "*" : " ", calib_knobs[k].v[j], ov[j]);
        }
        printf("\n");
        if (o.plot) {
            mkdir(o.plot, 0777);
            calib_plot_knob(o.plot, &calib_knobs[k], ov, pv, rv);
        }
    }
    score_tally *t = calloc(1, sizeof *t);
    calib_evaluate(calls, use, n, kept_start ? &start : &best, &obj, t);
    printf("\n  the %s profile on all calls:\n", kept_start ? "start (kept)" : "calibrated");
    score_print(stdout, t);

    if (o.out) {
        tm_profile outp = p;
        outp.cfg = kept_start ? start : best;
        const char *base = strrchr(o.out, '/');
        snprintf(outp.name, sizeof outp.name, "%s", base ? base + 1 : o.out);
        char *dot = strrchr(outp.name, '.');
        if (dot && dot != outp.name) *dot = 0;
        char date[32];
        time_t now = time(NULL);
        strftime(date, sizeof date, "%Y-%m-%d", gmtime(&now));
        cJSON *prov = cJSON_CreateObject();
        cJSON_AddStringToObject(prov, "tool", "tonemon calibrate " TM_VERSION_STRING);
        cJSON_AddStringToObject(prov, "date", date);
        cJSON_AddStringToObject(prov, "objective", o.objective ? o.objective : "macro");
        cJSON_AddStringToObject(prov, "start_profile", o.profile ? o.profile : "built-in default");
        cJSON *cl = cJSON_AddArrayToObject(prov, "calls");
        for (int i = 0; i < n; i++) {
            const char *b = strrchr(calls[i].path, '/');
            cJSON_AddItemToArray(cl, cJSON_CreateString(b ? b + 1 : calls[i].path));
        }
        cJSON_AddNumberToObject(prov, "audio_minutes", round(audio_s / 6.0) / 10.0);
        cJSON_AddNumberToObject(prov, "folds", folds);
        cJSON_AddNumberToObject(prov, "score_start_all", round(start_score * 1e4) / 1e4);
        cJSON_AddNumberToObject(prov, "score_all", round(fit_score * 1e4) / 1e4);
        cJSON_AddNumberToObject(prov, "score_cross_validated", round(cv_sum / folds * 1e4) / 1e4);
        cJSON_AddNumberToObject(prov, "score_start_cross_validated", round(cv_start / folds * 1e4) / 1e4);
        cJSON_AddBoolToObject(prov, "kept_start_thresholds", kept_start);
        cJSON_AddItemToObject(prov, "scores", calib_tally_json(t));
        char *pj = cJSON_PrintUnformatted(prov);
        char *js = profile_to_json(&outp, pj);
        FILE *f = fopen(o.out, "w");
        if (!f || !js || fprintf(f, "%s\n", js) < 0 || fclose(f)) {
            fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(o.out), strerror(errno));
            rc = 1;
        } else {
            printf("\n  wrote %s\n", tesc(o.out));
        }
        free(pj);
        free(js);
        cJSON_Delete(prov);
    }
    free(t);
    for (int i = 0; i < n; i++) calib_call_free(&calls[i]);
    free(calls);
    free(use);
    return rc ? rc : failed ? 1 : 0;
}
