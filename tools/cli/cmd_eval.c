/* tools/cli/cmd_eval.c -- `tonemon eval` (score calls against their labels) and `tonemon calibrate`
 * (search the thresholds that matter for the best score, with cross-validation by call). Both
 * measure the calls once (tools/lab/calib.c); the run itself is tools/lab/calib_run.c. */
#include "cli.h"
#include "calib_run.h"
#include "term_live.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    free(args);
    score_tally *t = n >= 0 ? calloc(1, sizeof *t) : NULL;
    rc = 1;
    if (!t) {
        if (n >= 0) fprintf(stderr, "tonemon: out of memory\n");
    } else if (failed += calib_score_calls(calls, n, &p.cfg, o.tol, t), !score_any(t)) {
        /* an empty table with "macro F1 0.000" would read as a result */
        fprintf(stderr, "tonemon eval: nothing was scored (%d call%s with usable labels)\n", n, n == 1 ? "" : "s");
    } else if (o.json) {
        cJSON *j = calib_tally_json(t);
        cJSON_AddNumberToObject(j, "calls", n);
        cJSON_AddStringToObject(j, "profile", p.name);
        char *s = cJSON_Print(j);
        puts(s);
        free(s);
        cJSON_Delete(j);
        rc = failed || n == 0;
    } else {
        printf("%d call%s, profile \"%s\", onset tolerance %.2f s\n", n, n == 1 ? "" : "s", tesc(p.name), o.tol);
        score_print(stdout, t);
        rc = failed || n == 0;
    }
    calib_calls_free(calls, n);
    free(t);
    return rc;
}

static void help_calibrate(void)
{
    puts("usage: tonemon calibrate [--truth-dir DIR] [--profile START] [--objective OBJ] [--folds K]\n"
         "                         [--out FILE] [--plot DIR] CALL... | DIR\n"
         "Searches the thresholds that matter (speech margin, hangover, leak margin, backchannel limit,\n"
         "hand-over and turn pauses, raised dB, pitch and duration, the speech gate's guards against\n"
         "other voices, the interrupter's own level) by coordinate descent from START (default:\n"
         "built-in) to maximise OBJ: 'macro' (mean F1 over event types, default) or\n"
         "'TYPE:precision>=P' (F1 of one type, e.g. raised_voice:precision>=0.9), never taking more\n"
         "louder turns (+3..5 dB, labelled not_raised) for raised voice than START does. Reports K-fold\n"
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
        calib_calls_free(calls, n);
        return 1;
    }
    double measure_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    calib_run_opts ro = {o.objective, o.profile, o.out, o.plot, o.folds, o.min_gain};
    rc = calib_run(calls, n, &p, &obj, &ro, measure_s, t0);
    calib_calls_free(calls, n);
    return rc ? rc : failed ? 1 : 0;
}
