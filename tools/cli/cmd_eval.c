/* tools/cli/cmd_eval.c -- `tonemon eval` (score calls against their labels) and `tonemon calibrate`
 * (search the thresholds that matter for the best score, with cross-validation by call).
 * Calibration measures each call once (level, loudness, pitch per hop: the costly part) and then
 * replays those features through the decision stages for every candidate setting
 * (tm_analyzer_process_frames), so hundreds of settings cost seconds. */
#include "cli.h"
#include "call.h"
#include "cJSON.h"
#include "evtype.h"
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

/* ---- finding labels -------------------------------------------------------------------- */

static int exists(const char *p) { struct stat st; return stat(p, &st) == 0 && S_ISREG(st.st_mode); }

/* NAME.truth.json or NAME.labels.txt in dir (or beside the audio when dir is NULL). */
static int find_truth(const char *audio, const char *dir, char *out, size_t cap)
{
    char base[512], folder[512];
    const char *slash = strrchr(audio, '/');
    snprintf(base, sizeof base, "%s", slash ? slash + 1 : audio);
    char *dot = strrchr(base, '.');
    if (dot && dot != base) *dot = 0;
    if (dir) snprintf(folder, sizeof folder, "%s", dir);
    else if (slash) snprintf(folder, sizeof folder, "%.*s", (int)(slash - audio), audio);
    else snprintf(folder, sizeof folder, ".");
    const char *suffix[] = {".truth.json", ".labels.txt"};
    for (int i = 0; i < 2; i++) {
        snprintf(out, cap, "%s/%s%s", folder, base, suffix[i]);
        if (exists(out)) return 0;
    }
    return -1;
}

static int is_audio_name(const char *n)
{
    const char *dot = strrchr(n, '.');
    const char *ext[] = {".wav", ".flac", ".ogg", ".opus", ".aif", ".aiff", ".caf", ".au", ".w64"};
    if (!dot) return 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (!strcasecmp(dot, ext[i])) return 1;
    return 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int grow(char ***list, int *cap, int k)
{
    if (k < *cap) return 0;
    char **bigger = realloc(*list, (size_t)(*cap * 2) * sizeof **list);
    if (!bigger) return -1;
    *list = bigger;
    *cap *= 2;
    return 0;
}

/* Expands directories into their audio files (sorted); returns a malloc'd list. */
static char **expand(char **args, int n, int *count)
{
    int cap = 64, k = 0, oom = 0;
    char **out = malloc((size_t)cap * sizeof *out);
    for (int i = 0; out && i < n && !oom; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(args[i]);
            int first = k;
            for (struct dirent *e; d && (e = readdir(d));) {
                if (!is_audio_name(e->d_name)) continue;
                size_t len = strlen(args[i]) + strlen(e->d_name) + 2;
                if (grow(&out, &cap, k) || !(out[k] = malloc(len))) { oom = 1; break; }
                snprintf(out[k++], len, "%s/%s", args[i], e->d_name);
            }
            if (d) closedir(d);
            qsort(out + first, (size_t)(k - first), sizeof *out, by_name);
        } else {
            if (grow(&out, &cap, k) || !(out[k] = strdup(args[i]))) { oom = 1; break; }
            k++;
        }
    }
    if (!out || oom) {
        for (int i = 0; out && i < k; i++) free(out[i]);
        free(out);
        *count = 0;
        return NULL;
    }
    *count = k;
    return out;
}

/* ---- one labelled call: measured once ------------------------------------------------- */

typedef struct {
    char *path;
    truth_set truth;
    tm_frame *fr;          /* fr[hop * nch + c] */
    size_t hops;           /* analyzer hops of hop samples: 10 ms only where rate / 100 is whole */
    int nch, rate, hop;
    float *pitch_truth;    /* optional, on the truth's own 10 ms grid: [slot * 2 + c] */
    size_t truth_slots;
} lcall;

/* The analyzer's hop at a rate, asked of the library (11025 Hz: 110 samples, 9.977 ms). */
static int hop_of_rate(int rate)
{
    tm_config c = tm_config_default(rate);
    c.event_capacity = 4;
    tm_analyzer *a;
    if (tm_analyzer_create(&c, &a) != TM_OK) return rate / 100;
    int hop = tm_analyzer_hop_size(a);
    tm_analyzer_destroy(a);
    return hop;
}

/* Seconds of audio in a measured call. */
static double call_seconds(const lcall *c) { return (double)c->hops * c->hop / c->rate; }

typedef struct { lcall *c; int hop; } grab_t;

static void grab(void *u, const tm_frame *f)
{
    grab_t *g = u;
    size_t h = (size_t)(f->start / g->hop);
    if (h < g->c->hops) g->c->fr[h * (size_t)g->c->nch + (size_t)f->channel] = *f;
}

static int load_pitch_truth(lcall *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    c->truth_slots = (size_t)(call_seconds(c) * 100.0) + 2;
    c->pitch_truth = calloc(c->truth_slots * 2, sizeof(float));
    char line[128];
    if (!c->pitch_truth || !fgets(line, sizeof line, f)) { fclose(f); return -1; }
    while (fgets(line, sizeof line, f)) {
        double t, f0;
        char ch[16];
        if (sscanf(line, "%lf,%15[^,],%lf", &t, ch, &f0) != 3) continue;
        if (!(t >= 0.0 && t < 1e7)) continue;
        size_t h = (size_t)floor(t * 100.0 + 0.5);
        if (h < c->truth_slots) c->pitch_truth[h * 2 + (strcmp(ch, "caller") == 0)] = (float)f0;
    }
    fclose(f);
    return 0;
}

/* Measures a call with the given profile and keeps its frames; 0 or -1 (message printed). */
static int measure(lcall *c, const char *audio, const char *truth_path, const tm_profile *p, int agent_ch,
                   int caller_ch)
{
    char err[600];
    memset(c, 0, sizeof *c);
    if (!(c->path = strdup(audio))) { fprintf(stderr, "tonemon: out of memory\n"); return -1; }
    if (truth_load(&c->truth, truth_path, err, sizeof err)) {
        fprintf(stderr, "tonemon: %s: bad labels: %s\n", tesc(truth_path), tesc(err));
        return -1;
    }
    audio_in in;
    if (audio_open(&in, audio, agent_ch, caller_ch, err, sizeof err)) {
        fprintf(stderr, "tonemon: %s: %s\n", tesc(audio), tesc(err));
        audio_close(&in);
        return -1;
    }
    c->nch = in.nout;
    c->rate = in.out_rate;
    int64_t frames = audio_frames(&in);
    c->hop = hop_of_rate(in.out_rate);
    c->hops = (size_t)((frames > 0 ? frames : 0) / c->hop) + 2;
    c->fr = calloc(c->hops * (size_t)c->nch, sizeof *c->fr);
    if (!c->fr) {
        fprintf(stderr, "tonemon: %s: out of memory\n", tesc(audio));
        audio_close(&in);
        return -1;
    }
    grab_t g = {c, c->hop};
    call_result r;
    int rc = call_analyze(p, &in, grab, &g, &r, err, sizeof err);
    audio_close(&in);
    if (rc) { fprintf(stderr, "tonemon: %s: %s\n", tesc(audio), tesc(err)); return -1; }
    size_t done = (size_t)llround(r.duration_s * c->rate) / (size_t)c->hop;
    if (done < c->hops) c->hops = done;
    call_free(&r);
    char pt[1100];
    /* NAME.f0.csv beside NAME.truth.json / NAME.labels.txt (both suffixes are 11 characters) */
    snprintf(pt, sizeof pt, "%.*s.f0.csv", (int)(strlen(truth_path) > 11 ? strlen(truth_path) - 11 : 0), truth_path);
    if (exists(pt) && load_pitch_truth(c, pt)) {
        fprintf(stderr, "tonemon: %s: cannot read the pitch truth\n", tesc(pt));
        return -1;
    }
    return 0;
}

static void lcall_free(lcall *c)
{
    free(c->path);
    free(c->fr);
    free(c->pitch_truth);
    truth_free(&c->truth);
}

/* Replays a measured call under cfg and adds its score. */
static int replay_score(const lcall *c, const tm_config *cfg_in, double tol, score_tally *t)
{
    tm_config cfg = *cfg_in;
    cfg.sample_rate_hz = c->rate;
    cfg.channels = c->nch;
    cfg.on_frame = NULL;
    cfg.event_capacity = 1 << 16;
    tm_analyzer *a;
    if (tm_analyzer_create(&cfg, &a) != TM_OK) return -1;
    tm_analyzer_process_frames(a, c->fr, c->hops);
    tm_analyzer_finish(a);
    event_list ev = {0};
    tm_event e;
    int rc = 0;
    while (tm_analyzer_next_event(a, &e))
        if (e.final && events_push(&ev, &e)) rc = -1;
    tm_analyzer_destroy(a);
    if (!rc) score_call(t, &c->truth, ev.v, ev.n, c->rate, tol);
    free(ev.v);
    return rc;
}

static int add_pitch(const lcall *c, score_tally *t)
{
    if (!c->pitch_truth || c->nch != 2) return 0;
    float *est = malloc(c->hops * sizeof(float)), *tru = malloc(c->hops * sizeof(float));
    unsigned char *scope = malloc(c->hops);
    int rc = est && tru && scope ? 0 : -1;
    for (int ch = 0; !rc && ch < 2; ch++) {
        for (size_t h = 0; h < c->hops; h++) {
            /* the truth's 10 ms slot under this hop's centre: hops and slots differ in length
             * where rate / 100 is not whole */
            size_t k = (size_t)floor((h + 0.5) * c->hop * 100.0 / c->rate);
            if (k >= c->truth_slots) k = c->truth_slots - 1;
            est[h] = c->fr[h * 2 + (size_t)ch].f0_hz;
            tru[h] = c->pitch_truth[k * 2 + (size_t)ch];
            /* only where this voice speaks alone: the other voice is not this channel's pitch */
            int other = c->pitch_truth[k * 2 + (size_t)(1 - ch)] != 0.0f;
            scope[h] = !other;
            if (other) est[h] = tru[h] = 0.0f;
        }
        score_pitch(t, est, tru, scope, c->hops);
    }
    free(est); free(tru); free(scope);
    return rc;
}

/* ---- objective -------------------------------------------------------------------------- */

typedef struct {
    int type;              /* -1: macro F1 over event types */
    double min_precision;  /* constraint for a single type, 0 none */
} objective;

static int parse_objective(const char *s, objective *o)
{
    o->type = -1;
    o->min_precision = 0.0;
    if (!s || !strcmp(s, "macro")) return 0;
    char name[64];
    double p = 0.0;
    if (sscanf(s, "%63[a-z_]:precision>=%lf", name, &p) < 1) return -1;
    int k = ev_type_by_name(name);
    if (score_scored_type(k)) { o->type = k; o->min_precision = p; return 0; }
    return -1;
}

static double objective_of(const score_tally *t, const objective *o)
{
    if (o->type < 0) return score_macro_f1(t);
    type_score s = score_type(t, (tm_event_type)o->type);
    /* a setting under the precision floor ranks below every one above it */
    return s.precision + 1e-9 >= o->min_precision ? s.f1 : s.f1 - 1.0;
}

static double evaluate(lcall *calls, const int *use, int n, const tm_config *cfg, const objective *o, score_tally *out)
{
    score_tally *t = calloc(1, sizeof *t);
    if (!t) { fprintf(stderr, "tonemon: out of memory\n"); exit(1); }
    for (int i = 0; i < n; i++)
        if (use[i] && replay_score(&calls[i], cfg, 1.0, t)) { fprintf(stderr, "tonemon: out of memory\n"); exit(1); }
    double v = objective_of(t, o);
    if (out) *out = *t;
    free(t);
    return v;
}

/* ---- the search space -------------------------------------------------------------------- */

typedef struct { const char *name; double v[8]; int n; } knob;

static const knob knobs[] = {
    {"speech_margin_db", {5, 6, 7, 8, 9, 10, 12}, 7},
    {"hangover_ms", {120, 160, 200, 260, 320}, 5},
    {"bleed_margin_db", {3, 4.5, 6, 8, 10}, 5},
    {"backchannel_max_s", {0.6, 0.8, 1.0, 1.2, 1.5}, 5},
    {"handover_max_s", {0.15, 0.2, 0.3, 0.4, 0.5}, 5},
    {"turn_pause_max_s", {0.3, 0.4, 0.5, 0.7}, 4},
    {"raised_min_db", {4, 5, 6, 7, 8, 10}, 6},
    {"raised_min_st", {0.5, 1.0, 1.5, 2.0, 3.0}, 5},
    {"raised_min_s", {0.6, 0.8, 1.0, 1.3}, 4},
};
enum { N_KNOBS = sizeof knobs / sizeof knobs[0] };

static float *field(tm_config *c, const char *name)
{
    size_t n;
    const tm_config_field *f = tm_config_fields(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].name, name) && !f[i].is_int) return (float *)((char *)c + f[i].offset);
    return NULL;
}

/* Coordinate descent over the knobs, two passes; returns the objective reached. */
static double fit(lcall *calls, const int *use, int n, tm_config *cfg, const objective *o, long *evals)
{
    double best = evaluate(calls, use, n, cfg, o, NULL);
    (*evals)++;
    for (int pass = 0; pass < 2; pass++) {
        int moved = 0;
        for (int k = 0; k < N_KNOBS; k++) {
            float *f = field(cfg, knobs[k].name), keep = *f;
            for (int j = 0; j < knobs[k].n; j++) {
                if ((float)knobs[k].v[j] == keep) continue;
                *f = (float)knobs[k].v[j];
                if (tm_config_check(cfg, NULL) != TM_OK) { *f = keep; continue; }
                double v = evaluate(calls, use, n, cfg, o, NULL);
                (*evals)++;
                if (v > best + 1e-9) { best = v; keep = *f; moved = 1; }
                *f = keep;
            }
        }
        if (!moved) break;
    }
    return best;
}

/* ---- the commands ---------------------------------------------------------------------- */

static cJSON *tally_json(const score_tally *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *ev = cJSON_AddObjectToObject(o, "events");
    for (int k = 0; k < TM_EV__COUNT; k++) {
        if (!score_scored_type(k)) continue;
        type_score s = score_type(t, (tm_event_type)k);
        if (s.tp + s.fp + s.fn == 0) continue;
        cJSON *e = cJSON_AddObjectToObject(ev, tm_event_type_name((tm_event_type)k));
        cJSON_AddNumberToObject(e, "tp", s.tp);
        cJSON_AddNumberToObject(e, "fp", s.fp);
        cJSON_AddNumberToObject(e, "fn", s.fn);
        cJSON_AddNumberToObject(e, "precision", round(s.precision * 1e4) / 1e4);
        cJSON_AddNumberToObject(e, "recall", round(s.recall * 1e4) / 1e4);
        cJSON_AddNumberToObject(e, "f1", round(s.f1 * 1e4) / 1e4);
        cJSON_AddNumberToObject(e, "onset_error_mean_s", round(s.onset_mean * 1e3) / 1e3);
        cJSON_AddNumberToObject(e, "onset_error_p90_s", round(s.onset_p90 * 1e3) / 1e3);
        cJSON_AddNumberToObject(e, "latency_mean_s", round(s.latency_mean * 1e3) / 1e3);
        cJSON_AddNumberToObject(e, "latency_p90_s", round(s.latency_p90 * 1e3) / 1e3);
    }
    cJSON *sp = cJSON_AddObjectToObject(o, "speech_frames_f1");
    cJSON_AddNumberToObject(sp, "agent", round(score_speech_f1(t, 0) * 1e4) / 1e4);
    cJSON_AddNumberToObject(sp, "caller", round(score_speech_f1(t, 1) * 1e4) / 1e4);
    cJSON_AddNumberToObject(o, "louder_turns_flagged", t->raised_on_not_raised);
    cJSON_AddNumberToObject(o, "louder_turns", t->not_raised_total);
    if (t->pitch_both_voiced) {
        cJSON *p = cJSON_AddObjectToObject(o, "pitch");
        cJSON_AddNumberToObject(p, "gross_error", round(1e5 * t->pitch_gross / t->pitch_both_voiced) / 1e5);
        long fine_n = t->pitch_both_voiced - t->pitch_gross;
        cJSON_AddNumberToObject(p, "fine_error_cents", round(10 * t->pitch_fine_cents_sum / (fine_n > 0 ? fine_n : 1)) / 10);
        cJSON_AddNumberToObject(p, "voicing_error", t->pitch_hops ? round(1e5 * t->voicing_errors / t->pitch_hops) / 1e5 : 0);
    }
    cJSON_AddNumberToObject(o, "macro_f1", round(score_macro_f1(t) * 1e4) / 1e4);
    return o;
}

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
static int load_calls(const eopts *o, const tm_profile *p, char **args, int nargs, lcall **out, int *failed)
{
    int n;
    char **files = expand(args, nargs, &n);
    lcall *calls = files ? calloc((size_t)(n ? n : 1), sizeof *calls) : NULL;
    *out = calls;
    *failed = 0;
    if (!calls) {
        fprintf(stderr, "tonemon: out of memory\n");
        if (files) for (int i = 0; i < n; i++) free(files[i]);
        free(files);
        return -1;
    }
    int k = 0, ignored_calls = 0;
    char first_ignored[160] = "", first_file[1100] = "";
    for (int i = 0; i < n; i++) {
        char tp[1100];
        if (o->truth && n == 1) snprintf(tp, sizeof tp, "%s", o->truth);
        else if (find_truth(files[i], o->truth_dir, tp, sizeof tp)) {
            fprintf(stderr, "tonemon: %s: no labels (NAME.truth.json or NAME.labels.txt%s%s)\n", tesc(files[i]),
                    o->truth_dir ? " in " : " beside it", o->truth_dir ? tesc(o->truth_dir) : "");
            (*failed)++;
            continue;
        }
        if (measure(&calls[k], files[i], tp, p, o->agent_ch, o->caller_ch)) { lcall_free(&calls[k]); (*failed)++; continue; }
        if (calls[k].truth.n_ignored && !ignored_calls++) {
            snprintf(first_ignored, sizeof first_ignored, "%s%s", calls[k].truth.ignored,
                     calls[k].truth.n_ignored > 4 ? ", ..." : "");
            snprintf(first_file, sizeof first_file, "%s", tp);
        }
        k++;
    }
    if (ignored_calls)
        fprintf(stderr, "tonemon: warning: %s: keys not known to tonemon were ignored (%s)%s\n", tesc(first_file),
                tesc(first_ignored), ignored_calls > 1 ? "; so were unknown keys in other truth files" : "");
    for (int i = 0; i < n; i++) free(files[i]);
    free(files);
    return k;
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
    int n = load_calls(&o, &p, args, nargs, &calls, &failed);
    score_tally *t = n >= 0 ? calloc(1, sizeof *t) : NULL;
    if (!t) {
        if (n >= 0) fprintf(stderr, "tonemon: out of memory\n");
        for (int i = 0; i < n; i++) lcall_free(&calls[i]);
        free(calls);
        free(args);
        return 1;
    }
    for (int i = 0; i < n; i++)
        if (replay_score(&calls[i], &p.cfg, o.tol, t) || add_pitch(&calls[i], t)) {
            fprintf(stderr, "tonemon: %s: out of memory\n", tesc(calls[i].path));
            failed++;
        }
    if (!score_any(t)) {
        /* an empty table with "macro F1 0.000" would read as a result */
        fprintf(stderr, "tonemon eval: nothing was scored (%d call%s with usable labels)\n", n, n == 1 ? "" : "s");
        for (int i = 0; i < n; i++) lcall_free(&calls[i]);
        free(calls);
        free(t);
        free(args);
        return 1;
    }
    if (o.json) {
        cJSON *j = tally_json(t);
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
    for (int i = 0; i < n; i++) lcall_free(&calls[i]);
    free(calls);
    free(t);
    free(args);
    return failed || n == 0 ? 1 : 0;
}

static void plot_knob(const char *dir, const knob *k, const double *obj, const double *prec, const double *rec)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.svg", dir, k->name);
    FILE *f = fopen(path, "w");
    if (!f) { fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(path), strerror(errno)); return; }
    double lo = k->v[0], hi = k->v[k->n - 1];
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"420\" height=\"260\" font-family=\"sans-serif\" font-size=\"11\">\n"
               "<text x=\"10\" y=\"16\" font-size=\"13\">%s</text>\n<rect x=\"50\" y=\"30\" width=\"340\" height=\"180\" fill=\"none\" stroke=\"#999\"/>\n",
            k->name);
    const double *series[3] = {obj, prec, rec};
    const char *colours[3] = {"#000", "#1f6fd1", "#e07b00"}, *names[3] = {"objective", "precision", "recall"};
    for (int s = 0; s < 3; s++) {
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colours[s]);
        for (int j = 0; j < k->n; j++) {
            double x = 50 + 340 * (k->v[j] - lo) / (hi - lo), v = series[s][j] < 0 ? 0 : series[s][j];
            fprintf(f, "%.1f,%.1f ", x, 210 - 180 * v);
        }
        fprintf(f, "\"/>\n<text x=\"%d\" y=\"250\" fill=\"%s\">%s</text>\n", 60 + 110 * s, colours[s], names[s]);
    }
    for (int j = 0; j < k->n; j++)
        fprintf(f, "<text x=\"%.1f\" y=\"225\" text-anchor=\"middle\">%g</text>\n", 50 + 340 * (k->v[j] - lo) / (hi - lo), k->v[j]);
    fputs("<text x=\"45\" y=\"34\" text-anchor=\"end\">1</text><text x=\"45\" y=\"214\" text-anchor=\"end\">0</text>\n</svg>\n", f);
    fclose(f);
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
    if (parse_objective(o.objective, &obj)) {
        fprintf(stderr, "tonemon calibrate: --objective must be 'macro' or TYPE[:precision>=P] (got '%s')\n", tesc(o.objective));
        free(args);
        return 2;
    }
    tm_profile p;
    if (load_profile(&p, o.profile)) { free(args); return 2; }
    clock_t t0 = clock();
    lcall *calls;
    int failed;
    int n = load_calls(&o, &p, args, nargs, &calls, &failed);
    free(args);
    if (n < 2) {
        if (n >= 0) fprintf(stderr, "tonemon calibrate: need at least 2 labelled calls (have %d)\n", n);
        for (int i = 0; i < n; i++) lcall_free(&calls[i]);
        free(calls);
        return 1;
    }
    double measure_s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    double audio_s = 0.0;
    for (int i = 0; i < n; i++) audio_s += call_seconds(&calls[i]);

    int *use = malloc((size_t)n * sizeof *use);
    if (!use) { fprintf(stderr, "tonemon: out of memory\n"); exit(1); }
    long evals = 0;
    tm_config start = p.cfg;
    for (int i = 0; i < n; i++) use[i] = 1;
    double start_score = evaluate(calls, use, n, &start, &obj, NULL);

    /* k-fold cross-validation by call: fit on the others, score the held-out calls */
    int folds = o.folds < n ? o.folds : n;
    double cv_sum = 0.0, cv_start = 0.0;
    for (int f = 0; f < folds; f++) {
        for (int i = 0; i < n; i++) use[i] = i % folds != f;
        tm_config c = start;
        fit(calls, use, n, &c, &obj, &evals);
        for (int i = 0; i < n; i++) use[i] = i % folds == f;
        cv_sum += evaluate(calls, use, n, &c, &obj, NULL);
        cv_start += evaluate(calls, use, n, &start, &obj, NULL);
    }
    for (int i = 0; i < n; i++) use[i] = 1;
    tm_config best = start;
    double fit_score = fit(calls, use, n, &best, &obj, &evals);
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
    for (int k = 0; k < N_KNOBS; k++) {
        tm_config c = best;
        float *fp = field(&c, knobs[k].name), chosen = *fp;
        printf("  %-20s %8g %8g  ", knobs[k].name, *field(&start, knobs[k].name), chosen);
        double ov[8], pv[8], rv[8];
        for (int j = 0; j < knobs[k].n; j++) {
            *fp = (float)knobs[k].v[j];
            ov[j] = pv[j] = rv[j] = 0.0;
            if (tm_config_check(&c, NULL) != TM_OK) { printf("   %g:-", knobs[k].v[j]); continue; }
            score_tally *t = calloc(1, sizeof *t);
            ov[j] = evaluate(calls, use, n, &c, &obj, t);
            /* precision and recall of the type the threshold mostly acts on */
            tm_event_type ty = obj.type >= 0 ? (tm_event_type)obj.type
                             : strstr(knobs[k].name, "raised") ? TM_EV_RAISED_VOICE
                             : strstr(knobs[k].name, "backchannel") ? TM_EV_BACKCHANNEL
                             : strstr(knobs[k].name, "handover") || strstr(knobs[k].name, "turn_pause") ? TM_EV_INTERRUPTION
                             : TM_EV_OVERLAP;
            type_score ts = score_type(t, ty);
            pv[j] = ts.precision;
            rv[j] = ts.recall;
            free(t);
            printf(" %s%g:%.3f", (float)knobs[k].v[j] == chosen ? "*" : " ", knobs[k].v[j], ov[j]);
        }
        printf("\n");
        if (o.plot) {
            mkdir(o.plot, 0777);
            plot_knob(o.plot, &knobs[k], ov, pv, rv);
        }
    }
    score_tally *t = calloc(1, sizeof *t);
    evaluate(calls, use, n, kept_start ? &start : &best, &obj, t);
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
        cJSON_AddItemToObject(prov, "scores", tally_json(t));
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
    for (int i = 0; i < n; i++) lcall_free(&calls[i]);
    free(calls);
    free(use);
    return rc ? rc : failed ? 1 : 0;
}
