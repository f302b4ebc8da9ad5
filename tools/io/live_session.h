/* tools/io/live_session.h -- one live or replayed call on its way through the analyzer (used by
 * tools/io/live_capture.c): alerts, events, meter, live views and summary. */
#ifndef TM_LIVE_SESSION_H
#define TM_LIVE_SESSION_H
#include "call.h"
#include "web_live.h"
#include "writers.h"
#include <stdio.h>

typedef struct {
    tm_analyzer *a;
    const tm_profile *prof;
    call_result res;          /* final events and statistics, for the summary */
    out_file events;
    FILE *alerts;
    int have_events, quiet, tty, colour;
    double wall0;             /* wall clock at stream time 0 */
    double last_status;
    float *b0, *b1;
    size_t alerts_n, lost_events;
    const char *events_path;
    FILE *human;              /* alerts and meter: stdout, or stderr when stdout carries JSON */
    web_live *web;            /* --web, --report-to (web_live.c) */
    tm_status refused;        /* a status other than TM_OK from process (a bug), for live_close */
} live_ctx;

double live_wall_now(void);                 /* seconds, CLOCK_REALTIME */
/* Creates the analyzer for rate and nch, opens the events (streamed in place, "-" = stdout) and
 * the alerts file. 0, or -1 after printing why (nothing left open). */
int  live_open(live_ctx *L, const tm_profile *p, int rate, int nch, const char *events_path,
               const char *alerts_path, int quiet);
/* Feeds n interleaved frames of L->res.nch channels; alerts and events leave as they come. */
void live_feed(live_ctx *L, const float *x, size_t n);
/* The meter line (on a terminal, five times a second) and the live views' tick. */
void live_status(live_ctx *L, double stream_s);
/* Finishes the call, writes the summary (if asked) and frees; 0, or -1 if an output failed. */
int  live_close(live_ctx *L, const char *summary_path);
void live_free(live_ctx *L);

#endif
