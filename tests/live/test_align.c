/* tests/live/test_align.c -- the two-device reader of `tonemon live` (tools/io/ring.c, ring_pair)
 * on a simulated clock: a caller device that stalls is detected 2 s later, and meanwhile the
 * agent's audio is held, not dropped; clock drift is trimmed to 50 ms; a device that hiccups and
 * catches up is neither stalled nor trimmed; a device that starts late finds the other's earlier
 * frames dropped whole; two devices with callbacks of their own sizes (fixed or varying), start
 * offsets and drift are paired within a poll (50 ms and a poll with drift); blocks the host dates
 * are paired by their capture times, whatever each device buffers, and undated ones by arrivals
 * as before. Each ring's samples carry their own frame index or capture time, so the test sees
 * exactly which frames were paired. */
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

/* ---- two devices with their own callback sizes, start and clock ----------------------------
 * Each device delivers blocks of its own size (fixed, or varying per callback as some host APIs
 * do) when its last frame is captured, and every sample carries its true capture time in frames
 * of the shared clock (start * RATE + i / speed), so each pair the reader makes is checked
 * exactly: without drift both frames of a pair were captured within one reader poll of each
 * other (the reader knows when a block came to its poll, not better), with drift within the
 * 50 ms allowed plus that poll. */
typedef struct {
    double start_s, speed;   /* when it starts capturing; its clock against the shared one */
    int block, vary;         /* callback size, and by how much it varies (uniform, +-) */
    unsigned seed;
    double lat_s;            /* from a block's last frame's capture to its callback (host buffering) */
    int dated;               /* the host dates its blocks: 1 yes, 0 no (PortAudio's times 0); -1 no
                                callback dates anything (the reader before dating) */
    double clock_s;          /* where the stream's own clock stood when the shared one was at 0 */
    double done;             /* frames delivered */
    int next_n;              /* the size of the next callback */
} sim_dev;

static sim_dev dev(double start_s, double speed, int block, int vary, unsigned seed)
{
    sim_dev d = {.start_s = start_s, .speed = speed, .block = block, .vary = vary, .seed = seed};
    return d;
}

typedef struct {
    double max_err;          /* frames, the worst pair (signed: device 0's time minus 1's) */
    double first_err, last_err;   /* frames, the first pair and the last */
    size_t dropped;
    long paired;
    double behind;           /* frames, how far the pairs lag the later device's delivery at the end */
} sim_out;

static int next_size(sim_dev *d)
{
    if (!d->vary) return d->block;
    d->seed = d->seed * 1103515245u + 12345u;
    return d->block - d->vary + (int)((d->seed >> 16) % (unsigned)(2 * d->vary + 1));
}

/* when the next callback comes; when its first frame was captured */
static double due(const sim_dev *d) { return d->start_s + (d->done + d->next_n) / (RATE * d->speed) + d->lat_s; }
static double first_at(const sim_dev *d) { return d->start_s + d->done / (RATE * d->speed); }

/* The reader polls every poll_s (plus up to jitter_s, as a loaded machine's sleep does) from
 * phase_s on, for dur_s. */
static sim_out simulate(sim_dev d0, sim_dev d1, double poll_s, double jitter_s, double phase_s, double dur_s)
{
    static float x[1 << 16], buf[2 * 8192], tmp[8192];
    sim_dev d[2] = {d0, d1};
    tm_ring ring[2];
    tm_ring *rs[2] = {&ring[0], &ring[1]};
    ring_pair rp;
    for (int k = 0; k < 2; k++) {
        assert_int_equal(ring_init(&ring[k], RATE * 4, 1), 0);
        d[k].next_n = next_size(&d[k]);
    }
    ring_pair_init(&rp, rs, 2, RATE, 2.0, 0.0);
    sim_out o = {0};
    int first = 1, map[1] = {0};
    unsigned js = 99;
    for (double t = phase_s; t < dur_s;) {
        for (int k = 0; k < 2; k++)
            while (due(&d[k]) <= t) {
                for (int i = 0; i < d[k].next_n; i++)
                    x[i] = (float)(d[k].start_s * RATE + (d[k].done + i) / d[k].speed);
                double cb = due(&d[k]);   /* the callback's own moment, before the reader's poll */
                double cur = d[k].dated ? cb + d[k].clock_s : 0.0, adc = d[k].dated ? first_at(&d[k]) + d[k].clock_s : 0.0;
                if (d[k].dated >= 0) ring_stamp(&ring[k], cb, cur, adc, RATE);
                ring_write(&ring[k], x, 1, map, (size_t)d[k].next_n);
                d[k].done += d[k].next_n;
                d[k].next_n = next_size(&d[k]);
            }
        size_t n;
        while ((n = ring_pair_read(&rp, buf, tmp, 8192, t)) > 0) {
            for (size_t i = 0; i < n; i++) {
                double e = (double)buf[2 * i] - buf[2 * i + 1];
                if (first) o.first_err = e;
                first = 0;
                if (fabs(e) > fabs(o.max_err)) o.max_err = e;
                o.last_err = e;
            }
            o.paired += (long)n;
            double late = d[0].start_s > d[1].start_s ? d[0].start_s * RATE + d[0].done / d[0].speed
                                                      : d[1].start_s * RATE + d[1].done / d[1].speed;
            o.behind = late - buf[2 * n - 2];
        }
        js = js * 1103515245u + 12345u;
        t += poll_s + jitter_s * ((js >> 16) % 1000) / 1000.0;
    }
    o.dropped = rp.dropped;
    for (int k = 0; k < 2; k++) ring_free(&ring[k]);
    return o;
}

/* Both clocks at one rate: every pair within one reader poll, the earlier device's lead dropped
 * and nothing else (within a poll), and the pairs keep up with the devices. */
static void check_no_drift(int b0, int v0, int b1, int v1, double poll_s, double jitter_s)
{
    static const double offs[] = {0.0, 0.013, -0.013, 0.03, -0.07, 0.3, -0.3};
    double worst = 0;
    for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++)
        for (int ph = 0; ph < 10; ph += 2) {
            sim_dev d0 = dev(0.5, 1.0, b0, v0, 1u + (unsigned)ph), d1 = dev(0.5 + offs[o], 1.0, b1, v1, 7u + (unsigned)ph);
            sim_out r = simulate(d0, d1, poll_s, jitter_s, 0.001 * ph, 8.0);
            double tol = (poll_s + jitter_s) * RATE + 1;
            if (fabs(r.max_err) > fabs(worst)) worst = r.max_err;
            if (fabs(r.max_err) > tol || fabs((double)r.dropped - fabs(offs[o]) * RATE) > tol ||
                r.behind > (b0 + v0 > b1 + v1 ? b0 + v0 : b1 + v1) + tol)
                fail_msg("blocks %d+-%d and %d+-%d, device 1 %+.0f ms, reader phase %d ms: worst pair %.1f ms apart "
                         "(first %.1f ms), %zu dropped for a lead of %.0f, pairs %.0f frames behind",
                         b0, v0, b1, v1, 1000 * offs[o], ph, 1000 * r.max_err / RATE, 1000 * r.first_err / RATE,
                         r.dropped, fabs(offs[o]) * RATE, r.behind);
        }
    print_message("blocks %4d+-%-4d and %4d+-%-4d: worst pair %5.1f ms apart\n", b0, v0, b1, v1, 1000 * worst / RATE);
}

static void test_unequal_blocks(void **state)
{
    (void)state;
    check_no_drift(256, 0, 441, 0, 0.01, 0);
    check_no_drift(256, 0, 1024, 0, 0.01, 0);
    check_no_drift(1024, 0, 256, 0, 0.01, 0);
    check_no_drift(160, 0, 2048, 0, 0.01, 0);   /* a block longer than the 50 ms allowed */
    check_no_drift(441, 0, 1024, 0, 0.01, 0);
    check_no_drift(1024, 0, 1024, 0, 0.01, 0);   /* out of phase by the start offset */
}

static void test_varying_blocks(void **state)
{
    (void)state;
    check_no_drift(256, 128, 256, 128, 0.01, 0);
    check_no_drift(256, 0, 1024, 512, 0.01, 0);
    check_no_drift(1024, 512, 256, 128, 0.01, 0);
    check_no_drift(160, 80, 2048, 1024, 0.01, 0);
    check_no_drift(1024, 512, 1024, 512, 0.01, 0);
    check_no_drift(441, 220, 1024, 512, 0.01, 0.005);   /* and a reader that polls every 10-15 ms */
}

/* A start offset and clock drift together: every pair within 50 ms plus a poll; what was dropped
 * is the lead and the faster clock's excess, less what the 50 ms allowance still holds, or more by
 * what the trims misjudged: up to a poll at the start (frames the other device then gives up too)
 * and a poll at the last drift trim. */
static void test_offset_and_drift(void **state)
{
    (void)state;
    static const int blocks[][4] = {{256, 0, 256, 0}, {256, 0, 1024, 0}, {1024, 0, 256, 0}, {160, 0, 2048, 0},
                                    {441, 220, 1024, 512}, {1024, 512, 256, 128}};
    static const double offs[] = {0.0, 0.02, -0.07, 0.3, -0.3}, speeds[] = {1.005, 0.995, 1.002};
    const double dur = 20.0;
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        double worst = 0;
        for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++)
            for (size_t s = 0; s < sizeof speeds / sizeof speeds[0]; s++)
                for (int ph = 0; ph < 10; ph += 5) {
                    sim_dev d0 = dev(0.5, 1.0, blocks[b][0], blocks[b][1], 3u + (unsigned)ph);
                    sim_dev d1 = dev(0.5 + offs[o], speeds[s], blocks[b][2], blocks[b][3], 5u + (unsigned)ph);
                    sim_out r = simulate(d0, d1, 0.01, 0, 0.001 * ph, dur);
                    double tol = 0.01 * RATE + 1, allowed = RATE / 20 + tol;
                    double excess = fabs(speeds[s] - 1.0) * (dur - 0.5 - (offs[o] > 0 ? offs[o] : 0)) * RATE;
                    double want = fabs(offs[o]) * RATE + excess;
                    int bmax = blocks[b][0] + blocks[b][1] > blocks[b][2] + blocks[b][3] ? blocks[b][0] + blocks[b][1]
                                                                                           : blocks[b][2] + blocks[b][3];
                    if (fabs(r.max_err) > fabs(worst)) worst = r.max_err;
                    if (fabs(r.max_err) > allowed || fabs(r.first_err) > tol || (double)r.dropped > want + 3 * tol ||
                        (double)r.dropped < want - allowed - bmax)
                        fail_msg("blocks %d+-%d and %d+-%d, device 1 %+.0f ms at speed %.3f, phase %d ms: worst pair "
                                 "%.1f ms apart, first %.1f ms, last %.1f ms; %zu dropped for %.0f",
                                 blocks[b][0], blocks[b][1], blocks[b][2], blocks[b][3], 1000 * offs[o], speeds[s], ph,
                                 1000 * r.max_err / RATE, 1000 * r.first_err / RATE, 1000 * r.last_err / RATE, r.dropped, want);
                }
        print_message("blocks %4d+-%-4d and %4d+-%-4d, offsets and drift: worst pair %5.1f ms apart\n", blocks[b][0],
                      blocks[b][1], blocks[b][2], blocks[b][3], 1000 * worst / RATE);
    }
}

/* Hosts that date their blocks (PortAudio's inputBufferAdcTime, each stream on a clock of its own
 * origin): the agent's device buffers 30 ms more than the caller's before its callback, which
 * arrivals alone take for a 30 ms lead. Dated, every pair is within a millisecond without drift
 * (and the start's drop is the lead to a millisecond), the first pair too with drift (the reader
 * counts a device's frames at the nominal rate: 0.5 % of the frames waiting), and within the 50 ms
 * allowed after. Undated (the
 * times 0, as some hosts give), the reader is exactly the one that judges by arrivals. */
static void test_host_dated_blocks(void **state)
{
    (void)state;
    static const double offs[] = {0.0, 0.013, -0.07, 0.3, -0.3}, speeds[] = {1.0, 1.005, 0.995};
    double worst[2] = {0, 0};
    for (size_t o = 0; o < sizeof offs / sizeof offs[0]; o++)
        for (size_t s = 0; s < sizeof speeds / sizeof speeds[0]; s++)
            for (int ph = 0; ph < 10; ph += 3) {
                sim_out r[2];
                for (int dated = 0; dated < 2; dated++) {
                    sim_dev d0 = dev(0.5, 1.0, 1024, 512, 3u + (unsigned)ph), d1 = dev(0.5 + offs[o], speeds[s], 256, 0, 5u);
                    d0.lat_s = 0.032;
                    d1.lat_s = 0.002;
                    d0.dated = d1.dated = dated;
                    d0.clock_s = 1000.0;   /* each stream's clock from its own origin */
                    d1.clock_s = -0.25;
                    r[dated] = simulate(d0, d1, 0.01, 0.005, 0.001 * ph, speeds[s] == 1.0 ? 6.0 : 20.0);
                    if (speeds[s] == 1.0 && fabs(r[dated].max_err) > fabs(worst[dated])) worst[dated] = r[dated].max_err;
                }
                double ms = RATE / 1000.0, allowed = speeds[s] == 1.0 ? ms : RATE / 20 + ms;
                if (fabs(r[1].max_err) > allowed || fabs(r[1].first_err) > ms ||
                    (speeds[s] == 1.0 && fabs((double)r[1].dropped - fabs(offs[o]) * RATE) > ms))
                    fail_msg("dated, device 1 %+.0f ms at speed %.3f, phase %d ms: worst pair %.2f ms apart, first %.2f ms; "
                             "%zu dropped", 1000 * offs[o], speeds[s], ph, 1000 * r[1].max_err / RATE,
                             1000 * r[1].first_err / RATE, r[1].dropped);
            }
    print_message("agent's device buffering 30 ms more, no drift: worst pair %.1f ms apart by arrivals, %.2f ms dated\n",
                  1000 * worst[0] / RATE, 1000 * worst[1] / RATE);
    assert_true(fabs(worst[0]) > 0.02 * RATE);   /* arrivals alone cannot see the buffering */
}

/* The times 0 (JACK or ALSA may not say) leave the reader as it was: the same pairs and drops as
 * a ring nobody dated. */
static void test_undated_is_arrivals(void **state)
{
    (void)state;
    tm_ring r;
    assert_int_equal(ring_init(&r, RATE, 1), 0);
    ring_stamp(&r, 12.0, 0.0, 0.0, RATE);
    ring_stamp(&r, 12.0, 5.0, 0.0, RATE);
    ring_stamp(&r, 12.0, 0.0, 5.0, RATE);
    ring_stamp(&r, 12.0, 5.0, 6.0, RATE);    /* captured after now: nonsense */
    ring_stamp(&r, 12.0, 9.0, 5.0, RATE);    /* 4 s old: nonsense */
    assert_true(isnan(atomic_load(&r.t0)));
    ring_stamp(&r, 12.0, 5.0, 4.99, RATE);
    assert_true(fabs(atomic_load(&r.t0) - 11.99) < 1e-9);
    ring_free(&r);
    sim_dev d0 = dev(0.5, 1.0, 1024, 512, 3u), d1 = dev(0.6, 1.003, 256, 0, 5u);
    d0.lat_s = 0.03;
    d0.dated = d1.dated = -1;
    sim_out a = simulate(d0, d1, 0.01, 0.005, 0.0, 20.0);
    d0.dated = d1.dated = 0;   /* the callbacks pass PortAudio's zeros */
    sim_out b = simulate(d0, d1, 0.01, 0.005, 0.0, 20.0);
    assert_true(a.max_err == b.max_err && a.dropped == b.dropped && a.paired == b.paired);
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
        cmocka_unit_test(test_unequal_blocks),
        cmocka_unit_test(test_varying_blocks),
        cmocka_unit_test(test_offset_and_drift),
        cmocka_unit_test(test_host_dated_blocks),
        cmocka_unit_test(test_undated_is_arrivals),
        cmocka_unit_test(test_one_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
