/* tools/io/call.h -- one call through the analyzer: input, events collected, statistics. */
#ifndef TM_CALL_H
#define TM_CALL_H
#include "audio_in.h"
#include "profile.h"
#include <signal.h>
#include <stdio.h>

typedef struct {
    tm_event *v;
    size_t n, cap;
} event_list;

typedef struct {
    char name[512];          /* display name (the input path) */
    int rate_hz, nch;
    double duration_s;
    tm_stats stats;
    event_list ev;           /* final events, sorted by start */
    int64_t nonfinite, clipped;
    double peak;
} call_result;

/* Frames sink for --frames: a CSV writer. */
typedef struct {
    FILE *f;
    int rate_hz, nch;
    int failed, err;         /* a write failed; its errno */
} frames_csv;
void frames_csv_header(frames_csv *w);
void frames_csv_row(void *user, const tm_frame *fr);

/* Runs the whole input through a fresh analyzer. on_frame may be NULL. Returns 0, or -1 with
 * the reason in err. */
int  call_analyze(const tm_profile *p, audio_in *in, tm_frame_fn on_frame, void *frame_user,
                  call_result *r, char *err, size_t errlen);
/* The same, giving up (-1, "interrupted") between two blocks of input once *stop is non-zero
 * (a signal handler's flag): a long call ends within a fraction of a second. */
int  call_analyze_until(const tm_profile *p, audio_in *in, tm_frame_fn on_frame, void *frame_user,
                        call_result *r, const volatile sig_atomic_t *stop, char *err, size_t errlen);
void call_free(call_result *r);
int  events_push(event_list *l, const tm_event *ev);
void events_sort(event_list *l);

const char *speaker_name(int speaker, int nch);
double sec(int64_t samples, int rate_hz);
/* The analyzer's hop at a rate in samples, asked of the library (11025 Hz: 110, 9.977 ms). */
int call_hop_size(int rate_hz);

#endif
