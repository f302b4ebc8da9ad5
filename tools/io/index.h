/* tools/io/index.h -- the archive view: a per-call record beside each call's outputs, and the index
 * (index.html, index.csv, moments.csv, rollups per agent, team and day) built from records of one
 * or many output folders. */
#ifndef TM_INDEX_H
#define TM_INDEX_H
#include "report.h"
#include <stddef.h>

#define INDEX_RECORD_SUFFIX ".index.json"
#define INDEX_LEAD_IN_S 2.0        /* deep links open this long before a moment's start */

/* Writes OUT_DIR/BASE.index.json for a finished job (j->ok: numbers and moments; else a failed
 * record). Written last, after the call's other outputs: its presence with status "ok" means the
 * call is complete. with_frames: the .frames.csv is one of the outputs. */
int index_record_write(const char *out_dir, const report_job *j, int ok, const tm_profile *p, int with_frames,
                       char *err, size_t errlen);
/* 1 when OUT_DIR/BASE.index.json says "ok" and every output it lists exists (and the frames CSV
 * too when with_frames). */
int index_record_complete(const char *out_dir, const char *base, int with_frames);

/* Attaches a call's manifest row (may be NULL) to its job; a call_id names the outputs. */
void index_job_meta(report_job *j, const manifest_row *row, const manifest *m);
/* --resume: moves the jobs whose outputs are complete in OUT_DIR to the end, says how many on
 * stderr, and returns how many remain to analyse (they come first). */
int  index_resume(const char *out_dir, report_job *jobs, int n, int with_frames);

/* Index of a batch from the records of its jobs, in DIR. */
int report_index(const char *dir, const report_job *jobs, int n, char *err, size_t errlen);
/* Index in MERGED of every record found under the folders ROOTS (searched recursively). */
int index_merge(const char *merged, const char *const *roots, int nroots, char *err, size_t errlen);

/* Relative URL of a path: "./" + each '/'-separated segment percent-encoded (RFC 3986
 * unreserved characters kept), so no name can become a scheme, a query or a fragment. */
void index_url_path(const char *path, char *out, size_t cap);
/* One CSV field: formula-leading text (= + - @ tab CR, and ') gets a leading ' (OWASP), then
 * quoted with doubled quotes when it holds a comma, quote or line break, or when quote is set. */
void index_csv_field(FILE *f, const char *s, int quote);

#endif
