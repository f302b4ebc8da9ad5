/* tests/harness.c -- synthesized calls, in memory, through the analyzer and the scorer. */
#include "harness.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const condition harness_conditions[] = {
    {"clean", 16000, 0, NAN, NAN, 0, 0},
    {"telephone", 8000, 1, 20.0, NAN, 0, 0},
    {"noise15", 16000, 0, 15.0, NAN, 0, 0},
    {"noise10", 16000, 0, 10.0, NAN, 0, 0},
    {"bleed20", 16000, 0, 30.0, -20.0, 40.0, 0},
    {"tel_bleed", 8000, 1, 20.0, -15.0, 80.0, 0},
    {"wide48k", 48000, 0, 30.0, -30.0, 10.0, 0},
    {"monologue", 16000, 0, 25.0, -25.0, 30.0, 1},
    {"bleed6", 16000, 0, 30.0, -6.0, 120.0, 0},
};
const int harness_n_conditions = (int)(sizeof harness_conditions / sizeof harness_conditions[0]);

const condition *harness_condition(const char *name)
{
    for (int i = 0; i < harness_n_conditions; i++)
        if (!strcmp(harness_conditions[i].name, name)) return &harness_conditions[i];
    return NULL;
}

synth_opts harness_opts(const condition *c, uint64_t seed, double duration_s)
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
    return o;
}

typedef struct { run_out *o; int hop; FILE *dump; } cap_t;

static void cap_frame(void *user, const tm_frame *f)
{
    cap_t *c = user;
    size_t h = (size_t)(f->start / c->hop);
    if (h < c->o->hops) c->o->fr[h * 2 + (size_t)f->channel] = *f;
    if (c->dump)
        fprintf(c->dump, "%.2f,%s,%.2f,%.1f,%.3f,%d,%d,%.2f\n", (double)f->start / (c->hop * 100),
                f->channel ? "caller" : "agent", f->level_db, f->f0_hz, f->voicing, f->speech, f->bleed,
                f->loudness_lufs);
}

static int push_ev(run_out *o, size_t *cap, const tm_event *e)
{
    if (o->n_ev == *cap) {
        size_t nc = *cap ? *cap * 2 : 1024;
        tm_event *v = realloc(o->ev, nc * sizeof *v);
        if (!v) return -1;
        o->ev = v;
        *cap = nc;
    }
    o->ev[o->n_ev++] = *e;
    return 0;
}

int harness_analyze(const float *l, const float *r, size_t n, int rate, const tm_config *cfg_in,
                    size_t block, run_out *out)
{
    memset(out, 0, sizeof *out);
    tm_config cfg = cfg_in ? *cfg_in : tm_config_default(rate);
    cfg.sample_rate_hz = rate;
    cfg.channels = 2;
    out->hops = n / (size_t)(rate / 100) + 1;
    out->fr = calloc(out->hops * 2, sizeof *out->fr);
    cap_t cap = {out, rate / 100, NULL};
    /* development aid: HARNESS_FRAMES=path writes the frames of the run as CSV */
    if (getenv("HARNESS_FRAMES") && (cap.dump = fopen(getenv("HARNESS_FRAMES"), "w")))
        fputs("time,channel,level_db,f0_hz,voicing,speech,bleed,loudness\n", cap.dump);
    cfg.on_frame = cap_frame;
    cfg.on_frame_user = &cap;
    tm_analyzer *a;
    if (!out->fr || tm_analyzer_create(&cfg, &a) != TM_OK) {
        if (cap.dump) fclose(cap.dump);
        run_out_free(out);
        return -1;
    }
    size_t ev_cap = 0;
    tm_event e;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i += block) {
        size_t k = n - i < block ? n - i : block;
        if (tm_analyzer_process(a, l + i, r + i, k) != TM_OK) rc = -1;
        while (tm_analyzer_next_event(a, &e)) rc |= push_ev(out, &ev_cap, &e);
    }
    tm_analyzer_finish(a);
    while (tm_analyzer_next_event(a, &e)) rc |= push_ev(out, &ev_cap, &e);
    tm_analyzer_stats(a, &out->stats);
    tm_analyzer_destroy(a);
    if (cap.dump) fclose(cap.dump);
    if (rc) run_out_free(out);
    return rc;
}

void run_out_free(run_out *o)
{
    free(o->ev);
    free(o->fr);
    memset(o, 0, sizeof *o);
}

int harness_run(const condition *c, uint64_t seed, double duration_s, const tm_config *cfg,
                size_t block, score_tally *tally)
{
    synth_opts o = harness_opts(c, seed, duration_s);
    float *l, *r;
    size_t n;
    synth_truth st;
    if (synth_generate(&o, &l, &r, &n, &st)) return -1;
    run_out ro;
    if (harness_analyze(l, r, n, o.rate_hz, cfg, block, &ro)) { synth_free(l, r, &st); return -1; }
    size_t k = 0;
    tm_event *fin = malloc((ro.n_ev + 1) * sizeof *fin);
    for (size_t i = 0; fin && i < ro.n_ev; i++) if (ro.ev[i].final) fin[k++] = ro.ev[i];
    truth_set t;
    truth_from_synth(&t, &o, &st);
    if (fin) score_call(tally, &t, fin, k, o.rate_hz, 1.0);
    /* pitch: each channel against its own voice, inside its truth speech, away from the other
     * voice (which is not this channel's pitch task) */
    size_t th = st.hops < ro.hops ? st.hops : ro.hops;
    float *est = malloc(th * sizeof(float)), *tru = malloc(th * sizeof(float));
    unsigned char *scope = calloc(th, 1);
    for (int ch = 0; est && tru && scope && ch < 2; ch++) {
        memset(scope, 0, th);
        for (size_t j = 0; j < t.speech[ch].n; j++)
            for (size_t h = (size_t)(t.speech[ch].v[j].start * 100); h < th && h < (size_t)(t.speech[ch].v[j].end * 100); h++) scope[h] = 1;
        for (size_t j = 0; j < t.speech[1 - ch].n; j++)
            for (size_t h = (size_t)(t.speech[1 - ch].v[j].start * 100); h < th && h < (size_t)(t.speech[1 - ch].v[j].end * 100 + 15); h++) scope[h] = 2;
        for (size_t h = 0; h < th; h++) {
            int ok = scope[h] == 1;
            est[h] = ok ? ro.fr[h * 2 + (size_t)ch].f0_hz : 0.0f;
            tru[h] = ok ? st.f0[ch][h] : 0.0f;
            scope[h] = (unsigned char)ok;
        }
        score_pitch(tally, est, tru, scope, th);
    }
    free(est); free(tru); free(scope); free(fin);
    truth_free(&t);
    run_out_free(&ro);
    synth_free(l, r, &st);
    return 0;
}

int event_equal(const tm_event *a, const tm_event *b)
{
    return a->type == b->type && a->speaker == b->speaker && a->other == b->other && a->start == b->start &&
           a->end == b->end && a->detected == b->detected && a->level_db == b->level_db &&
           a->pitch_st == b->pitch_st && a->reason == b->reason && a->severity == b->severity && a->final == b->final;
}

int frame_equal(const tm_frame *a, const tm_frame *b)
{
    return a->start == b->start && a->channel == b->channel && a->level_db == b->level_db &&
           a->loudness_lufs == b->loudness_lufs && a->f0_hz == b->f0_hz && a->voicing == b->voicing &&
           a->speech == b->speech && a->bleed == b->bleed && a->floor_db == b->floor_db;
}
