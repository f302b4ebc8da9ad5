/* tests/test_echo.c -- the echo canceller cue (src/echo.c) against signals whose echo is known:
 * a channel that is only the other channel through a known echo path (120 ms, -6 dB, a decaying
 * reverberant tail) gets a large removal once the canceller has converged, and the other
 * direction (the original voice, which no echo explains) none; a voice of its own with the
 * reference silent gets none; and double-talk is not called echo. The signals are seeded noise
 * in syllables (200 ms on, 100 ms off, random level), a stand-in for speech with a full band. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "echo.h"
#include "signal.h"

#define RATE 16000
#define HOP 160
#define SECONDS 10
#define N (RATE * SECONDS)
#define HOPS (N / HOP)
#define DELAY_MS 120
#define COUPLING_DB -6.0f
#define T60_S 0.3f
/* the channels' noise floors as the analyzer would pass them: far under every test signal */
static const float no_floor[2] = {-120.0f, -120.0f};

/* Seeded noise in syllables: 200 ms on at a random level within 10 dB, 100 ms off. */
static void syllables(float *x, size_t n, uint64_t seed)
{
    sig_noise(x, n, 0.05f, seed);
    uint64_t s = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i += RATE * 3 / 10) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        float g = powf(10.0f, -(float)((s >> 33) % 1000) / 100.0f / 20.0f);
        for (size_t j = i; j < n && j < i + RATE * 3 / 10; j++) x[j] *= j < i + RATE / 5 ? g : 0.0f;
    }
}

/* y = x through the echo path: the direct sound at DELAY_MS and COUPLING_DB, then a tail of
 * reflections every 7 ms decaying by 60 dB over T60_S (its energy a third of the direct's). */
static void echo_path(const float *x, float *y, size_t n)
{
    int d = RATE * DELAY_MS / 1000;
    float g = powf(10.0f, COUPLING_DB / 20.0f);
    memset(y, 0, n * sizeof *y);
    for (int r = 0; r < 40; r++) {
        int lag = d + r * RATE * 7 / 1000;
        float t = (float)(lag - d) / RATE;
        float a = r == 0 ? g : 0.35f * g * powf(10.0f, -3.0f * t / T60_S) * ((r & 1) ? 1.0f : -1.0f);
        for (size_t i = (size_t)lag; i < n; i++) y[i] += a * x[i - (size_t)lag];
    }
}

typedef struct { float db[2][HOPS]; int known[2][HOPS]; } cues;

/* Runs the canceller over the two channels (x0 is channel 0) and collects every hop's cue.
 * run_leak_db: the profile's echo_run_leak_db (-100: both directions always run). */
static void run_at(const float *x0, const float *x1, cues *out, float run_leak_db)
{
    /* the noise floor the analyzer would pass: the tests' room noise, -66 dBFS */
    static const float room_floor[2] = {-66.0f, -66.0f};
    tm_echo e;
    tm_config cfg = tm_config_default(RATE);
    cfg.echo_canceller = 1;
    cfg.echo_filter_ms = 320.0f;
    cfg.speech_min_level_db = -60.0f;
    cfg.echo_warmup_s = 2.0f;
    cfg.echo_run_leak_db = run_leak_db;
    assert_int_equal(tmi_echo_init(&e, &cfg, RATE / HOP), 0);
    assert_true(e.on);
    for (int h = 0; h < HOPS; h++) {
        tmi_echo_hop(&e, h, x0 + h * HOP, x1 + h * HOP, run_leak_db <= -100.0f ? no_floor : room_floor);
        /* the decision reads a hop two hops later (the pitch lookahead): complete by then */
        if (h >= 2)
            for (int c = 0; c < 2; c++) {
                out->known[c][h - 2] = tmi_echo_cue(&e, c, h - 2, &out->db[c][h - 2]);
                if (run_leak_db <= -100.0f) assert_true(out->known[c][h - 2] > 0);
            }
    }
    tmi_echo_free(&e);
}

static void run(const float *x0, const float *x1, cues *out) { run_at(x0, x1, out, -100.0f); }

static int cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Median of the cue of channel c over hops [from, to) where `where` holds, and how many. */
static float median_where(const cues *q, int c, int from, int to, const float *sig, float min_db, int *count)
{
    static float v[HOPS];
    int n = 0;
    for (int h = from; h < to; h++)
        if (sig_rms_db(sig + h * HOP, HOP) >= min_db) v[n++] = q->db[c][h];
    *count = n;
    if (!n) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

static float share_over(const cues *q, int c, int from, int to, const float *sig, float min_db, float over)
{
    int n = 0, k = 0;
    for (int h = from; h < to; h++)
        if (sig_rms_db(sig + h * HOP, HOP) >= min_db) {
            n++;
            k += q->db[c][h] >= over;
        }
    return n ? (float)k / n : 0.0f;
}

/* Channel 0 carries only channel 1's echo: after 3 s of convergence most of it is removed.
 * The original voice on channel 1 is explained by nothing on channel 0: nothing removed. */
static void test_echo_only_is_removed(void **state)
{
    (void)state;
    float *ref = malloc(N * sizeof *ref), *mic = malloc(N * sizeof *mic), *noise = malloc(N * sizeof *noise);
    cues *q = calloc(1, sizeof *q);
    syllables(ref, N, 7);
    echo_path(ref, mic, N);
    sig_noise(noise, N, 0.0005f, 8);           /* -66 dBFS room noise on both */
    sig_add(mic, noise, N, 1.0f);
    sig_noise(noise, N, 0.0005f, 9);
    sig_add(ref, noise, N, 1.0f);
    run(mic, ref, q);
    int n0, n1;
    float m0 = median_where(q, 0, 300, HOPS - 2, mic, -45.0f, &n0);
    float m1 = median_where(q, 1, 300, HOPS - 2, ref, -45.0f, &n1);
    print_message("echo only: channel 0 (echo) median removed %.1f dB over %d hops; channel 1 (voice) %.1f dB over %d\n",
                  m0, n0, m1, n1);
    assert_true(n0 > 300 && n1 > 300);
    assert_true(m0 >= 10.0f);
    assert_true(share_over(q, 0, 300, HOPS - 2, mic, -45.0f, 6.0f) >= 0.8f);
    assert_true(m1 <= 1.0f);
    assert_true(share_over(q, 1, 300, HOPS - 2, ref, -45.0f, 6.0f) <= 0.05f);
    free(ref); free(mic); free(noise); free(q);
}

/* A voice on channel 0 while channel 1 is silent (room noise only): nothing to remove. */
static void test_own_voice_reference_silent(void **state)
{
    (void)state;
    float *mic = malloc(N * sizeof *mic), *ref = malloc(N * sizeof *ref);
    cues *q = calloc(1, sizeof *q);
    syllables(mic, N, 11);
    sig_noise(ref, N, 0.0005f, 12);
    run(mic, ref, q);
    int n;
    float m = median_where(q, 0, 0, HOPS - 2, mic, -45.0f, &n);
    print_message("own voice, reference silent: median removed %.2f dB over %d hops\n", m, n);
    assert_true(n > 300);
    for (int h = 0; h < HOPS - 2; h++) {
        assert_int_equal(q->known[0][h], 2);   /* known: a silent reference leaks nothing */
        assert_true(fabsf(q->db[0][h]) <= 1.0f);
    }
    free(mic); free(ref); free(q);
}

/* 5 s of echo only (the canceller converges), then 5 s where channel 0 also carries a voice of
 * its own 6 dB over the echo: those double-talk hops are not called echo. */
static void test_double_talk_not_echo(void **state)
{
    (void)state;
    float *ref = malloc(N * sizeof *ref), *mic = malloc(N * sizeof *mic), *own = malloc(N * sizeof *own);
    cues *q = calloc(1, sizeof *q);
    syllables(ref, N, 21);
    echo_path(ref, mic, N);
    syllables(own, N, 22);
    /* the own voice starts at 5 s, with the syllable levels of the reference plus 6 dB, minus the 6 dB
     * of the coupling: as loud as the reference, 6 dB over its echo */
    memset(own, 0, (size_t)(N / 2) * sizeof *own);
    sig_add(mic, own, N, 1.0f);
    run(mic, ref, q);
    int n_echo, n_dt;
    float m_echo = median_where(q, 0, 300, HOPS / 2, mic, -45.0f, &n_echo);
    float m_dt = median_where(q, 0, HOPS / 2 + 10, HOPS - 2, own, -45.0f, &n_dt);
    float s_dt = share_over(q, 0, HOPS / 2 + 10, HOPS - 2, own, -45.0f, 6.0f);
    print_message("double talk: echo alone median %.1f dB (%d hops); with own voice %.1f dB (%d hops), %.0f %% over 6 dB\n",
                  m_echo, n_echo, m_dt, n_dt, 100.0f * s_dt);
    assert_true(n_dt > 200);
    assert_true(m_echo >= 6.0f);               /* it had converged */
    assert_true(m_dt <= 3.0f);
    assert_true(s_dt <= 0.2f);
    free(ref); free(mic); free(own); free(q);
}

/* Channel 0 carries channel 1's echo 30 dB down for 4 s (a headset's leak, told by its level
 * alone), then 6 dB down (a speakerphone switched on). With echo_run_leak_db -24, the canceller
 * rests on the weak leak (no cue), and once the
 * leak is strong it runs again and within 3 s takes most of the echo away (the frames it
 * skipped that its filter reaches are caught up on), nearly as much as a canceller that never
 * rested and learnt the path from the weak leak already. */
static void test_rests_on_weak_leak(void **state)
{
    (void)state;
    float *ref = malloc(N * sizeof *ref), *mic = malloc(N * sizeof *mic), *noise = malloc(N * sizeof *noise);
    cues *q = calloc(1, sizeof *q), *all = calloc(1, sizeof *all);
    syllables(ref, N, 31);
    echo_path(ref, mic, N);
    const size_t at = (size_t)RATE * 4;
    for (size_t i = 0; i < at; i++) mic[i] *= powf(10.0f, -24.0f / 20.0f);   /* -6 - 24 = -30 dB */
    sig_noise(noise, N, 0.0005f, 32);
    sig_add(mic, noise, N, 1.0f);
    sig_noise(noise, N, 0.0005f, 33);
    sig_add(ref, noise, N, 1.0f);
    run_at(mic, ref, q, -24.0f);
    run_at(mic, ref, all, -100.0f);
    int rest0 = 0, rest1 = 0, h4 = 4 * RATE / HOP;
    for (int h = 200; h < h4 - 20; h++) rest0 += q->known[0][h] == 0;
    for (int h = 200; h < HOPS - 2; h++) rest1 += q->known[1][h] == 0;
    int n_q, n_all;
    float m_q = median_where(q, 0, h4 + 300, HOPS - 2, mic, -45.0f, &n_q);
    float m_all = median_where(all, 0, h4 + 300, HOPS - 2, mic, -45.0f, &n_all);
    print_message("weak leak: channel 0 rested %d of %d hops in 2-4 s, channel 1 %d of %d; "
                  "after the leak grew removed %.1f dB (never resting %.1f dB)\n",
                  rest0, h4 - 20 - 200, rest1, HOPS - 2 - 200, m_q, m_all);
    assert_true(rest0 >= (h4 - 20 - 200) * 9 / 10);
    for (int h = h4 + 300; h < HOPS - 2; h++) assert_true(q->known[0][h] > 0);
    assert_true(n_q > 200);
    assert_true(m_q >= 6.0f);
    assert_true(m_q >= m_all - 3.0f);
    free(ref); free(mic); free(noise); free(q); free(all);
}

/* A rate whose hop has no divisor near 2 kHz (hop 97 samples) leaves the canceller off: no cue,
 * never a made-up one. */
static void test_odd_rate_is_off(void **state)
{
    (void)state;
    tm_echo e;
    tm_config c = tm_config_default(9700);
    c.echo_canceller = 1;
    assert_int_equal(tmi_echo_init(&e, &c, 100), 0);
    assert_false(e.on);
    float x[97] = {0}, db;
    tmi_echo_hop(&e, 0, x, x, no_floor);
    tmi_echo_hop(&e, 1, x, x, no_floor);
    assert_int_equal(tmi_echo_cue(&e, 0, 0, &db), 0);
    tmi_echo_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_only_is_removed),
        cmocka_unit_test(test_own_voice_reference_silent),
        cmocka_unit_test(test_double_talk_not_echo),
        cmocka_unit_test(test_rests_on_weak_leak),
        cmocka_unit_test(test_odd_rate_is_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
