/* src/deesc.c -- the de-escalation policy: from the detected events (interruptions, raised voices,
 * silences, monologues) to the prompts an agent is shown.
 *
 * A prompt says only what was detected. The agent interrupting the caller is severity 2 ("you
 * keep interrupting an upset caller") only when it happened repeat_count times within
 * repeat_window_s AND the caller raised their voice within upset_window_s (or is raising it
 * now); a caller who raises their voice within repeat_window_s of being interrupted is
 * severity 2 ("escalating after being interrupted"). Events that ask nothing of the agent (the
 * caller interrupting the agent, backchannels) never become prompts.
 *
 * A prompt does not nag: an occurrence of the same reason within alert_repeat_min_s of the
 * prompt shown, and not more severe, is merged into it. It goes out as an early event with the
 * shown prompt's start and the count raised, and the complete prompt (final = 1, count = all
 * occurrences merged, end = the last one's end) follows once its interval has passed and its
 * sources have ended. Every front end (live terminal, web view, analyze's record) sees the same
 * sequence, since it is decided here, causally, in stream time. */
#include "deesc.h"
#include <string.h>

void tmi_deesc_init(tm_deesc *d, const tm_config *cfg, deesc_out_fn out, void *ctx)
{
    memset(d, 0, sizeof *d);
    double r = cfg->sample_rate_hz;
    d->repeat_min = (int64_t)(cfg->alert_repeat_min_s * r);
    d->upset_window = (int64_t)(cfg->upset_window_s * r);
    d->repeat_window = (int64_t)(cfg->repeat_window_s * r);
    d->repeat_count = cfg->repeat_count;
    d->out = out;
    d->ctx = ctx;
    tmi_deesc_reset(d);
}

void tmi_deesc_reset(tm_deesc *d)
{
    d->n_intr = 0;
    d->caller_raised_at = -1;
    memset(d->p, 0, sizeof d->p);
}

static int reason_of(const tm_event *ev)
{
    switch (ev->type) {
    case TM_EV_RAISED_VOICE:
        return ev->speaker == TM_CALLER ? TM_REASON_CALLER_RAISED : TM_REASON_AGENT_RAISED;
    case TM_EV_INTERRUPTION:
        return ev->speaker == TM_AGENT && ev->other == TM_CALLER ? TM_REASON_AGENT_INTERRUPTS
                                                                  : TM_REASON_NONE;
    case TM_EV_MONOLOGUE:
        return ev->speaker == TM_AGENT ? TM_REASON_AGENT_MONOLOGUE : TM_REASON_NONE;
    case TM_EV_SILENCE: return TM_REASON_SILENCE;
    default: return TM_REASON_NONE;
    }
}

/* Severity of an occurrence detected at t; also records what later occurrences depend on. */
static int severity(tm_deesc *d, int r, int64_t t, int caller_raised_now)
{
    if (r == TM_REASON_AGENT_INTERRUPTS) {
        if (d->n_intr == DEESC_INTR) {
            memmove(d->intr, d->intr + 1, (DEESC_INTR - 1) * sizeof d->intr[0]);
            d->n_intr--;
        }
        d->intr[d->n_intr++] = t;
        int recent = 0;
        for (int i = 0; i < d->n_intr; i++)
            if (t - d->intr[i] <= d->repeat_window) recent++;
        int upset = caller_raised_now || (d->caller_raised_at >= 0 && t - d->caller_raised_at <= d->upset_window);
        return recent >= d->repeat_count && upset ? 2 : 1;
    }
    if (r == TM_REASON_CALLER_RAISED) {
        d->caller_raised_at = t;
        for (int i = 0; i < d->n_intr; i++)
            if (t - d->intr[i] <= d->repeat_window) return 2;
    }
    return 1;
}

static void complete(tm_deesc *d, deesc_prompt *p)
{
    p->ev.final = 1;
    if (p->ev.end < p->ev.detected) p->ev.end = p->ev.detected;
    d->out(d->ctx, &p->ev);
    p->used = 0;
}

/* Closes the repeat intervals that have passed by `now`; completes prompts with nothing open. */
static void tick(tm_deesc *d, int64_t now)
{
    for (int r = 1; r < TM_REASON__COUNT; r++)
        for (int k = 0; k < DEESC_SLOTS; k++) {
            deesc_prompt *p = &d->p[r][k];
            if (!p->used) continue;
            if (p->mergeable && now - p->ev.start >= d->repeat_min) p->mergeable = 0;
            if (!p->mergeable && p->open_src == 0) complete(d, p);
        }
}

static deesc_prompt *new_prompt(tm_deesc *d, int r)
{
    deesc_prompt *slot = NULL, *oldest = NULL;
    for (int k = 0; k < DEESC_SLOTS; k++) {
        deesc_prompt *p = &d->p[r][k];
        if (!p->used) { if (!slot) slot = p; }
        else if (!oldest || p->ev.start < oldest->ev.start) oldest = p;
    }
    if (!slot) {          /* sources that never end: complete the oldest with what is known */
        complete(d, oldest);
        slot = oldest;
    }
    return slot;
}

static deesc_prompt *occurrence(tm_deesc *d, int r, const tm_event *ev, int caller_raised_now)
{
    int sev = severity(d, r, ev->detected, caller_raised_now);
    deesc_prompt *cur = NULL;
    for (int k = 0; k < DEESC_SLOTS; k++)
        if (d->p[r][k].used && d->p[r][k].mergeable) cur = &d->p[r][k];
    if (cur && ev->detected - cur->ev.start < d->repeat_min && sev <= cur->ev.severity) {
        cur->ev.count++;
        cur->open_src++;
        tm_event u = cur->ev;                /* the shown prompt, its counter raised */
        u.detected = u.end = ev->detected;
        u.final = 0;
        d->out(d->ctx, &u);
        return cur;
    }
    if (cur) {
        cur->mergeable = 0;
        if (cur->open_src == 0) complete(d, cur);
    }
    deesc_prompt *p = new_prompt(d, r);
    memset(p, 0, sizeof *p);
    p->used = p->mergeable = 1;
    p->open_src = 1;
    p->first_src = ev->start;
    p->ev = *ev;
    p->ev.type = TM_EV_DEESCALATION;
    p->ev.other = TM_NOBODY;
    p->ev.reason = (tm_reason)r;
    p->ev.severity = sev;
    p->ev.count = 1;
    p->ev.start = p->ev.end = p->ev.detected = ev->detected;
    p->ev.level_db = p->ev.pitch_st = 0.0f;
    p->ev.final = 0;
    d->out(d->ctx, &p->ev);
    return p;
}

void tmi_deesc_event(tm_deesc *d, const tm_event *ev, int caller_raised_now, int64_t now)
{
    tick(d, now);
    int r = reason_of(ev);
    if (r == TM_REASON_NONE) return;
    if (!ev->final) {
        occurrence(d, r, ev, caller_raised_now);
        return;
    }
    /* a source ended: it belongs to the latest prompt of its reason that began before it */
    deesc_prompt *p = NULL;
    for (int k = 0; k < DEESC_SLOTS; k++) {
        deesc_prompt *q = &d->p[r][k];
        if (q->used && q->open_src > 0 && q->first_src <= ev->start && (!p || q->first_src > p->first_src)) p = q;
    }
    if (!p) p = occurrence(d, r, ev, caller_raised_now);   /* an event that had no early alert */
    p->open_src--;
    if (ev->end > p->ev.end) p->ev.end = ev->end;
    if (!p->mergeable && p->open_src == 0) complete(d, p);
}

void tmi_deesc_finish(tm_deesc *d)
{
    /* by start, so that the record reads in order */
    for (;;) {
        deesc_prompt *first = NULL;
        for (int r = 1; r < TM_REASON__COUNT; r++)
            for (int k = 0; k < DEESC_SLOTS; k++)
                if (d->p[r][k].used && (!first || d->p[r][k].ev.start < first->ev.start)) first = &d->p[r][k];
        if (!first) return;
        complete(d, first);
    }
}
