/* tools/io/manifest.c -- the call list of an archive: an RFC 4180 CSV file (quoted fields may hold
 * commas, doubled quotes and line breaks) with a header row. `path` is required; `call_id`,
 * `agent`, `team` and `date` are known; any other column is carried through to the index. */
#include "manifest.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char **v; int n, cap; } fields;

static void fields_clear(fields *f)
{
    for (int i = 0; i < f->n; i++) free(f->v[i]);
    f->n = 0;
}

static int fields_push(fields *f, const char *s, size_t len)
{
    if (f->n == f->cap) {
        int cap = f->cap ? f->cap * 2 : 16;
        char **v = realloc(f->v, (size_t)cap * sizeof *v);
        if (!v) return -1;
        f->v = v;
        f->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c) return -1;
    memcpy(c, s, len);
    c[len] = 0;
    f->v[f->n++] = c;
    return 0;
}

/* One record from *pos. Returns 1 got one, 0 end of text, -1 bad (why in *bad); *lines counts
 * the line breaks consumed. */
static int next_record(const char *t, size_t len, size_t *pos, fields *f, int *lines, const char **bad)
{
    size_t i = *pos;
    fields_clear(f);
    if (i >= len) return 0;
    char *buf = malloc(len - i + 1);
    if (!buf) { *bad = "out of memory"; return -1; }
    int rc = 1;
    for (;;) {
        size_t n = 0;
        if (i < len && t[i] == '"') {
            i++;
            for (;;) {
                if (i >= len) { *bad = "a quoted field is not closed"; rc = -1; break; }
                if (t[i] == '"') {
                    if (i + 1 < len && t[i + 1] == '"') { buf[n++] = '"'; i += 2; continue; }
                    i++;
                    break;
                }
                if (t[i] == '\n') (*lines)++;
                buf[n++] = t[i++];
            }
            if (rc < 0) break;
            if (i < len && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
                *bad = "text after a closing quote (a quote inside a field must be doubled)";
                rc = -1;
                /* skip to the end of the line so the next row can still be read */
                while (i < len && t[i] != '\n') i++;
                break;
            }
        } else {
            while (i < len && t[i] != ',' && t[i] != '\n' && t[i] != '\r') buf[n++] = t[i++];
        }
        if (fields_push(f, buf, n)) { *bad = "out of memory"; rc = -1; break; }
        if (i < len && t[i] == ',') { i++; continue; }
        if (i < len && t[i] == '\r') i++;
        if (i < len && t[i] == '\n') { i++; (*lines)++; }
        break;
    }
    if (rc < 0 && i < len && t[i] == '\n') { i++; (*lines)++; }
    free(buf);
    *pos = rc < 0 && i == *pos ? len : i;
    return rc;
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c) memcpy(c, s, n);
    return c;
}

static char *join_dir(const char *manifest_file, const char *path)
{
    const char *slash = strrchr(manifest_file, '/');
    if (path[0] == '/' || !slash) return dupstr(path);
    size_t d = (size_t)(slash - manifest_file), n = d + 1 + strlen(path) + 1;
    char *c = malloc(n);
    if (c) snprintf(c, n, "%.*s/%s", (int)d, manifest_file, path);
    return c;
}

static void row_free(manifest_row *r, int nextra)
{
    free(r->path);
    free(r->call_id);
    free(r->agent);
    free(r->team);
    free(r->date);
    if (r->extra)
        for (int k = 0; k < nextra; k++) free(r->extra[k]);
    free(r->extra);
}

void manifest_free(manifest *m)
{
    for (int i = 0; i < m->nrows; i++) row_free(&m->rows[i], m->nextra);
    free(m->rows);
    for (int k = 0; k < m->nextra; k++) free(m->extra_names[k]);
    free(m->extra_names);
    free(m->file);
    memset(m, 0, sizeof *m);
}

static char *read_all(const char *file, size_t *len)
{
    FILE *f = fopen(file, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *t = malloc(cap);
    while (t) {
        size_t got = fread(t + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        char *g = realloc(t, cap * 2);
        if (!g) { free(t); t = NULL; break; }
        t = g;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(t); errno = EIO; return NULL; }
    *len = n;
    return t;
}

int manifest_load(manifest *m, const char *file, FILE *err)
{
    memset(m, 0, sizeof *m);
    size_t len = 0, pos = 0;
    char *t = read_all(file, &len);
    if (!t) { fprintf(err, "tonemon: %s: cannot read the manifest: %s\n", file, strerror(errno ? errno : ENOMEM)); return -1; }
    if (len >= 3 && !memcmp(t, "\xEF\xBB\xBF", 3)) pos = 3;   /* spreadsheets save a UTF-8 BOM */
    m->file = dupstr(file);
    fields f = {0};
    int lines = 0, line = 1;
    const char *bad = NULL;
    int col_path = -1, col[4] = {-1, -1, -1, -1}, ncols = 0, rc = -1;
    int *extra_col = NULL;
    static const char *known[4] = {"call_id", "agent", "team", "date"};
    if (next_record(t, len, &pos, &f, &lines, &bad) != 1) {
        fprintf(err, "tonemon: %s:1: %s\n", file, bad ? bad : "empty manifest (a header row with a `path` column is needed)");
        goto done;
    }
    ncols = f.n;
    extra_col = calloc((size_t)ncols + 1, sizeof *extra_col);
    m->extra_names = calloc((size_t)ncols + 1, sizeof *m->extra_names);
    if (!extra_col || !m->extra_names) { fprintf(err, "tonemon: %s: out of memory\n", file); goto done; }
    for (int c = 0; c < ncols; c++) {
        int k;
        if (!strcmp(f.v[c], "path")) { col_path = c; continue; }
        for (k = 0; k < 4 && strcmp(f.v[c], known[k]); k++) {}
        if (k < 4) { col[k] = c; continue; }
        extra_col[m->nextra] = c;
        m->extra_names[m->nextra++] = dupstr(f.v[c]);
    }
    if (col_path < 0) { fprintf(err, "tonemon: %s:1: no `path` column in the header row\n", file); goto done; }
    rc = 0;
    int skipped = 0;
    for (;;) {
        line = 1 + lines;
        int got = next_record(t, len, &pos, &f, &lines, &bad);
        if (got == 0) break;
        if (got < 0) { fprintf(err, "tonemon: %s:%d: %s; row skipped\n", file, line, bad); skipped++; continue; }
        if (f.n == 1 && !f.v[0][0]) continue;                   /* blank line */
        if (f.n != ncols) {
            fprintf(err, "tonemon: %s:%d: %d fields where the header has %d; row skipped\n", file, line, f.n, ncols);
            skipped++;
            continue;
        }
        if (!f.v[col_path][0]) { fprintf(err, "tonemon: %s:%d: empty path; row skipped\n", file, line); skipped++; continue; }
        int dup = 0;
        if (col[0] >= 0 && f.v[col[0]][0])
            for (int i = 0; i < m->nrows && !dup; i++) dup = !strcmp(m->rows[i].call_id, f.v[col[0]]);
        if (dup) { fprintf(err, "tonemon: %s:%d: call_id %s is used twice; row skipped\n", file, line, f.v[col[0]]); skipped++; continue; }
        manifest_row *nr = realloc(m->rows, (size_t)(m->nrows + 1) * sizeof *nr);
        if (!nr) { fprintf(err, "tonemon: %s: out of memory\n", file); rc = -1; break; }
        m->rows = nr;
        manifest_row *r = &m->rows[m->nrows];
        memset(r, 0, sizeof *r);
        r->line = line;
        r->path = join_dir(file, f.v[col_path]);
        char **dst[4] = {&r->call_id, &r->agent, &r->team, &r->date};
        for (int k = 0; k < 4; k++) *dst[k] = dupstr(col[k] >= 0 ? f.v[col[k]] : "");
        r->extra = calloc((size_t)m->nextra + 1, sizeof *r->extra);
        int oom = !r->path || !r->call_id || !r->agent || !r->team || !r->date || !r->extra;
        for (int k = 0; !oom && k < m->nextra; k++) oom = !(r->extra[k] = dupstr(f.v[extra_col[k]]));
        if (oom) { row_free(r, m->nextra); fprintf(err, "tonemon: %s: out of memory\n", file); rc = -1; break; }
        m->nrows++;
    }
done:
    fields_clear(&f);
    free(f.v);
    free(extra_col);
    free(t);
    if (rc) manifest_free(m);
    return rc ? rc : skipped;
}

int manifest_files(const char *file, int shard_k, int shard_n, manifest *m, const char ***files, int *nfiles,
                   const manifest_row ***meta)
{
    int skipped = 0;
    if (file && (skipped = manifest_load(m, file, stderr)) < 0) return -1;
    int total = *nfiles + (file ? m->nrows : 0), n = 0;
    const char **f = malloc(((size_t)total + 1) * sizeof *f);
    const manifest_row **r = malloc(((size_t)total + 1) * sizeof *r);
    if (!f || !r) {
        free(f);
        free(r);
        fprintf(stderr, "tonemon: out of memory\n");
        return -1;
    }
    for (int i = 0; i < total; i++) {
        if (!shard_has(i, shard_k, shard_n)) continue;
        f[n] = i < *nfiles ? (*files)[i] : m->rows[i - *nfiles].path;
        r[n++] = i < *nfiles ? NULL : &m->rows[i - *nfiles];
    }
    free(*files);
    *files = f;
    *nfiles = n;
    *meta = r;
    return skipped;
}

void manifest_output_name(const char *call_id, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)call_id; *s && n + 1 < cap; s++)
    {
        int bad = *s == '/' || *s < 0x20 || *s == 0x7f || (n == 0 && *s == '.');
        out[n++] = bad ? '_' : (char)*s;
    }
    out[n] = 0;
}

int shard_parse(const char *s, int *k, int *n)
{
    char *end;
    if (!s) return -1;
    long a = strtol(s, &end, 10);
    if (end == s || *end != '/') return -1;
    const char *q = end + 1;
    long b = strtol(q, &end, 10);
    if (end == q || *end || b < 1 || b > 1000000 || a < 1 || a > b) return -1;
    *k = (int)a;
    *n = (int)b;
    return 0;
}
