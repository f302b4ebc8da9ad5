/* tests/test_evtype.c -- the event-type table of the front ends (tools/evtype.c) against the
 * library: one row per type with the library's name, and every type the library announces early
 * (final = 0, what the live view shows the agent) marked as prompting, so no alert is dropped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "evtype.h"
#include "harness.h"

static void test_rows_match_library(void **state)
{
    (void)state;
    char lanes[TM_EV__COUNT + 1] = "";
    for (int k = 0; k < TM_EV__COUNT; k++) {
        const ev_type_info *t = ev_type(k);
        assert_non_null(t);
        assert_int_equal(t->type, k);
        assert_string_equal(t->name, tm_event_type_name((tm_event_type)k));
        assert_int_equal(ev_type_by_name(t->name), k);
        if (t->scored) assert_non_null(t->truth_key);        /* scored needs truth to score against */
        if (t->other_key) assert_non_null(t->speaker_key);
        if (t->lane) {                                       /* the report tells lanes by code */
            assert_null(strchr(lanes, t->lane));
            lanes[strlen(lanes)] = t->lane;
        }
    }
    assert_null(ev_type(-1));
    assert_null(ev_type(TM_EV__COUNT));
    assert_int_equal(ev_type_by_name("no_such_type"), -1);
}

/* Calls with raised voice, interruptions, silence and a monologue: every early event's type
 * prompts, and every prompting type but de-escalation (derived) appears early at least once. */
static void test_early_events_prompt(void **state)
{
    (void)state;
    int early[TM_EV__COUNT] = {0};
    const char *conds[] = {"clean", "monologue"};
    for (int c = 0; c < 2; c++) {
        synth_opts o = harness_opts(harness_condition(conds[c]), 3, 120.0);
        float *l, *r;
        size_t n;
        synth_truth st;
        assert_int_equal(synth_generate(&o, &l, &r, &n, &st), 0);
        run_out out;
        assert_int_equal(harness_analyze(l, r, n, o.rate_hz, NULL, 4096, &out), 0);
        for (size_t i = 0; i < out.n_ev; i++) {
            if (out.ev[i].final) continue;
            early[out.ev[i].type]++;
            if (!ev_type(out.ev[i].type)->prompts)
                print_error("%s: an early %s event, but its row does not prompt\n", conds[c], tm_event_type_name(out.ev[i].type));
            assert_true(ev_type(out.ev[i].type)->prompts);
        }
        run_out_free(&out);
        synth_free(l, r, &st);
    }
    for (int k = 0; k < TM_EV__COUNT; k++)
        if (ev_type(k)->prompts && k != TM_EV_DEESCALATION && !early[k])
            print_message("note: no early %s event in these calls\n", tm_event_type_name((tm_event_type)k));
    assert_true(early[TM_EV_INTERRUPTION] > 0 && early[TM_EV_DEESCALATION] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_match_library),
        cmocka_unit_test(test_early_events_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
