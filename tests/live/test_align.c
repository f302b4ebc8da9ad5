/* tests/live/test_align.c -- the two-device reader of `tonemon live` (tools/ring.c, ring_pair)
 * on a simulated clock: a caller device that stalls is detected 2 s later, and meanwhile the
 * agent's audio is held, not dropped; clock drift is trimmed to 50 ms; a device that hiccups and
 * catches up is neither stalled nor trimmed; a device that starts late finds the other's earlier
 * frames dropped whole. Each ring's samples carry their own frame index, so
 * the test sees exactly which frames were paired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "ring.h"

enum { RATE = 16000, STEP = 160 };   /* 10 ms */

typedef struct {
    tm_ring ring[2];
    ring_pair rp;
    double w[2];                     /* frames written so far per device (fractional for drift) */
    long out_n;                      /* frames the reader took */
    long mismatches;                 /* pairs whose two indices differ by more than max_ahead */
    float last[2];
    double speed1;                   /* device 1's clock against device 0's */
} rig;

static void rig_init(rig *g)
{
    memset(g, 0, sizeof *g);
    g->speed1 = 1.0;
    for (int k = 0; k < 2; k++) assert_int_equal(ring_init(&g->ring[k], RATE * 4, 1), 0);
    tm_ring *r[2] = {&g->ring[0], &g->ring[1]};
    ring_pair_init(&g->rp, r, 2, RATE, 2.0, 0.0);
}

static void rig_free(rig *g)
{
    for (int k = 0; k < 2; k++) ring_free(&g->ring[k]);
}

static void produce(rig *g, int k, double frames)
{
    static float x[8 * RATE];
    size_t from = (size_t)g->w[k], to = (size_t)(g->w[k] + frames);
    assert_true(to - from <= sizeof x / sizeof x[0]);
    for (size_t i = from; i < to; i++) x[i - from] = (float)i;
    int map[1] = {0};
    ring_write(&g->ring[k], x, 1, map, to - from);
    g->w[k] += frames;
}

/* One reader pass at time now; returns the stall mask. */
static int consume(rig *g, double now)
{
    static float buf[2 * 8192], tmp[8192];
    int stalled = ring_pair_poll(&g->rp, now);
    size_t n;
    while ((n = ring_pair_read(&g->rp, buf, tmp, 8192, now)) > 0) {
        for (size_t i = 0; i < n; i++) {
            /* the two frames paired were captured at the same moment, within the 50 ms allowed */
            if (fabs(buf[2 * i] - buf[2 * i + 1] / g->speed1) > RATE / 20 + STEP) g->mismatches++;
            g->last[0] = buf[2 * i];
            g->last[1] = buf[2 * i + 1];
        }
        g->out_n += (long)n;
    }
    return stalled;
}

static void test_caller_stalls(void **state)
{
    (void)state;
    rig g;
    rig_init(&g);
    double first_stall = -1.0;
    int mask = 0;
    for (int step = 1; step <= 600; step++) {   /* 6 s; the caller's device stops at 3 s */
        double t = step * 0.01;
        produce(&g, 0, STEP);
        if (t <= 3.0) produce(&g, 1, STEP);
        int m = consume(&g, t);
        if (m && first_stall < 0) { first_stall = t; mask = m; }
    }
    print_message("stall reported at %.2f s (mask %d), %zu frames dropped, %ld frames paired\n", first_stall, mask,
                  g.rp.dropped, g.out_n);
    assert_int_equal(mask, 2);                      /* the caller's device, not the agent's */
    assert_true(first_stall >= 5.0 - 1e-9 && first_stall <= 5.02);
    assert_int_equal(g.rp.dropped, 0);              /* the agent's audio was held, not thrown away */
    assert_int_equal(g.out_n, 300 * STEP);          /* everything both delivered was analysed */
    assert_int_equal(g.mismatches, 0);
    assert_true(ring_available(&g.ring[0]) >= 300 * STEP);   /* the agent's last 3 s are still there */
    rig_free(&g);
}

static void test_agent_stalls(void **state)
{
    (void)state;
    rig g;
    rig_init(&g);
    int mask = 0;
    for (int step = 1; step <= 400 && !mask; step++) {
        double t = step * 0.01;
        if (t <= 1.0) produce(&g, 0, STEP);
        produce(&g, 1, STEP);
        mask = consume(&g, t);
    }
    assert_int_equal(mask, 1);
    assert_int_equal(g.rp.dropped, 0);
    rig_free(&g);
}

static void test_drift_is_trimmed(void **state)
{
    (void)state;
    rig g;
    rig_init(&g);
    g.speed1 = 1.005;
    for (int step = 1; step <= 3000; step++) {      /* 30 s, the caller's clock 0.5 % fast */
        double t = step * 0.01;
        produce(&g, 0, STEP);
        produce(&g, 1, STEP * 1.005);
        assert_int_equal(consume(&g, t), 0);
        size_t a0 = ring_available(&g.ring[0]), a1 = ring_available(&g.ring[1]);
        assert_true(a1 <= a0 + RATE / 20 + STEP);
    }
    double excess = 3000 * STEP * 0.005;            /* 2400 frames the caller delivered extra */
    print_message("drift: %zu frames dropped of %.0f extra\n", g.rp.dropped, excess);
    assert_true(g.rp.dropped >= excess - RATE / 20 - STEP && g.rp.dropped <= excess);
    assert_int_equal(g.mismatches, 0);
    rig_free(&g);
}

static void test_hiccup_catches_up(void **state)
{
    (void)state;
    rig g;
    rig_init(&g);
    for (int step = 1; step <= 500; step++) {       /* the caller's device pauses 1 s, then delivers the backlog */
        double t = step * 0.01;
        produce(&g, 0, STEP);
        if (step < 200 || step > 300) produce(&g, 1, step == 301 ? STEP * 102 : STEP);
        assert_int_equal(consume(&g, t), 0);
    }
    assert_int_equal(g.rp.dropped, 0);
    assert_int_equal(g.mismatches, 0);
    assert_true(g.last[0] == g.last[1]);
    assert_int_equal(g.out_n, 500 * STEP);
    rig_free(&g);
}

/* The caller's device starts lead_s after the agent's (two streams opened one after the other on
 * a loaded machine): its frames carry the shared clock's index, so the pair is right only when
 * every frame the agent's device delivered before it was dropped, even a lead under 50 ms. */
static void late_start(double lead_s)
{
    rig g;
    rig_init(&g);
    size_t lead = (size_t)(lead_s * RATE);
    g.w[1] = (double)lead;
    for (int step = 1; step <= 300; step++) {
        double t = step * 0.01;
        produce(&g, 0, STEP);
        if (t > lead_s + 1e-9) produce(&g, 1, STEP);
        assert_int_equal(consume(&g, t), 0);
    }
    print_message("caller's device %.0f ms late: %zu frames dropped\n", 1000 * lead_s, g.rp.dropped);
    assert_int_equal(g.rp.dropped, lead);
    assert_true(g.out_n > 0);
    assert_true(g.last[0] == g.last[1]);
    rig_free(&g);
}

static void test_late_start_is_trimmed_whole(void **state)
{
    (void)state;
    late_start(0.3);
    late_start(0.03);
}

static void test_one_device(void **state)
{
    (void)state;
    tm_ring r;
    assert_int_equal(ring_init(&r, RATE, 2), 0);
    tm_ring *rs[1] = {&r};
    ring_pair rp;
    ring_pair_init(&rp, rs, 1, RATE, 2.0, 0.0);
    float x[2 * STEP] = {0}, buf[2 * 8192], tmp[8192];
    int map[2] = {0, 1};
    ring_write(&r, x, 2, map, STEP);
    assert_int_equal(ring_pair_read(&rp, buf, tmp, 8192, 0.5), STEP);
    assert_int_equal(ring_pair_poll(&rp, 2.4), 0);
    assert_int_equal(ring_pair_poll(&rp, 2.5), 1);
    ring_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_caller_stalls),
        cmocka_unit_test(test_agent_stalls),
        cmocka_unit_test(test_drift_is_trimmed),
        cmocka_unit_test(test_hiccup_catches_up),
        cmocka_unit_test(test_late_start_is_trimmed_whole),
        cmocka_unit_test(test_one_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
