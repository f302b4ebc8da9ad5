/* tools/cli/cmd_index.c -- `tonemon index`: one index (index.html, index.csv, moments.csv and the
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
    const arg_spec spec[] = {
        {"out-dir", 0, ARG_STR, &out, 0, 0, NULL},
        {"quiet", 'q', ARG_FLAG, &quiet, 0, 0, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, rc = args_parse("index", argc, argv, spec, &first);
    if (rc == ARGS_HELP) { help(stdout); return 0; }
    if (rc) { help(stderr); return 2; }
    for (int i = first; i < argc; i++) {
        if (n == (int)(sizeof roots / sizeof *roots)) { fprintf(stderr, "tonemon index: at most 256 folders\n"); return 2; }
        roots[n++] = argv[i];
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
