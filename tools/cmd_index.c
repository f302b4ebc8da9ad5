/* tools/cmd_index.c -- `tonemon index`: one index (index.html, index.csv, moments.csv and the
 * rollups) over the output folders of several runs, e.g. the shards of a cluster job. Reads only
 * the per-call records (NAME.index.json); reports stay where they are and are linked relatively. */
#include "cli.h"
#include "index.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void help(FILE *f)
{
    fputs("usage: tonemon index --out-dir MERGED OUT...\n"
          "  builds MERGED/index.html, index.csv and moments.csv from the per-call records\n"
          "  (NAME.index.json, written by `tonemon analyze --out-dir`) found under each OUT folder\n"
          "  --quiet        no timing line\n"
          "Exit status: 0 written, 1 a folder or record could not be read or the index written, 2 bad usage.\n", f);
}

int cmd_index(int argc, char **argv)
{
    const char *out = NULL;
    const char *roots[256];
    int n = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help(stdout); return 0; }
        if (!strncmp(a, "--out-dir=", 10)) { out = a + 10; continue; }
        if (!strcmp(a, "--out-dir")) {
            if (i + 1 >= argc) { fprintf(stderr, "tonemon index: --out-dir needs a value\n"); return 2; }
            out = argv[++i];
            continue;
        }
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) { quiet = 1; continue; }
        if (a[0] == '-' && a[1]) { fprintf(stderr, "tonemon index: unknown option %s\n", a); help(stderr); return 2; }
        if (n == (int)(sizeof roots / sizeof *roots)) { fprintf(stderr, "tonemon index: at most 256 folders\n"); return 2; }
        roots[n++] = a;
    }
    if (!out || !n) { help(stderr); return 2; }
    for (int k = 0; k < n; k++) {
        struct stat st;
        if (stat(roots[k], &st) || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "tonemon index: %s: not a folder\n", roots[k]);
            return 1;
        }
    }
    if (mkdir(out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tonemon index: %s: cannot create the output folder: %s\n", out, strerror(errno));
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[1600];
    if (index_merge(out, roots, n, err, sizeof err)) {
        fprintf(stderr, "tonemon index: %s\n", err);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!quiet)
        fprintf(stderr, "tonemon index: %s/index.html written in %.2f s\n", out,
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
