/* tools/lab/score.c -- truth loading and event scoring. */
#include "score.h"
#include "cJSON.h"
#include "evtype.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tl_push(truth_list *l, double s, double e, int spk, int other)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        truth_iv *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    truth_iv iv = {s, e, spk, other};
    l->v[l->n++] = iv;
    return 0;
}

void truth_free(truth_set *t)
{
    for (int i = 0; i < 2; i++) free(t->speech[i].v);
    for (int i = 0; i < TM_EV__COUNT; i++) free(t->ev[i].v);
    free(t->not_raised.v);
    memset(t, 0, sizeof *t);
}

int truth_from_synth(truth_set *t, const synth_opts *o, const synth_truth *s)
{
    memset(t, 0, sizeof *t);
    t->duration_s = o->duration_s;
    int rc = 0;
    for (int c = 0; c < 2; c++)
        for (size_t i = 0; i < s->speech[c].n; i++)
            rc |= tl_push(&t->speech[c], s->speech[c].v[i].start, s->speech[c].v[i].end, c, -1);
    struct { const synth_list *l; int type; } m[] = {
        {&s->overlaps, TM_EV_OVERLAP}, {&s->interruptions, TM_EV_INTERRUPTION},
        {&s->backchannels, TM_EV_BACKCHANNEL}, {&s->raised, TM_EV_RAISED_VOICE},
        {&s->silences, TM_EV_SILENCE}, {&s->monologues, TM_EV_MONOLOGUE}};
    for (size_t k = 0; k < sizeof m / sizeof m[0]; k++) {
        t->has[m[k].type] = 1;
        for (size_t i = 0; i < m[k].l->n; i++) {
            const synth_iv *v = &m[k].l->v[i];
            rc |= tl_push(&t->ev[m[k].type], v->start, v->end, v->speaker,
                          ev_type(m[k].type)->other_key ? v->other : TM_NOBODY);
        }
    }
    for (size_t i = 0; i < s->not_raised.n; i++)
        rc |= tl_push(&t->not_raised, s->not_raised.v[i].start, s->not_raised.v[i].end, s->not_raised.v[i].speaker, -1);
    t->has[TM_EV_SPEECH] = 1;
    return rc ? -1 : 0;
}

/* ---- truth JSON ------------------------------------------------------------------------ */

static int who(const char *s)
{
    if (!s) return -2;
    if (!strcmp(s, "agent") || !strcmp(s, "mix")) return TM_AGENT;
    if (!strcmp(s, "caller")) return TM_CALLER;
    return -2;
}

static int json_pairs(truth_list *l, const cJSON *a, const char *key, int spk, char *err, size_t errlen)
{
    if (!cJSON_IsArray(a)) { snprintf(err, errlen, "%s: must be an array of [start, end]", key); return -1; }
    int i = 0;
    for (const cJSON *p = a->child; p; p = p->next, i++) {
        if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2 || !cJSON_IsNumber(p->child) || !cJSON_IsNumber(p->child->next)) {
            snprintf(err, errlen, "%s[%d]: must be [start, end] in seconds", key, i);
            return -1;
        }
        double s = p->child->valuedouble, e = p->child->next->valuedouble;
        if (!(s >= 0 && e >= s)) { snprintf(err, errlen, "%s[%d]: end before start or negative time", key, i); return -1; }
        if (tl_push(l, s, e, spk, -1)) { snprintf(err, errlen, "out of memory"); return -1; }
    }
    return 0;
}

static int json_objects(truth_list *l, const cJSON *a, const char *key, const char *spk_key,
                        int need_of, char *err, size_t errlen)
{
    if (!cJSON_IsArray(a)) { snprintf(err, errlen, "%s: must be an array of objects", key); return -1; }
    int i = 0;
    for (const cJSON *o = a->child; o; o = o->next, i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "start"), *e = cJSON_GetObjectItemCaseSensitive(o, "end");
        if (!cJSON_IsObject(o) || !cJSON_IsNumber(s) || !cJSON_IsNumber(e)) {
            snprintf(err, errlen, "%s[%d]: needs numeric start and end", key, i);
            return -1;
        }
        if (!(s->valuedouble >= 0 && e->valuedouble >= s->valuedouble)) {
            snprintf(err, errlen, "%s[%d]: end before start or negative time", key, i);
            return -1;
        }
        int spk = TM_NOBODY, other = TM_NOBODY;
        if (spk_key) {
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, spk_key);
            spk = who(cJSON_IsString(w) ? w->valuestring : NULL);
            if (spk < -1) { snprintf(err, errlen, "%s[%d].%s: must be \"agent\" or \"caller\"", key, i, spk_key); return -1; }
        }
        if (need_of) {
            const cJSON *w = cJSON_GetObjectItemCaseSensitive(o, "of");
            other = who(cJSON_IsString(w) ? w->valuestring : NULL);
            if (other < -1) { snprintf(err, errlen, "%s[%d].of: must be \"agent\" or \"caller\"", key, i); return -1; }
        }
        if (tl_push(l, s->valuedouble, e->valuedouble, spk, other)) { snprintf(err, errlen, "out of memory"); return -1; }
    }
    return 0;
}

/* The scored type whose truth JSON list is called key, or -1 (speech has its own layout). */
static int truth_type(const char *key)
{
    for (int k = 0; k < TM_EV__COUNT; k++)
        if (ev_type(k)->scored && ev_type(k)->truth_key && !strcmp(ev_type(k)->truth_key, key)) return k;
    return -1;
}

static int truth_json(truth_set *t, const char *text, size_t len, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, "not a JSON object");
        cJSON_Delete(root);
        return -1;
    }
    int rc = 0, type;
    for (const cJSON *it = root->child; it && !rc; it = it->next) {
        const char *k = it->string;
        if (!strcmp(k, "sample_rate")) continue;
        else if (!strcmp(k, "duration")) {
            if (!cJSON_IsNumber(it) || it->valuedouble < 0) { snprintf(err, errlen, "duration: must be seconds"); rc = -1; }
            else t->duration_s = it->valuedouble;
        } else if (!strcmp(k, "speech")) {
            if (!cJSON_IsObject(it)) { snprintf(err, errlen, "speech: must be an object"); rc = -1; break; }
            for (const cJSON *s = it->child; s && !rc; s = s->next) {
                int w = who(s->string);
                char key[64];
                snprintf(key, sizeof key, "speech.%.40s", s->string ? s->string : "?");
                if (w < 0) { snprintf(err, errlen, "%s: unknown speaker", key); rc = -1; }
                else rc = json_pairs(&t->speech[w], s, key, w, err, errlen);
            }
            t->has[TM_EV_SPEECH] = 1;
        } else if ((type = truth_type(k)) >= 0) {
            const ev_type_info *ti = ev_type(type);
            rc = ti->truth_by ? json_objects(&t->ev[type], it, k, ti->truth_by, ti->other_key != NULL, err, errlen)
                              : json_pairs(&t->ev[type], it, k, TM_NOBODY, err, errlen);
            t->has[type] = 1;
        }
        else if (!strcmp(k, "not_raised")) rc = json_objects(&t->not_raised, it, k, "speaker", 0, err, errlen);
        else if (!strcmp(k, "conditions")) continue;   /* how the call was made: not scored */
        else {
            /* not ours (a note, a labelling tool's field): skipped, and named to the caller */
            size_t used = strlen(t->ignored);
            if (t->n_ignored++ < 4 && used + strlen(k) + 3 < sizeof t->ignored)
                snprintf(t->ignored + used, sizeof t->ignored - used, "%s%s", used ? ", " : "", k);
        }
    }
    cJSON_Delete(root);
    return rc;
}

/* ---- Audacity labels ------------------------------------------------------------------- */

enum { NOT_RAISED = TM_EV__COUNT };   /* the label of a louder turn that is not raised voice */

static int label_line(truth_set *t, char *line, int lineno, char *err, size_t errlen)
{
    char *f[4] = {0};
    int nf = 0;
    for (char *p = line, *tok; nf < 4 && (tok = strsep(&p, "\t")); ) f[nf++] = tok;
    if (nf != 3) { snprintf(err, errlen, "line %d: expected 'start<TAB>end<TAB>label'", lineno); return -1; }
    char *e1, *e2;
    errno = 0;
    double s = strtod(f[0], &e1), e = strtod(f[1], &e2);
    if (e1 == f[0] || *e1 || e2 == f[1] || *e2 || errno || !isfinite(s) || !isfinite(e)) {
        snprintf(err, errlen, "line %d: start and end must be numbers of seconds", lineno);
        return -1;
    }
    if (s < 0 || e < s) { snprintf(err, errlen, "line %d: end %.3f is before start %.3f", lineno, e, s); return -1; }
    char *label = f[2], *arg = strchr(label, ':');
    if (arg) *arg++ = 0;
    int type = -1, a = TM_NOBODY, b = TM_NOBODY;
    for (int k = 0; k < TM_EV__COUNT && type < 0; k++)
        if (ev_type(k)->label && !strcmp(label, ev_type(k)->label)) type = k;
    if (type < 0 && !strcmp(label, "not_raised")) type = NOT_RAISED;
    if (type < 0) { snprintf(err, errlen, "line %d: unknown label '%s'", lineno, label); return -1; }
    int needs = type == NOT_RAISED || ev_type(type)->speaker_key;
    int by_of = type != NOT_RAISED && ev_type(type)->other_key;
    if (needs && !arg) { snprintf(err, errlen, "line %d: label '%s' needs a speaker, e.g. '%s:caller'", lineno, label, label); return -1; }
    if (!needs && arg) { snprintf(err, errlen, "line %d: label '%s' takes no speaker", lineno, label); return -1; }
    if (by_of) {
        char *gt = strchr(arg, '>');
        if (!gt) { snprintf(err, errlen, "line %d: interruption needs 'by>of', e.g. 'interruption:caller>agent'", lineno); return -1; }
        *gt = 0;
        a = who(arg);
        b = who(gt + 1);
        if (a < 0 || b < 0 || a == b) { snprintf(err, errlen, "line %d: interruption needs two different speakers (agent, caller)", lineno); return -1; }
    } else if (needs) {
        a = who(arg);
        if (a < 0) { snprintf(err, errlen, "line %d: unknown speaker '%s' (agent or caller)", lineno, arg); return -1; }
    }
    int rc;
    if (type == TM_EV_SPEECH) rc = tl_push(&t->speech[a], s, e, a, -1);
    else if (type == NOT_RAISED) rc = tl_push(&t->not_raised, s, e, a, -1);
    else rc = tl_push(&t->ev[type], s, e, a, b);
    if (rc) { snprintf(err, errlen, "out of memory"); return -1; }
    if (e > t->duration_s) t->duration_s = e;
    return 0;
}

static int truth_labels(truth_set *t, char *text, char *err, size_t errlen)
{
    int lineno = 0;
    for (char *p = text, *line; (line = strsep(&p, "\n")); ) {
        lineno++;
        size_t L = strlen(line);
        while (L && (line[L - 1] == '\r' || line[L - 1] == ' ')) line[--L] = 0;
        if (!L || line[0] == '#' || line[0] == '\\') continue;  /* blank, comment, spectral line */
        if (label_line(t, line, lineno, err, errlen)) return -1;
    }
    /* A label track is taken as complete: every type is scored. */
    for (int k = 0; k < TM_EV__COUNT; k++) t->has[k] = k == TM_EV_SPEECH || ev_type(k)->scored;
    return 0;
}

int truth_parse(truth_set *t, const char *text, size_t len, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    char *buf = malloc(len + 1);
    if (!buf) { snprintf(err, errlen, "out of memory"); return -1; }
    memcpy(buf, text, len);
    buf[len] = 0;
    size_t i = 0;
    while (i < len && isspace((unsigned char)buf[i])) i++;
    int rc = i < len && buf[i] == '{' ? truth_json(t, buf, len, err, errlen) : truth_labels(t, buf, err, errlen);
    free(buf);
    if (rc) truth_free(t);
    return rc;
}

int truth_load(truth_set *t, const char *path, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "cannot open: %s", strerror(errno)); return -1; }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + len, 1, cap - len, f)) > 0; ) {
        len += got;
        if (len == cap) {
            if (cap >= (1u << 26)) { free(buf); buf = NULL; break; }
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) { snprintf(err, errlen, "too large or out of memory"); return -1; }
    int rc = truth_parse(t, buf, len, err, errlen);
    free(buf);
    return rc;
}

/* ---- scoring --------------------------------------------------------------------------- */

int score_verbose;

int score_scored_type(int type)
{
    return ev_type(type) && ev_type(type)->scored;
}

typedef struct { double d; int i, j; } pair_t;
static int by_d(const void *a, const void *b)
{
    double x = ((const pair_t *)a)->d, y = ((const pair_t *)b)->d;
    return x < y ? -1 : x > y;
}

static void add_sample(double *arr, int *n, double v)
{
    if (*n < 512) arr[(*n)++] = v;
}

/* The alert types whose false detections an agent sees (the sources of the prompts). */
static int is_alert(int type)
{
    return type == TM_EV_INTERRUPTION || type == TM_EV_RAISED_VOICE || type == TM_EV_SILENCE ||
           type == TM_EV_MONOLOGUE;
}

/* The event a prompt of this reason comes from: its type, speaker and (interruption) the other. */
static int prompt_source(tm_reason r, int *type, int *speaker, int *other)
{
    *other = TM_NOBODY;
    switch (r) {
    case TM_REASON_CALLER_RAISED: *type = TM_EV_RAISED_VOICE; *speaker = TM_CALLER; return 0;
    case TM_REASON_AGENT_RAISED: *type = TM_EV_RAISED_VOICE; *speaker = TM_AGENT; return 0;
    case TM_REASON_AGENT_INTERRUPTS:
        *type = TM_EV_INTERRUPTION; *speaker = TM_AGENT; *other = TM_CALLER; return 0;
    case TM_REASON_AGENT_MONOLOGUE: *type = TM_EV_MONOLOGUE; *speaker = TM_AGENT; return 0;
    case TM_REASON_SILENCE: *type = TM_EV_SILENCE; *speaker = TM_NOBODY; return 0;
    default: return -1;
    }
}

/* A prompt is false when the event it came from (same type and parties, under way when the
 * prompt came, or known only then: a short raised voice is over when it is known) matched no
 * truth. Prompts whose source type the labels do not cover are not judged. */
static void score_prompts(score_tally *s, const truth_set *t, const tm_event *ev, size_t n,
                          const char *matched)
{
    for (size_t i = 0; i < n; i++) {
        if (ev[i].type != TM_EV_DEESCALATION) continue;
        int type, speaker, other;
        if (prompt_source(ev[i].reason, &type, &speaker, &other) || !t->has[type]) continue;
        s->prompts++;
        int ok = 0;
        for (size_t j = 0; j < n && !ok; j++)
            ok = ev[j].type == (tm_event_type)type && ev[j].speaker == speaker &&
                 (type != TM_EV_INTERRUPTION || ev[j].other == other) &&
                 ev[j].start <= ev[i].start &&
                 (ev[i].start <= ev[j].end || ev[i].start <= ev[j].detected) && matched[j];
        s->false_prompts += !ok;
    }
}

void score_call(score_tally *s, const truth_set *t, const tm_event *ev, size_t n, int rate_hz, double tol_s)
{
    char *matched = calloc(n + 1, 1);
    if (!matched) return;
    s->minutes += t->duration_s / 60.0;
    for (int type = 0; type < TM_EV__COUNT; type++) {
        if (!score_scored_type(type)) continue;
        if (!t->has[type]) continue;
        const truth_list *tl = &t->ev[type];
        type_tally *tt = &s->t[type];
        size_t nd = 0;
        for (size_t i = 0; i < n; i++) nd += ev[i].type == (tm_event_type)type;
        pair_t *pairs = malloc((nd * tl->n + 1) * sizeof *pairs);
        char *used_d = calloc(n + 1, 1), *used_t = calloc(tl->n + 1, 1);
        if (!pairs || !used_d || !used_t) { free(pairs); free(used_d); free(used_t); free(matched); return; }
        size_t np = 0;
        for (size_t i = 0; i < n; i++) {
            if (ev[i].type != (tm_event_type)type) continue;
            double ds = (double)ev[i].start / rate_hz, de = (double)ev[i].end / rate_hz;
            for (size_t j = 0; j < tl->n; j++) {
                const truth_iv *v = &tl->v[j];
                if (v->speaker != ev[i].speaker) continue;
                if (ev_type(type)->other_key && v->other != ev[i].other) continue;
                if (!(ds < v->end && v->start < de) && !(de <= ds && ds >= v->start && ds <= v->end)) continue;
                double d = fabs(ds - v->start);
                if (d > tol_s) continue;
                pair_t p = {d, (int)i, (int)j};
                pairs[np++] = p;
            }
        }
        qsort(pairs, np, sizeof *pairs, by_d);
        int tp = 0;
        for (size_t k = 0; k < np; k++) {
            if (used_d[pairs[k].i] || used_t[pairs[k].j]) continue;
            used_d[pairs[k].i] = used_t[pairs[k].j] = 1;
            tp++;
            const tm_event *e = &ev[pairs[k].i];
            double onset = (double)e->start / rate_hz - tl->v[pairs[k].j].start;
            double lat = (double)(e->detected - e->start) / rate_hz;
            tt->onset_sum += fabs(onset);
            tt->latency_sum += lat;
            add_sample(tt->onset, &tt->n_onset, fabs(onset));
            add_sample(tt->latency, &tt->n_latency, lat);
        }
        if (score_verbose) {
            for (size_t j = 0; j < tl->n; j++)
                if (!used_t[j]) fprintf(stderr, "  missed %-12s %7.2f-%7.2f speaker %d\n", tm_event_type_name((tm_event_type)type), tl->v[j].start, tl->v[j].end, tl->v[j].speaker);
            for (size_t i = 0; i < n; i++)
                if (ev[i].type == (tm_event_type)type && !used_d[i])
                    fprintf(stderr, "  false  %-12s %7.2f-%7.2f speaker %d\n", tm_event_type_name((tm_event_type)type), (double)ev[i].start / rate_hz, (double)ev[i].end / rate_hz, ev[i].speaker);
        }
        tt->tp += tp;
        tt->fp += (int)nd - tp;
        tt->fn += (int)tl->n - tp;
        if (is_alert(type)) s->false_alerts += (int)nd - tp;
        for (size_t i = 0; i < n; i++) matched[i] |= used_d[i];
        free(pairs); free(used_d); free(used_t);
    }
    score_prompts(s, t, ev, n, matched);
    free(matched);
    /* raised voice on turns that are merely louder */
    for (size_t j = 0; j < t->not_raised.n; j++) {
        const truth_iv *v = &t->not_raised.v[j];
        s->not_raised_total++;
        for (size_t i = 0; i < n; i++) {
            if (ev[i].type != TM_EV_RAISED_VOICE || ev[i].speaker != v->speaker) continue;
            double ds = (double)ev[i].start / rate_hz, de = (double)ev[i].end / rate_hz;
            if (ds < v->end && v->start < de) { s->raised_on_not_raised++; break; }
        }
    }
    /* frame-level speech */
    if (t->has[TM_EV_SPEECH] && t->duration_s > 0) {
        size_t hops = (size_t)(t->duration_s * 100.0);
        unsigned char *m = calloc(hops + 1, 1);
        if (!m) return;
        for (int c = 0; c < 2; c++) {
            memset(m, 0, hops + 1);
            for (size_t j = 0; j < t->speech[c].n; j++)
                for (size_t h = (size_t)(t->speech[c].v[j].start * 100.0 + 0.5); h < hops && h < (size_t)(t->speech[c].v[j].end * 100.0 + 0.5); h++) m[h] |= 1;
            for (size_t i = 0; i < n; i++) {
                if (ev[i].type != TM_EV_SPEECH || ev[i].speaker != c) continue;
                for (size_t h = (size_t)(ev[i].start * 100 / rate_hz); h < hops && h < (size_t)(ev[i].end * 100 / rate_hz); h++) m[h] |= 2;
            }
            for (size_t h = 0; h < hops; h++) {
                s->sp_tp[c] += m[h] == 3;
                s->sp_fp[c] += m[h] == 2;
                s->sp_fn[c] += m[h] == 1;
            }
        }
        free(m);
    }
}

void score_pitch(score_tally *s, const float *est, const float *truth, const unsigned char *scope, size_t hops)
{
    for (size_t h = 0; h < hops; h++) {
        if (truth[h] < 0.0f) continue;   /* ambiguous (fading voicing): not scored */
        int ev = est[h] > 0.0f, tv = truth[h] > 0.0f;
        if (!scope || scope[h]) {
            s->pitch_hops++;
            if (ev != tv) s->voicing_errors++;
        }
        if (!ev || !tv) continue;
        s->pitch_both_voiced++;
        double ratio = est[h] / truth[h];
        if (fabs(ratio - 1.0) > 0.2) s->pitch_gross++;
        else s->pitch_fine_cents_sum += fabs(1200.0 * log2(ratio));
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double p90(const double *v, int n)
{
    if (n <= 0) return 0.0;
    double tmp[512];
    memcpy(tmp, v, (size_t)n * sizeof *v);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_d);
    return tmp[(int)floor(0.9 * (n - 1) + 0.5)];
}

type_score score_type(const score_tally *s, tm_event_type type)
{
    const type_tally *t = &s->t[type];
    type_score r = {0};
    r.tp = t->tp; r.fp = t->fp; r.fn = t->fn;
    r.precision = t->tp + t->fp ? (double)t->tp / (t->tp + t->fp) : (t->fn ? 0.0 : 1.0);
    r.recall = t->tp + t->fn ? (double)t->tp / (t->tp + t->fn) : (t->fp ? 0.0 : 1.0);
    r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
    r.onset_mean = t->tp ? t->onset_sum / t->tp : 0.0;
    r.latency_mean = t->tp ? t->latency_sum / t->tp : 0.0;
    r.onset_p90 = p90(t->onset, t->n_onset);
    r.latency_p90 = p90(t->latency, t->n_latency);
    return r;
}

double score_speech_f1(const score_tally *s, int c)
{
    double p = s->sp_tp[c] + s->sp_fp[c] > 0 ? s->sp_tp[c] / (s->sp_tp[c] + s->sp_fp[c]) : 0.0;
    double r = s->sp_tp[c] + s->sp_fn[c] > 0 ? s->sp_tp[c] / (s->sp_tp[c] + s->sp_fn[c]) : 0.0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

int score_any(const score_tally *s)
{
    for (int type = 0; type < TM_EV__COUNT; type++)
        if (s->t[type].tp + s->t[type].fp + s->t[type].fn) return 1;
    for (int c = 0; c < 2; c++)
        if (s->sp_tp[c] + s->sp_fp[c] + s->sp_fn[c] > 0) return 1;
    return s->not_raised_total > 0 || s->pitch_hops > 0;
}

double score_macro_f1(const score_tally *s)
{
    double sum = 0.0;
    int k = 0;
    for (int type = 0; type < TM_EV__COUNT; type++) {
        if (!score_scored_type(type)) continue;
        const type_tally *t = &s->t[type];
        if (t->tp + t->fp + t->fn == 0) continue;
        sum += score_type(s, (tm_event_type)type).f1;
        k++;
    }
    return k ? sum / k : 0.0;
}

void score_print(FILE *f, const score_tally *s)
{
    fprintf(f, "%-14s %5s %5s %5s %6s %6s %6s %9s %9s %9s %9s\n", "event", "tp", "fp", "fn", "prec", "recall", "F1",
            "onset_ms", "onset_p90", "latency_s", "lat_p90");
    for (int type = 0; type < TM_EV__COUNT; type++) {
        if (!score_scored_type(type)) continue;
        type_score r = score_type(s, (tm_event_type)type);
        if (r.tp + r.fp + r.fn == 0) continue;
        fprintf(f, "%-14s %5d %5d %5d %6.3f %6.3f %6.3f %9.0f %9.0f %9.2f %9.2f\n", tm_event_type_name((tm_event_type)type),
                r.tp, r.fp, r.fn, r.precision, r.recall, r.f1, r.onset_mean * 1000, r.onset_p90 * 1000, r.latency_mean,
                r.latency_p90);
    }
    fprintf(f, "speech frames  F1 agent %.3f, caller %.3f\n", score_speech_f1(s, 0), score_speech_f1(s, 1));
    if (s->not_raised_total)
        fprintf(f, "louder turns (+3..5 dB) flagged as raised: %d of %d\n", s->raised_on_not_raised, s->not_raised_total);
    if (s->pitch_both_voiced)
        fprintf(f, "pitch: gross error %.2f%%, fine error %.1f cents, voicing error %.2f%%\n",
                100.0 * s->pitch_gross / s->pitch_both_voiced,
                s->pitch_fine_cents_sum / (double)(s->pitch_both_voiced - s->pitch_gross > 0 ? s->pitch_both_voiced - s->pitch_gross : 1),
                s->pitch_hops ? 100.0 * s->voicing_errors / s->pitch_hops : 0.0);
    if (s->minutes > 0)
        fprintf(f, "false prompts/min %.2f (%d of %d prompts), false alerts/min %.2f, over %.1f min\n",
                score_false_prompts_per_min(s), s->false_prompts, s->prompts,
                score_false_alerts_per_min(s), s->minutes);
    fprintf(f, "macro F1 %.3f\n", score_macro_f1(s));
}

double score_false_prompts_per_min(const score_tally *s)
{
    return s->minutes > 0 ? s->false_prompts / s->minutes : 0.0;
}

double score_false_alerts_per_min(const score_tally *s)
{
    return s->minutes > 0 ? s->false_alerts / s->minutes : 0.0;
}
