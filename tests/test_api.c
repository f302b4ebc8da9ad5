/* tests/test_api.c -- the public API's contract: every invalid setting is refused, the event
 * ring drops the oldest when full, reset is a fresh start, absurd samples stay harmless, and
 * process() allocates nothing (counted by interposing malloc). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "signal.h"

#if defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COUNT_ALLOCS 0
#endif
#endif
#ifndef COUNT_ALLOCS
#define COUNT_ALLOCS 1
#endif

#if COUNT_ALLOCS
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static int counting;
static long allocations;
void *malloc(size_t n) { if (counting) allocations++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { if (counting) allocations++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { if (counting) allocations++; return __libc_realloc(p, n); }
#endif

static void test_config_checks(void **state)
{
    (void)state;
    tm_analyzer *a = (tm_analyzer *)&a;
    tm_config c;
    const char *bad;
    int rates[] = {0, -16000, 7999, 48001, 192000};
    for (int i = 0; i < 5; i++) {
        c = tm_config_default(rates[i]);
        assert_int_equal(tm_config_check(&c, &bad), TM_ERR_RATE);
        assert_int_equal(tm_analyzer_create(&c, &a), TM_ERR_RATE);
        assert_null(a);
    }
    c = tm_config_default(16000); c.channels = 3;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_ERR_ARG);
    c = tm_config_default(16000); c.event_capacity = 0;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_ERR_ARG);
    c = tm_config_default(16000); c.raised_min_db = NAN;
    assert_int_equal(tm_config_check(&c, &bad), TM_ERR_ARG);
    assert_string_equal(bad, "raised_min_db");
    c = tm_config_default(16000); c.hangover_ms = -1.0f;
    assert_int_equal(tm_config_check(&c, &bad), TM_ERR_ARG);
    assert_string_equal(bad, "hangover_ms");
    c = tm_config_default(16000); c.f0_min_hz = 150.0f; c.f0_max_hz = 250.0f;
    assert_int_equal(tm_config_check(&c, &bad), TM_ERR_ARG);
    c = tm_config_default(16000); c.raised_exit_db = 8.0f;
    assert_int_equal(tm_config_check(&c, &bad), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_create(NULL, &a), TM_ERR_ARG);
    c = tm_config_default(16000);
    assert_int_equal(tm_analyzer_create(&c, NULL), TM_ERR_ARG);
    /* every accepted rate works, and the hop is 10 ms */
    int ok_rates[] = {8000, 11025, 16000, 22050, 32000, 44100, 48000};
    for (int i = 0; i < 7; i++) {
        c = tm_config_default(ok_rates[i]);
        assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
        assert_int_equal(tm_analyzer_hop_size(a), ok_rates[i] / 100);
        assert_true(tm_analyzer_latency(a) > 0);
        tm_analyzer_destroy(a);
    }
    tm_analyzer_destroy(NULL);
    assert_string_equal(tm_event_type_name(TM_EV_RAISED_VOICE), "raised_voice");
    assert_string_equal(tm_strerror(TM_ERR_RATE), "sample rate must be 8000..48000 Hz");
}

static void test_null_arguments(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    float x[10] = {0};
    tm_event ev;
    assert_int_equal(tm_analyzer_process(NULL, x, x, 10), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_process(a, NULL, x, 10), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_process(a, x, NULL, 10), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_process(a, NULL, NULL, 0), TM_OK);
    assert_int_equal(tm_analyzer_process_interleaved(a, x, 2, 0, 2, 5), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_next_event(a, &ev), 0);
    assert_int_equal(tm_analyzer_next_event(NULL, &ev), 0);
    tm_analyzer_destroy(a);
}

/* The state rules: nothing is consumed after finish (until reset), samples and frames do not mix
 * even when a process() call ended exactly on a hop boundary, NULL outputs are refused. */
/* on_frame calling back into its own analyzer: the stream may not be pushed, finished or reset
 * from inside (the analyzer is in the middle of a hop), while the getters work. */
typedef struct { tm_analyzer *a; int frames, refused, bad; int64_t last_start; } reentry;

static void reenter(void *user, const tm_frame *f)
{
    reentry *r = user;
    float x[160] = {0};
    tm_frame fr[2];
    memset(fr, 0, sizeof fr);
    tm_stats st;
    float lv[2];
    int talk[2];
    r->frames++;
    if (f->start < r->last_start) r->bad++;
    r->last_start = f->start;
    r->refused += tm_analyzer_process(r->a, x, x, 160) == TM_ERR_STATE;
    r->refused += tm_analyzer_process_frames(r->a, fr, 1) == TM_ERR_STATE;
    tm_analyzer_finish(r->a);   /* ignored */
    tm_analyzer_reset(r->a);    /* ignored */
    if (tm_analyzer_stats(r->a, &st) != TM_OK || tm_analyzer_meter(r->a, lv, talk) != TM_OK) r->bad++;
}

static void test_callback_reentry(void **state)
{
    (void)state;
    reentry r = {0};
    tm_config c = tm_config_default(16000);
    c.on_frame = reenter;
    c.on_frame_user = &r;
    assert_int_equal(tm_analyzer_create(&c, &r.a), TM_OK);
    /* 3 s: frames go out up to 2.3 s late (a weak short segment or a laugh may still be taken
     * back) */
    static float x[48000];
    for (int i = 0; i < 48000; i++) x[i] = 0.1f * sinf(2.0f * 3.14159265f * 150.0f * (float)i / 16000.0f);
    assert_int_equal(tm_analyzer_process(r.a, x, x, 48000), TM_OK);
    int during_process = r.frames;
    assert_true(during_process > 0);
    tm_analyzer_finish(r.a);
    /* 300 hops of 3 s, two channels, every one reported once and in order: the calls from
     * inside neither fed more audio, nor finished early, nor reset the stream */
    assert_int_equal(r.frames, 600);
    assert_int_equal(r.refused, 2 * r.frames);
    assert_int_equal(r.bad, 0);
    tm_stats st;
    assert_int_equal(tm_analyzer_stats(r.a, &st), TM_OK);
    assert_true(st.duration_s > 2.999 && st.duration_s < 3.001);
    tm_analyzer_destroy(r.a);
}

/* The last hops of a stream are decided with silence as their lookahead: a quiet voiced ending
 * after a loud start keeps its pitch to the last hop (found in review: the level gate compared
 * the last two hops with levels left from eight hops before). */
typedef struct { float f0[64]; int n; } last_f0;

static void keep_f0(void *user, const tm_frame *f)
{
    last_f0 *r = user;
    if (r->n < 64) r->f0[r->n++] = f->f0_live_hz;
}

static void test_last_hops_keep_their_pitch(void **state)
{
    (void)state;
    last_f0 r;
    memset(&r, 0, sizeof r);
    tm_config c = tm_config_default(16000);
    c.channels = 1;
    c.on_frame = keep_f0;
    c.on_frame_user = &r;
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    enum { LOUD = 40, TONE = 6 };
    float x[(LOUD + TONE) * 160];
    for (int i = 0; i < (LOUD + TONE) * 160; i++) {
        /* a quiet line for the first 5 hops (the floor reads the minimum heard from the first
         * hop), then -6 and -26 dBFS (peak) */
        float amp = i < 5 * 160 ? 0.0003f : i < LOUD * 160 ? 0.7f : 0.07f;
        x[i] = amp * sinf(2.0f * 3.14159265f * 200.0f * (float)i / 16000.0f);
    }
    assert_int_equal(tm_analyzer_process(a, x, NULL, (LOUD + TONE) * 160), TM_OK);
    tm_analyzer_finish(a);
    assert_int_equal(r.n, LOUD + TONE);
    for (int k = LOUD + 2; k < LOUD + TONE; k++) assert_true(fabsf(r.f0[k] - 200.0f) < 4.0f);
    tm_analyzer_destroy(a);
}

static void test_states_and_nulls(void **state)
{
    (void)state;
    tm_config c = tm_config_default(16000);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    int hop = tm_analyzer_hop_size(a);
    float x[1600] = {0};
    tm_frame fr[4];
    memset(fr, 0, sizeof fr);
    assert_int_equal(tm_analyzer_process(a, x, x, (size_t)hop * 3), TM_OK);   /* ends on a hop boundary */
    assert_int_equal(tm_analyzer_process_frames(a, fr, 2), TM_ERR_STATE);
    tm_analyzer_finish(a);
    assert_int_equal(tm_analyzer_process(a, x, x, 10), TM_ERR_STATE);
    assert_int_equal(tm_analyzer_process_interleaved(a, x, 2, 0, 1, 10), TM_ERR_STATE);
    assert_int_equal(tm_analyzer_process_frames(a, fr, 2), TM_ERR_STATE);
    tm_stats st;
    assert_int_equal(tm_analyzer_stats(a, &st), TM_OK);
    assert_true(st.duration_s > 0.029 && st.duration_s < 0.031);   /* nothing was added after finish */
    tm_analyzer_reset(a);
    assert_int_equal(tm_analyzer_process(a, x, x, 10), TM_OK);
    tm_analyzer_reset(a);
    assert_int_equal(tm_analyzer_process_frames(a, fr, 2), TM_OK);
    assert_int_equal(tm_analyzer_process(a, x, x, 10), TM_ERR_STATE);
    /* NULL outputs and analyzers */
    assert_int_equal(tm_analyzer_stats(a, NULL), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_stats(NULL, &st), TM_ERR_ARG);
    assert_true(st.duration_s == 0.0);
    float lv[2];
    int talk[2];
    assert_int_equal(tm_analyzer_meter(a, NULL, talk), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_meter(a, lv, NULL), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_meter(a, lv, talk), TM_OK);
    assert_int_equal(tm_analyzer_meter(NULL, lv, talk), TM_ERR_ARG);
    assert_true(lv[0] == -120.0f && talk[1] == 0);
    assert_int_equal(tm_analyzer_next_event(a, NULL), 0);
    assert_int_equal(tm_analyzer_process_frames(NULL, fr, 1), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_process_frames(a, NULL, 1), TM_ERR_ARG);
    assert_int_equal(tm_analyzer_hop_size(NULL), 0);
    assert_int_equal(tm_analyzer_latency(NULL), 0);
    assert_int_equal(tm_analyzer_dropped(NULL), 0);
    tm_analyzer_finish(NULL);
    tm_analyzer_reset(NULL);
    assert_int_equal(tm_config_check(NULL, NULL), TM_ERR_ARG);
    assert_string_equal(tm_version(), TM_VERSION_STRING);
    assert_string_equal(tm_strerror(TM_ERR_STATE), "not in this state (after finish, or samples and frames mixed; reset first)");
    tm_analyzer_destroy(a);
}

static void events_of(tm_analyzer *a, const float *l, const float *r, size_t n, tm_event *out, size_t cap, size_t *got)
{
    *got = 0;
    tm_event e;
    for (size_t i = 0; i < n; i += 4096) {
        assert_int_equal(tm_analyzer_process(a, l + i, r + i, n - i < 4096 ? n - i : 4096), TM_OK);
        while (tm_analyzer_next_event(a, &e)) if (*got < cap) out[(*got)++] = e;
    }
    tm_analyzer_finish(a);
    while (tm_analyzer_next_event(a, &e)) if (*got < cap) out[(*got)++] = e;
}

static void test_ring_and_reset(void **state)
{
    (void)state;
    synth_opts o = harness_opts(harness_condition("clean"), 2, 60.0);
    float *l, *r;
    size_t n;
    synth_truth st;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &st), 0);
    tm_config c = tm_config_default(o.rate_hz);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    static tm_event first[2048], second[2048];
    size_t n1, n2;
    events_of(a, l, r, n, first, 2048, &n1);
    assert_true(n1 > 20);
    assert_int_equal(tm_analyzer_dropped(a), 0);
    tm_analyzer_reset(a);                       /* reset: the same call gives the same events */
    events_of(a, l, r, n, second, 2048, &n2);
    assert_int_equal(n1, n2);
    for (size_t i = 0; i < n1; i++) assert_true(event_equal(&first[i], &second[i]));
    tm_analyzer_destroy(a);

    c.event_capacity = 4;                       /* a ring of 4 never drained: the newest 4 stay */
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    assert_int_equal(tm_analyzer_process(a, l, r, n), TM_OK);
    tm_analyzer_finish(a);
    assert_int_equal(tm_analyzer_dropped(a), n1 - 4);
    tm_event e;
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(tm_analyzer_next_event(a, &e), 1);
        assert_true(event_equal(&e, &first[n1 - 4 + i]));
    }
    assert_int_equal(tm_analyzer_next_event(a, &e), 0);
    tm_analyzer_destroy(a);
    synth_free(l, r, &st);
}

typedef struct { long bad; } sane_t;
static void check_frame(void *u, const tm_frame *f)
{
    sane_t *s = u;
    if (!isfinite(f->level_db) || !isfinite(f->loudness_lufs) || !isfinite(f->f0_hz) || !isfinite(f->voicing) ||
        f->level_db < -120.0f || f->f0_hz < 0.0f)
        s->bad++;
}

/* NaN, Inf, 1e30, denormals and sudden silence: outputs stay finite, levels floored. */
static void test_absurd_samples(void **state)
{
    (void)state;
    size_t n = 16000 * 8;
    float *x = calloc(n, sizeof *x), *y = calloc(n, sizeof *y);
    sig_noise(x, n, 0.1f, 3);
    sig_harmonics(y, n, 16000, 140.0f, 1, 10, 0.3f);
    for (size_t i = 0; i < n; i += 997) x[i] = NAN;
    for (size_t i = 500; i < n; i += 1511) y[i] = INFINITY;
    for (size_t i = 16000; i < 20000; i++) x[i] = (i % 2) ? 1e30f : -1e30f;
    for (size_t i = 40000; i < 60000; i++) y[i] = 1e-40f;
    for (size_t i = 80000; i < n; i++) x[i] = 0.0f;
    sane_t s = {0};
    tm_config c = tm_config_default(16000);
    c.on_frame = check_frame;
    c.on_frame_user = &s;
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    assert_int_equal(tm_analyzer_process(a, x, y, n), TM_OK);
    tm_analyzer_finish(a);
    tm_event e;
    while (tm_analyzer_next_event(a, &e)) {
        assert_true(isfinite(e.level_db) && isfinite(e.pitch_st));
        assert_true(e.start <= e.end && e.start <= e.detected);
    }
    tm_stats st;
    tm_analyzer_stats(a, &st);
    assert_true(isfinite(st.speaker[0].level_median_db) && isfinite(st.speaker[1].f0_median_hz));
    assert_int_equal(s.bad, 0);
    tm_analyzer_destroy(a);
    free(x);
    free(y);
}

typedef struct { float level[2][400]; int n[2]; } levels_t;
static void keep_level(void *u, const tm_frame *f)
{
    levels_t *L = u;
    if (L->n[f->channel] < 400) L->level[f->channel][L->n[f->channel]++] = f->level_db;
}

/* Non-finite samples are silence, as the header says: +Inf, -Inf and NaN give the very same
 * levels as zeros in their place (an Inf once read as +60 dBFS). */
static void test_inf_is_silence(void **state)
{
    (void)state;
    size_t n = 16000 * 3;
    float *x = calloc(n, sizeof *x), *z = calloc(n, sizeof *z), *y = calloc(n, sizeof *y);
    sig_noise(y, n, 0.01f, 5);
    memcpy(z, y, n * sizeof *z);
    for (size_t i = 0; i < n; i++) x[i] = y[i];
    for (size_t i = 8000; i < 24000; i++) {
        x[i] = i % 3 == 0 ? INFINITY : i % 3 == 1 ? -INFINITY : NAN;
        z[i] = 0.0f;
    }
    levels_t with_inf = {0}, with_zero = {0};
    levels_t *out[2] = {&with_inf, &with_zero};
    const float *in[2] = {x, z};
    for (int k = 0; k < 2; k++) {
        tm_config c = tm_config_default(16000);
        c.on_frame = keep_level;
        c.on_frame_user = out[k];
        tm_analyzer *a;
        assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
        assert_int_equal(tm_analyzer_process(a, in[k], y, n), TM_OK);
        tm_analyzer_finish(a);
        tm_analyzer_destroy(a);
    }
    assert_int_equal(with_inf.n[0], 300);
    for (int h = 0; h < 300; h++) {
        if (with_inf.level[0][h] != with_zero.level[0][h])
            print_error("hop %d: %.1f dB with Inf, %.1f dB with zeros\n", h, with_inf.level[0][h], with_zero.level[0][h]);
        assert_true(with_inf.level[0][h] == with_zero.level[0][h]);
    }
    print_message("noise %.1f dB, zeros %.1f dB\n", with_zero.level[0][20], with_zero.level[0][100]);
    assert_true(with_zero.level[0][100] < with_zero.level[0][20] - 30.0f);   /* the zeros are silence indeed */
    free(x);
    free(y);
    free(z);
}

/* process(), next_event() and the getters allocate nothing, whatever the block size. */
static void test_no_allocation_in_process(void **state)
{
    (void)state;
#if COUNT_ALLOCS
    synth_opts o = harness_opts(harness_condition("bleed20"), 1, 40.0);
    float *l, *r;
    size_t n;
    synth_truth st;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &st), 0);
    tm_config c = tm_config_default(o.rate_hz);
    tm_analyzer *a;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    tm_event e;
    tm_stats s;
    float lv[2];
    int talk[2];
    counting = 1;
    allocations = 0;
    free(malloc(16));                 /* the counter itself works */
    assert_int_equal(allocations, 1);
    allocations = 0;
    size_t blocks[] = {1, 37, 160, 4096};
    size_t i = 0;
    for (int k = 0; i < n; k = (k + 1) % 4) {
        size_t b = n - i < blocks[k] ? n - i : blocks[k];
        assert_int_equal(tm_analyzer_process(a, l + i, r + i, b), TM_OK);
        while (tm_analyzer_next_event(a, &e)) {}
        tm_analyzer_meter(a, lv, talk);
        i += b;
    }
    tm_analyzer_finish(a);
    tm_analyzer_stats(a, &s);
    counting = 0;
    assert_int_equal(allocations, 0);
    tm_analyzer_destroy(a);
    synth_free(l, r, &st);
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_checks),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_states_and_nulls),
        cmocka_unit_test(test_callback_reentry),
        cmocka_unit_test(test_last_hops_keep_their_pitch),
        cmocka_unit_test(test_ring_and_reset),
        cmocka_unit_test(test_absurd_samples),
        cmocka_unit_test(test_inf_is_silence),
        cmocka_unit_test(test_no_allocation_in_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
