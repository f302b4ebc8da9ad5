/* tools/io/manifest.h -- an archive's call list (CSV with a header row) and deterministic shards. */
#ifndef TM_MANIFEST_H
#define TM_MANIFEST_H
#include <stdio.h>

typedef struct manifest_row {
    char *path;                    /* as opened: a relative path is joined to the manifest's folder */
    char *call_id, *agent, *team, *date;   /* "" when the column is absent or empty */
    char **extra;                  /* values of the manifest's other columns, in their order */
    int line;                      /* line of the manifest where the row starts */
} manifest_row;

typedef struct {
    char *file;
    manifest_row *rows;
    int nrows;
    char **extra_names;            /* the other columns, carried through to the index */
    int nextra;
} manifest;

/* Reads an RFC 4180 CSV whose header names a `path` column. A bad row gets one line on err
 * ("tonemon: FILE:LINE: problem") and is left out; the rest is kept. Returns the number of rows
 * left out, or -1 with one line printed when the file cannot be read or has no `path` column. */
int  manifest_load(manifest *m, const char *file, FILE *err);
void manifest_free(manifest *m);

/* The output name of a call_id: the id with '/', control characters and a leading '.' replaced,
 * so it names one file inside the output folder. */
void manifest_output_name(const char *call_id, char *out, size_t cap);

/* The input list of an analyze run: the FILES given, then the rows of the manifest FILE (when not
 * NULL, loaded into *m), kept to shard K of N. *files is reallocated; *meta (malloc'd, parallel
 * to *files) is each entry's row or NULL. Returns the number of manifest rows left out, or -1
 * (message printed) when the manifest is unusable. */
int  manifest_files(const char *file, int shard_k, int shard_n, manifest *m, const char ***files, int *nfiles,
                    const manifest_row ***meta);

/* Parses "K/N" (1 <= K <= N). Returns 0 or -1. */
int  shard_parse(const char *s, int *k, int *n);
/* Item i of a list is in shard K of N when i mod N == K - 1: every item in exactly one shard,
 * the same one on every machine for the same list. */
static inline int shard_has(int i, int k, int n) { return n <= 1 || i % n == k - 1; }

#endif
