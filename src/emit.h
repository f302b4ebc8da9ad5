/* src/emit.h -- private. Stages hand events to the analyzer through this function, with all
 * times (start, end, detected) in hops; the analyzer turns them into samples. */
#ifndef TM_EMIT_H
#define TM_EMIT_H
#include "tonemon.h"

typedef struct {
    void (*fn)(void *ctx, const tm_event *ev_in_hops);
    void *ctx;
} tm_emitter;

static inline void emit_event(const tm_emitter *e, const tm_event *ev) { e->fn(e->ctx, ev); }

static inline tm_event emit_make(tm_event_type type, int speaker, int64_t start, int64_t end,
                                 int64_t detected, int final)
{
    tm_event ev = {0};
    ev.type = type;
    ev.speaker = speaker;
    ev.other = TM_NOBODY;
    ev.start = start;
    ev.end = end;
    ev.detected = detected;
    ev.final = final;
    return ev;
}

#endif
