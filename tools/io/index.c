/* tools/io/index.c -- the archive view of many calls. Each analysed call leaves a small record
 * (BASE.index.json: its metadata, the numbers the index shows and its moments) beside its outputs;
 * the index is built from records only, so one folder, the shards of a cluster run or the folders
 * of several days merge the same way. Outputs: index.csv (every call, RFC 4180, formula-safe),
 * moments.csv (one row per de-escalation moment with a deep link), and index.html: worst calls
 * first by a severity score, filters, totals, rollups per agent, team and day. A large archive's
 * page embeds the rollups and the worst calls; the rest is in index_files/calls-NNNNN.js chunks
 * that the page loads (as scripts, which work from file://) only when a filter, a sort or a
 * further page needs them. */
#include "index.h"
#include "writers.h"
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Severity weights (README "Severity score"): what a QA lead should hear first. */
#define SEV_MOMENT          10.0    /* per de-escalation moment */
#define SEV_MOMENT_HIGH     10.0    /* added when the moment is high severity */
#define SEV_INTR_AGENT       5.0    /* per interruption of the caller by the agent */
#define SEV_INTR_CALLER      2.0    /* per interruption of the agent by the caller */
#define SEV_RAISED_AGENT_S   2.0    /* per second of the agent's (or a mono mix's) raised voice */
#define SEV_RAISED_CALLER_S  1.0    /* per second of the caller's raised voice */
#define SEV_DEAD_AIR_S       0.5    /* per second of silence (dead air >= the profile's minimum) */
#define SEV_OVERTALK_PCT     1.0    /* per percent of the call in overlap */

#define EMBED_ALL   5000            /* up to this many calls the page holds them all */
#define EMBED_WORST 500             /* beyond it: the worst ones, the rest in chunks */
#define CHUNK_ROWS  5000
#define WORST_PER_GROUP 3

/* ---- small helpers ---------------------------------------------------------------------- */

static char *dupstr(const char *s)
{
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

void index_url_path(const char *path, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    if (cap < 3) { if (cap) out[0] = 0; return; }
    out[n++] = '.';
    out[n++] = '/';
    for (const unsigned char *s = (const unsigned char *)path; *s && n + 4 < cap; s++) {
        unsigned char c = *s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '/')
            out[n++] = (char)c;
        else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = 0;
}

void index_csv_field(FILE *f, const char *s, int quote)
{
    if (!s) s = "";
    int guard = strchr("=+-@\t\r'", s[0]) != NULL && s[0];
    if (!quote) quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote) fputc('"', f);
    if (guard) fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    if (quote) fputc('"', f);
}

/* A JSON string safe inside an HTML <script> element. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') { fputc('\\', f); fputc(*p, f); }
        else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') fprintf(f, "\\u%04x", *p);
        else if (*p == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) { fprintf(f, "\\u%04x", 0x2000 | p[2]); p += 2; }
        else fputc(*p, f);
    }
    fputc('"', f);
}

/* Path from folder FROM to folder TO, both existing ("" when the same), with a trailing '/'. */
static void rel_dir(const char *to, const char *from, char *out, size_t cap)
{
    char t[PATH_MAX], f[PATH_MAX];
    out[0] = 0;
    if (!realpath(to, t) || !realpath(from, f)) { snprintf(out, cap, "%s/", to); return; }
    if (!strcmp(t, f)) return;
    size_t i = 0, common = 0;
    while (t[i] && t[i] == f[i]) { if (t[i] == '/') common = i; i++; }
    if ((!t[i] && f[i] == '/') || (!f[i] && t[i] == '/')) common = i;
    if (!strcmp(f, "/")) common = 0;
    for (const char *p = f + common; *p; p++)
        if (*p == '/') strncat(out, "../", cap - strlen(out) - 1);
    const char *rest = t + common;
    if (*rest == '/') rest++;
    if (*rest) {
        /* copied by hand: gcc with ASan warns about strncat and snprintf truncating here */
        size_t used = strlen(out), len = strlen(rest);
        if (used + len + 1 < cap) {
            memcpy(out + used, rest, len);
            out[used + len] = '/';
            out[used + len + 1] = 0;
        }
    }
}

/* ---- records ----------------------------------------------------------------------------- */

static double r3(double x) { return round(x * 1000.0) / 1000.0; }

int index_record_write(const char *out_dir, const report_job *j, int ok, const tm_profile *p, int with_frames,
                       char *err, size_t errlen)
{
    const call_result *r = &j->res;
    const manifest_row *m = j->meta;
    cJSON *o = cJSON_CreateObject();
    if (!o) { snprintf(err, errlen, "out of memory"); return -1; }
    cJSON_AddNumberToObject(o, "v", 1);
    cJSON_AddStringToObject(o, "status", ok ? "ok" : "failed");
    cJSON_AddStringToObject(o, "file", j->path);
    cJSON_AddStringToObject(o, "base", j->base);
    cJSON_AddStringToObject(o, "call_id", m ? m->call_id : "");
    cJSON_AddStringToObject(o, "agent", m ? m->agent : "");
    cJSON_AddStringToObject(o, "team", m ? m->team : "");
    cJSON_AddStringToObject(o, "date", m ? m->date : "");
    cJSON *ex = cJSON_AddObjectToObject(o, "extra");
    if (m && j->meta_names)
        for (int k = 0; k < j->meta_nextra; k++) cJSON_AddStringToObject(ex, j->meta_names[k], m->extra[k]);
    if (ok) {
        /* names relative to the record's own folder (a base may keep a relative folder) */
        const char *leaf = strrchr(j->base, '/') ? strrchr(j->base, '/') + 1 : j->base;
        char name[600];
        cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
        const char *suffix[] = {".events.jsonl", ".summary.json", ".html", ".frames.csv"};
        for (int k = 0; k < (with_frames ? 4 : 3); k++) {
            snprintf(name, sizeof name, "%s%s", leaf, suffix[k]);
            cJSON_AddItemToArray(outs, cJSON_CreateString(name));
        }
        snprintf(name, sizeof name, "%s.html", leaf);
        cJSON_AddStringToObject(o, "report", name);
        const tm_stats *s = &r->stats;
        int two = r->nch == 2;
        double longest = 0.0;
        for (size_t i = 0; i < r->ev.n; i++)
            if (r->ev.v[i].type == TM_EV_SILENCE)
                longest = fmax(longest, sec(r->ev.v[i].end - r->ev.v[i].start, r->rate_hz));
        cJSON_AddNumberToObject(o, "channels", r->nch);
        cJSON_AddNumberToObject(o, "duration_s", r3(r->duration_s));
        cJSON_AddNumberToObject(o, "talk_agent_s", r3(s->speaker[0].talk_s));
        cJSON_AddNumberToObject(o, "talk_caller_s", two ? r3(s->speaker[1].talk_s) : 0.0);
        cJSON_AddNumberToObject(o, "overlap_s", two ? r3(s->overlap_s) : 0.0);
        cJSON_AddNumberToObject(o, "silence_s", r3(s->silence_s));
        cJSON_AddNumberToObject(o, "silences", s->silences);
        cJSON_AddNumberToObject(o, "longest_silence_s", r3(longest));
        cJSON_AddNumberToObject(o, "interruptions_agent", two ? s->speaker[0].interruptions_made : 0);
        cJSON_AddNumberToObject(o, "interruptions_caller", two ? s->speaker[1].interruptions_made : 0);
        cJSON_AddNumberToObject(o, "raised_agent_s", r3(s->speaker[0].raised_s));
        cJSON_AddNumberToObject(o, "raised_caller_s", two ? r3(s->speaker[1].raised_s) : 0.0);
        cJSON_AddNumberToObject(o, "raised_agent_n", s->speaker[0].raised_count);
        cJSON_AddNumberToObject(o, "raised_caller_n", two ? s->speaker[1].raised_count : 0);
        cJSON *mo = cJSON_AddArrayToObject(o, "moments");
        for (size_t i = 0; i < r->ev.n; i++) {
            const tm_event *e = &r->ev.v[i];
            if (e->type != TM_EV_DEESCALATION) continue;
            cJSON *x = cJSON_CreateObject();
            cJSON_AddNumberToObject(x, "start", sec(e->start, r->rate_hz));
            cJSON_AddStringToObject(x, "speaker", e->speaker >= 0 ? speaker_name(e->speaker, r->nch) : "");
            cJSON_AddStringToObject(x, "reason", tm_reason_name(e->reason));
            cJSON_AddStringToObject(x, "text", p->text[e->reason].reason);
            cJSON_AddNumberToObject(x, "severity", e->severity);
            cJSON_AddItemToArray(mo, x);
        }
    }
    char *txt = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!txt) { snprintf(err, errlen, "out of memory"); return -1; }
    char path[1400];
    snprintf(path, sizeof path, "%s/%s%s", out_dir, j->base, INDEX_RECORD_SUFFIX);
    out_file f;
    int rc = out_open(&f, path, err, errlen);
    if (!rc) {
        fputs(txt, f.f);
        fputc('\n', f.f);
        rc = out_commit(&f, err, errlen);
    }
    free(txt);
    return rc;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *t = malloc(cap + 1);
    while (t) {
        n += fread(t + n, 1, cap - n, f);
        if (n < cap) break;
        char *g = realloc(t, cap * 2 + 1);
        if (!g) { free(t); t = NULL; break; }
        t = g;
        cap *= 2;
    }
    if (t && ferror(f)) { free(t); t = NULL; }
    fclose(f);
    if (t) { t[n] = 0; if (len) *len = n; }
    return t;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(x) ? x->valuestring : "";
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(x) ? x->valuedouble : 0.0;
}

int index_record_complete(const char *out_dir, const char *base, int with_frames)
{
    char path[3000];
    snprintf(path, sizeof path, "%s/%s%s", out_dir, base, INDEX_RECORD_SUFFIX);
    char *t = read_file(path, NULL);
    if (!t) return 0;
    cJSON *o = cJSON_Parse(t);
    free(t);
    int ok = o && !strcmp(jstr(o, "status"), "ok");
    const cJSON *outs = cJSON_GetObjectItemCaseSensitive(o, "outputs"), *x;
    ok = ok && cJSON_IsArray(outs);
    char dir[1400];
    const char *slash = strrchr(base, '/');
    snprintf(dir, sizeof dir, "%s/%.*s", out_dir, slash ? (int)(slash - base) : 0, base);
    if (ok) cJSON_ArrayForEach(x, outs) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, cJSON_IsString(x) ? x->valuestring : "");
        if (!cJSON_IsString(x) || stat(path, &st) || !S_ISREG(st.st_mode)) { ok = 0; break; }
    }
    cJSON_Delete(o);
    if (ok && with_frames) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s.frames.csv", out_dir, base);
        ok = stat(path, &st) == 0 && S_ISREG(st.st_mode);
    }
    return ok;
}

void index_job_meta(report_job *j, const manifest_row *row, const manifest *m)
{
    j->meta = row;
    j->meta_names = row ? m->extra_names : NULL;
    j->meta_nextra = row ? m->nextra : 0;
    if (row && row->call_id[0]) manifest_output_name(row->call_id, j->base, sizeof j->base);
}

int index_resume(const char *out_dir, report_job *jobs, int n, int with_frames)
{
    int todo = 0;
    for (int i = 0; i < n; i++) {
        if (index_record_complete(out_dir, jobs[i].base, with_frames)) continue;
        if (i != todo) {
            report_job t = jobs[todo];
            jobs[todo] = jobs[i];
            jobs[i] = t;
        }
        todo++;
    }
    fprintf(stderr, "tonemon: --resume: %d of %d calls already complete in %s, %d to analyse\n", n - todo, n, out_dir, todo);
    return todo;
}

/* ---- the index in memory ----------------------------------------------------------------- */

typedef struct { double start; int severity; char *speaker, *reason, *text; } imoment;

typedef struct {
    char *file, *href, *call_id, *agent, *team, *date, *extra_json;
    cJSON *extra;
    int ok, mono, nmom;
    double dur, sev, talk_pct, nontalk_pct, longest, overtalk_pct, raised_a, raised_c, silence_s;
    int intr_a, intr_c, raised_na, raised_nc, silences;
    imoment *mom;
} irec;

typedef struct {
    irec *v;
    int n, cap;
    char **extra;                  /* union of the extra column names, in order of appearance */
    int nextra;
} iset;

static void irec_free(irec *r)
{
    free(r->file); free(r->href); free(r->call_id); free(r->agent); free(r->team); free(r->date);
    cJSON_Delete(r->extra);
    for (int i = 0; i < r->nmom; i++) { free(r->mom[i].speaker); free(r->mom[i].reason); free(r->mom[i].text); }
    free(r->mom);
}

static void iset_free(iset *s)
{
    for (int i = 0; i < s->n; i++) irec_free(&s->v[i]);
    free(s->v);
    for (int k = 0; k < s->nextra; k++) free(s->extra[k]);
    free(s->extra);
    memset(s, 0, sizeof *s);
}

static double severity(const irec *r)
{
    double v = SEV_INTR_AGENT * r->intr_a + SEV_INTR_CALLER * r->intr_c + SEV_RAISED_AGENT_S * r->raised_a +
               SEV_RAISED_CALLER_S * r->raised_c + SEV_DEAD_AIR_S * r->silence_s + SEV_OVERTALK_PCT * r->overtalk_pct;
    for (int i = 0; i < r->nmom; i++) v += SEV_MOMENT + (r->mom[i].severity >= 2 ? SEV_MOMENT_HIGH : 0.0);
    return round(v * 10.0) / 10.0;
}

/* Adds the record at PATH; its report is linked through HREF_PREFIX (from the index's folder to
 * the record's root folder) + the record's own folder within the root (REL_DIR). */
static int iset_add(iset *s, const char *path, const char *href_prefix, const char *rel, char *err, size_t errlen)
{
    char *t = read_file(path, NULL);
    if (!t) { snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno)); return -1; }
    cJSON *o = cJSON_Parse(t);
    free(t);
    if (!cJSON_IsObject(o) || jnum(o, "v") != 1) {
        cJSON_Delete(o);
        snprintf(err, errlen, "%s: not a tonemon call record", path);
        return -1;
    }
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 1024;
        irec *v = realloc(s->v, (size_t)cap * sizeof *v);
        if (!v) { cJSON_Delete(o); snprintf(err, errlen, "out of memory"); return -1; }
        s->v = v;
        s->cap = cap;
    }
    irec *r = &s->v[s->n];
    memset(r, 0, sizeof *r);
    r->ok = !strcmp(jstr(o, "status"), "ok");
    r->file = dupstr(jstr(o, "file"));
    r->call_id = dupstr(jstr(o, "call_id"));
    r->agent = dupstr(jstr(o, "agent"));
    r->team = dupstr(jstr(o, "team"));
    r->date = dupstr(jstr(o, "date"));
    cJSON *ex = cJSON_DetachItemFromObjectCaseSensitive(o, "extra"), *x;
    r->extra = cJSON_IsObject(ex) ? ex : NULL;
    if (!r->extra) cJSON_Delete(ex);
    if (r->extra) cJSON_ArrayForEach(x, r->extra) {
        int k;
        for (k = 0; k < s->nextra && strcmp(s->extra[k], x->string); k++) {}
        if (k == s->nextra) {
            char **e = realloc(s->extra, (size_t)(s->nextra + 1) * sizeof *e);
            if (e) { s->extra = e; s->extra[s->nextra++] = dupstr(x->string); }
        }
    }
    if (r->ok) {
        char url[3 * PATH_MAX], rp[2 * PATH_MAX];
        snprintf(rp, sizeof rp, "%s%s%s", href_prefix, rel, jstr(o, "report"));
        index_url_path(rp, url, sizeof url);
        r->href = dupstr(url);
        r->mono = jnum(o, "channels") < 2;
        r->dur = jnum(o, "duration_s");
        double ta = jnum(o, "talk_agent_s"), tc = jnum(o, "talk_caller_s"), ov = jnum(o, "overlap_s");
        double d = r->dur > 0 ? r->dur : 1.0;
        r->talk_pct = fmin(100.0, fmax(0.0, 100.0 * (ta + tc - ov) / d));
        r->nontalk_pct = 100.0 - r->talk_pct;
        r->overtalk_pct = 100.0 * ov / d;
        r->longest = jnum(o, "longest_silence_s");
        r->silence_s = jnum(o, "silence_s");
        r->silences = (int)jnum(o, "silences");
        r->intr_a = (int)jnum(o, "interruptions_agent");
        r->intr_c = (int)jnum(o, "interruptions_caller");
        r->raised_a = jnum(o, "raised_agent_s");
        r->raised_c = jnum(o, "raised_caller_s");
        r->raised_na = (int)jnum(o, "raised_agent_n");
        r->raised_nc = (int)jnum(o, "raised_caller_n");
        const cJSON *mo = cJSON_GetObjectItemCaseSensitive(o, "moments");
        int nm = cJSON_GetArraySize(mo);
        r->mom = nm ? calloc((size_t)nm, sizeof *r->mom) : NULL;
        if (r->mom) cJSON_ArrayForEach(x, mo) {
            imoment *m = &r->mom[r->nmom++];
            m->start = jnum(x, "start");
            m->severity = (int)jnum(x, "severity");
            m->speaker = dupstr(jstr(x, "speaker"));
            m->reason = dupstr(jstr(x, "reason"));
            m->text = dupstr(jstr(x, "text"));
        }
        r->sev = severity(r);
    }
    cJSON_Delete(o);
    s->n++;
    return 0;
}

/* Worst first: failed calls last, then by severity, then by file name (a stable order, the same
 * for one run or merged shards). */
static int by_worst(const void *a, const void *b)
{
    const irec *x = a, *y = b;
    if (x->ok != y->ok) return x->ok ? -1 : 1;
    if (x->sev != y->sev) return x->sev > y->sev ? -1 : 1;
    int c = strcmp(x->file, y->file);
    return c ? c : strcmp(x->call_id, y->call_id);
}

static const char *extra_of(const irec *r, const char *name)
{
    const cJSON *x = r->extra ? cJSON_GetObjectItemCaseSensitive(r->extra, name) : NULL;
    return cJSON_IsString(x) ? x->valuestring : "";
}

/* ---- CSV ---------------------------------------------------------------------------------- */

static int write_csv(const char *dir, const iset *s, char *err, size_t errlen)
{
    char path[1200];
    out_file o;
    snprintf(path, sizeof path, "%s/index.csv", dir);
    if (out_open(&o, path, err, errlen)) return -1;
    FILE *f = o.f;
    fputs("file,status,call_id,agent,team,date", f);
    for (int k = 0; k < s->nextra; k++) { fputc(',', f); index_csv_field(f, s->extra[k], 0); }
    fputs(",channels,duration_s,severity,talk_pct,nontalk_pct,longest_silence_s,overtalk_pct,"
          "interruptions_agent,interruptions_caller,raised_voice_s,raised_voice_agent_s,raised_voice_caller_s,"
          "silences,silence_s,moments,report\n", f);
    for (int i = 0; i < s->n; i++) {
        const irec *r = &s->v[i];
        index_csv_field(f, r->file, 1);
        fputs(r->ok ? ",ok," : ",failed,", f);
        index_csv_field(f, r->call_id, 0); fputc(',', f);
        index_csv_field(f, r->agent, 0); fputc(',', f);
        index_csv_field(f, r->team, 0); fputc(',', f);
        index_csv_field(f, r->date, 0);
        for (int k = 0; k < s->nextra; k++) { fputc(',', f); index_csv_field(f, extra_of(r, s->extra[k]), 0); }
        if (!r->ok) { fputs(",,,,,,,,,,,,,,,,\n", f); continue; }
        fprintf(f, ",%s,%.2f,%.1f,%.1f,%.1f,%.2f,", r->mono ? "mix" : "agent+caller", r->dur, r->sev, r->talk_pct,
                r->nontalk_pct, r->longest);
        if (r->mono) fputs(",,,", f);     /* overlap and interruptions are not measured on one channel */
        else fprintf(f, "%.2f,%d,%d,", r->overtalk_pct, r->intr_a, r->intr_c);
        fprintf(f, "%.2f,", r->raised_a + r->raised_c);
        if (r->mono) fputs(",,", f);
        else fprintf(f, "%.2f,%.2f,", r->raised_a, r->raised_c);
        fprintf(f, "%d,%.2f,%d,", r->silences, r->silence_s, r->nmom);
        index_csv_field(f, r->href, 1);
        fputc('\n', f);
    }
    if (out_commit(&o, err, errlen)) return -1;

    snprintf(path, sizeof path, "%s/moments.csv", dir);
    if (out_open(&o, path, err, errlen)) return -1;
    f = o.f;
    fputs("call,file,agent,team,date,time_s,time,speaker,reason,text,severity,link\n", f);
    for (int i = 0; i < s->n; i++) {
        const irec *r = &s->v[i];
        for (int k = 0; k < r->nmom; k++) {
            const imoment *m = &r->mom[k];
            index_csv_field(f, r->call_id[0] ? r->call_id : r->file, 1); fputc(',', f);
            index_csv_field(f, r->file, 1); fputc(',', f);
            index_csv_field(f, r->agent, 0); fputc(',', f);
            index_csv_field(f, r->team, 0); fputc(',', f);
            index_csv_field(f, r->date, 0);
            fprintf(f, ",%.2f,%d:%02d,", m->start, (int)(m->start / 60.0), (int)fmod(m->start, 60.0));
            index_csv_field(f, m->speaker, 0); fputc(',', f);
            index_csv_field(f, m->reason, 0); fputc(',', f);
            index_csv_field(f, m->text, 0);
            fprintf(f, ",%d,\"", m->severity);
            fprintf(f, "%s#t=%.2f\"\n", r->href, fmax(0.0, m->start - INDEX_LEAD_IN_S));
        }
    }
    return out_commit(&o, err, errlen);
}

/* ---- rollups ------------------------------------------------------------------------------ */

typedef struct {
    const char *key;
    int calls, failed, mono, intr_a, raised_na, raised_nc, moments;
    double hours, dead_s, sev_sum;
    int worst[WORST_PER_GROUP], nworst;
} group;

static const char *key_agent(const irec *r) { return r->agent; }
static const char *key_team(const irec *r) { return r->team; }
static const char *key_date(const irec *r) { return r->date; }

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Groups of the records by KEY (records are sorted worst first, so the first of a group are its
 * worst calls). Returns the number of groups in *out (malloc'd). */
static int rollup(const iset *s, const char *(*key)(const irec *), group **out)
{
    const char **keys = malloc(((size_t)s->n + 1) * sizeof *keys);
    if (!keys) return -1;
    for (int i = 0; i < s->n; i++) keys[i] = key(&s->v[i]);
    qsort(keys, (size_t)s->n, sizeof *keys, cmp_str);
    int ng = 0;
    for (int i = 0; i < s->n; i++)
        if (i == 0 || strcmp(keys[i], keys[i - 1])) keys[ng++] = keys[i];
    group *g = calloc((size_t)ng + 1, sizeof *g);
    if (!g) { free(keys); return -1; }
    for (int k = 0; k < ng; k++) g[k].key = keys[k];
    free(keys);
    for (int i = 0; i < s->n; i++) {
        const irec *r = &s->v[i];
        const char *k = key(r);
        int lo = 0, hi = ng - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (strcmp(g[mid].key, k) < 0) lo = mid + 1; else hi = mid;
        }
        group *x = &g[lo];
        x->calls++;
        if (!r->ok) { x->failed++; continue; }
        x->mono += r->mono;
        x->hours += r->dur / 3600.0;
        x->intr_a += r->intr_a;
        x->raised_na += r->raised_na;
        x->raised_nc += r->raised_nc;
        x->moments += r->nmom;
        x->dead_s += r->silence_s;
        x->sev_sum += r->sev;
        if (x->nworst < WORST_PER_GROUP) x->worst[x->nworst++] = i;
    }
    *out = g;
    return ng;
}

static void write_groups(FILE *f, const iset *s, const group *g, int ng)
{
    fputc('[', f);
    for (int k = 0; k < ng; k++) {
        const group *x = &g[k];
        double h = x->hours > 0 ? x->hours : 0.0;
        int ok = x->calls - x->failed;
        if (k) fputc(',', f);
        fputc('[', f);
        json_str(f, x->key);
        fprintf(f, ",%d,%d,%d,%.3f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,[", x->calls, x->failed, x->mono, h,
                h > 0 ? x->intr_a / h : 0.0, h > 0 ? x->raised_na / h : 0.0, h > 0 ? x->raised_nc / h : 0.0,
                h > 0 ? x->dead_s / 60.0 / h : 0.0, h > 0 ? x->moments / h : 0.0, ok > 0 ? x->sev_sum / ok : 0.0);
        for (int w = 0; w < x->nworst; w++) {
            const irec *r = &s->v[x->worst[w]];
            if (w) fputc(',', f);
            fputc('[', f);
            json_str(f, r->call_id[0] ? r->call_id : r->file);
            fputc(',', f);
            json_str(f, r->href);
            fprintf(f, ",%.1f]", r->sev);
        }
        fputs("]]", f);
    }
    fputc(']', f);
}

/* ---- HTML --------------------------------------------------------------------------------- */

static void write_row(FILE *f, const irec *r)
{
    fputc('[', f);
    json_str(f, r->file); fputc(',', f);
    json_str(f, r->href ? r->href : ""); fputc(',', f);
    json_str(f, r->call_id); fputc(',', f);
    json_str(f, r->agent); fputc(',', f);
    json_str(f, r->team); fputc(',', f);
    json_str(f, r->date);
    if (!r->ok) { fputs(",-1]", f); return; }
    double first = r->nmom ? fmax(0.0, r->mom[0].start - INDEX_LEAD_IN_S) : -1.0;
    fprintf(f, ",%d,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,%d,%d,%.1f,%.1f,%d,%.2f]", r->mono, r->dur, r->sev, r->talk_pct,
            r->nontalk_pct, r->longest, r->overtalk_pct, r->intr_a, r->intr_c, r->raised_a, r->raised_c, r->nmom, first);
}

static const char page_css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}h1{font-size:20px;margin:0 0 4px}\n"
    ".sub{color:#666;margin-bottom:10px}nav button{font:inherit;padding:6px 14px;border:1px solid #ccc;cursor:pointer;"
    "border-bottom:none;border-radius:6px 6px 0 0;margin-right:4px;color:#222;background:#f3f3f3}\n"
    "nav button.on{background:#fff;font-weight:bold}section{border-top:1px solid #ccc;padding-top:10px}\n"
    "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td{white-space:nowrap}\n"
    "td.t,th.t{text-align:left}th{background:#f3f3f3;cursor:pointer;user-select:none}th:hover{background:#e6e6e6}\n"
    "th[aria-sort=descending]::after{content:' \\25BC'}th[aria-sort=ascending]::after{content:' \\25B2'}\n"
    "tfoot td{font-weight:bold;background:#f7f7f7}.failed{color:#b00020}.na{color:#999;font-style:italic}\n"
    ".mono{background:#fff3cd;color:#7a5b00;border:1px solid #e0c36a;border-radius:3px;padding:0 4px;margin-left:6px;font-size:12px}\n"
    ".filters label{margin-right:12px}.filters input[type=number]{width:5em}#pager{margin:6px 0}\n"
    ".sev{font-weight:bold}.hi{color:#b00020}\n";

static int write_html(const char *dir, const iset *s, const group *ga, int nga, const group *gt, int ngt,
                      const group *gd, int ngd, char *err, size_t errlen)
{
    int chunked = s->n > EMBED_ALL;
    int nchunks = chunked ? (s->n + CHUNK_ROWS - 1) / CHUNK_ROWS : 0;
    char path[1400];
    out_file o;
    if (chunked) {
        snprintf(path, sizeof path, "%s/index_files", dir);
        if (mkdir(path, 0777) && errno != EEXIST) { snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno)); return -1; }
        for (int c = 0; c < nchunks; c++) {
            snprintf(path, sizeof path, "%s/index_files/calls-%05d.js", dir, c);
            if (out_open(&o, path, err, errlen)) return -1;
            fprintf(o.f, "tmChunk(%d,[", c);
            for (int i = c * CHUNK_ROWS; i < s->n && i < (c + 1) * CHUNK_ROWS; i++) {
                if (i > c * CHUNK_ROWS) fputs(",\n", o.f);
                write_row(o.f, &s->v[i]);
            }
            fputs("]);\n", o.f);
            if (out_commit(&o, err, errlen)) return -1;
        }
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    if (out_open(&o, path, err, errlen)) return -1;
    FILE *f = o.f;
    int ok = 0, mono = 0, failed = 0, moments = 0, ia = 0, ic = 0;
    double hours = 0, sev = 0, talk = 0, nontalk = 0, over = 0, ra = 0, rc = 0, longest = 0, stereo_h = 0;
    for (int i = 0; i < s->n; i++) {
        const irec *r = &s->v[i];
        if (!r->ok) { failed++; continue; }
        ok++;
        mono += r->mono;
        hours += r->dur / 3600.0;
        sev += r->sev;
        talk += r->talk_pct * r->dur;
        nontalk += r->nontalk_pct * r->dur;
        if (!r->mono) { over += r->overtalk_pct * r->dur; stereo_h += r->dur; }
        ia += r->intr_a;
        ic += r->intr_c;
        ra += r->raised_a;
        rc += r->raised_c;
        longest = fmax(longest, r->longest);
        moments += r->nmom;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tonemon: calls</title>\n<style>\n", f);
    fputs(page_css, f);
    fprintf(f, "</style></head><body>\n<h1>Calls analysed</h1>\n<div class=\"sub\">%d calls, %.1f hours of audio, "
               "%d de-escalation moments", s->n, hours, moments);
    if (mono) fprintf(f, ", %d mono (one mixed channel: overlap and interruptions not measured)", mono);
    if (failed) fprintf(f, ", <span class=\"failed\">%d failed (see the log)</span>", failed);
    fputs(". Worst calls first by severity score (see the README); click a column to sort, a call to open its report."
          " Everything is also in <a href=\"./index.csv\">index.csv</a> and <a href=\"./moments.csv\">moments.csv</a>.</div>\n"
          "<nav><button type=\"button\" data-tab=\"calls\">Calls</button><button type=\"button\" data-tab=\"agents\">Agents</button>"
          "<button type=\"button\" data-tab=\"teams\">Teams</button><button type=\"button\" data-tab=\"days\">Days</button></nav>\n"
          "<section id=\"tab-calls\"><form class=\"filters\" id=\"filters\" onsubmit=\"return false\">"
          "<label>agent <select id=\"f-agent\"><option value=\"\">all</option></select></label>"
          "<label>team <select id=\"f-team\"><option value=\"\">all</option></select></label>"
          "<label>from <input type=\"date\" id=\"f-from\"></label><label>to <input type=\"date\" id=\"f-to\"></label>"
          "<label>min severity <input type=\"number\" id=\"f-sev\" min=\"0\" step=\"1\"></label>"
          "<label><input type=\"checkbox\" id=\"f-raised\"> has raised voice</label>"
          "<button type=\"button\" id=\"f-reset\">reset</button></form>\n"
          "<table id=\"calls\"><thead><tr>"
          "<th class=\"t\" data-k=\"0\">call</th><th class=\"t\" data-k=\"3\">agent</th><th class=\"t\" data-k=\"4\">team</th>"
          "<th class=\"t\" data-k=\"5\">date</th><th data-k=\"7\">duration</th>"
          "<th data-k=\"8\" aria-sort=\"descending\" title=\"severity score: see the README\">severity</th>"
          "<th data-k=\"9\">talk %</th><th data-k=\"10\">non-talk %</th><th data-k=\"11\">longest silence (s)</th>"
          "<th data-k=\"12\">overtalk %</th><th data-k=\"13\">interruptions agent&rarr;caller</th>"
          "<th data-k=\"14\">interruptions caller&rarr;agent</th><th data-k=\"15\">raised agent (s)</th>"
          "<th data-k=\"16\">raised caller (s)</th><th data-k=\"17\">moments</th></tr></thead>\n"
          "<tbody></tbody><tfoot>", f);
    /* the totals of every call, right in the page: correct before any chunk is loaded */
    fprintf(f, "<tr id=\"totals\"><td class=\"t\" colspan=\"4\">total: %d calls%s</td><td>%.1f h</td><td>%.1f mean</td>"
               "<td>%.1f</td><td>%.1f</td><td>%.1f max</td><td>%.2f</td><td>%d</td><td>%d</td><td>%.1f</td><td>%.1f</td><td>%d</td></tr>",
            s->n, failed ? " (some failed)" : "", hours, ok ? sev / ok : 0.0, hours > 0 ? talk / hours / 3600.0 : 0.0,
            hours > 0 ? nontalk / hours / 3600.0 : 0.0, longest, stereo_h > 0 ? over / stereo_h : 0.0, ia, ic, ra, rc, moments);
    fputs("</tfoot></table>\n<div id=\"pager\"></div></section>\n", f);
    const char *tabs[3] = {"agents", "teams", "days"}, *heads[3] = {"agent", "team", "day"};
    for (int t = 0; t < 3; t++)
        fprintf(f, "<section id=\"tab-%s\" hidden><table id=\"roll-%s\"><thead><tr><th class=\"t\" data-k=\"0\">%s</th>"
                   "<th data-k=\"1\">calls</th><th data-k=\"4\">hours</th><th data-k=\"5\">interruptions by agent /h</th>"
                   "<th data-k=\"6\">agent raised voice /h</th><th data-k=\"7\">caller raised voice /h</th>"
                   "<th data-k=\"8\">dead air min/h</th><th data-k=\"9\" aria-sort=\"descending\">moments /h</th>"
                   "<th data-k=\"10\">mean severity</th><th class=\"t\">worst calls</th></tr></thead><tbody></tbody></table>"
                   "<p class=\"sub\">Per hour of call audio. Mono calls count in hours but cannot show interruptions.</p></section>\n",
                tabs[t], tabs[t], heads[t]);
    fputs("<script type=\"application/json\" id=\"tm-data\">{\"n\":", f);
    fprintf(f, "%d,\"chunks\":%d,\"rows\":[", s->n, nchunks);
    int embed = chunked ? EMBED_WORST : s->n;
    for (int i = 0; i < embed && i < s->n; i++) {
        if (i) fputs(",\n", f);
        write_row(f, &s->v[i]);
    }
    fputs("],\n\"agents\":", f);
    write_groups(f, s, ga, nga);
    fputs(",\n\"teams\":", f);
    write_groups(f, s, gt, ngt);
    fputs(",\n\"days\":", f);
    write_groups(f, s, gd, ngd);
    fputs("}</script>\n<script>\n", f);
    fputs(
"(function(){'use strict';\n"
"var D=JSON.parse(document.getElementById('tm-data').textContent);\n"
"var rows=D.rows,all=D.chunks===0,waiting=null,PAGE=200,page=0,sortK=8,sortDir=-1;\n"
"window.tmIndex={loaded:function(){return all;},rows:function(){return rows.length;}};\n"
"function loadAll(cb){if(all){cb();return;}if(waiting){waiting.push(cb);return;}waiting=[cb];var got=[],left=D.chunks;\n"
" window.tmChunk=function(k,r){if(got[k])return;got[k]=r;if(--left===0){rows=[].concat.apply([],got);all=true;var q=waiting;waiting=null;q.forEach(function(f){f();});}};\n"
" for(var k=0;k<D.chunks;k++){var s=document.createElement('script');s.src='./index_files/calls-'+('0000'+k).slice(-5)+'.js';document.head.appendChild(s);}}\n"
"function $(id){return document.getElementById(id);}\n"
"function opt(sel,list){list.forEach(function(g){var o=document.createElement('option');o.value=g[0];o.textContent=g[0]===''?'(none)':g[0];sel.appendChild(o);});}\n"
"opt($('f-agent'),D.agents);opt($('f-team'),D.teams);\n"
"function filters(){return{a:$('f-agent').value,t:$('f-team').value,from:$('f-from').value,to:$('f-to').value,\n"
" sev:parseFloat($('f-sev').value),raised:$('f-raised').checked};}\n"
"function active(F){return F.a!==''||F.t!==''||F.from||F.to||!isNaN(F.sev)||F.raised;}\n"
"function pass(r,F){if(F.a!==''&&r[3]!==F.a)return false;if(F.t!==''&&r[4]!==F.t)return false;\n"
" var d=r[5].slice(0,10);if(F.from&&!(d>=F.from))return false;if(F.to&&!(d<=F.to))return false;\n"
" if(!isNaN(F.sev)&&!(r[6]>=0&&r[8]>=F.sev))return false;if(F.raised&&!(r[6]>=0&&r[15]+r[16]>0))return false;return true;}\n"
"function val(r,k){if(r[6]<0&&k>5)return -Infinity;if(r[6]===1&&(k===12||k===13||k===14))return -1;return r[k];}\n"
"function cmp(a,b){var x=val(a,sortK),y=val(b,sortK);var c=x<y?-1:x>y?1:0;if(!c){c=a[0]<b[0]?-1:a[0]>b[0]?1:0;return c;}return c*sortDir;}\n"
"function td(tr,text,cls){var c=document.createElement('td');c.textContent=text;if(cls)c.className=cls;tr.appendChild(c);return c;}\n"
"function link(c,text,href){var a=document.createElement('a');a.setAttribute('href',href);a.textContent=text;c.appendChild(a);return a;}\n"
"function fmt(x,d){return x.toFixed(d);}\n"
"function mmss(s){var m=Math.floor(s/60),x=Math.floor(s-60*m);return m+':'+(x<10?'0':'')+x;}\n"
"function render(){var F=filters(),list=rows;\n"
" if((active(F)||sortK!==8||sortDir!==-1||(page+1)*PAGE>rows.length)&&!all){$('pager').textContent='loading all calls\\u2026';loadAll(render);return;}\n"
" if(active(F))list=rows.filter(function(r){return pass(r,F);});\n"
" if(sortK!==8||sortDir!==-1)list=list.slice().sort(cmp);\n"
" var tb=document.querySelector('#calls tbody'),frag=document.createDocumentFragment();\n"
" list.slice(page*PAGE,(page+1)*PAGE).forEach(function(r){var tr=document.createElement('tr'),c=td(tr,'','t');\n"
"  if(r[6]<0){tr.className='failed';c.textContent=r[0];td(tr,r[3],'t');td(tr,r[4],'t');td(tr,r[5],'t');var x=td(tr,'failed (see the log)','t');x.colSpan=11;frag.appendChild(tr);return;}\n"
"  link(c,r[2]!==''?r[2]:r[0],r[1]).className='call';if(r[6]===1){var b=document.createElement('span');b.className='mono';b.textContent='mono: no overlap measured';c.appendChild(b);}\n"
"  td(tr,r[3],'t');td(tr,r[4],'t');td(tr,r[5],'t');td(tr,mmss(r[7]));td(tr,fmt(r[8],1),'sev');td(tr,fmt(r[9],1));td(tr,fmt(r[10],1));td(tr,fmt(r[11],1));\n"
"  if(r[6]===1){td(tr,'n/a (mono)','na');td(tr,'n/a','na');td(tr,'n/a','na');td(tr,fmt(r[15],1));td(tr,'n/a','na');}\n"
"  else{td(tr,fmt(r[12],2));td(tr,r[13]);td(tr,r[14]);td(tr,fmt(r[15],1));td(tr,fmt(r[16],1));}\n"
"  var m=td(tr,'');if(r[17]>0){var a=link(m,String(r[17]),r[1]+'#t='+fmt(r[18],2));a.className='first-moment';a.title='open at the first moment';}else m.textContent='0';\n"
"  frag.appendChild(tr);});\n"
" tb.replaceChildren(frag);totals(list,F);pager(list.length);}\n"
"var allTotals=$('totals').cloneNode(true);\n"
"function totals(list,F){if(!active(F)){$('totals').replaceWith(allTotals.cloneNode(true));return;}var n=0,h=0,s=0,t=0,q=0,l=0,o=0,oh=0,ia=0,ic=0,ra=0,rc=0,m=0,ok=0;\n"
" list.forEach(function(r){n++;if(r[6]<0)return;ok++;h+=r[7];s+=r[8];t+=r[9]*r[7];q+=r[10]*r[7];l=Math.max(l,r[11]);\n"
"  if(r[6]===0){o+=r[12]*r[7];oh+=r[7];ia+=r[13];ic+=r[14];}ra+=r[15];rc+=r[16];m+=r[17];});\n"
" var tr=$('totals');tr.replaceChildren();var c=td(tr,'total: '+n+' calls (filtered)','t');c.colSpan=4;\n"
" [fmt(h/3600,1)+' h',fmt(ok?s/ok:0,1)+' mean',fmt(h?t/h:0,1),fmt(h?q/h:0,1),fmt(l,1)+' max',fmt(oh?o/oh:0,2),ia,ic,fmt(ra,1),fmt(rc,1),m].forEach(function(x){td(tr,String(x));});}\n"
"function pager(n){var p=$('pager');p.replaceChildren();var a=page*PAGE+1,b=Math.min(n,(page+1)*PAGE);\n"
" p.appendChild(document.createTextNode(n?('calls '+a+'\\u2013'+b+' of '+n+' '):'no call matches '));\n"
" if(page>0){var x=document.createElement('button');x.textContent='previous';x.onclick=function(){page--;render();};p.appendChild(x);}\n"
" if(b<n||(!all&&b<D.n)){var y=document.createElement('button');y.textContent='next';y.id='next-page';y.onclick=function(){page++;render();};p.appendChild(y);}}\n"
"function sortable(table,onsort){table.querySelectorAll('th[data-k]').forEach(function(th){th.addEventListener('click',function(){\n"
" var k=+th.getAttribute('data-k'),cur=th.getAttribute('aria-sort');table.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});\n"
" var dir=cur==='descending'?1:-1;th.setAttribute('aria-sort',dir<0?'descending':'ascending');onsort(k,dir);});});}\n"
"sortable($('calls'),function(k,dir){sortK=k;sortDir=dir;page=0;render();});\n"
"['f-agent','f-team','f-from','f-to','f-sev','f-raised'].forEach(function(id){$(id).addEventListener('input',function(){page=0;render();});$(id).addEventListener('change',function(){page=0;render();});});\n"
"$('f-reset').onclick=function(){$('filters').reset();page=0;render();};\n"
"function roll(name,list){var t=$('roll-'+name),k=9,dir=-1;function draw(){var l=list.slice().sort(function(a,b){var x=a[k],y=b[k];var c=x<y?-1:x>y?1:0;return c?c*dir:(a[0]<b[0]?-1:1);});\n"
" var fr=document.createDocumentFragment();l.forEach(function(g){var tr=document.createElement('tr');td(tr,g[0]===''?'(none)':g[0],'t');\n"
"  td(tr,g[2]?g[1]+' ('+g[2]+' failed)':String(g[1]));td(tr,fmt(g[4],2)+(g[3]?' ('+g[3]+' mono)':''));[5,6,7,8,9,10].forEach(function(i){td(tr,fmt(g[i],i===10?1:2));});\n"
"  var c=td(tr,'','t');g[11].forEach(function(w,i){if(i)c.appendChild(document.createTextNode(', '));link(c,w[0]+' ('+fmt(w[2],1)+')',w[1]);});fr.appendChild(tr);});\n"
"  t.tBodies[0].replaceChildren(fr);}sortable(t,function(kk,dd){k=kk;dir=dd;draw();});draw();}\n"
"roll('agents',D.agents);roll('teams',D.teams);roll('days',D.days);\n"
"function tab(){var h=(location.hash||'#calls').slice(1);if(['calls','agents','teams','days'].indexOf(h)<0)h='calls';\n"
" ['calls','agents','teams','days'].forEach(function(n){$('tab-'+n).hidden=n!==h;});\n"
" document.querySelectorAll('nav button').forEach(function(a){a.className=a.getAttribute('data-tab')===h?'on':'';});}\n"
"document.querySelectorAll('nav button').forEach(function(a){a.addEventListener('click',function(){location.hash=a.getAttribute('data-tab');});});\n"
"window.addEventListener('hashchange',tab);tab();render();})();\n", f);
    fputs("</script>\n</body></html>\n", f);
    return out_commit(&o, err, errlen);
}

static int build(const char *dir, iset *s, char *err, size_t errlen)
{
    if (s->n > 1) qsort(s->v, (size_t)s->n, sizeof *s->v, by_worst);   /* v is NULL when no call was written */
    if (write_csv(dir, s, err, errlen)) return -1;
    group *ga = NULL, *gt = NULL, *gd = NULL;
    int nga = rollup(s, key_agent, &ga), ngt = rollup(s, key_team, &gt), ngd = rollup(s, key_date, &gd);
    int rc = -1;
    if (nga < 0 || ngt < 0 || ngd < 0) snprintf(err, errlen, "out of memory");
    else rc = write_html(dir, s, ga, nga, gt, ngt, gd, ngd, err, errlen);
    free(ga);
    free(gt);
    free(gd);
    return rc;
}

int report_index(const char *dir, const report_job *jobs, int n, char *err, size_t errlen)
{
    iset s = {0};
    char path[1400], e2[1400];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s%s", dir, jobs[i].base, INDEX_RECORD_SUFFIX);
        /* a call the run never reached (interrupted) has no record and no row */
        if (access(path, F_OK)) continue;
        const char *slash = strrchr(jobs[i].base, '/');
        char rel[600] = "";
        if (slash) snprintf(rel, sizeof rel, "%.*s/", (int)(slash - jobs[i].base), jobs[i].base);
        if (iset_add(&s, path, "", rel, e2, sizeof e2)) {
            snprintf(err, errlen, "%s", e2);
            iset_free(&s);
            return -1;
        }
    }
    int rc = build(dir, &s, err, errlen);
    iset_free(&s);
    return rc;
}

/* Every record under ROOT/SUB, recursively (sorted names, so the order does not depend on the
 * file system). */
static int scan(iset *s, const char *root, const char *sub, const char *prefix, int depth, char *err, size_t errlen)
{
    char path[2 * PATH_MAX + 2];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    DIR *d = opendir(path);
    if (!d) { snprintf(err, errlen, "%s: cannot read the folder: %s", path, strerror(errno)); return -1; }
    char **names = NULL;
    int n = 0, cap = 0, rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2]))) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            char **v = realloc(names, (size_t)cap * sizeof *v);
            if (!v) { rc = -1; break; }
            names = v;
        }
        if (!(names[n] = dupstr(de->d_name))) { rc = -1; break; }
        n++;
    }
    closedir(d);
    if (rc) snprintf(err, errlen, "out of memory");
    if (!rc) qsort(names, (size_t)n, sizeof *names, cmp_str);
    size_t sl = strlen(INDEX_RECORD_SUFFIX);
    for (int i = 0; !rc && i < n; i++) {
        char rel[PATH_MAX];
        snprintf(rel, sizeof rel, "%s%s", sub, names[i]);
        size_t l = strlen(names[i]);
        if (l > sl && !strcmp(names[i] + l - sl, INDEX_RECORD_SUFFIX)) {
            snprintf(path, sizeof path, "%s/%s", root, rel);
            rc = iset_add(s, path, prefix, sub, err, errlen);
            continue;
        }
        if (!strcmp(names[i], "index_files") || depth > 16) continue;
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", root, rel);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            strncat(rel, "/", sizeof rel - strlen(rel) - 1);
            rc = scan(s, root, rel, prefix, depth + 1, err, errlen);
        }
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int index_merge(const char *merged, const char *const *roots, int nroots, char *err, size_t errlen)
{
    iset s = {0};
    int rc = 0;
    for (int k = 0; !rc && k < nroots; k++) {
        /* a folder given twice, or inside another one given, would list its calls twice */
        char a[PATH_MAX], b[PATH_MAX];
        int inside = 0;
        for (int q = 0; !inside && q < nroots; q++) {
            if (q == k || !realpath(roots[k], a) || !realpath(roots[q], b)) continue;
            size_t lb = strlen(b);
            int same = !strcmp(a, b);
            inside = (same && q < k) || (!same && !strncmp(a, b, lb) && (a[lb] == '/' || lb == 1));
        }
        if (inside) continue;
        char prefix[PATH_MAX];
        rel_dir(roots[k], merged, prefix, sizeof prefix);
        rc = scan(&s, roots[k], "", prefix, 0, err, errlen);
    }
    if (!rc) rc = build(merged, &s, err, errlen);
    iset_free(&s);
    return rc;
}
