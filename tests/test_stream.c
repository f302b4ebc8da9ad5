/* tests/test_stream.c -- the same audio in blocks of 1, 37, 160 samples or all at once gives the
 * same frames and the same events, bit for bit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

static void same_runs(const char *cond, double dur)
{
    synth_opts o = harness_opts(harness_condition(cond), 4, dur);
    float *l, *r;
    size_t n;
    synth_truth st;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &st), 0);
    size_t blocks[] = {n, 1, 37, 160, 4096};
    run_out ref;
    assert_int_equal(harness_analyze(l, r, n, o.rate_hz, NULL, blocks[0], &ref), 0);
    assert_true(ref.n_ev > 20);
    for (int b = 1; b < 5; b++) {
        run_out x;
        assert_int_equal(harness_analyze(l, r, n, o.rate_hz, NULL, blocks[b], &x), 0);
        if (x.n_ev != ref.n_ev) print_error("%s: block %zu: %zu events, whole: %zu\n", cond, blocks[b], x.n_ev, ref.n_ev);
        assert_int_equal(x.n_ev, ref.n_ev);
        for (size_t i = 0; i < ref.n_ev; i++) assert_true(event_equal(&x.ev[i], &ref.ev[i]));
        assert_int_equal(x.hops, ref.hops);
        for (size_t i = 0; i < ref.hops * 2; i++) {
            if (!frame_equal(&x.fr[i], &ref.fr[i])) print_error("%s: block %zu: frame %zu differs\n", cond, blocks[b], i);
            assert_true(frame_equal(&x.fr[i], &ref.fr[i]));
        }
        run_out_free(&x);
    }
    run_out_free(&ref);
    synth_free(l, r, &st);
}

static void test_blocks_16k(void **state) { (void)state; same_runs("bleed20", 60.0); }
static void test_blocks_8k(void **state) { (void)state; same_runs("tel_bleed", 60.0); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_16k),
        cmocka_unit_test(test_blocks_8k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
