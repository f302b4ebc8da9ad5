/* tests/test_floor.c -- the noise floor (src/floor.c) alone on hop levels of known noise, with
 * the profile's window (floor_window_s, 3 s in six sub-windows): steady noise of a known level
 * is read from its first tenth of a second and within 1 dB once its window has passed; the floor rises to a louder noise only after
 * the window, drops to a quieter one at once, and a muted leg does not move it, nor does a voice
 * that sounds first after a muted start. (Lost packets
 * and the bias of fluctuating noise: tests/test_noise_stages.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tonemon.h"
#include "floor.h"
#include "signal.h"

#define HPS 100
#define HOP 160                  /* samples of a hop at 16 kHz */

static int H(double s) { return (int)lrint(s * HPS); }

/* ---- adapter: every call into the stage is in this section ------------------------------- */

static tm_floor F;
static float init_db;

static void setup(void)
{
    tm_config c = tm_config_default(16000);
    init_db = c.speech_min_level_db;
    tmi_floor_init(&F, &c, HPS);
}
static float feed_hop(float level_db)   /* the floor */
{
    tmi_hop h;
    memset(&h, 0, sizeof h);
    h.level_db = level_db;
    tmi_floor_update(&F, &h);
    return F.floor_db;
}
static float noise_mean(void) { return F.mean_db; }

/* ---- hop levels of white noise ----------------------------------------------------------- */

/* n hop levels (dBFS) of Gaussian white noise of RMS level rms_db */
static float *noise_levels(int n, float rms_db, uint64_t seed)
{
    float *x = malloc((size_t)n * HOP * sizeof(float)), *lev = malloc((size_t)n * sizeof(float));
    sig_noise(x, (size_t)n * HOP, powf(10.0f, rms_db / 20.0f), seed);
    for (int i = 0; i < n; i++) lev[i] = sig_rms_db(x + (size_t)i * HOP, HOP);
    free(x);
    return lev;
}

/* ---- the tests --------------------------------------------------------------------------- */

static void test_steady_noise_known_level(void **state)
{
    (void)state;
    setup();
    int win = H(3.0);
    float *lev = noise_levels(H(8.0), -40.0f, 5);
    float fl = 0.0f;
    /* before the first hop nothing is known: the quiet line of the profile */
    assert_true(F.floor_db == init_db);
    /* from the first hop on, the minimum of what was heard: within a tenth of a second the
     * noise, not the quiet line (a minimum of steady hiss reads a little under it: hop levels
     * spread by about 0.5 dB) */
    for (int i = 0; i < H(0.1); i++) fl = feed_hop(lev[i]);
    print_message("floor after 0.1 s %.2f dB\n", fl);
    assert_true(fl > -43.0f && fl < -39.0f);
    for (int i = H(0.1); i < win; i++) fl = feed_hop(lev[i]);
    print_message("floor after the window %.2f dB\n", fl);
    assert_true(fl > -43.0f && fl < -40.0f);
    for (int i = win; i < H(8.0); i++) fl = feed_hop(lev[i]);
    print_message("after 8 s: floor %.2f dB, noise mean %.2f dB (truth -40)\n", fl, noise_mean());
    assert_true(fl > -43.0f && fl < -40.0f);
    assert_true(fabsf(noise_mean() - (-40.0f)) <= 1.0f);
    free(lev);
}

static void test_floor_rises_after_window_drops_at_once(void **state)
{
    (void)state;
    setup();
    float *quiet = noise_levels(H(10.0), -50.0f, 6), *loud = noise_levels(H(10.0), -40.0f, 7);
    float fl = 0.0f;
    int i = 0;
    for (; i < H(10.0); i++) fl = feed_hop(quiet[i]);
    assert_true(fabsf(fl - (-50.0f)) < 3.0f);
    /* 10 dB louder from hop 1000 (on a sub-window boundary): the minima of the six sub-windows
     * before it go one by one; the last of them at the end of the window after the step */
    int step = i;
    for (; i < step + H(3.0) - 1; i++) fl = feed_hop(loud[i - step]);
    assert_true(fl < -49.0f);
    fl = feed_hop(loud[i - step]);
    i++;
    print_message("floor %.2f dB at the window's end after the rise\n", fl);
    assert_true(fl > -43.0f);
    for (; i < step + H(10.0); i++) fl = feed_hop(loud[i - step]);
    /* 20 dB quieter: at the first hop */
    float *q2 = noise_levels(1, -60.0f, 8);
    fl = feed_hop(q2[0]);
    assert_true(fl < -59.0f);
    free(quiet); free(loud); free(q2);
}

static void test_muted_leg_leaves_floor(void **state)
{
    (void)state;
    setup();
    float *lev = noise_levels(H(10.0), -50.0f, 9);
    float fl = 0.0f;
    for (int i = 0; i < H(5.0); i++) fl = feed_hop(lev[i]);
    float before = fl, mean_before = noise_mean();
    /* 4 s of digital silence (a muted leg): longer than the window, skipped entirely */
    for (int i = 0; i < H(4.0); i++) assert_true(feed_hop(-120.0f) == before);
    assert_true(noise_mean() == mean_before);
    fl = feed_hop(lev[H(5.0)]);
    assert_true(fabsf(fl - before) < 1.0f);
    free(lev);
}

/* A leg digitally silent before its first sound, which is a voice on a loud syllable (-30 dBFS,
 * no dip for half a second): the floor stays at the quiet line for that first sub-window, so the
 * gate (8 dB over the floor) passes the voice; taken from the voice itself it sat at -31 dB and
 * held the talker's first phrase. Noise that starts after such a start is measured from the
 * second sub-window on. */
static void test_muted_start(void **state)
{
    (void)state;
    setup();
    int sub = H(3.0) / FLOOR_SUBWINDOWS;
    for (int i = 0; i < H(0.3); i++) assert_true(feed_hop(-120.0f) == init_db);
    float *voice = noise_levels(sub, -30.0f, 10);
    for (int i = 0; i < sub - 1; i++) assert_true(feed_hop(voice[i]) <= init_db);
    assert_true(noise_mean() <= init_db);
    setup();
    float *lev = noise_levels(H(3.0), -40.0f, 11);
    for (int i = 0; i < H(0.2); i++) feed_hop(-120.0f);
    float fl = 0.0f;
    for (int i = 0; i < sub + H(0.1); i++) fl = feed_hop(lev[i]);
    print_message("noise -40 dBFS after a muted start: floor %.2f dB a tenth of a second into "
                  "the second sub-window\n", fl);
    assert_true(fl > -43.0f && fl < -39.0f);
    free(voice);
    free(lev);
}

/* Mains hum at -45 dBFS on a lossy line: one 20 ms packet in 12 zeroed, the packets 5 ms off the
 * hops, so that most hops a lost packet touches keep 5 ms of hum (-51 dBFS) or less. Such hops
 * are lost, not noise: the floor stays at the hum (seed 24 c17: dragged 15-30 dB under it, the
 * hum read as the caller's speech before their first words). Only the stage's own lost test
 * tells these hops; a hop of a few zero samples (a codec's) is noise as before. */
static void test_zeroed_packets_leave_floor(void **state)
{
    (void)state;
    setup();
    size_t n = (size_t)H(8.0) * HOP, pk = 320;
    float *x = malloc(n * sizeof *x);
    sig_sine(x, n, 16000, 60.0f, powf(10.0f, -45.0f / 20.0f) * sqrtf(2.0f));
    for (size_t p = 5; (p + 1) * pk + 80 <= n; p += 12) memset(x + p * pk + 80, 0, pk * sizeof *x);
    float fl = 0.0f;
    int lost = 0;
    for (int i = 0; i < H(8.0); i++) {
        tmi_hop h;
        memset(&h, 0, sizeof h);
        h.level_db = sig_rms_db(x + (size_t)i * HOP, HOP);
        h.lost = tmi_floor_lost(x + (size_t)i * HOP, HOP);
        lost += h.lost;
        tmi_floor_update(&F, &h);
        fl = F.floor_db;
    }
    print_message("hum -45 dBFS, %d hops lost: floor %.1f dBFS\n", lost, (double)fl);
    assert_true(lost > 0);
    assert_true(fl > -48.0f && fl < -44.0f);
    /* a few zero samples in noise: no lost hop */
    float y[HOP];
    sig_noise(y, HOP, 0.01f, 5);
    y[10] = y[11] = y[50] = 0.0f;
    assert_int_equal(tmi_floor_lost(y, HOP), 0);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_noise_known_level),
        cmocka_unit_test(test_floor_rises_after_window_drops_at_once),
        cmocka_unit_test(test_muted_leg_leaves_floor),
        cmocka_unit_test(test_muted_start),
        cmocka_unit_test(test_zeroed_packets_leave_floor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
