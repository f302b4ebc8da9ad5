/* tests/test_hold_bounds.c -- where a hold of music begins and ends, with talk on either side.
 *
 * The agent says "let me put you on hold", music plays on the agent's leg, and the agent comes
 * back with "thank you for holding", each after a pause of 0.8-1 s (the realistic corpus's
 * hold calls). The voice here is as flat as a synthetic one: each syllable's pitch glides by one
 * semitone, slowly enough to stand still from hop to hop, so it crosses one grid line per
 * syllable and sits on it for six hops, as a note would. The music is chords of plucked notes
 * under a melody, all on the A440 grid. Everything is synthesized, so the truth is known: the
 * hold is the music, from its first chord to its end, and the agent's words after it are
 * speech. Before, the hold began at a syllable of the words before it (seed 19 c48, 1.7 s
 * early), ran on to a syllable of the words after it, and kept those off speech; and a second
 * and a half of the music read off the grid split a hold in two (seed 18 c28). Music quieter
 * than the voice whose notes decay under the talker's level opened a speech segment that closed
 * before the music window ruled, about 1.8 s into the music: a second of it was the agent's
 * speech (seeds 13 c28, 14 c18, 17 c28, 20 c08). Each call is also replayed from its frames,
 * which must find the same holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "signal.h"
#include "tonemon.h"
#include "twice.h"

#define RATE 16000
#define HOP 160
#define CALL_S 30
#define TWO_PI 6.283185307

/* the script, s */
#define WORDS1_AT 5.6
#define MUSIC_AT 9.0
#define MUSIC_END 21.0
#define WORDS2_AT 22.0
#define SYLLABLES 10
#define SYL_S 0.2
#define CONS_S 0.06

typedef struct {
    int holds[2];
    double hold_start, hold_end;
    double speech_s[3];       /* the agent's speech events inside the words before, after, the music */
    int music_frames;         /* the agent's frames flagged speech inside the music */
} run_res;


static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0.0;
}

static const double spans[3][2] = {{WORDS1_AT, MUSIC_AT}, {WORDS2_AT, CALL_S}, {MUSIC_AT, MUSIC_END}};

static run_res events_of(tm_analyzer *a)
{
    run_res res;
    memset(&res, 0, sizeof res);
    tm_event ev;
    while (tm_analyzer_next_event(a, &ev)) {
        int c = ev.speaker == TM_CALLER;
        double s = (double)ev.start / RATE, e = (double)ev.end / RATE;
        if (ev.type == TM_EV_HOLD) {
            res.holds[c]++;
            if (res.holds[c] == 1 && c == 0) {
                res.hold_start = s;
                res.hold_end = e;
            }
        } else if (ev.type == TM_EV_SPEECH && c == 0) {
            for (int k = 0; k < 3; k++) res.speech_s[k] += overlap(s, e, spans[k][0], spans[k][1]);
        }
    }
    return res;
}

static void count_frame(void *user, const tm_frame *f)
{
    double t = (double)f->start / RATE;
    if (f->channel == TM_AGENT && f->speech && t >= MUSIC_AT && t < MUSIC_END) ++*(int *)user;
}

static run_res run_analyzer(const float *l, const float *r, size_t n)
{
    twice t;
    assert_int_equal(twice_analyze(l, r, n, RATE, &t), 0);
    run_res res = events_of(t.audio);
    /* the frames' speech flags agree with the speech events */
    tm_config c = tm_config_default(RATE);
    tm_analyzer *a;
    c.on_frame = count_frame;
    c.on_frame_user = &res.music_frames;
    assert_int_equal(tm_analyzer_create(&c, &a), TM_OK);
    assert_int_equal(tm_analyzer_process(a, l, r, n), TM_OK);
    tm_analyzer_finish(a);
    tm_analyzer_destroy(a);
    run_res rep = events_of(t.frames);
    twice_free(&t);
    assert_int_equal(rep.holds[0], res.holds[0]);
    assert_int_equal(rep.holds[1], res.holds[1]);
    assert_true(fabs(rep.hold_start - res.hold_start) < 1e-9 && fabs(rep.hold_end - res.hold_end) < 1e-9);
    return res;
}

/* A phrase of SYLLABLES voiced syllables from t0, each SYL_S long with a CONS_S consonant (noise)
 * after it. A syllable's pitch glides down one semitone (0.05 semitone a hop: standing still by
 * the hold stage's measure); each starts 0.6 semitone over the last one's end, from st0
 * semitones over A440, a declination of 0.4 semitone a syllable. The voice: 20 harmonics
 * falling 6 dB an octave. Returns the phrase's length, s. */
static double phrase(float *x, size_t n, double t0, double st0, float amp, uint64_t seed)
{
    double t = t0, st = st0;
    float *cons = malloc((size_t)(CONS_S * RATE) * sizeof *cons);
    for (int k = 0; k < SYLLABLES; k++) {
        size_t a = (size_t)(t * RATE), m = (size_t)(SYL_S * RATE);
        double ph = 0.0;
        for (size_t i = 0; i < m && a + i < n; i++) {
            double f0 = 440.0 * pow(2.0, (st - (double)i / (double)m) / 12.0);
            ph += TWO_PI * f0 / RATE;
            double v = 0.0;
            for (int h = 1; h <= 20 && h * f0 < 0.45 * RATE; h++) v += sin(h * ph) / h;
            double env = fmin(1.0, fmin((double)i, (double)(m - i)) / (0.01 * RATE));
            x[a + i] += amp * (float)(env * v);
        }
        sig_noise(cons, (size_t)(CONS_S * RATE), amp * 0.3f, seed + (uint64_t)k);
        if (a + m + (size_t)(CONS_S * RATE) < n) sig_add(x + a + m, cons, (size_t)(CONS_S * RATE), 1.0f);
        t += SYL_S + CONS_S;
        st -= 0.4;
    }
    free(cons);
    return SYLLABLES * (SYL_S + CONS_S);
}

/* One plucked note: 5 harmonics falling by 0.6 each, decaying at decay_per_s, from t for d s. */
static void pluck(float *x, size_t n, double t, double d, double hz, double decay_per_s, float amp)
{
    size_t a = (size_t)(t * RATE), m = (size_t)(d * RATE);
    for (size_t i = 0; i < m && a + i < n; i++) {
        double s = (double)i / RATE, v = 0.0, g = 1.0;
        for (int h = 1; h <= 5; h++, g *= 0.6) v += g * sin(TWO_PI * hz * h * s);
        double env = exp(-s * decay_per_s) * fmin(1.0, s / 0.01) * fmin(1.0, (double)(m - i) / (0.005 * RATE));
        x[a + i] += amp * (float)(env * v);
    }
}

/* Hold music from t0 to t1: a chord (I V vi IV on root_hz, and its bass) every 2 s under a melody
 * of 0.5 s notes of the major scale an octave up, the corpus generator's kind; the chord's notes
 * decay at decay_per_s, the melody's a little faster. From off_at for off_s every note sits
 * detune semitones sharp (the pitch tracker reads some chords so). */
static void music(float *x, size_t n, double t0, double t1, double root_hz, float amp, double off_at,
                  double off_s, double detune, double decay_per_s)
{
    static const int prog[4][3] = {{0, 4, 7}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}};
    static const int scale[8] = {0, 2, 4, 5, 7, 9, 11, 12};
    const double bar = 2.0;
    /* a note never sounds past t1 (the hold's music stops there) */
    for (int k = 0; t0 + k * bar < t1; k++) {
        double tb = t0 + k * bar, d = fmin(bar, t1 - tb);
        double off = tb >= off_at && tb < off_at + off_s ? detune : 0.0;
        for (int j = 0; j < 3; j++)
            pluck(x, n, tb, d, root_hz * pow(2.0, (prog[k % 4][j] + off) / 12.0), decay_per_s, 0.3f * amp);
        pluck(x, n, tb, d, root_hz / 2 * pow(2.0, (prog[k % 4][0] + off) / 12.0), decay_per_s, 0.4f * amp);
        for (int q = 0; q < 4; q++) {
            double tm = tb + q * 0.5;
            if (tm >= t1) break;
            double offm = tm >= off_at && tm < off_at + off_s ? detune : 0.0;
            pluck(x, n, tm, fmin(0.65, t1 - tm), root_hz * 2 * pow(2.0, (scale[(3 * k + q * 5) % 8] + offm) / 12.0),
                  decay_per_s + 0.5,
                  0.5f * amp);
        }
    }
}

/* 20 ms packets lost (zeroed) at random, about one in fifty, as the corpus's packet_loss. */
static void lose_packets(float *x, size_t n, uint64_t seed)
{
    size_t pk = RATE / 50;
    for (size_t a = 0; a + pk <= n; a += pk) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        if ((seed >> 33) % 50 == 0) memset(x + a, 0, pk * sizeof *x);
    }
}

typedef struct {
    const char *name;
    double st0;           /* the voice's first syllable, semitones over A440 */
    double root_hz;
    double off_at, off_s; /* a stretch of the music read off the grid */
    int loss;
    float music_amp;      /* the music's amplitude (the voice's is 0.05) */
    double decay_per_s;   /* its chords' decay */
    int lead;             /* what sounds before the first chord: 0 nothing, 1 a cymbal's swell
                             (unpitched), 2 a drone standing still 0.43 semitone off the grid */
    double lead_s;        /* ... for so long, from MUSIC_AT */
    double words1_at;     /* the words before, when not at WORDS1_AT */
    float leak_db;        /* the agent's leg leaks into the caller's this much under it, 40 ms
                             later (0: no leak) */
    double rest_at, rest_s; /* the music rests (silent) from rest_at for rest_s (0: never) */
} call_spec;

static const call_spec calls[] = {
    {"words, music, words", -14.2, 220.0 * 0.749153538, 0.0, 0.0, 0, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"a higher voice, another key", -9.3, 220.0 * 1.122462048, 0.0, 0.0, 0, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"words, music, words; packets lost", -14.2, 220.0, 0.0, 0.0, 1, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"1.5 s of the music read 0.3 semitone off the grid", -14.2, 220.0, 13.0, 1.5, 0, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    /* music 5-10 dB under the voice whose notes decay under the talker's level (the corpus's
     * fastest decays): each of these put 0.3-0.7 s of the music into the agent's speech */
    {"quieter music, notes fading under the voice", -14.2, 220.0, 0.0, 0.0, 0, 0.025f, 3.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"quieter music in another key, fading", -14.2, 220.0 * 1.122462048, 0.0, 0.0, 0, 0.025f, 3.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"louder music in that key, fading", -14.2, 220.0 * 1.122462048, 0.0, 0.0, 0, 0.03f, 3.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"quieter still, its chord read off the grid for a while", -14.2, 220.0 * 1.122462048, 0.0, 0.0, 0,
     0.02f, 3.5, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    {"quieter music, fading; packets lost", -14.2, 220.0, 0.0, 0.0, 1, 0.025f, 3.0, 0, 0.0, 0.0, 0.0f, 0.0, 0.0},
    /* the music's first sound is no note, for most of a second (seed 21 c58, c48, seed 22 c08:
     * the holds began at the first note, 0.5-0.9 s late) */
    {"a cymbal's swell before the first chord", -14.2, 220.0, 0.0, 0.0, 0, 0.09f, 2.5, 1, 0.8, 0.0, 0.0f, 0.0, 0.0},
    {"an off-grid drone before the first chord", -14.2, 220.0, 0.0, 0.0, 0, 0.09f, 2.5, 2, 0.5, 0.0, 0.0f, 0.0, 0.0},
    /* both legs carry the music: each echo canceller predicts its leg from the other, and took
     * the music of the leg on hold for the other's leak (seed 21 c28: the hold began 3.5 s late) */
    /* the music rests for 1.5-2.5 s: the hold ended at the rest, and the music after it started
     * a second one (seed 25 c38, where a low-rate codec made a second of the music read as no
     * music: two holds, the second dated back into the first) */
    {"the music rests 1.5 s", -14.2, 220.0, 0.0, 0.0, 0, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 13.0, 1.5},
    {"the music rests 2.5 s", -14.2, 220.0, 0.0, 0.0, 0, 0.09f, 2.5, 0, 0.0, 0.0, 0.0f, 13.0, 2.5},
    {"the music leaks into the caller's leg, 12 dB under", -14.2, 220.0, 0.0, 0.0, 0, 0.09f, 2.5, 0, 0.0, 0.0,
     12.0f, 0.0, 0.0},
};

/* what the music of call s plays before its first chord, from MUSIC_AT */
static void lead(float *x, size_t n, const call_spec *s, uint64_t seed)
{
    size_t a = (size_t)(MUSIC_AT * RATE), m = (size_t)(s->lead_s * RATE);
    if (s->lead == 1) {
        float *w = malloc(m * sizeof *w);
        sig_noise(w, m, s->music_amp * 0.5f, seed);
        for (size_t i = 0; i < m && a + i < n; i++)
            x[a + i] += w[i] * (float)(exp(-2.0 * (double)i / RATE) * fmin(1.0, (double)i / (0.01 * RATE)));
        free(w);
    } else if (s->lead == 2) {
        pluck(x, n, MUSIC_AT, s->lead_s, 116.5409 * pow(2.0, 0.43 / 12.0), 1.0, 0.6f * s->music_amp);
    }
}

/* A quiet call of CALL_S: both legs' noise only, seeded seed and seed + 1. */
static void quiet_legs(float **l, float **r, size_t n, unsigned seed)
{
    *l = calloc(n, sizeof **l);
    *r = calloc(n, sizeof **r);
    sig_noise(*l, n, 0.0005f, seed);
    sig_noise(*r, n, 0.0005f, seed + 1);
}

/* Call k of the script as spec s: the words before, the music, the words after. */
static run_res run_call(const call_spec *s, size_t k, double *words1, double *words2)
{
    size_t n = CALL_S * RATE;
    float *l, *r;
    quiet_legs(&l, &r, n, (unsigned)(71 + 2 * k));
    /* the voice near -26 dBFS, the music 5 dB under it */
    *words1 = phrase(l, n, s->words1_at > 0.0 ? s->words1_at : WORDS1_AT, s->st0, 0.05f, 300 + 10 * k);
    *words2 = phrase(l, n, WORDS2_AT, s->st0 + 0.5, 0.05f, 400 + 10 * k);
    lead(l, n, s, 600 + k);
    if (s->rest_s > 0.0) {
        music(l, n, MUSIC_AT + s->lead_s, s->rest_at, s->root_hz, s->music_amp, 0.0, 0.0, 0.3, s->decay_per_s);
        music(l, n, s->rest_at + s->rest_s, MUSIC_END, s->root_hz, s->music_amp, 0.0, 0.0, 0.3, s->decay_per_s);
    } else {
        music(l, n, MUSIC_AT + s->lead_s, MUSIC_END, s->root_hz, s->music_amp, s->off_at, s->off_s, 0.3,
              s->decay_per_s);
    }
    if (s->loss) lose_packets(l, n, 500 + k);
    if (s->leak_db > 0.0f) sig_add(r + RATE / 25, l, n - RATE / 25, powf(10.0f, -s->leak_db / 20.0f));
    run_res res = run_analyzer(l, r, n);
    print_message("%s: holds %d (agent) %d (caller), agent's %.2f-%.2f s (music %.1f-%.1f); "
                  "speech %.2f of the %.2f s of words before, %.2f of %.2f after, %.2f s (%d frames) "
                  "in the music\n",
                  s->name, res.holds[0], res.holds[1], res.hold_start, res.hold_end, MUSIC_AT, MUSIC_END,
                  res.speech_s[0], *words1, res.speech_s[1], *words2, res.speech_s[2], res.music_frames);
    free(l);
    free(r);
    return res;
}

static void test_music_hold_is_bounded_by_the_music(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        double words1, words2;
        run_res res = run_call(&calls[k], k, &words1, &words2);
        int ok = res.holds[0] == 1 && res.holds[1] == 0 && fabs(res.hold_start - MUSIC_AT) < 0.3 &&
                 fabs(res.hold_end - MUSIC_END) < 0.3 && res.speech_s[0] > 0.8 * words1 &&
                 res.speech_s[1] > 0.6 * words2 && res.speech_s[2] < 0.05 && res.music_frames <= 5;
        if (!ok) print_message("  FAILED\n");
        failed += !ok;
    }
    assert_int_equal(failed, 0);
}

/* The music's first 1.5 s are a drone off the grid (seed 51 c28 and 52 c48, through Opus: the
 * first 0.7-1.5 s of the music were chords read off the grid, or unvoiced), so the music window
 * rules only once the music's start has left it. The hold is dated from the music's start all
 * the same, not from its first note, 1.5 s late. Limit (printed, not asserted): the drone is
 * the agent's speech until the window rules, about 3 s of it. */
static void test_a_hold_whose_lead_in_left_the_window_starts_with_it(void **state)
{
    (void)state;
    const call_spec s = {"an off-grid drone for 1.5 s before the first chord", -14.2, 220.0, 0.0, 0.0, 0, 0.09f,
                         2.5, 2, 1.5, 0.0, 0.0f, 0.0, 0.0};
    double words1, words2;
    run_res res = run_call(&s, 20, &words1, &words2);
    assert_int_equal(res.holds[0], 1);
    assert_int_equal(res.holds[1], 0);
    assert_true(fabs(res.hold_start - MUSIC_AT) < 0.3);
    assert_true(fabs(res.hold_end - MUSIC_END) < 0.6);
    assert_true(res.speech_s[0] > 0.8 * words1 && res.speech_s[1] > 0.6 * words2);
}

/* A syllable of the other leg's crosstalk stood still on the grid for 0.1 s after the words
 * and 0.4 s before the music, with a pause between (seed 52 c08: the hold began there, 1.05 s
 * early). A stretch that short is no music, whatever its notes: the hold starts with the music. */
static void test_a_blip_on_the_grid_before_the_music_is_not_its_start(void **state)
{
    (void)state;
    size_t n = CALL_S * RATE;
    float *l, *r;
    quiet_legs(&l, &r, n, 95);
    double words = phrase(l, n, WORDS1_AT, -14.2, 0.05f, 950);
    pluck(l, n, MUSIC_AT - 0.5, 0.1, 220.0, 0.0, 0.01f);
    music(l, n, MUSIC_AT, MUSIC_END, 220.0, 0.09f, 0.0, 0.0, 0.3, 2.5);
    phrase(l, n, WORDS2_AT, -13.7, 0.05f, 960);
    run_res res = run_analyzer(l, r, n);
    print_message("words to %.2f s, a blip at %.2f s, music from %.2f s: holds %d (agent), %.2f-%.2f s\n",
                  WORDS1_AT + words, MUSIC_AT - 0.5, MUSIC_AT, res.holds[0], res.hold_start, res.hold_end);
    assert_int_equal(res.holds[0], 1);
    assert_true(fabs(res.hold_start - MUSIC_AT) < 0.3 && fabs(res.hold_end - MUSIC_END) < 0.3);
    free(l);
    free(r);
}

/* ... but the agent's words between two stretches of music part two holds ("thank you for
 * holding, just one more moment, I am still checking"): words that short of the music window
 * (3 s) do not even end a hold. */
static void test_words_between_two_holds_part_them(void **state)
{
    (void)state;
    size_t n = CALL_S * RATE;
    float *l, *r;
    quiet_legs(&l, &r, n, 91);
    phrase(l, n, WORDS1_AT, -14.2, 0.05f, 900);
    music(l, n, MUSIC_AT, 12.0, 220.0, 0.09f, 0.0, 0.0, 0.3, 2.5);
    double words = phrase(l, n, 12.15, -13.7, 0.05f, 910);
    words += phrase(l, n, 12.15 + words + 0.3, -13.9, 0.05f, 920) + 0.3;
    music(l, n, 12.15 + words + 0.3, MUSIC_END + 3.0, 220.0, 0.09f, 0.0, 0.0, 0.3, 2.5);
    run_res res = run_analyzer(l, r, n);
    print_message("words between two stretches of music: holds %d (agent), the first %.2f-%.2f s\n",
                  res.holds[0], res.hold_start, res.hold_end);
    assert_int_equal(res.holds[0], 2);
    assert_true(fabs(res.hold_start - MUSIC_AT) < 0.3 && res.hold_end > 11.7 && res.hold_end < 13.0);
    free(l);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_music_hold_is_bounded_by_the_music),
        cmocka_unit_test(test_words_between_two_holds_part_them),
        cmocka_unit_test(test_a_hold_whose_lead_in_left_the_window_starts_with_it),
        cmocka_unit_test(test_a_blip_on_the_grid_before_the_music_is_not_its_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
