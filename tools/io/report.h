/* tools/io/report.h -- the HTML report of one call and the index of a batch. */
#ifndef TM_REPORT_H
#define TM_REPORT_H
#include "call.h"
#include "manifest.h"
#include <stdio.h>

/* Level and pitch contours reduced to at most a few thousand points per channel. */
typedef struct {
    int rate_hz, nch, hop, bucket_hops;   /* hop: the analyzer's, in samples (call_hop_size) */
    size_t n, cap;
    float *level[2], *f0[2];        /* per bucket: max level, mean voiced F0 (0 none) */
    int acc_hops[2], acc_voiced[2];
    float acc_level[2];
    double acc_f0[2];
    int failed;
} report_contour;

void report_contour_init(report_contour *c, int64_t total_frames, int rate_hz, int nch);
void report_contour_free(report_contour *c);

/* Passes each frame to the CSV writer and the contour (either may be NULL). */
typedef struct { frames_csv *csv; report_contour *contour; } frame_tee;
void frame_tee_fn(void *user, const tm_frame *f);

typedef struct {
    int embed_audio;
    const char *report_path;     /* where the report goes (for the audio's relative path) */
} report_opts;

int report_write(FILE *f, const call_result *r, const report_contour *c, const tm_profile *p,
                 const char *audio_path, const report_opts *o);

typedef struct {
    char *path;
    int ok;
    call_result res;
    char base[256];
    const struct manifest_row *meta;   /* the call's manifest row, or NULL (tools/index.h) */
    char *const *meta_names;           /* the manifest's extra column names */
    int meta_nextra;
} report_job;

#endif
