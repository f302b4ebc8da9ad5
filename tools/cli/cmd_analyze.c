/* tools/cli/cmd_analyze.c -- `tonemon analyze`: recorded calls to events, frames, summary, report.
 * Parses and checks the options, gathers the calls (files, or an archive's manifest and shard)
 * and hands them to the batch engine (tools/io/batch.c). */
#include "cli.h"
#include "batch.h"
#include "manifest.h"
#include "term.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    batch_opts b;
    const char *manifest;          /* archive options (tools/io/manifest.c, tools/io/index.c) */
    int shard_k, shard_n;
} opts_t;

static void help(FILE *f)
{
    fputs("usage: tonemon analyze [options] FILE...\n"
          "       tonemon analyze [options] --agent A.wav --caller C.wav\n"
          "  --profile FILE        thresholds and texts (default: built-in = models/default.json)\n"
          "  --events PATH         event JSON Lines ('-' = stdout)\n"
          "  --frames PATH         per-hop CSV: time,channel,level_db,f0_hz,voicing,speech,bleed\n"
          "  --summary PATH        per-call summary JSON\n"
          "  --report PATH         self-contained HTML report with a clickable timeline\n"
          "  --out-dir DIR         for many files: DIR/<name>.events.jsonl, .summary.json, .html,\n"
          "                        DIR/index.html, index.csv, moments.csv (add --frames-too for .frames.csv);\n"
          "                        calls with the same name become NAME-HASH (said on stderr)\n"
          "  --manifest CSV        the calls of an archive: columns path (required), call_id, agent,\n"
          "                        team, date and any others (carried to the index); a relative path\n"
          "                        is relative to the manifest's folder; outputs named by call_id\n"
          "  --shard K/N           only the K-th of N slices of the calls (item i when i mod N = K-1)\n"
          "  --resume              skip calls whose outputs in --out-dir are complete\n"
          "  --embed-audio         put the recording inside the HTML report\n"
          "  --agent-channel N --caller-channel N   channel map of a multi-channel file\n"
          "  -j N                  files analysed at once (default: number of cores)\n"
          "  --quiet               no progress line\n"
          "With no output option, a timeline of what was found is printed. Files are replaced whole\n"
          "(temporary + rename); '-', /dev/stdout, devices, FIFOs and sockets are written in place.\n"
          "Exit status: 0 all analysed, 1 some file failed, 2 bad usage.\n", f);
}

static int shard_arg(const char *cmd, const char *opt, const char *value, void *dst)
{
    opts_t *o = dst;
    if (!shard_parse(value, &o->shard_k, &o->shard_n)) return 0;
    char got[200];
    fprintf(stderr, "tonemon %s: %s needs K/N with 1 <= K <= N (got '%s')\n", cmd, opt, term_escape(value, got, sizeof got));
    return -1;
}

/* 0, or 2 after saying why the options do not go together. */
static int check_files(const opts_t *o, const char **files, int nfiles)
{
    if (!o->b.out_dir && nfiles > 1) {
        const char *single[] = {o->b.events, o->b.frames, o->b.summary, o->b.report};
        for (int k = 0; k < 4; k++)
            if (single[k] && strcmp(single[k], "-")) {
                fprintf(stderr, "tonemon analyze: %d files need --out-dir (or '-' for stdout)\n", nfiles);
                return 2;
            }
        if (o->b.report) { fprintf(stderr, "tonemon analyze: reports of several files need --out-dir\n"); return 2; }
    }
    if (!o->b.out_dir && batch_clobbers(&o->b, files, nfiles)) return 2;
    return 0;
}

int cmd_analyze(int argc, char **argv)
{
    opts_t o = {0};
    manifest man = {0};
    const manifest_row **meta = NULL;
    int man_skipped = 0, rc = 2;
    o.b.agent_ch = o.b.caller_ch = -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.b.jobs = cores > 0 ? (int)cores : 1;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    if (!files) return 1;
    const arg_spec spec[] = {
        {"profile", 0, ARG_STR, &o.b.profile_path, 0, 0, NULL},
        {"events", 0, ARG_STR, &o.b.events, 0, 0, NULL},
        {"frames", 0, ARG_STR, &o.b.frames, 0, 0, NULL},
        {"summary", 0, ARG_STR, &o.b.summary, 0, 0, NULL},
        {"report", 0, ARG_STR, &o.b.report, 0, 0, NULL},
        {"out-dir", 0, ARG_STR, &o.b.out_dir, 0, 0, NULL},
        {"agent", 0, ARG_STR, &o.b.agent, 0, 0, NULL},
        {"caller", 0, ARG_STR, &o.b.caller, 0, 0, NULL},
        {"manifest", 0, ARG_STR, &o.manifest, 0, 0, NULL},
        {"resume", 0, ARG_FLAG, &o.b.resume, 0, 0, NULL},
        {"shard", 0, ARG_FN, &o, 0, 0, shard_arg},
        {"frames-too", 0, ARG_FLAG, &o.b.frames_too, 0, 0, NULL},
        {"embed-audio", 0, ARG_FLAG, &o.b.embed_audio, 0, 0, NULL},
        {"quiet", 'q', ARG_FLAG, &o.b.quiet, 0, 0, NULL},
        {"agent-channel", 0, ARG_INT, &o.b.agent_ch, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &o.b.caller_ch, 0, 255, NULL},
        {"jobs", 'j', ARG_INT, &o.b.jobs, 1, 256, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("analyze", argc, argv, spec, &first);
    if (prc == ARGS_HELP) { help(stdout); free(files); return 0; }
    if (prc) goto done;
    for (int i = first; i < argc; i++) files[nfiles++] = argv[i];
    if ((o.b.agent != NULL) != (o.b.caller != NULL)) { fprintf(stderr, "tonemon analyze: --agent and --caller go together\n"); goto done; }
    if (o.b.agent) {
        if (nfiles) { fprintf(stderr, "tonemon analyze: give either FILEs or --agent/--caller\n"); goto done; }
        files[nfiles++] = o.b.agent;
    }
    /* archive hook: manifest rows join the files, then only this shard is kept */
    if (o.b.agent && (o.manifest || o.shard_n)) { fprintf(stderr, "tonemon analyze: --manifest and --shard take files, not --agent/--caller\n"); goto done; }
    if (o.b.resume && !o.b.out_dir) { fprintf(stderr, "tonemon analyze: --resume needs --out-dir\n"); goto done; }
    if (o.manifest || o.shard_n) {
        int listed = nfiles;
        rc = 1;
        man_skipped = manifest_files(o.manifest, o.shard_k, o.shard_n, &man, &files, &nfiles, &meta);
        if (man_skipped < 0) goto done;   /* unreadable, or no path column: said on stderr */
        listed += man.nrows;
        if (!nfiles && listed && !man_skipped) {
            fprintf(stderr, "tonemon analyze: shard %d/%d of %d calls is empty\n", o.shard_k, o.shard_n, listed);
            rc = 0;
            goto done;
        }
        if (!listed && o.manifest) { fprintf(stderr, "tonemon: %s: no calls in the manifest\n", o.manifest); goto done; }
        rc = 2;
    }
    if (!nfiles) { help(stderr); goto done; }
    if ((rc = check_files(&o, files, nfiles))) goto done;
    rc = 1;
    if (batch_make_out_dir(o.b.out_dir)) goto done;
    tm_profile prof;
    if (load_profile(&prof, o.b.profile_path)) { rc = 2; goto done; }
    rc = batch_run(&o.b, &prof, files, nfiles, &man, meta) || man_skipped ? 1 : 0;
done:
    manifest_free(&man);
    free(meta);
    free(files);
    return rc;
}
