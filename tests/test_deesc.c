/* tests/test_deesc.c -- the de-escalation policy (src/deesc.c) on scripted events with a known
 * answer: repeats merged within alert_repeat_min_s, "upset" severity only after a caller raised
 * voice, events that ask nothing of the agent never prompting, and an escalation never hidden
 * in a merge. Times are given in seconds at 1000 samples per second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "deesc.h"

#define RATE 1000
#define MAXOUT 256

typedef struct { tm_event v[MAXOUT]; int n; } outs;

static void collect(void *ctx, const tm_event *ev)
{
    outs *o = ctx;
    assert_true(o->n < MAXOUT);
    o->v[o->n++] = *ev;
}

static tm_deesc d;
static outs o;

static void setup(float repeat_min_s)
{
    tm_config c = tm_config_default(16000);
    c.sample_rate_hz = RATE;          /* samples are milliseconds here */
    c.alert_repeat_min_s = repeat_min_s;
    memset(&o, 0, sizeof o);
    tmi_deesc_init(&d, &c, collect, &o);
}

static int64_t ms(double s) { return (int64_t)(s * RATE + 0.5); }

/* An event with its early alert at det and its end at end (final = 1 when end > 0). */
static void send(tm_event_type type, int speaker, int other, double start, double det, double end, int raising_now)
{
    tm_event e = {0};
    e.type = type;
    e.speaker = speaker;
    e.other = other;
    e.start = ms(start);
    e.detected = ms(det);
    e.end = end > 0 ? ms(end) : ms(det);
    e.final = end > 0;
    tmi_deesc_event(&d, &e, raising_now, e.final ? ms(end) : ms(det));
}
static void interrupt_caller(double start, double det, int raising_now)
{
    send(TM_EV_INTERRUPTION, TM_AGENT, TM_CALLER, start, det, 0, raising_now);
}
static void interrupt_caller_end(double start, double det, double end)
{
    send(TM_EV_INTERRUPTION, TM_AGENT, TM_CALLER, start, det, end, 0);
}

/* prompts shown = early events that are not merged repeats */
static int shown(tm_reason r, int *sev_out)
{
    int n = 0;
    for (int i = 0; i < o.n; i++)
        if (!o.v[i].final && o.v[i].count == 1 && o.v[i].reason == r) {
            if (sev_out) sev_out[n] = o.v[i].severity;
            n++;
        }
    return n;
}

static const tm_event *final_at(tm_reason r, double start)
{
    for (int i = 0; i < o.n; i++)
        if (o.v[i].final && o.v[i].reason == r && o.v[i].start == ms(start)) return &o.v[i];
    return NULL;
}

/* Four interruptions within 6 s: one prompt with a counter, never the "upset" severity. */
static void test_repeats_merged(void **state)
{
    (void)state;
    setup(20.0f);
    for (int k = 0; k < 4; k++) {
        double t = 10.0 + 2.0 * k;
        interrupt_caller(t - 1.0, t, 0);
        interrupt_caller_end(t - 1.0, t, t + 1.0);
    }
    int sev[8];
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 1);
    assert_int_equal(sev[0], 1);                  /* repeated, but nobody raised a voice */
    int updates = 0;
    for (int i = 0; i < o.n; i++)
        if (!o.v[i].final && o.v[i].count > 1) {
            updates++;
            assert_int_equal(o.v[i].start, ms(10.0));   /* the shown prompt's start */
            assert_int_equal(o.v[i].count, 1 + updates);
            assert_int_equal(o.v[i].detected, ms(10.0 + 2.0 * updates));
        }
    assert_int_equal(updates, 3);
    assert_null(final_at(TM_REASON_AGENT_INTERRUPTS, 10.0));  /* its interval is still open */
    /* 25 s after the first: a new prompt; the first one is complete with all four merged */
    interrupt_caller(34.0, 35.0, 0);
    const tm_event *f = final_at(TM_REASON_AGENT_INTERRUPTS, 10.0);
    assert_non_null(f);
    assert_int_equal(f->count, 4);
    assert_int_equal(f->severity, 1);
    assert_int_equal(f->end, ms(17.0));
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 2);
    assert_int_equal(sev[1], 1);
    interrupt_caller_end(34.0, 35.0, 36.0);
    tmi_deesc_finish(&d);
    f = final_at(TM_REASON_AGENT_INTERRUPTS, 35.0);
    assert_non_null(f);
    assert_int_equal(f->count, 1);
    /* every prompt shown is completed exactly once */
    int finals = 0;
    for (int i = 0; i < o.n; i++) finals += o.v[i].final;
    assert_int_equal(finals, 2);
}

/* Upset wording (severity 2) only with a caller raised voice within upset_window_s. */
static void test_upset_needs_raised_voice(void **state)
{
    (void)state;
    setup(20.0f);
    /* the caller raised their voice at 5 s; 70 s later it no longer counts (window 60 s) */
    send(TM_EV_RAISED_VOICE, TM_CALLER, TM_NOBODY, 4.0, 5.0, 0, 0);
    send(TM_EV_RAISED_VOICE, TM_CALLER, TM_NOBODY, 4.0, 5.0, 8.0, 0);
    interrupt_caller(74.0, 75.0, 0);
    interrupt_caller_end(74.0, 75.0, 76.0);
    interrupt_caller(99.0, 100.0, 0);                 /* repeated within 120 s: still not upset */
    interrupt_caller_end(99.0, 100.0, 101.0);
    int sev[8];
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 2);
    assert_int_equal(sev[0], 1);
    assert_int_equal(sev[1], 1);
    /* the caller raises their voice after being interrupted: escalation, severity 2 */
    send(TM_EV_RAISED_VOICE, TM_CALLER, TM_NOBODY, 110.0, 111.0, 0, 0);
    assert_int_equal(shown(TM_REASON_CALLER_RAISED, sev), 2);
    assert_int_equal(sev[0], 1);                      /* at 5 s nobody had interrupted them */
    assert_int_equal(sev[1], 2);
    send(TM_EV_RAISED_VOICE, TM_CALLER, TM_NOBODY, 110.0, 111.0, 115.0, 0);
    /* interrupted again, repeatedly, 13 s after a raised voice: now "upset", and more severe than
     * the prompt shown 22 s ago */
    interrupt_caller(123.0, 124.0, 0);
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 3);
    assert_int_equal(sev[2], 2);
    interrupt_caller_end(123.0, 124.0, 125.0);
    /* while the caller is raising their voice right now, also upset */
    setup(20.0f);
    interrupt_caller(9.0, 10.0, 0);
    interrupt_caller_end(9.0, 10.0, 11.0);
    interrupt_caller(39.0, 40.0, 1);
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 2);
    assert_int_equal(sev[0], 1);
    assert_int_equal(sev[1], 2);
}

/* An escalation inside the merge interval is a new prompt, not a counter. */
static void test_escalation_not_merged(void **state)
{
    (void)state;
    setup(20.0f);
    interrupt_caller(0.0, 1.0, 0);
    interrupt_caller_end(0.0, 1.0, 2.0);
    send(TM_EV_RAISED_VOICE, TM_CALLER, TM_NOBODY, 2.0, 3.0, 0, 0);
    interrupt_caller(4.0, 5.0, 1);           /* 4 s after the first, but now upset: severity 2 */
    int sev[8];
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 2);
    assert_int_equal(sev[1], 2);
    interrupt_caller(7.0, 8.0, 1);           /* the same again: merged into the severity-2 one */
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, sev), 2);
    assert_int_equal(o.v[o.n - 1].count, 2);
    assert_int_equal(o.v[o.n - 1].start, ms(5.0));
}

/* The caller interrupting the agent and backchannels ask nothing of the agent. */
static void test_information_only(void **state)
{
    (void)state;
    setup(20.0f);
    for (int k = 0; k < 5; k++) {
        send(TM_EV_INTERRUPTION, TM_CALLER, TM_AGENT, 10.0 * k, 10.0 * k + 1, 0, 1);
        send(TM_EV_INTERRUPTION, TM_CALLER, TM_AGENT, 10.0 * k, 10.0 * k + 1, 10.0 * k + 2, 1);
        send(TM_EV_BACKCHANNEL, TM_AGENT, TM_NOBODY, 10.0 * k + 3, 10.0 * k + 4, 10.0 * k + 4, 0);
    }
    tmi_deesc_finish(&d);
    assert_int_equal(o.n, 0);
}

/* alert_repeat_min_s = 0: every occurrence its own prompt (the behaviour before merging). */
static void test_no_merging(void **state)
{
    (void)state;
    setup(0.0f);
    for (int k = 0; k < 3; k++) {
        interrupt_caller(10.0 + k, 10.5 + k, 0);
        interrupt_caller_end(10.0 + k, 10.5 + k, 10.9 + k);
    }
    assert_int_equal(shown(TM_REASON_AGENT_INTERRUPTS, NULL), 3);
    int finals = 0;
    for (int i = 0; i < o.n; i++) finals += o.v[i].final;
    assert_int_equal(finals, 3);
}

/* The same policy through the whole decision pipeline (noise floor, speech, turns, raised voice),
 * on scripted per-hop features (tm_analyzer_process_frames): the caller talks for 125 s in 5 s
 * phrases; the agent cuts in for 2 s at 10, 15, 20, 25 s (a nag before), at 50 and 55 s (after
 * the caller raised their voice at 40-45 s: "upset") and at 110 and 115 s (the raised voice is
 * more than upset_window_s = 60 s back: plain again). */
#define HOPS 12500
static int in(double t, double a, double b) { return t >= a && t < b; }
static void test_scripted_call(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    tm_frame *f = calloc(HOPS * 2, sizeof *f);
    static const double cut[] = {10, 15, 20, 25, 50, 55, 110, 115};
    for (int h = 0; h < HOPS; h++) {
        double t = h / 100.0, ph = fmod(t, 5.0);
        int caller = ph < 4.7 && t >= 0.3, agent = 0;           /* 0.3 s breaths between phrases,
                                                                  * and before the first */
        for (size_t k = 0; k < sizeof cut / sizeof cut[0]; k++) agent |= in(t, cut[k] + 0.5, cut[k] + 2.5);
        int raised = in(t, 40.0, 45.0);
        float syl = (h / 12) % 2 ? 0.0f : -3.0f;                /* syllables: 120 ms up and down */
        tm_frame *fa = &f[2 * h], *fc = &f[2 * h + 1];
        fa->level_db = fa->loudness_lufs = agent ? -30.0f + syl : -80.0f;
        fa->f0_hz = agent ? 120.0f + 5.0f * sinf((float)t * 7.0f) : 0.0f;
        fa->voicing = agent ? 0.9f : 0.0f;
        fc->level_db = fc->loudness_lufs = caller ? (raised ? -20.0f : -30.0f) + syl : -80.0f;
        fc->f0_hz = caller ? (raised ? 240.0f : 200.0f) + 8.0f * sinf((float)t * 5.0f) : 0.0f;
        fc->voicing = caller ? 0.9f : 0.0f;
        fa->f0_live_hz = fa->f0_hz;    /* replay decides on the F0 the live stages saw */
        fc->f0_live_hz = fc->f0_hz;
    }
    assert_int_equal(tm_analyzer_process_frames(a, f, HOPS), TM_OK);
    tm_analyzer_finish(a);
    tm_event ev;
    int shown = 0, finals = 0, raised_caller = 0;
    double shown_t[16] = {0};
    int shown_code[16] = {0}, shown_sev[16] = {0}, final_count[16] = {0};
    while (tm_analyzer_next_event(a, &ev)) {
        double t = ev.start / 16000.0;
        if (ev.type == TM_EV_RAISED_VOICE && ev.speaker == TM_CALLER && ev.final) raised_caller++;
        if (getenv("DEESC_DEBUG") && ev.type != TM_EV_SPEECH) print_message("%s %d %.2f-%.2f det %.2f final %d\n", tm_event_type_name(ev.type), ev.speaker, t, ev.end / 16000.0, ev.detected / 16000.0, ev.final);
        if (ev.type != TM_EV_DEESCALATION) continue;
        if (!ev.final && ev.count == 1 && shown < 16) {
            shown_t[shown] = t;
            shown_code[shown] = ev.reason;
            shown_sev[shown] = ev.severity;
            shown++;
        }
        if (ev.final)
            for (int k = 0; k < shown; k++)
                if (fabs(shown_t[k] - t) < 1e-9 && shown_code[k] == (int)ev.reason) { final_count[k] = ev.count; finals++; }
    }
    for (int k = 0; k < shown; k++) print_message("prompt %s at %.2f s, severity %d, count %d\n", tm_reason_name(shown_code[k]), shown_t[k], shown_sev[k], final_count[k]);
    assert_int_equal(raised_caller, 1);
    assert_int_equal(shown, 4);
    assert_int_equal(finals, 4);
    /* four interruptions in 15 s: one prompt, count 4, plain wording */
    assert_int_equal(shown_code[0], TM_REASON_AGENT_INTERRUPTS);
    assert_true(shown_t[0] > 10.5 && shown_t[0] < 12.5);
    assert_int_equal(shown_sev[0], 1);
    assert_int_equal(final_count[0], 4);
    /* the caller escalates after being interrupted */
    assert_int_equal(shown_code[1], TM_REASON_CALLER_RAISED);
    assert_true(shown_t[1] > 40.0 && shown_t[1] < 42.5);
    assert_int_equal(shown_sev[1], 2);
    /* interrupted again within a minute of the raised voice: "upset", merged in pairs */
    assert_int_equal(shown_code[2], TM_REASON_AGENT_INTERRUPTS);
    assert_true(shown_t[2] > 50.5 && shown_t[2] < 52.5);
    assert_int_equal(shown_sev[2], 2);
    assert_int_equal(final_count[2], 2);
    /* more than upset_window_s after it: repeated, but plain again */
    assert_int_equal(shown_code[3], TM_REASON_AGENT_INTERRUPTS);
    assert_true(shown_t[3] > 110.5 && shown_t[3] < 112.5);
    assert_int_equal(shown_sev[3], 1);
    assert_int_equal(final_count[3], 2);
    free(f);
    tm_analyzer_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_merged),
        cmocka_unit_test(test_upset_needs_raised_voice),
        cmocka_unit_test(test_escalation_not_merged),
        cmocka_unit_test(test_information_only),
        cmocka_unit_test(test_no_merging),
        cmocka_unit_test(test_scripted_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
