/* tests/test_median.c -- the histogram quantiles (src/median.c) on known distributions: quantiles
 * of a uniform spread and of two clusters within one bin, the sliding window forgetting old
 * values, prior phantoms replaced one by one, the empty fallback, values out of range, copy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "median.h"

/* ---- adapter: every call into the stage is in this section ------------------------------- */

/* bins of 1 over [0, 100] (centres 0.5, 1.5, ...); window of ring_cap values, 0 none */
static void setup(tm_median *m, int ring_cap)
{
    assert_int_equal(tmi_median_init(m, 0.0f, 100.0f, 1.0f, ring_cap), 0);
    tmi_median_reset(m, 0.0f, 0);
}
static void seed_prior(tm_median *m, float prior, int count) { tmi_median_reset(m, prior, count); }
static void add(tm_median *m, float v) { tmi_median_add(m, v); }
static float q(const tm_median *m, float p) { return tmi_median_quantile(m, p, -1.0f); }
static float q_or(const tm_median *m, float p, float fallback) { return tmi_median_quantile(m, p, fallback); }
static void copy(tm_median *dst, const tm_median *src) { tmi_median_copy(dst, src); }
static void done(tm_median *m) { tmi_median_free(m); }

/* ---- the tests --------------------------------------------------------------------------- */

static void test_uniform_quantiles_within_one_bin(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 0);
    /* 10000 values spread evenly over [20, 80): quantile p is at 20 + 60 p */
    for (int i = 0; i < 10000; i++) add(&m, 20.0f + 60.0f * ((float)i + 0.5f) / 10000.0f);
    const float ps[] = {0.0f, 0.1f, 0.25f, 0.5f, 0.6f, 0.9f, 1.0f};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        float want = 20.0f + 60.0f * ps[k];
        float got = q(&m, ps[k]);
        if (fabsf(got - want) > 1.0f) fail_msg("p %.2f: %.2f, want %.2f", ps[k], got, want);
    }
    done(&m);
}

static void test_two_clusters(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 0);
    /* 300 values at 10.2, 700 at 50.7 (shuffled order): the bin centres are 10.5 and 50.5 */
    for (int i = 0; i < 1000; i++) add(&m, (i * 7) % 10 < 3 ? 10.2f : 50.7f);
    assert_true(q(&m, 0.0f) == 10.5f);
    assert_true(q(&m, 0.29f) == 10.5f);
    assert_true(q(&m, 0.31f) == 50.5f);
    assert_true(q(&m, 0.5f) == 50.5f);
    assert_true(q(&m, 1.0f) == 50.5f);
    done(&m);
}

static void test_window_forgets_old_values(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 100);
    for (int i = 0; i < 100; i++) add(&m, 10.0f);
    assert_true(q(&m, 0.5f) == 10.5f);
    /* 40 newer values at 50: the window holds 60 at 10 and 40 at 50 */
    for (int i = 0; i < 40; i++) add(&m, 50.0f);
    assert_true(q(&m, 0.5f) == 10.5f);
    assert_true(q(&m, 0.61f) == 50.5f);
    /* 20 more: 40 at 10, 60 at 50 */
    for (int i = 0; i < 20; i++) add(&m, 50.0f);
    assert_true(q(&m, 0.5f) == 50.5f);
    assert_true(q(&m, 0.39f) == 10.5f);
    /* 40 more: the old values are all gone */
    for (int i = 0; i < 40; i++) add(&m, 50.0f);
    assert_true(q(&m, 0.0f) == 50.5f);
    assert_int_equal(m.count, 100);
    done(&m);
}

static void test_prior_phantoms_replaced_one_by_one(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 0);
    seed_prior(&m, 30.0f, 10);
    assert_true(q(&m, 0.5f) == 30.5f);
    for (int i = 1; i <= 10; i++) {
        add(&m, 70.0f);
        /* i real values and 10 - i phantoms: the weight stays that of 10 values */
        assert_int_equal(m.count, 10);
        float lowest = q(&m, 0.0f), highest = q(&m, 1.0f);
        assert_true(highest == 70.5f);
        assert_true(lowest == (i < 10 ? 30.5f : 70.5f));
        /* the median moves over once real values are the majority */
        assert_true(q(&m, 0.5f) == (i > 5 ? 70.5f : 30.5f));
    }
    /* no phantoms left: real values add weight */
    add(&m, 70.0f);
    assert_int_equal(m.count, 11);
    done(&m);
}

static void test_prior_with_window(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 4);
    seed_prior(&m, 30.0f, 6);
    /* six values into a window of four: the phantoms are gone, and the two oldest values */
    for (int i = 0; i < 6; i++) add(&m, (float)(60 + i));
    assert_int_equal(m.count, 4);
    assert_true(q(&m, 0.0f) == 62.5f);
    assert_true(q(&m, 1.0f) == 65.5f);
    done(&m);
}

static void test_empty_fallback_and_range(void **state)
{
    (void)state;
    tm_median m;
    setup(&m, 0);
    assert_true(q_or(&m, 0.5f, -7.0f) == -7.0f);
    seed_prior(&m, 30.0f, 0);
    assert_true(q_or(&m, 0.5f, 42.0f) == 42.0f);
    /* out of range: into the end bins, never outside the histogram */
    add(&m, -50.0f);
    assert_true(q(&m, 0.5f) == 0.5f);
    add(&m, 500.0f);
    add(&m, 500.0f);
    assert_true(q(&m, 1.0f) == 100.5f);
    done(&m);
}

static void test_copy(void **state)
{
    (void)state;
    tm_median a, b;
    setup(&a, 0);
    setup(&b, 0);
    seed_prior(&a, 90.0f, 5);
    for (int i = 0; i < 20; i++) add(&a, (float)(i % 4) * 10.0f + 5.0f);   /* 5, 15, 25, 35 */
    add(&b, 99.0f);
    copy(&b, &a);
    const float ps[] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) assert_true(q(&b, ps[k]) == q(&a, ps[k]));
    assert_true(q(&b, 0.5f) == 15.5f);
    /* the copy is independent of its source */
    for (int i = 0; i < 50; i++) add(&a, 80.0f);
    assert_true(q(&b, 0.5f) == 15.5f);
    add(&b, 35.0f);
    assert_int_equal(b.count, 21);
    done(&a);
    done(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_quantiles_within_one_bin),
        cmocka_unit_test(test_two_clusters),
        cmocka_unit_test(test_window_forgets_old_values),
        cmocka_unit_test(test_prior_phantoms_replaced_one_by_one),
        cmocka_unit_test(test_prior_with_window),
        cmocka_unit_test(test_empty_fallback_and_range),
        cmocka_unit_test(test_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
