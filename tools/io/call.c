/* tools/io/call.c -- drives tm_analyzer over an audio input and keeps the final events. */
#include "call.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *speaker_name(int speaker, int nch)
{
    if (nch == 1) return speaker == TM_AGENT ? "mix" : "none";
    return speaker == TM_AGENT ? "agent" : speaker == TM_CALLER ? "caller" : "none";
}

double sec(int64_t samples, int rate_hz) { return round((double)samples / rate_hz * 1000.0) / 1000.0; }

int call_hop_size(int rate_hz)
{
    tm_config c = tm_config_default(rate_hz);
    c.event_capacity = 4;
    tm_analyzer *a;
    if (tm_analyzer_create(&c, &a) != TM_OK) return rate_hz / 100;
    int hop = tm_analyzer_hop_size(a);
    tm_analyzer_destroy(a);
    return hop;
}

int events_push(event_list *l, const tm_event *ev)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        tm_event *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *ev;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const tm_event *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->type != y->type) return x->type < y->type ? -1 : 1;
    return x->speaker < y->speaker ? -1 : x->speaker > y->speaker;
}

void events_sort(event_list *l) { if (l->n) qsort(l->v, l->n, sizeof *l->v, by_start); }

void frames_csv_header(frames_csv *w)
{
    if (fputs("time,channel,level_db,f0_hz,voicing,speech,bleed\n", w->f) < 0) { w->failed = 1; w->err = errno; }
}

void frames_csv_row(void *user, const tm_frame *fr)
{
    frames_csv *w = user;
    if (w->failed) return;
    if (fprintf(w->f, "%.2f,%s,%.2f,%.1f,%.3f,%d,%d\n", (double)fr->start / w->rate_hz,
                speaker_name(fr->channel, w->nch), fr->level_db, fr->f0_hz, fr->voicing, fr->speech,
                fr->bleed) < 0) {
        w->failed = 1;
        w->err = errno;
    }
}

static int drain(tm_analyzer *a, call_result *r)
{
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev))
        if (ev.final && events_push(&r->ev, &ev)) return -1;
    return 0;
}

int call_analyze(const tm_profile *p, audio_in *in, tm_frame_fn on_frame, void *frame_user,
                 call_result *r, char *err, size_t errlen)
{
    return call_analyze_until(p, in, on_frame, frame_user, r, NULL, err, errlen);
}

int call_analyze_until(const tm_profile *p, audio_in *in, tm_frame_fn on_frame, void *frame_user,
                       call_result *r, const volatile sig_atomic_t *stop, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", in->name);
    r->rate_hz = in->out_rate;
    r->nch = in->nout;
    tm_config cfg = p->cfg;
    cfg.sample_rate_hz = in->out_rate;
    cfg.channels = in->nout;
    cfg.on_frame = on_frame;
    cfg.on_frame_user = frame_user;
    tm_analyzer *a;
    tm_status st = tm_analyzer_create(&cfg, &a);
    if (st != TM_OK) {
        snprintf(err, errlen, "cannot analyse: %s", tm_strerror(st));
        return -1;
    }
    enum { BLOCK = 4096 };
    float *b0 = malloc(BLOCK * sizeof(float)), *b1 = malloc(BLOCK * sizeof(float));
    int rc = 0;
    if (!b0 || !b1) { snprintf(err, errlen, "out of memory"); rc = -1; }
    while (!rc) {
        if (stop && *stop) { snprintf(err, errlen, "interrupted"); rc = -1; break; }
        long n = audio_read(in, b0, b1, BLOCK, err, errlen);
        if (n < 0) { rc = -1; break; }
        if (n == 0) break;
        tm_status pst = tm_analyzer_process(a, b0, in->nout == 2 ? b1 : NULL, (size_t)n);
        if (pst != TM_OK) { snprintf(err, errlen, "cannot analyse: %s", tm_strerror(pst)); rc = -1; break; }
        if (drain(a, r)) { snprintf(err, errlen, "out of memory"); rc = -1; }
    }
    if (!rc) {
        tm_analyzer_finish(a);
        if (drain(a, r)) { snprintf(err, errlen, "out of memory"); rc = -1; }
        tm_analyzer_stats(a, &r->stats);
        r->duration_s = r->stats.duration_s;
        r->nonfinite = in->nonfinite;
        r->clipped = in->clipped;
        r->peak = in->peak;
        events_sort(&r->ev);
    }
    free(b0);
    free(b1);
    tm_analyzer_destroy(a);
    return rc;
}

void call_free(call_result *r)
{
    free(r->ev.v);
    memset(r, 0, sizeof *r);
}
