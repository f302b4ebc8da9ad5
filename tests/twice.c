/* tests/twice.c -- see twice.h. */
#include "twice.h"
#include <stdlib.h>

typedef struct { tm_frame *f; size_t n, cap; } frame_log;

static void log_frame(void *user, const tm_frame *f)
{
    frame_log *g = user;
    if (g->n < g->cap) g->f[g->n++] = *f;
}

int twice_analyze(const float *l, const float *r, size_t n, int rate, twice *out)
{
    out->audio = out->frames = NULL;
    tm_config c = tm_config_default(rate);
    /* two frames a hop, a hop at most rate / 100 samples */
    size_t cap = 2 * (n / (size_t)(rate / 100) + 8);
    frame_log g = {calloc(cap, sizeof(tm_frame)), 0, cap};
    if (!g.f) return -1;
    c.on_frame = log_frame;
    c.on_frame_user = &g;
    int ok = tm_analyzer_create(&c, &out->audio) == TM_OK && tm_analyzer_process(out->audio, l, r, n) == TM_OK;
    if (ok) tm_analyzer_finish(out->audio);
    tm_config c2 = tm_config_default(rate);
    ok = ok && tm_analyzer_create(&c2, &out->frames) == TM_OK &&
         tm_analyzer_process_frames(out->frames, g.f, g.n / 2) == TM_OK;
    if (ok) tm_analyzer_finish(out->frames);
    free(g.f);
    if (!ok) twice_free(out);
    return ok ? 0 : -1;
}

void twice_free(twice *t)
{
    tm_analyzer_destroy(t->audio);
    tm_analyzer_destroy(t->frames);
    t->audio = t->frames = NULL;
}
