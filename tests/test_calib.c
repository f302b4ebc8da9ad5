/* tests/test_calib.c -- the calibration objective: a setting that takes more louder turns
 * (+3..5 dB, not raised) for raised voice than its start ranks below every one that does not,
 * whatever it gains in F1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "calib.h"

/* A tally with raised_tp of 10 raised turns found (none false) and `louder` of 20 louder turns
 * flagged. */
static score_tally *tally(int raised_tp, int louder)
{
    score_tally *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->t[TM_EV_RAISED_VOICE].tp = raised_tp;
    t->t[TM_EV_RAISED_VOICE].fn = 10 - raised_tp;
    t->not_raised_total = 20;
    t->raised_on_not_raised = louder;
    return t;
}

static void test_louder_turns_flagged_rank_last(void **state)
{
    (void)state;
    score_tally *keen = tally(10, 2), *strict = tally(7, 0);
    objective o;
    assert_int_equal(calib_parse_objective("macro", &o), 0);
    assert_int_equal(o.max_louder, -1);
    /* unconstrained (as an evaluation reads it), the keener setting scores higher */
    assert_true(calib_objective_of(keen, &o) > calib_objective_of(strict, &o));
    /* within a fit from a start that flags none, it ranks below the stricter one */
    o.max_louder = 0;
    assert_true(calib_objective_of(keen, &o) < calib_objective_of(strict, &o));
    /* ... and below one that misses every raised turn */
    score_tally *none = tally(0, 0);
    assert_true(calib_objective_of(keen, &o) < calib_objective_of(none, &o));
    /* from a start that already flags two, flagging two is allowed */
    o.max_louder = 2;
    assert_true(calib_objective_of(keen, &o) > calib_objective_of(strict, &o));
    /* the precision-floor objective keeps the constraint too */
    assert_int_equal(calib_parse_objective("raised_voice:precision>=0.9", &o), 0);
    o.max_louder = 0;
    assert_true(calib_objective_of(keen, &o) < calib_objective_of(strict, &o));
    free(keen); free(strict); free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_louder_turns_flagged_rank_last),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
