/* src/analyzer.c -- the only file that knows the stage order.
 *
 * Input blocks of any size are re-blocked into hops of sample_rate / 100 samples (10 ms; 9.977
 * ms at 11025 Hz). Per hop and channel the sample side runs at once: energy (level, loudness),
 * the tone DFTs on loud hops, the pitch history, and the echo canceller when the profile turns
 * it on. The decisions for hop n run when hop n + la is in (la: the pitch window's lookahead),
 * stage by stage on a tmi_hop (src/stage.h): noise floor and level gate, pitch (only where the
 * gate asks), leak from the other channel, hold music and tones, speech segments, turn-taking,
 * raised voice; then the de-escalation moments derived from those events and the call
 * statistics. Per-hop frames go to on_frame once their speech flag and F0 are final, events go
 * to a fixed ring the caller drains. Nothing here allocates after create. */
#include "tonemon.h"
#include "bleed.h"
#include "deesc.h"
#include "echo.h"
#include "energy.h"
#include "floor.h"
#include "gate.h"
#include "hold.h"
#include "pitch.h"
#include "stageprof.h"
#include "raised.h"
#include "stage.h"
#include "stats.h"
#include "turns.h"
#include "vad.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEVEL_RING 8   /* the front's outputs wait here for the lookahead (> pitch lookahead) */

typedef struct {
    /* the stages of one speaker, in order */
    tm_energy energy;
    tm_gate gate;
    tm_floor floor;
    tm_pitch pitch;
    tm_bleed bleed;
    tm_hold hold;
    tm_vad vad;
    tm_raised raised;
    float *hopbuf, *dcbuf;
    /* the front's outputs, waiting for the hop to be decided */
    float lev_ring[LEVEL_RING], loud_ring[LEVEL_RING], tone_ring[LEVEL_RING];
    unsigned char lost_ring[LEVEL_RING];
    float floor_db;               /* the floor decided last, for the front's tone gate */
    float prev_f0;                /* the last hop's F0 as measured, before the hum test */
    float meter_db;
    int level_epoch;              /* the speech gate's level the raised-voice baselines are of */
} chan;

typedef struct { tm_frame f[2]; } frame_pair;

/* An alert that was shown and whose complete event has not come yet. */
typedef struct { int on, other, sev; int64_t start, detected; } open_alert;

struct tm_analyzer {
    tm_config cfg;
    int nch, hop, la, frame_delay, hops_per_s;
    chan ch[2];
    tmi_hop hp[2];                /* the hop being decided, per channel, filled in stage order */
    int fill;
    int64_t hops_in, samples_in;
    tm_turns turns;
    tm_emitter emitter;
    frame_pair *fr;
    int fr_cap;
    int64_t fr_next;              /* next feature hop whose frame goes out */
    int64_t feat_next;            /* next feature hop to decide */
    tm_event *ev;
    size_t ev_cap, ev_head, ev_n, dropped;
    int finished, replay, fed;   /* fed: samples went in since create or reset */
    int in_callback;              /* inside on_frame: the stream may not be pushed from there */
    int prof;                     /* per-stage timing on (src/stageprof.h) */
    uint64_t prof_t;              /* clock at the last mark */
    uint64_t stage_ns[TMI_ST__COUNT];
    tm_deesc deesc;               /* de-escalation policy (src/deesc.c) */
    tm_callstats stats;           /* the summary's statistics (src/stats.c) */
    tm_echo echo;                 /* echo canceller cue for the leak stage (src/echo.c) */
    open_alert open[TM_EV__COUNT][3];   /* [type][speaker + 1] */
};

/* ---- per-stage timing (tonemon bench) ---------------------------------------------------- */

static uint64_t prof_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The time since the last mark goes to stage k. */
static inline void prof_mark(tm_analyzer *a, int k)
{
    if (!a->prof) return;
    uint64_t t = prof_clock();
    a->stage_ns[k] += t - a->prof_t;
    a->prof_t = t;
}

static inline void prof_start(tm_analyzer *a)
{
    if (a->prof) a->prof_t = prof_clock();
}

void tmi_analyzer_profile(tm_analyzer *a, int on)
{
    if (!a) return;
    a->prof = on;
    if (on) memset(a->stage_ns, 0, sizeof a->stage_ns);
}

void tmi_analyzer_stage_seconds(const tm_analyzer *a, double out[TMI_ST__COUNT])
{
    for (int k = 0; k < TMI_ST__COUNT; k++) out[k] = a ? (double)a->stage_ns[k] / 1e9 : 0.0;
}

const char *tmi_stage_name(int stage)
{
    static const char *const names[TMI_ST__COUNT] = {
        "energy + loudness", "tones", "pitch", "echo canceller", "floor + level gate", "leak", "hold",
        "speech segments", "turns", "raised voice", "frames, statistics, events"};
    return stage >= 0 && stage < TMI_ST__COUNT ? names[stage] : "?";
}

/* ---- events ---------------------------------------------------------------------------- */

static void ring_push(tm_analyzer *a, const tm_event *ev)
{
    if (a->ev_n == a->ev_cap) {          /* full: drop the oldest, never grow */
        a->ev_head = (a->ev_head + 1) % a->ev_cap;
        a->ev_n--;
        a->dropped++;
    }
    a->ev[(a->ev_head + a->ev_n) % a->ev_cap] = *ev;
    a->ev_n++;
}

/* The prompts of src/deesc.c join the event ring. */
static void on_prompt(void *ctx, const tm_event *d)
{
    tm_analyzer *a = ctx;
    ring_push(a, d);
    tmi_stats_event(&a->stats, d);
}

/* Pushes an event (times in samples) with its statistics and de-escalation moment. */
static int publish(tm_analyzer *a, const tm_event *ev, int sev_shown)
{
    ring_push(a, ev);
    tmi_stats_event(&a->stats, ev);
    /* the stage keeps the severity a prompt was shown with; sev_shown is not needed there */
    (void)sev_shown;
    if (a->nch == 2) tmi_deesc_event(&a->deesc, ev, a->ch[TM_CALLER].raised.in_ep, a->samples_in);
    return 0;
}

static open_alert *open_slot(tm_analyzer *a, const tm_event *ev)
{
    if (ev->speaker < -1 || ev->speaker > 1) return NULL;
    switch (ev->type) {
    case TM_EV_INTERRUPTION: case TM_EV_RAISED_VOICE: case TM_EV_SILENCE: case TM_EV_MONOLOGUE:
        return &a->open[ev->type][ev->speaker + 1];
    default: return NULL;
    }
}

/* An alert whose stage never completed it (a later alert of the same kind replaced it, or the
 * stream ended): the record gets it, ending where the alert was shown, so that every alert an
 * agent saw is in the events and the report. */
static void close_open(tm_analyzer *a, open_alert *o, tm_event_type type, int speaker)
{
    tm_event ev = {0};
    ev.type = type;
    ev.speaker = speaker;
    ev.other = o->other;
    ev.start = o->start;
    ev.end = o->detected;
    ev.detected = o->detected;
    ev.final = 1;
    o->on = 0;
    publish(a, &ev, o->sev);
}

static void on_event(void *ctx, const tm_event *in)
{
    tm_analyzer *a = ctx;
    tm_event ev = *in;
    int64_t h = a->hop;
    ev.start *= h;
    ev.end *= h;
    ev.detected = (ev.detected + a->la + 1) * h;
    if (ev.detected > a->samples_in) ev.detected = a->samples_in;
    if (ev.end > a->samples_in) ev.end = a->samples_in;
    if (ev.detected < ev.start) ev.detected = ev.start;
    if (ev.end < ev.start) ev.end = ev.start;
    open_alert *o = open_slot(a, &ev);
    if (o && !ev.final) {
        if (o->on) close_open(a, o, ev.type, ev.speaker);
        o->sev = publish(a, &ev, 0);
        o->on = 1;
        o->other = ev.other;
        o->start = ev.start;
        o->detected = ev.detected;
        return;
    }
    int sev = 0;
    if (o && o->on && o->start == ev.start) {
        sev = o->sev;
        o->on = 0;
    }
    publish(a, &ev, sev);
}

/* ---- frames ---------------------------------------------------------------------------- */

static void mark_speech(tm_analyzer *a, int c, int64_t from, int64_t to)
{
    if (from < a->fr_next) from = a->fr_next;
    for (int64_t k = from; k <= to; k++) a->fr[k % a->fr_cap].f[c].speech = 1;
}

static void emit_frame(tm_analyzer *a, int64_t k)
{
    frame_pair *p = &a->fr[k % a->fr_cap];
    for (int c = 0; c < a->nch; c++) {
        const tm_frame *f = &p->f[c];
        if (a->cfg.on_frame) {
            a->in_callback = 1;
            a->cfg.on_frame(a->cfg.on_frame_user, f);
            a->in_callback = 0;
        }
        tmi_stats_frame(&a->stats, f);
    }
}

/* ---- the hop pipeline ------------------------------------------------------------------ */

/* The speech segment of channel c from hop start on was none (music was recognised there, or
 * the speech gate took it back): it is withdrawn, from the turns and from the frames still
 * waiting to go out. */
static void take_back(tm_analyzer *a, int c, const tmi_span *cut, int64_t n)
{
    tmi_turns_withdraw(&a->turns, c, cut->start, tmi_vad_seg_own(&a->ch[c].vad), &a->emitter);
    int64_t from = cut->start > a->fr_next ? cut->start : a->fr_next;
    for (int64_t k = from; k <= n; k++) a->fr[k % a->fr_cap].f[c].speech = 0;
}

static void withdraw_segment(tm_analyzer *a, int c, int64_t n)
{
    tmi_span cut;
    if (tmi_vad_withdraw(&a->ch[c].vad, &cut)) take_back(a, c, &cut, n);
}

/* The segmenter reads a hop's final F0 only once it is this old (src/vad.h). */
_Static_assert(VAD_FINAL_LAG_HOPS > PITCH_PATH_LAG, "the final F0 comes PITCH_PATH_LAG hops late");

/* Puts the pitch path's final F0 into the frames still waiting to go out, and tells the
 * segmenter. */
static void settle_pitch(tm_analyzer *a, int flush)
{
    int64_t k;
    float f0, v;
    for (int c = 0; c < a->nch; c++)
        while (tmi_pitch_final(&a->ch[c].pitch, flush, &k, &f0, &v)) {
            tmi_vad_final_f0(&a->ch[c].vad, k, f0);
            if (k >= a->fr_next) {
                a->fr[k % a->fr_cap].f[c].f0_hz = f0;
                a->fr[k % a->fr_cap].f[c].voicing = v;
            }
        }
}

/* Front features, floor, level gate and pitch of hop n on channel c. given: the hop's measured
 * features (replay), or NULL to take them from the front and the pitch tracker. */
static void measure(tm_analyzer *a, int c, int64_t n, const tm_frame *given)
{
    chan *ch = &a->ch[c];
    tmi_hop *h = &a->hp[c];
    h->n = n;
    h->ch = c;
    h->level_db = given ? given[c].level_db : ch->lev_ring[n % LEVEL_RING];
    h->loud_lufs = given ? given[c].loudness_lufs : ch->loud_ring[n % LEVEL_RING];
    h->lost = given ? given[c].lost : ch->lost_ring[n % LEVEL_RING];
    /* the tone window is the 30 ms ending one hop after n: centred on n */
    h->tone_frac = given ? given[c].tone_frac
                 : n + 1 < a->hops_in ? ch->tone_ring[(n + 1) % LEVEL_RING] : 0.0f;
    tmi_floor_update(&ch->floor, h);
    h->floor_db = ch->floor_db = ch->floor.floor_db;
    h->noise_mean_db = ch->floor.mean_db;
    h->cand = tmi_gate_update(&ch->gate, h);
    prof_mark(a, TMI_ST_FLOOR);
    if (given) {
        h->f0_hz = given[c].f0_live_hz;
        h->voicing = given[c].voicing;
        tmi_vad_final_f0(&ch->vad, n, given[c].f0_hz);
    } else if (tmi_gate_pitch(&ch->gate, h, ch->hold.held)) {
        tmi_pitch_estimate(&ch->pitch, &h->f0_hz, &h->voicing);
    } else {
        tmi_pitch_skip(&ch->pitch);
        h->f0_hz = h->voicing = 0.0f;
    }
    float measured = h->f0_hz;
    if (tmi_pitch_mains(measured, ch->prev_f0, a->cfg.mains_hum_tol_hz)) h->f0_hz = h->voicing = 0.0f;
    ch->prev_f0 = measured;
    prof_mark(a, TMI_ST_PITCH);
}

/* The frame of hop n on channel c, as far as it is known now. */
static void fill_frame(tm_analyzer *a, int c, const tm_frame *given)
{
    const tmi_hop *h = &a->hp[c];
    tm_frame *f = &a->fr[h->n % a->fr_cap].f[c];
    f->start = h->n * a->hop;
    f->channel = c;
    f->level_db = h->level_db;
    f->loudness_lufs = h->loud_lufs;
    /* the live F0 drives the events; the frame's F0 is replaced by the path's final one
     * PITCH_PATH_LAG hops later, before the frame goes out */
    f->f0_hz = given ? given[c].f0_hz : h->f0_hz;
    f->f0_live_hz = h->f0_hz;
    f->tone_frac = h->tone_frac;
    f->voicing = h->voicing;
    f->speech = 0;
    f->bleed = h->leak;
    f->echo_removed_db = h->echo_removed_db;
    f->echo_known = h->echo_known;
    f->lost = h->lost;
    f->floor_db = h->floor_db;
}

static void copy_segment(tmi_hop *h, const tm_vad *v)
{
    h->seg_on = v->on;
    h->seg_start = v->seg_start;
    h->phrase_start = v->on ? v->phrase_start : v->seg_start;
    h->seg_last = v->last_active;
    h->seg_weak = tmi_vad_weak(v);
    h->seg_held = v->on && v->deferred;
}

/* Decides feature hop n: every stage in order, each reading the hop's features decided before
 * it. given: this hop's measured features per channel (replay), or NULL. */
static void decide_hop(tm_analyzer *a, int64_t n, const tm_frame *given)
{
    int prev_active[2] = {a->hp[0].active, a->hp[1].active};
    /* the leak flags that rest on a leak found, not on the assumed one (src/bleed.h) */
    int prev_leak[2] = {a->hp[0].leak && tmi_bleed_known(&a->ch[0].bleed),
                        a->hp[1].leak && tmi_bleed_known(&a->ch[1].bleed)};
    prof_start(a);
    for (int c = 0; c < a->nch; c++) measure(a, c, n, given);
    int cue_known[2] = {0, 0};
    float cue_db[2] = {0.0f, 0.0f};
    for (int c = 0; c < a->nch; c++) {
        if (given) {
            cue_db[c] = given[c].echo_removed_db;
            cue_known[c] = given[c].echo_known;
        } else {
            cue_known[c] = tmi_echo_cue(&a->echo, c, n, &cue_db[c]);
        }
    }
    if (a->nch == 2) tmi_echo_mutual(cue_known, cue_db, a->cfg.echo_removed_min_db);
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        tmi_hop *h = &a->hp[c];
        h->echo_removed_db = cue_db[c];
        h->echo_known = cue_known[c];
        int warm = ch->vad.spk_n >= VAD_LEVEL_WARMUP_HOPS;
        tmi_bleed_talker(&ch->bleed, warm ? ch->vad.spk_db : -200.0f, warm ? exp2f(ch->vad.reg_oct) : 0.0f,
                         warm && !ch->vad.warm_sparse);
        h->leak = a->nch == 2 && tmi_bleed_update(&ch->bleed, h, &a->hp[1 - c], prev_active[1 - c],
                                                     prev_leak[1 - c]);
        h->active = h->cand && !h->leak;
        prof_mark(a, TMI_ST_BLEED);
        int64_t started;
        int other_held = a->nch == 2 && a->ch[1 - c].hold.held;
        /* Hold beeps on one leg leak into the other, far under them, on the same hop: such a tone
         * is the other leg's. Both started a hold at once from seed 53 c08's beeps (crosstalk
         * -33 dB), and the agent's leg, decided first, took the caller's hold. (Not by the leak
         * flag: on the tones' own leg it is set now and then, and a hold's first beeps went
         * missing, 49 c18.) As far under as the strongest leak the leak stage assumes. */
        int other_tone = a->nch == 2 && a->hp[1 - c].tone_frac >= a->cfg.hold_tone_frac_min &&
                         a->hp[1 - c].level_db >= h->level_db + a->cfg.bleed_min_coupling_db;
        if (tmi_hold_update(&ch->hold, h, other_held, other_tone, &a->emitter, &started)) h->active = 0;
        if (started >= 0) withdraw_segment(a, c, n);
        else if (ch->vad.on && tmi_hold_tone_from(&ch->hold) >= 0 &&
                 ch->vad.seg_start >= tmi_hold_tone_from(&ch->hold))
            withdraw_segment(a, c, n);
        h->holding = ch->hold.held;
        h->hold_from = ch->hold.held ? ch->hold.held_start : -1;
        h->hold_may_start = tmi_hold_may_start(&ch->hold, n);
        h->music_from = other_held ? -1 : tmi_hold_music_from(&ch->hold, n);
        h->music_rings = tmi_hold_rings(&ch->hold, n);
        prof_mark(a, TMI_ST_HOLD);
        int64_t prev_last = ch->vad.last_active;
        h->seg_flags = tmi_vad_update(&ch->vad, h, &h->closed);
        h->seg_peak_rel_db = tmi_vad_peak_rel(&ch->vad);
        if (h->seg_flags & TMI_SEG_WITHDRAWN) {
            take_back(a, c, &h->closed, n);
            h->seg_flags = 0;
        }
        copy_segment(h, &ch->vad);
        h->seg_doubtful = h->seg_on && tmi_turns_may_reopen(&a->turns, c, h->seg_start) &&
                          tmi_vad_doubtful(&ch->vad);
        h->speech = h->seg_on && h->seg_last == n;
        fill_frame(a, c, given);
        if (h->seg_flags & TMI_SEG_CONFIRMED) mark_speech(a, c, h->seg_start, n);
        else if (h->speech) mark_speech(a, c, prev_last + 1, n);
        prof_mark(a, TMI_ST_VAD);
    }
    tmi_turns_update(&a->turns, a->hp, &a->emitter);
    prof_mark(a, TMI_ST_TURNS);
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        /* The speech gate found the talker louder than the voice it had learnt (babble before
         * they spoke): the raised-voice baselines were learnt from that voice too. */
        if (ch->vad.epoch != ch->level_epoch) {
            ch->level_epoch = ch->vad.epoch;
            tmi_raised_rebase(&ch->raised, &a->hp[c], &a->emitter);
        }
        tmi_raised_update(&ch->raised, &a->hp[c], a->nch == 2 ? &a->hp[1 - c] : NULL,
                          &a->emitter);
    }
    prof_mark(a, TMI_ST_RAISED);
    if (!given) settle_pitch(a, 0);
    prof_mark(a, TMI_ST_PITCH);
    while (a->fr_next <= n - a->frame_delay) emit_frame(a, a->fr_next++);
    a->feat_next = n + 1;
    prof_mark(a, TMI_ST_OUTPUT);
}

static void run_hop(tm_analyzer *a)
{
    int64_t m = a->hops_in++;
    prof_start(a);
    float levs[2], louds[2];
    if (a->nch == 2)
        tmi_energy_hop2(&a->ch[0].energy, &a->ch[1].energy, a->ch[0].hopbuf, a->ch[1].hopbuf,
                        a->ch[0].dcbuf, a->ch[1].dcbuf, levs, louds);
    else
        tmi_energy_hop(&a->ch[0].energy, a->ch[0].hopbuf, a->ch[0].dcbuf, &levs[0], &louds[0]);
    prof_mark(a, TMI_ST_ENERGY);
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        float lev = levs[c];
        ch->lev_ring[m % LEVEL_RING] = lev;
        ch->loud_ring[m % LEVEL_RING] = louds[c];
        ch->lost_ring[m % LEVEL_RING] = (unsigned char)tmi_floor_lost(ch->hopbuf, a->hop);
        if (tmi_gate_push(&ch->gate, m, lev, ch->floor_db))
            ch->tone_ring[m % LEVEL_RING] = tmi_hold_tone(&ch->hold, ch->dcbuf);
        else {
            tmi_hold_skip(&ch->hold, ch->dcbuf);
            ch->tone_ring[m % LEVEL_RING] = 0.0f;
        }
        prof_mark(a, TMI_ST_TONES);
        ch->meter_db = lev;
    }
    if (a->nch == 2)
        tmi_pitch_push2(&a->ch[0].pitch, &a->ch[1].pitch, a->ch[0].dcbuf, a->ch[1].dcbuf);
    else
        tmi_pitch_push(&a->ch[0].pitch, a->ch[0].dcbuf);
    prof_mark(a, TMI_ST_PITCH);
    if (a->nch == 2) {
        const float floors[2] = {a->ch[0].floor_db, a->ch[1].floor_db};
        tmi_echo_hop(&a->echo, m, a->ch[0].dcbuf, a->ch[1].dcbuf, floors);
    }
    prof_mark(a, TMI_ST_ECHO);
    if (m >= a->la) decide_hop(a, m - a->la, NULL);
}

static inline float sane(float x)
{
    /* NaN and +-Inf become silence (an Inf would otherwise read as a full-scale burst); absurd
     * finite magnitudes are clipped so that squares stay finite. */
    if (!isfinite(x)) return 0.0f;
    return x > 1000.0f ? 1000.0f : x < -1000.0f ? -1000.0f : x;
}

static tm_status process_any(tm_analyzer *a, const float *x0, const float *x1, int stride,
                             size_t n)
{
    size_t i = 0;
    if (a->finished || a->replay || a->in_callback) return TM_ERR_STATE;
    if (n) a->fed = 1;
    while (i < n) {
        size_t k = (size_t)(a->hop - a->fill);
        if (k > n - i) k = n - i;
        for (int c = 0; c < a->nch; c++) {
            const float *src = c == 0 ? x0 : x1;
            float *dst = a->ch[c].hopbuf + a->fill;
            if (stride == 1)   /* planar input: a loop the compiler vectorises */
                for (size_t j = 0; j < k; j++) dst[j] = sane(src[i + j]);
            else
                for (size_t j = 0; j < k; j++) dst[j] = sane(src[(i + j) * (size_t)stride]);
        }
        a->fill += (int)k;
        a->samples_in += (int64_t)k;
        i += k;
        if (a->fill == a->hop) {
            a->fill = 0;
            run_hop(a);
        }
    }
    return TM_OK;
}

tm_status tm_analyzer_process(tm_analyzer *a, const float *ch0, const float *ch1, size_t n_frames)
{
    if (!a || (n_frames && (!ch0 || (a->nch == 2 && !ch1)))) return TM_ERR_ARG;
    return process_any(a, ch0, ch1, 1, n_frames);
}

tm_status tm_analyzer_process_interleaved(tm_analyzer *a, const float *x, int stride, int c0,
                                          int c1, size_t n_frames)
{
    if (!a || (n_frames && !x) || stride < 1 || c0 < 0 || c0 >= stride ||
        (a->nch == 2 && (c1 < 0 || c1 >= stride)))
        return TM_ERR_ARG;
    return process_any(a, x + c0, a->nch == 2 ? x + c1 : NULL, stride, n_frames);
}

tm_status tm_analyzer_process_frames(tm_analyzer *a, const tm_frame *frames, size_t n_hops)
{
    if (!a || (n_hops && !frames)) return TM_ERR_ARG;
    /* a process() call that ended on a hop boundary leaves fill at 0: remember it was used */
    if (a->finished || a->fed || a->in_callback) return TM_ERR_STATE;
    a->replay = 1;
    for (size_t i = 0; i < n_hops; i++) {
        a->hops_in++;
        /* as if the pitch lookahead had been read: detection times match a run on the audio */
        a->samples_in = (a->hops_in + a->la) * a->hop;
        decide_hop(a, a->feat_next, frames + i * (size_t)a->nch);
    }
    return TM_OK;
}

void tm_analyzer_finish(tm_analyzer *a)
{
    if (!a || a->finished || a->in_callback) return;
    /* Decide the last hops with silence as their lookahead; the partial hop is dropped. */
    static const float zeros[4800];
    for (int64_t n = a->feat_next; n < a->hops_in; n++) {
        for (int c = 0; c < a->nch; c++) {
            tmi_pitch_push(&a->ch[c].pitch, zeros);
            tmi_gate_push(&a->ch[c].gate, n + a->la, -120.0f, a->ch[c].floor_db);
        }
        decide_hop(a, n, NULL);
    }
    settle_pitch(a, 1);
    if (a->replay) a->samples_in = a->hops_in * a->hop;
    /* one more hop at the end: open segments close, nothing is heard */
    for (int c = 0; c < a->nch; c++) {
        tmi_hop *h = &a->hp[c];
        h->n = a->hops_in;
        h->active = h->speech = 0;
        /* (a segment still doubtful as it ends unjudged holds back the alert it waited for) */
        h->seg_doubtful = a->ch[c].vad.on && tmi_turns_may_reopen(&a->turns, c, a->ch[c].vad.seg_start) &&
                          tmi_vad_doubtful(&a->ch[c].vad);
        h->seg_flags = tmi_vad_finish(&a->ch[c].vad, &h->closed) ? TMI_SEG_CLOSED : 0;
        copy_segment(h, &a->ch[c].vad);
    }
    tmi_turns_update(&a->turns, a->hp, &a->emitter);
    tmi_turns_finish(&a->turns, a->hp, &a->emitter);
    for (int c = 0; c < a->nch; c++) tmi_raised_finish(&a->ch[c].raised, &a->hp[c], &a->emitter);
    for (int c = 0; c < a->nch; c++) tmi_hold_finish(&a->ch[c].hold, c, &a->emitter);
    for (int t = 0; t < TM_EV__COUNT; t++)
        for (int k = 0; k < 3; k++)
            if (a->open[t][k].on) close_open(a, &a->open[t][k], (tm_event_type)t, k - 1);
    tmi_deesc_finish(&a->deesc);
    while (a->fr_next < a->hops_in) emit_frame(a, a->fr_next++);
    a->finished = 1;
}

/* ---- lifetime -------------------------------------------------------------------------- */

tm_status tm_analyzer_create(const tm_config *cfg, tm_analyzer **out)
{
    const char *bad;
    if (!out) return TM_ERR_ARG;
    *out = NULL;
    tm_status st = tm_config_check(cfg, &bad);
    if (st != TM_OK) return st;
    tm_analyzer *a = calloc(1, sizeof *a);
    if (!a) return TM_ERR_NOMEM;
    a->cfg = *cfg;
    a->nch = cfg->channels;
    a->hops_per_s = 100;
    a->hop = cfg->sample_rate_hz / a->hops_per_s;
    int hps = a->hops_per_s;
    a->ev_cap = cfg->event_capacity;
    a->ev = calloc(a->ev_cap, sizeof *a->ev);
    int fail = !a->ev || tmi_stats_init(&a->stats, cfg, hps) != 0 ||
               tmi_echo_init(&a->echo, cfg, hps) != 0;
    for (int c = 0; c < a->nch && !fail; c++) {
        chan *ch = &a->ch[c];
        ch->hopbuf = calloc((size_t)a->hop, sizeof(float));
        ch->dcbuf = calloc((size_t)a->hop, sizeof(float));
        fail |= !ch->hopbuf || !ch->dcbuf;
        fail |= tmi_pitch_init(&ch->pitch, cfg, hps) != 0;
        fail |= tmi_raised_init(&ch->raised, cfg, hps) != 0;
        tmi_energy_init(&ch->energy, cfg, hps);
        tmi_gate_init(&ch->gate, cfg, hps);
        tmi_floor_init(&ch->floor, cfg, hps);
        tmi_bleed_init(&ch->bleed, cfg, hps);
        tmi_hold_init(&ch->hold, cfg, hps);
        tmi_vad_init(&ch->vad, cfg, hps);
    }
    if (a->nch == 2) {
        tmi_vad_set_peer(&a->ch[0].vad, &a->ch[1].vad);
        tmi_vad_set_peer(&a->ch[1].vad, &a->ch[0].vad);
    }
    if (!fail) {
        /* A frame goes out once no later hop can change its speech flag (tmi_vad_settle_hops)
         * and once the pitch path has settled its F0. */
        a->frame_delay = tmi_vad_settle_hops(&a->ch[0].vad) + 1;
        if (a->frame_delay <= PITCH_PATH_LAG) a->frame_delay = PITCH_PATH_LAG + 1;
        a->fr_cap = a->frame_delay + 4;
        a->fr = calloc((size_t)a->fr_cap, sizeof *a->fr);
        fail = !a->fr;
    }
    if (fail) {
        tm_analyzer_destroy(a);
        return TM_ERR_NOMEM;
    }
    a->la = tmi_pitch_lookahead_hops(&a->ch[0].pitch);
    tmi_turns_init(&a->turns, cfg, hps);
    a->emitter.fn = on_event;
    a->emitter.ctx = a;
    tmi_deesc_init(&a->deesc, cfg, on_prompt, a);
    tm_analyzer_reset(a);
    *out = a;
    return TM_OK;
}

void tm_analyzer_destroy(tm_analyzer *a)
{
    if (!a) return;
    for (int c = 0; c < 2; c++) {
        chan *ch = &a->ch[c];
        free(ch->hopbuf);
        free(ch->dcbuf);
        if (ch->pitch.fwd || ch->pitch.dec_buf) tmi_pitch_free(&ch->pitch);
        tmi_raised_free(&ch->raised);
    }
    tmi_stats_free(&a->stats);
    tmi_echo_free(&a->echo);
    free(a->fr);
    free(a->ev);
    free(a);
}

void tm_analyzer_reset(tm_analyzer *a)
{
    if (!a || a->in_callback) return;
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        tmi_energy_reset(&ch->energy);
        tmi_gate_reset(&ch->gate);
        tmi_floor_reset(&ch->floor);
        tmi_pitch_reset(&ch->pitch);
        tmi_bleed_reset(&ch->bleed);
        tmi_hold_reset(&ch->hold);
        tmi_vad_reset(&ch->vad);
        tmi_raised_reset(&ch->raised);
        ch->level_epoch = 0;
        memset(ch->lev_ring, 0, sizeof ch->lev_ring);
        memset(ch->lost_ring, 0, sizeof ch->lost_ring);
        memset(ch->loud_ring, 0, sizeof ch->loud_ring);
        memset(ch->tone_ring, 0, sizeof ch->tone_ring);
        ch->floor_db = a->cfg.speech_min_level_db;
        ch->meter_db = -120.0f;
        ch->prev_f0 = 0.0f;
    }
    memset(a->hp, 0, sizeof a->hp);
    for (int c = 0; c < a->nch; c++) copy_segment(&a->hp[c], &a->ch[c].vad);
    for (int c = a->nch; c < 2; c++) a->hp[c].seg_last = -1;   /* a mono analyzer's channel 1 */
    tmi_turns_reset(&a->turns);
    tmi_stats_reset(&a->stats);
    tmi_echo_reset(&a->echo);
    memset(a->fr, 0, (size_t)a->fr_cap * sizeof *a->fr);
    a->fill = 0;
    a->hops_in = a->samples_in = 0;
    a->fr_next = a->feat_next = 0;
    a->ev_head = a->ev_n = a->dropped = 0;
    a->finished = 0;
    a->replay = 0;
    a->fed = 0;
    memset(a->open, 0, sizeof a->open);
    tmi_deesc_reset(&a->deesc);
}

/* ---- getters --------------------------------------------------------------------------- */

int tm_analyzer_next_event(tm_analyzer *a, tm_event *ev)
{
    if (!a || !ev || a->ev_n == 0) return 0;
    *ev = a->ev[a->ev_head];
    a->ev_head = (a->ev_head + 1) % a->ev_cap;
    a->ev_n--;
    return 1;
}

size_t tm_analyzer_dropped(const tm_analyzer *a) { return a ? a->dropped : 0; }

int64_t tm_analyzer_latency(const tm_analyzer *a)
{
    return a ? (int64_t)(a->frame_delay + a->la + 1) * a->hop : 0;
}

int tm_analyzer_hop_size(const tm_analyzer *a) { return a ? a->hop : 0; }

tm_status tm_analyzer_meter(const tm_analyzer *a, float level_db[2], int talking[2])
{
    if (!level_db || !talking) return TM_ERR_ARG;
    for (int c = 0; c < 2; c++) {
        level_db[c] = a && c < a->nch ? a->ch[c].meter_db : -120.0f;
        talking[c] = a && c < a->nch ? a->ch[c].vad.on : 0;
    }
    return a ? TM_OK : TM_ERR_ARG;
}

tm_status tm_analyzer_stats(const tm_analyzer *a, tm_stats *out)
{
    if (!out) return TM_ERR_ARG;
    memset(out, 0, sizeof *out);
    if (!a) return TM_ERR_ARG;
    double hop_s = (double)a->hop / a->cfg.sample_rate_hz;
    out->duration_s = (double)a->samples_in / a->cfg.sample_rate_hz;
    out->events_dropped = a->dropped;
    tmi_stats_fill(&a->stats, a->nch, hop_s, out);
    for (int c = 0; c < a->nch; c++) {
        const chan *ch = &a->ch[c];
        tm_speaker_stats *s = &out->speaker[c];
        s->raised_s = ch->raised.raised_hops * hop_s;
        s->raised_count = ch->raised.episodes;
        s->hold_s = ch->hold.held_hops * hop_s;
        s->baseline_lufs = ch->raised.base_l;
        s->baseline_f0_hz = ch->raised.base_p_ready ? 100.0f * exp2f(ch->raised.base_p / 12.0f)
                                                    : 0.0f;
        s->coupling_db = ch->bleed.measured ? ch->bleed.coupling_db : 0.0f;
        s->coupling_delay_ms =
            ch->bleed.measured ? (float)(ch->bleed.delay_hops * hop_s * 1000.0) : 0.0f;
    }
    return TM_OK;
}
