/* tools/io/batch.h -- the batch engine of `tonemon analyze`: recorded calls to events, frames,
 * summary, report and index, one call or a whole archive. -j workers take files from a shared
 * queue; each file's outputs are written to temporary names and renamed when complete
 * (writers.h), so an interrupted batch leaves finished calls whole and nothing half-written. A
 * bad file costs one line on stderr, never the batch. Calls whose names clash in --out-dir get a
 * name made unique by a hash of their path. */
#ifndef TM_BATCH_H
#define TM_BATCH_H
#include "manifest.h"
#include "profile.h"

typedef struct {
    const char *events, *frames, *summary, *report;   /* outputs of one call ('-' = stdout), or NULL */
    const char *out_dir;        /* many calls: DIR/NAME.events.jsonl ... and the index */
    const char *agent, *caller; /* the two sides in two files (then files = {agent}) */
    const char *profile_path;   /* an input too: never overwritten */
    int agent_ch, caller_ch;    /* channel map of a multi-channel file, -1 = default */
    int jobs;                   /* calls analysed at once */
    int quiet, embed_audio, frames_too, resume;
} batch_opts;

/* 1 (said on stderr) if an output option names one of the inputs, or two of them one file: the
 * rename would replace a recording, or the last output the others. */
int batch_clobbers(const batch_opts *o, const char **files, int nfiles);
/* Creates --out-dir if it does not exist; -1 (said on stderr) if it cannot. */
int batch_make_out_dir(const char *dir);
/* Analyses the files (meta[i]: file i's manifest row, or meta NULL), writes their outputs, and
 * with out_dir the index. With no output option a text timeline goes to stdout. SIGINT and
 * SIGTERM end it within a second, finished calls complete. Returns the exit status: 0 every call
 * analysed, 1 some failed or it was interrupted. */
int batch_run(const batch_opts *o, const tm_profile *prof, const char **files, int nfiles,
              const manifest *man, const manifest_row **meta);

#endif
