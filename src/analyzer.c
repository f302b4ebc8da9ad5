/* src/analyzer.c -- the only file that knows the stage order.
 *
 * Input blocks of any size are re-blocked into 10 ms hops. Per hop and channel: energy (level,
 * loudness) and pitch history run at once; the decisions for hop n run when hop n + 2 is in,
 * since the pitch window is centred there: noise floor, pitch (only where the level could be
 * speech), leak from the other channel, speech segmentation, turn-taking, raised voice, and the
 * de-escalation moments derived from those events. Per-hop frames go to on_frame once their
 * speech flag is final (after the hangover), events go to a fixed ring the caller drains.
 * Nothing here allocates after create. */
#include "tonemon.h"
#include "bleed.h"
#include "deesc.h"
#include "echo.h"
#include "energy.h"
#include "floor.h"
#include "hold.h"
#include "median.h"
#include "pitch.h"
#include "raised.h"
#include "turns.h"
#include "vad.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEVEL_RING 8

typedef struct {
    tm_energy energy;
    tm_floor floor;
    tm_pitch pitch;
    tm_bleed bleed;
    tm_vad vad;
    tm_hold hold;
    tm_raised raised;
    float *hopbuf, *dcbuf;
    float lev_ring[LEVEL_RING], loud_ring[LEVEL_RING], tone_ring[LEVEL_RING];
    float tone;                   /* tone share of the hop being decided */
    int hold_on;                  /* music holds this channel */
    int64_t hold_start, hold_detected, hold_last;
    double hold_hops;
    float meter_db;
    /* the feature hop being decided */
    float level, loud, floor_db, f0, voicing;
    int cand, bleed_flag, active;
    /* call statistics over final speech frames */
    tm_median st_level, st_loud, st_f0;
    double talk_hops;
    int backchannels, interruptions, monologues;
} chan;

typedef struct { tm_frame f[2]; } frame_pair;

/* An alert that was shown and whose complete event has not come yet. */
typedef struct { int on, other, sev; int64_t start, detected; } open_alert;

struct tm_analyzer {
    tm_config cfg;
    int nch, hop, la, frame_delay, hops_per_s;
    float margin_db, min_level_db;
    chan ch[2];
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
    tm_deesc deesc;               /* de-escalation policy (src/deesc.c) */
    tm_echo echo;                 /* echo canceller cue for the leak stage (src/echo.c) */
    open_alert open[TM_EV__COUNT][3];   /* [type][speaker + 1] */
    /* statistics */
    int64_t overlap_hops_final;
    double overlap_s, silence_s;
    int overlaps, silences, deescalations;
};

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
    if (d->final) a->deescalations++;
}

/* Pushes an event (times in samples) with its statistics and de-escalation moment. */
static int publish(tm_analyzer *a, const tm_event *ev, int sev_shown)
{
    ring_push(a, ev);
    if (ev->final) {
        double dur = (double)(ev->end - ev->start) / a->cfg.sample_rate_hz;
        switch (ev->type) {
        case TM_EV_OVERLAP: a->overlaps++; a->overlap_s += dur; break;
        case TM_EV_SILENCE: a->silences++; a->silence_s += dur; break;
        case TM_EV_BACKCHANNEL: a->ch[ev->speaker].backchannels++; break;
        case TM_EV_INTERRUPTION: a->ch[ev->speaker].interruptions++; break;
        case TM_EV_MONOLOGUE: a->ch[ev->speaker].monologues++; break;
        default: break;
        }
    }
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
        if (a->cfg.on_frame) a->cfg.on_frame(a->cfg.on_frame_user, f);
        if (f->speech) {
            chan *ch = &a->ch[c];
            ch->talk_hops++;
            tmi_median_add(&ch->st_level, f->level_db);
            tmi_median_add(&ch->st_loud, f->loudness_lufs);
            if (f->f0_hz > 0.0f) tmi_median_add(&ch->st_f0, f->f0_hz);
        }
    }
}

/* ---- the hop pipeline ------------------------------------------------------------------ */

static void hold_close(tm_analyzer *a, int c)
{
    chan *ch = &a->ch[c];
    tm_event ev = emit_make(TM_EV_HOLD, c, ch->hold_start, ch->hold_last + 1, ch->hold_detected, 1);
    emit_event(&a->emitter, &ev);
    ch->hold_hops += (double)(ch->hold_last + 1 - ch->hold_start);
    ch->hold_on = 0;
}

/* Music and tones are not speech: a tone hop is never active, and while music holds the channel
 * nothing on it is. When music is recognised, the speech segment it had opened is withdrawn. */
static void hold_decide(tm_analyzer *a, int c, int64_t n, const tm_frame *given)
{
    chan *ch = &a->ch[c];
    /* the tone window is the 30 ms ending one hop after n: centred on n */
    float tone = given ? given[c].tone_frac
               : n + 1 < a->hops_in ? ch->tone_ring[(n + 1) % LEVEL_RING] : 0.0f;
    ch->tone = tone;
    int64_t started;
    /* Music leaking in from the other leg is that leg's hold, not this one's: leak hops are
     * neither sounding nor voiced here, and a hold is not started on a channel while the other
     * one holds (hold music is played into one leg). */
    int on = tmi_hold_hop(&ch->hold, n, ch->active, ch->bleed_flag ? 0.0f : ch->f0, tone, &started);
    if (tone >= a->cfg.hold_tone_frac_min) ch->active = 0;
    if (started >= 0 && a->nch == 2 && a->ch[1 - c].hold_on) {
        ch->hold.on = 0;
        on = 0;
        started = -1;
    }
    if (started >= 0) {
        ch->hold_on = 1;
        ch->hold_start = started < 0 ? 0 : started;
        ch->hold_detected = n;
        int64_t s, e;
        if (tmi_vad_cut(&ch->vad, &s, &e)) {
            tmi_turns_withdraw(&a->turns, c, s, &a->emitter);
            int64_t from = s > a->fr_next ? s : a->fr_next;
            for (int64_t k = from; k <= n; k++) a->fr[k % a->fr_cap].f[c].speech = 0;
        }
    }
    if (ch->hold_on) {
        ch->hold_last = ch->hold.last_music > ch->hold_start ? ch->hold.last_music : ch->hold_start;
        ch->active = 0;
        if (!on) hold_close(a, c);
    }
    tmi_turns_holding(&a->turns, c, ch->hold_on);
}

/* Puts the pitch path's final F0 into the frames still waiting to go out. */
static void settle_pitch(tm_analyzer *a, int flush)
{
    int64_t k;
    float f0, v;
    for (int c = 0; c < a->nch; c++)
        while (tmi_pitch_final(&a->ch[c].pitch, flush, &k, &f0, &v))
            if (k >= a->fr_next) {
                a->fr[k % a->fr_cap].f[c].f0_hz = f0;
                a->fr[k % a->fr_cap].f[c].voicing = v;
            }
}

/* Decides feature hop n. given: this hop's measured features per channel (replay), or NULL to
 * take them from the energy and pitch stages. */
static void decide_hop(tm_analyzer *a, int64_t n, const tm_frame *given)
{
    int flags[2] = {0, 0};
    turns_seg closed[2];

    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        ch->level = given ? given[c].level_db : ch->lev_ring[n % LEVEL_RING];
        ch->loud = given ? given[c].loudness_lufs : ch->loud_ring[n % LEVEL_RING];
        ch->floor_db = tmi_floor_update(&ch->floor, ch->level);
        ch->cand = ch->level >= ch->floor_db + a->margin_db && ch->level >= a->min_level_db &&
                   ch->level >= ch->floor.mean_db + a->cfg.speech_over_mean_db;
        if (given) {
            ch->f0 = given[c].f0_live_hz;
            ch->voicing = given[c].voicing;
        } else if ((ch->level >= ch->floor_db + a->margin_db - 3.0f || ch->hold_on) &&
                   ch->level >= a->min_level_db - 3.0f) {
            /* Pitch costs most: only where the level could be speech (own or leaked), or during
             * hold music, whose notes must go on being heard once the floor has risen to it. The 40 ms
             * window reaches 20 ms either side: a hop far quieter than its neighbours (a stop
             * closure, the silence after a word) would only borrow their periodicity. */
            float peak = ch->level;
            for (int64_t k = n - 2; k <= n + 2; k++)
                if (k >= 0 && ch->lev_ring[k % LEVEL_RING] > peak) peak = ch->lev_ring[k % LEVEL_RING];
            if (ch->level < peak - 15.0f) {
                tmi_pitch_skip(&ch->pitch);
                ch->f0 = ch->voicing = 0.0f;
            } else {
                tmi_pitch_estimate(&ch->pitch, &ch->f0, &ch->voicing);
            }
        } else {
            tmi_pitch_skip(&ch->pitch);
            ch->f0 = ch->voicing = 0.0f;
        }
    }
    int prev_active[2] = {a->ch[0].active, a->ch[1].active};
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        ch->bleed_flag = 0;
        float echo_db = given ? given[c].echo_removed_db : 0.0f;
        int echo_known = given ? given[c].echo_known : tmi_echo_cue(&a->echo, c, n, &echo_db);
        if (a->nch == 2) {
            const chan *o = &a->ch[1 - c];
            tmi_bleed_push_other(&ch->bleed, o->level, o->f0);
            tmi_bleed_learn(&ch->bleed, ch->level, ch->f0, ch->floor_db, o->floor_db, prev_active[1 - c]);
            ch->bleed_flag = ch->cand && tmi_bleed_decide(&ch->bleed, ch->level, ch->f0, echo_known, echo_db);
        }
        ch->active = ch->cand && !ch->bleed_flag;
        hold_decide(a, c, n, given);
        int64_t prev_last = ch->vad.last_active;
        flags[c] = tmi_vad_hop(&ch->vad, n, ch->active, ch->f0 > 0.0f, ch->level, &closed[c].start,
                           &closed[c].end);
        if (flags[c] & VAD_CLOSED) closed[c].confirm = ch->vad.confirm;

        tm_frame *f = &a->fr[n % a->fr_cap].f[c];
        f->start = n * a->hop;
        f->channel = c;
        f->level_db = ch->level;
        f->loudness_lufs = ch->loud;
        /* the live F0 drives the events; the frame's F0 is replaced by the path's final one
         * PITCH_PATH_LAG hops later, before the frame goes out */
        f->f0_hz = given ? given[c].f0_hz : ch->f0;
        f->f0_live_hz = ch->f0;
        f->tone_frac = ch->tone;
        f->voicing = ch->voicing;
        f->speech = 0;
        f->bleed = ch->bleed_flag;
        f->floor_db = ch->floor_db;
        f->echo_removed_db = echo_db;
        f->echo_known = echo_known;
        if (flags[c] & VAD_CONFIRMED) mark_speech(a, c, ch->vad.seg_start, n);
        else if (ch->vad.on && ch->vad.last_active == n) mark_speech(a, c, prev_last + 1, n);
    }
    int speech[2] = {0, 0};
    for (int c = 0; c < a->nch; c++) speech[c] = a->ch[c].vad.on && a->ch[c].vad.last_active == n;
    tmi_turns_hop(&a->turns, n, (const tm_vad[]){a->ch[0].vad, a->ch[1].vad}, speech, flags, closed,
              &a->emitter);
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        tmi_raised_hop(&ch->raised, c, n, ch->active && ch->vad.on, ch->loud, ch->f0, &a->emitter);
    }
    if (!given) settle_pitch(a, 0);
    while (a->fr_next <= n - a->frame_delay) emit_frame(a, a->fr_next++);
    a->feat_next = n + 1;
}

static void run_hop(tm_analyzer *a)
{
    int64_t m = a->hops_in++;
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        float lev, loud;
        tmi_energy_hop(&ch->energy, ch->hopbuf, ch->dcbuf, &lev, &loud);
        ch->lev_ring[m % LEVEL_RING] = lev;
        ch->loud_ring[m % LEVEL_RING] = loud;
        /* Tones are looked for only where a hop could be speech: a tone that matters is loud. */
        if (lev >= ch->floor_db + a->margin_db && lev >= a->min_level_db)
            ch->tone_ring[m % LEVEL_RING] = tmi_hold_tone(&ch->hold, ch->dcbuf);
        else {
            tmi_hold_skip(&ch->hold);
            ch->tone_ring[m % LEVEL_RING] = 0.0f;
        }
        ch->meter_db = lev;
        tmi_pitch_push(&ch->pitch, ch->dcbuf);
    }
    if (a->nch == 2) tmi_echo_hop(&a->echo, m, a->ch[0].dcbuf, a->ch[1].dcbuf);
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
    if (a->finished || a->replay) return TM_ERR_STATE;
    if (n) a->fed = 1;
    while (i < n) {
        size_t k = (size_t)(a->hop - a->fill);
        if (k > n - i) k = n - i;
        for (int c = 0; c < a->nch; c++) {
            const float *src = c == 0 ? x0 : x1;
            float *dst = a->ch[c].hopbuf + a->fill;
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
    if (a->finished || a->fed) return TM_ERR_STATE;
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
    if (!a || a->finished) return;
    /* Decide the last hops with silence as their lookahead; the partial hop is dropped. */
    static const float zeros[4800];
    for (int64_t n = a->feat_next; n < a->hops_in; n++) {
        for (int c = 0; c < a->nch; c++) tmi_pitch_push(&a->ch[c].pitch, zeros);
        decide_hop(a, n, NULL);
    }
    settle_pitch(a, 1);
    if (a->replay) a->samples_in = a->hops_in * a->hop;
    int64_t n_end = a->hops_in;
    int flags[2] = {0, 0}, active[2] = {0, 0};
    turns_seg closed[2];
    for (int c = 0; c < a->nch; c++)
        if (tmi_vad_finish(&a->ch[c].vad, &closed[c].start, &closed[c].end)) {
            flags[c] = VAD_CLOSED;
            closed[c].confirm = a->ch[c].vad.confirm;
        }
    tmi_turns_hop(&a->turns, n_end, (const tm_vad[]){a->ch[0].vad, a->ch[1].vad}, active, flags,
              closed, &a->emitter);
    tmi_turns_finish(&a->turns, n_end, (const tm_vad[]){a->ch[0].vad, a->ch[1].vad}, &a->emitter);
    for (int c = 0; c < a->nch; c++) tmi_raised_finish(&a->ch[c].raised, c, n_end, &a->emitter);
    for (int c = 0; c < a->nch; c++)
        if (a->ch[c].hold_on) hold_close(a, c);
    for (int t = 0; t < TM_EV__COUNT; t++)
        for (int k = 0; k < 3; k++)
            if (a->open[t][k].on) close_open(a, &a->open[t][k], (tm_event_type)t, k - 1);
    tmi_deesc_finish(&a->deesc);
    while (a->fr_next < a->hops_in) emit_frame(a, a->fr_next++);
    a->finished = 1;
}

/* ---- lifetime -------------------------------------------------------------------------- */

static int hops_of(float seconds, int hops_per_s) { return (int)lrintf(seconds * hops_per_s); }

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
    a->margin_db = cfg->speech_margin_db;
    a->min_level_db = cfg->speech_min_level_db;
    int hps = a->hops_per_s;
    int hang = hops_of(cfg->hangover_ms / 1000.0f, hps);
    int onset = hops_of(cfg->onset_ms / 1000.0f, hps);
    /* A frame goes out once no later hop can change its speech flag: a confirmation reaches back
     * over the onset run (an unvoiced lead-in of up to 21 hops, or onset hops), a renewed
     * activity over the hangover gap. */
    int reach = hang + 1 > 21 ? hang + 1 : 21;
    if (onset > reach) reach = onset;
    a->frame_delay = reach + 1;
    if (a->frame_delay <= PITCH_PATH_LAG) a->frame_delay = PITCH_PATH_LAG + 1;  /* final F0 first */
    a->fr_cap = a->frame_delay + 4;
    a->fr = calloc((size_t)a->fr_cap, sizeof *a->fr);
    a->ev_cap = cfg->event_capacity;
    a->ev = calloc(a->ev_cap, sizeof *a->ev);
    int fail = !a->fr || !a->ev;
    for (int c = 0; c < a->nch && !fail; c++) {
        chan *ch = &a->ch[c];
        ch->hopbuf = calloc((size_t)a->hop, sizeof(float));
        ch->dcbuf = calloc((size_t)a->hop, sizeof(float));
        fail |= !ch->hopbuf || !ch->dcbuf;
        fail |= tmi_pitch_init(&ch->pitch, cfg->sample_rate_hz, a->hop, cfg->f0_min_hz, cfg->f0_max_hz,
                           cfg->pitch_peak_ratio, cfg->voicing_min) != 0;
        fail |= tmi_raised_init(&ch->raised, cfg, hps) != 0;
        fail |= tmi_median_init(&ch->st_level, -120.0f, 10.0f, 0.25f, 0) != 0;
        fail |= tmi_median_init(&ch->st_loud, -120.0f, 10.0f, 0.25f, 0) != 0;
        fail |= tmi_median_init(&ch->st_f0, 0.0f, 1000.0f, 0.5f, 0) != 0;
        tmi_energy_init(&ch->energy, cfg->sample_rate_hz, a->hop);
        tmi_floor_init(&ch->floor, hops_of(cfg->floor_window_s, hps), cfg->speech_min_level_db,
                   cfg->floor_digital_db, cfg->floor_bias_max_db, cfg->speech_over_mean_db);
        tmi_bleed_init(&ch->bleed, hops_of(cfg->bleed_max_delay_ms / 1000.0f, hps), cfg->bleed_margin_db,
                   cfg->bleed_pitch_match_st, cfg->bleed_min_coupling_db,
                   60.0f / (cfg->bleed_tail_t60_s * (float)hps));
        tmi_bleed_echo_init(&ch->bleed, cfg->echo_canceller, cfg->echo_removed_min_db,
                            cfg->echo_removed_sure_db, cfg->echo_dt_max_db);
        tmi_hold_init(&ch->hold, cfg->sample_rate_hz, a->hop, hops_of(cfg->hold_window_s, hps),
                  cfg->hold_active_min, cfg->hold_voiced_min, cfg->hold_steady_min,
                  cfg->hold_tuned_min, cfg->hold_tone_frac_min);
        tmi_vad_init(&ch->vad, onset, hang, hops_of(cfg->weak_bridge_ms / 1000.0f, hps),
                 cfg->speech_rel_db);
    }
    if (fail) {
        tm_analyzer_destroy(a);
        return TM_ERR_NOMEM;
    }
    a->la = tmi_pitch_lookahead_hops(&a->ch[0].pitch);
    if (a->nch == 2 && cfg->echo_canceller &&
        tmi_echo_init(&a->echo, cfg->sample_rate_hz, a->hop, cfg->echo_filter_ms, cfg->speech_min_level_db,
                      cfg->echo_warmup_s)) {
        tm_analyzer_destroy(a);
        return TM_ERR_NOMEM;
    }
    tmi_turns_init(&a->turns, a->nch, hops_of(cfg->overlap_min_s, hps), hops_of(cfg->backchannel_max_s, hps),
               hops_of(cfg->handover_max_s, hps), hops_of(cfg->turn_pause_max_s, hps),
               hops_of(cfg->backchannel_context_s, hps),
               hops_of(cfg->silence_min_s, hps), hops_of(cfg->monologue_min_s, hps),
               hops_of(cfg->overlap_merge_s, hps));
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
        tmi_median_free(&ch->st_level);
        tmi_median_free(&ch->st_loud);
        tmi_median_free(&ch->st_f0);
    }
    tmi_echo_free(&a->echo);
    free(a->fr);
    free(a->ev);
    free(a);
}

void tm_analyzer_reset(tm_analyzer *a)
{
    if (!a) return;
    for (int c = 0; c < a->nch; c++) {
        chan *ch = &a->ch[c];
        tmi_energy_reset(&ch->energy);
        tmi_floor_reset(&ch->floor);
        tmi_pitch_reset(&ch->pitch);
        tmi_bleed_reset(&ch->bleed);
        tmi_vad_reset(&ch->vad);
        tmi_hold_reset(&ch->hold);
        ch->hold_on = 0;
        ch->hold_start = ch->hold_detected = ch->hold_last = 0;
        ch->hold_hops = 0.0;
        memset(ch->tone_ring, 0, sizeof ch->tone_ring);
        ch->floor_db = a->cfg.speech_min_level_db;
        tmi_raised_reset(&ch->raised);
        tmi_median_reset(&ch->st_level, 0.0f, 0);
        tmi_median_reset(&ch->st_loud, 0.0f, 0);
        tmi_median_reset(&ch->st_f0, 0.0f, 0);
        memset(ch->lev_ring, 0, sizeof ch->lev_ring);
        memset(ch->loud_ring, 0, sizeof ch->loud_ring);
        ch->meter_db = -120.0f;
        ch->talk_hops = 0.0;
        ch->backchannels = ch->interruptions = ch->monologues = 0;
    }
    tmi_turns_reset(&a->turns);
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
    a->overlap_s = a->silence_s = 0.0;
    a->overlaps = a->silences = a->deescalations = 0;
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
    out->overlap_s = a->overlap_s;
    out->silence_s = a->silence_s;
    out->overlaps = a->overlaps;
    out->silences = a->silences;
    out->deescalations = a->deescalations;
    out->events_dropped = a->dropped;
    for (int c = 0; c < a->nch; c++) {
        const chan *ch = &a->ch[c];
        tm_speaker_stats *s = &out->speaker[c];
        s->talk_s = ch->talk_hops * hop_s;
        s->raised_s = ch->raised.raised_hops * hop_s;
        s->raised_count = ch->raised.episodes;
        s->interruptions_made = ch->interruptions;
        s->backchannels = ch->backchannels;
        s->monologues = ch->monologues;
        s->hold_s = ch->hold_hops * hop_s;
        s->f0_median_hz = tmi_median_quantile(&ch->st_f0, 0.5f, 0.0f);
        s->f0_p10_hz = tmi_median_quantile(&ch->st_f0, 0.1f, 0.0f);
        s->f0_p90_hz = tmi_median_quantile(&ch->st_f0, 0.9f, 0.0f);
        s->level_median_db = tmi_median_quantile(&ch->st_level, 0.5f, -120.0f);
        s->level_p90_db = tmi_median_quantile(&ch->st_level, 0.9f, -120.0f);
        s->loudness_median_lufs = tmi_median_quantile(&ch->st_loud, 0.5f, -120.0f);
        s->baseline_lufs = ch->raised.base_l;
        s->baseline_f0_hz = ch->raised.base_p_ready ? 100.0f * exp2f(ch->raised.base_p / 12.0f) : 0.0f;
        s->coupling_db = ch->bleed.measured ? ch->bleed.coupling_db : 0.0f;
        s->coupling_delay_ms = ch->bleed.measured ? (float)(ch->bleed.delay_hops * hop_s * 1000.0) : 0.0f;
    }
    return TM_OK;
}
