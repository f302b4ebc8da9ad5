/* tests/harness.c -- synthesized calls, in memory, through the analyzer and the scorer. */
#include "harness.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

const condition harness_conditions[] = {
    {"clean", 16000, 0, NAN, NAN, 0, 0},
    {"telephone", 8000, 1, 20.0, NAN, 0, 0},
    {"noise15", 16000, 0, 15.0, NAN, 0, 0},
    {"bleed20", 16000, 0, 30.0, -20.0, 40.0, 0},
    {"tel_bleed", 8000, 1, 20.0, -15.0, 80.0, 0},
    {"wide48k", 48000, 0, 30.0, -30.0, 10.0, 0},
    {"monologue", 16000, 0, 25.0, -25.0, 30.0, 1},
};
const int harness_n_conditions = (int)(sizeof harness_conditions / sizeof harness_conditions[0]);

typedef struct { float *f0; size_t hops; int hop; FILE *dump; } cap_t;
static void cap_frame(void *user, const tm_frame *f)
{
    cap_t *c = user;
    if (c->dump)
        fprintf(c->dump, "%.2f,%s,%.2f,%.1f,%.3f,%d,%d,%.2f\n", (double)f->start / (c->hop * 100), f->channel ? "caller" : "agent",
                f->level_db, f->f0_hz, f->voicing, f->speech, f->bleed, f->loudness_lufs);
    size_t h = (size_t)(f->start / c->hop);
    if (h < c->hops) c->f0[h * 2 + (size_t)f->channel] = f->f0_hz;
}

int harness_events(const float *l, const float *r, size_t n, int rate, const tm_config *cfg_in,
                   size_t block, tm_event **out, size_t *n_out, float **f0_out, size_t *hops_out)
{
    tm_config cfg = cfg_in ? *cfg_in : tm_config_default(rate);
    cfg.sample_rate_hz = rate;
    cfg.channels = 2;
    cap_t cap = {NULL, n / (size_t)(rate / 100) + 1, rate / 100, NULL};
    /* development aid: HARNESS_FRAMES=path writes the frame CSV of the run */
    if (getenv("HARNESS_FRAMES")) {
        cap.dump = fopen(getenv("HARNESS_FRAMES"), "w");
        if (cap.dump) fputs("time,channel,level_db,f0_hz,voicing,speech,bleed,loudness\n", cap.dump);
    }
    cap.f0 = calloc(cap.hops * 2, sizeof(float));
    cfg.on_frame = cap_frame;
    cfg.on_frame_user = &cap;
    tm_analyzer *a;
    if (!cap.f0 || tm_analyzer_create(&cfg, &a) != TM_OK) { free(cap.f0); return -1; }
    size_t cap_ev = 1024, ne = 0;
    tm_event *ev = malloc(cap_ev * sizeof *ev), e;
    for (size_t i = 0; i < n; i += block) {
        size_t k = n - i < block ? n - i : block;
        tm_analyzer_process(a, l + i, r + i, k);
        while (tm_analyzer_next_event(a, &e)) {
            if (ne == cap_ev) ev = realloc(ev, (cap_ev *= 2) * sizeof *ev);
            ev[ne++] = e;
        }
    }
    tm_analyzer_finish(a);
    while (tm_analyzer_next_event(a, &e)) {
        if (ne == cap_ev) ev = realloc(ev, (cap_ev *= 2) * sizeof *ev);
        ev[ne++] = e;
    }
    tm_analyzer_destroy(a);
    if (cap.dump) fclose(cap.dump);
    *out = ev;
    *n_out = ne;
    if (f0_out) { *f0_out = cap.f0; *hops_out = cap.hops; } else free(cap.f0);
    return 0;
}

int harness_run(const condition *c, uint64_t seed, double duration_s, const tm_config *cfg,
                size_t block, score_tally *tally)
{
    synth_opts o = synth_defaults();
    o.seed = seed;
    o.duration_s = duration_s;
    o.rate_hz = c->rate_hz;
    o.telephone = c->telephone;
    o.snr_db = c->snr_db;
    o.bleed_db = c->bleed_db;
    o.bleed_delay_ms = c->bleed_delay_ms;
    o.monologue = c->monologue;
    float *l, *r, *f0;
    size_t n, ne, hops;
    synth_truth st;
    if (synth_generate(&o, &l, &r, &n, &st)) return -1;
    tm_event *ev;
    if (harness_events(l, r, n, o.rate_hz, cfg, block, &ev, &ne, &f0, &hops)) { synth_free(l, r, &st); return -1; }
    /* keep the final events only */
    size_t k = 0;
    for (size_t i = 0; i < ne; i++) if (ev[i].final) ev[k++] = ev[i];
    truth_set t;
    truth_from_synth(&t, &o, &st);
    score_call(tally, &t, ev, k, o.rate_hz, 1.0);
    /* pitch: each channel against its own voice, outside overlaps, within truth speech */
    size_t th = st.hops < hops ? st.hops : hops;
    float *est = malloc(th * sizeof(float)), *tru = malloc(th * sizeof(float));
    unsigned char *scope = calloc(th, 1);
    for (int ch = 0; ch < 2; ch++) {
        memset(scope, 0, th);
        for (size_t j = 0; j < t.speech[ch].n; j++)
            for (size_t h = (size_t)(t.speech[ch].v[j].start * 100); h < th && h < (size_t)(t.speech[ch].v[j].end * 100); h++) scope[h] = 1;
        for (size_t j = 0; j < t.speech[1 - ch].n; j++)   /* the other voice present: not this channel's pitch task */
            for (size_t h = (size_t)(t.speech[1 - ch].v[j].start * 100); h < th && h < (size_t)(t.speech[1 - ch].v[j].end * 100 + 15); h++) scope[h] = 2;
        for (size_t h = 0; h < th; h++) {
            int ok = scope[h] == 1;
            est[h] = ok ? f0[h * 2 + (size_t)ch] : 0.0f;
            tru[h] = ok ? st.f0[ch][h] : 0.0f;
            scope[h] = ok;
        }
        score_pitch(tally, est, tru, scope, th);
    }
    free(est); free(tru); free(scope); free(f0); free(ev);
    truth_free(&t);
    synth_free(l, r, &st);
    return 0;
}
