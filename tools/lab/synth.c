/* tools/lab/synth.c -- a scripted two-party call with exactly known truth.
 *
 * Voices: a glottal pulse train (band-limited pulses at fractional positions, so the period and
 * hence the pitch truth are exact) with jitter, shimmer and breath noise, shaped by a glottal
 * low-pass whose corner rises with vocal effort, through a cascade of four formant resonators
 * (Klatt-style two-pole sections) and lip radiation. Syllables at 3.5-5.5 per second, each with
 * an optional consonant (fricative noise, stop closure and burst, or nasal) before its vowel; an
 * intonation contour of declination, slow wobble and a final fall or rise. Every speaker gets a
 * random sex, base pitch (male 85-155 Hz, female 165-255 Hz), vocal tract scale, rate and level.
 *
 * Conversation: alternating turns of 1-3 phrases with 0.2-1.5 s gaps, hand-overs that overlap by
 * up to 0.25 s, backchannels (0.2-0.8 s) inside the other's phrase, interruptions (the newcomer
 * starts 1-3 s before the holder's phrase would end; the holder stops 0.45-1.5 s later), raised
 * turns (+8..15 dB, +2..5 semitones, more effort, 10% faster), moderately louder turns (+3..5 dB,
 * no pitch change) that are not raised, dead air of 5-12 s and, on request, an agent monologue.
 * Conditions: sample rate, telephone band with mu-law, background noise at an SNR, and each
 * party leaking into the other's channel at a level and delay (leaked audio is not speech). */
#include "synth.h"
#include "cJSON.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness: splitmix64, deterministic on every platform ---------------------------- */

typedef struct { uint64_t s; } rng_t;
static uint64_t rng_next(rng_t *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double uni(rng_t *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }
static double range(rng_t *r, double lo, double hi) { return lo + (hi - lo) * uni(r); }
static double gauss(rng_t *r)
{
    double u = uni(r) + 1e-12, v = uni(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* ---- lists ----------------------------------------------------------------------------- */

static int push(synth_list *l, synth_iv iv)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        synth_iv *v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = iv;
    return 0;
}

static synth_iv iv_make(double s, double e, int spk, int other, double gain)
{
    synth_iv v = {s, e, spk, other, gain};
    return v;
}

/* ---- voices ---------------------------------------------------------------------------- */

typedef struct {
    double f0_base, tract, rate_sps, level_db, jitter, shimmer, breath;
} voice_t;

typedef struct { double y1, y2, b, c, a; } reson_t;   /* two-pole resonator, unity DC gain */

static void reson_set(reson_t *r, double f, double bw, double fs)
{
    if (f > 0.45 * fs) f = 0.45 * fs;
    double rr = exp(-M_PI * bw / fs);
    r->c = -rr * rr;
    r->b = 2.0 * rr * cos(2.0 * M_PI * f / fs);
    r->a = 1.0 - r->b - r->c;
}
static double reson_run(reson_t *r, double x)
{
    double y = r->a * x + r->b * r->y1 + r->c * r->y2;
    r->y2 = r->y1;
    r->y1 = y;
    return y;
}

static const double vowels[6][3] = {
    {730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240},
    {530, 1840, 2480}, {570, 840, 2410}, {660, 1720, 2410}};

typedef struct {
    int fs;
    float *buf;        /* phrase render buffer */
    size_t len;
    float *f0_hop;     /* truth per hop of this speaker's track (absolute hops) */
    size_t hops;
} render_ctx;

/* Adds a band-limited unit pulse centred at fractional position pos into buf. */
static void add_pulse(float *buf, size_t len, double pos, double amp)
{
    int c = (int)floor(pos);
    for (int k = -8; k <= 8; k++) {
        long i = c + k;
        if (i < 0 || (size_t)i >= len) continue;
        double x = (double)i - pos;
        double w = 0.5 + 0.5 * cos(M_PI * x / 9.0);
        double s = fabs(x) < 1e-9 ? 1.0 : sin(M_PI * x) / (M_PI * x);
        buf[i] += (float)(amp * s * w);
    }
}

/* Renders one phrase of dur_s into ctx->buf (zeroed, length >= dur) and returns its length in
 * samples. Pitch truth goes into f0_hop from hop offset t0_s on. */
static size_t render_phrase(render_ctx *ctx, const voice_t *v, rng_t *r, double dur_s, double st,
                            double effort, double rate_mult, double t0_s, int backchannel)
{
    const double fs = ctx->fs;
    size_t n = (size_t)(dur_s * fs);
    if (n + 32 > ctx->len) n = ctx->len - 32;
    float *src = calloc(n + 32, sizeof(float));   /* voiced excitation */
    float *env = calloc(n + 32, sizeof(float));   /* vowel envelope 0..1 */
    float *noi = calloc(n + 32, sizeof(float));   /* consonant noise, already shaped */
    signed char *vow = calloc(n + 32, 1);         /* vowel index per sample */
    if (!src || !env || !noi || !vow) { free(src); free(env); free(noi); free(vow); return 0; }

    /* Syllable plan: envelope, vowels and consonant noise. */
    double t = 0.0, sps = v->rate_sps * rate_mult;
    while (t < dur_s - 0.05) {
        double syl = range(r, 0.7, 1.3) / sps;
        if (backchannel) syl = dur_s;
        if (t + syl > dur_s) syl = dur_s - t;
        double amp = range(r, 0.6, 1.0);
        int kind = backchannel ? 3 : (int)(uni(r) * 100.0);
        kind = backchannel ? 3 : kind < 30 ? 0 : kind < 60 ? 1 : kind < 85 ? 2 : 3;
        double cons = kind == 0 ? 0.0 : range(r, 0.04, 0.09);
        if (cons > syl * 0.4) cons = syl * 0.4;
        int vi = (int)(uni(r) * 6.0);
        size_t a = (size_t)(t * fs), b = (size_t)((t + syl) * fs), vstart = (size_t)((t + cons) * fs);
        if (b > n) b = n;
        if (kind == 1 || kind == 2) {             /* fricative, or stop closure then burst */
            reson_t fr = {0};
            reson_set(&fr, range(r, 3500.0, 5000.0), 1500.0, fs);
            size_t burst = kind == 2 ? vstart - (size_t)(0.012 * fs) : a;
            for (size_t i = burst; i < vstart && i < n; i++)
                noi[i] = (float)(0.3 * amp * reson_run(&fr, gauss(r)) * 4.0);
        }
        double ramp = 0.025 * fs;
        for (size_t i = (kind == 3 ? a : vstart); i < b; i++) {
            double e = amp;
            double from_start = (double)(i - (kind == 3 ? a : vstart)), to_end = (double)(b - i);
            if (from_start < ramp) e *= 0.5 - 0.5 * cos(M_PI * from_start / ramp);
            if (to_end < ramp) e *= 0.5 - 0.5 * cos(M_PI * to_end / ramp);
            if (kind == 3 && i < vstart) e *= 0.35;   /* nasal murmur before the vowel */
            env[i] = (float)e;
            vow[i] = (signed char)vi;
        }
        t += syl;
    }

    /* Pitch contour (truth) and the pulse train. */
    double decl = -range(r, 1.5, 3.0), wob_a = range(r, 0.8, 2.0), wob_f = range(r, 0.4, 0.9);
    double wob_p = range(r, 0.0, 2.0 * M_PI), end_move = uni(r) < 0.2 ? 3.0 : -2.0;
    double hop_s = 0.01;
    #define CONTOUR(tt) (v->f0_base * exp2((st + decl * (tt) / dur_s + \
        wob_a * sin(2.0 * M_PI * wob_f * (tt) + wob_p) + \
        ((tt) > dur_s - 0.3 ? end_move * ((tt) - (dur_s - 0.3)) / 0.3 : 0.0)) / 12.0))
    double pos = 0.0;
    while (pos < (double)n) {
        double f0 = CONTOUR(pos / fs);
        size_t ip = (size_t)pos;
        if (ip < n && env[ip] > 0.0f) {
            double amp = 1.0 + v->shimmer * gauss(r);
            add_pulse(src, n + 32, pos, amp);
        }
        pos += fs / f0 * (1.0 + v->jitter * gauss(r));
    }
    for (long hop = (long)ceil((t0_s - hop_s / 2.0) / hop_s);; hop++) {
        double tc = hop * hop_s + hop_s / 2.0 - t0_s;   /* absolute hop centre, phrase time */
        if (tc >= dur_s) break;
        size_t i = (size_t)(tc * fs);
        if (tc < 0.0 || hop < 0 || (size_t)hop >= ctx->hops || i >= n) continue;
        /* Voiced where the glottis vibrates within 20 dB of the syllable's peak; the fading
         * edges below that are marked -1 (ambiguous, not scored), as labellers leave them. */
        if (env[i] >= 0.1f) ctx->f0_hop[hop] = (float)CONTOUR(tc);
        else if (env[i] > 0.0f && ctx->f0_hop[hop] == 0.0f) ctx->f0_hop[hop] = -1.0f;
    }
    #undef CONTOUR

    /* Source shaping, breath, formants, radiation. */
    double glottal = 250.0 * effort;
    double gr = exp(-2.0 * M_PI * glottal / fs), g1 = 0.0, g2 = 0.0;
    reson_t f[4];
    for (int k = 0; k < 3; k++) reson_set(&f[k], vowels[0][k] * v->tract, 60.0 + 30.0 * k, fs);
    reson_set(&f[3], 3500.0 * v->tract, 200.0, fs);
    for (int k = 0; k < 4; k++) f[k].y1 = f[k].y2 = 0.0;
    int cur_v = -1;
    double prev = 0.0;
    for (size_t i = 0; i < n; i++) {
        g1 = (1.0 - gr) * src[i] * 40.0 + gr * g1;    /* two one-pole stages: -12 dB/oct */
        g2 = (1.0 - gr) * g1 + gr * g2;
        double e = env[i];
        double x = g2 * e + v->breath * e * gauss(r);
        if (vow[i] != cur_v && e > 0.0) {
            cur_v = vow[i];
            /* new coefficients, same state: the tract moves, it does not restart */
            for (int k = 0; k < 3; k++)
                reson_set(&f[k], vowels[cur_v][k] * v->tract, 60.0 + 30.0 * k, fs);
        }
        double y = x;
        for (int k = 0; k < 4; k++) y = reson_run(&f[k], y);
        double rad = y - prev;                      /* lip radiation: +6 dB/oct */
        prev = y;
        ctx->buf[i] = (float)(rad * 8.0 + noi[i] * 0.02);
    }
    free(src); free(env); free(noi); free(vow);
    return n;
}

/* ---- the call -------------------------------------------------------------------------- */

typedef struct {
    synth_opts o;
    rng_t r;
    voice_t voice[2];
    float *track[2];
    size_t n;
    render_ctx ctx;
    synth_truth *t;
    double last_end[2];
} call_t;

static voice_t make_voice(rng_t *r)
{
    voice_t v;
    int female = uni(r) < 0.5;
    v.f0_base = female ? range(r, 165.0, 255.0) : range(r, 85.0, 155.0);
    v.tract = female ? range(r, 1.12, 1.22) : range(r, 0.92, 1.05);
    v.rate_sps = range(r, 3.5, 5.5);
    v.level_db = range(r, -34.0, -27.0);   /* a +15 dB raised turn still clears full scale */
    v.jitter = range(r, 0.002, 0.006);
    v.shimmer = range(r, 0.02, 0.06);
    v.breath = range(r, 0.002, 0.01);
    return v;
}

/* One RBJ biquad section run over x in place (b and a normalised by a0). */
static void biquad_pass(float *x, size_t n, double fc, double fs, int highpass)
{
    double w = 2.0 * M_PI * fc / fs, al = sin(w) / (2.0 * 0.7071), cw = cos(w), a0 = 1 + al;
    double b0 = highpass ? (1 + cw) / 2 : (1 - cw) / 2, b1 = highpass ? -(1 + cw) : 1 - cw, b2 = b0;
    double a1 = -2 * cw, a2 = 1 - al, x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i], y = (b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
        x2 = x1; x1 = v; y2 = y1; y1 = y;
        x[i] = (float)y;
    }
}

/* RMS of x in the 300-3400 Hz speech band. */
static double band_rms(const float *x, size_t n, int fs)
{
    float *tmp = malloc((n ? n : 1) * sizeof(float));
    if (!tmp) return 0.0;
    memcpy(tmp, x, n * sizeof(float));
    biquad_pass(tmp, n, 300.0, fs, 1);
    biquad_pass(tmp, n, fmin(3400.0, 0.45 * fs), fs, 0);
    double sq = 0.0;
    for (size_t i = 0; i < n; i++) sq += (double)tmp[i] * tmp[i];
    free(tmp);
    return sqrt(sq / (n ? n : 1));
}

/* Renders a phrase for speaker s from time t0 of dur, scaled so its RMS is the voice's level plus
 * gain_db, into the speaker's track; records the speech interval. Returns the phrase end. */
static double phrase(call_t *c, int s, double t0, double dur, double gain_db, double st,
                     double effort, double rate_mult, int backchannel)
{
    size_t a = (size_t)(t0 * c->o.rate_hz);
    if (a >= c->n || dur <= 0.05) return t0;
    t0 = (double)a / c->o.rate_hz;
    if (t0 + dur > c->o.duration_s - 0.2) dur = c->o.duration_s - 0.2 - t0;
    if (dur <= 0.1) return t0;
    memset(c->ctx.buf, 0, c->ctx.len * sizeof(float));
    c->ctx.f0_hop = c->t->f0[s];
    size_t len = render_phrase(&c->ctx, &c->voice[s], &c->r, dur, st, effort, rate_mult, t0,
                               backchannel);
    /* A talker's effort sets how loud a phrase sounds, not its full-band power: level is set on
     * the 300-3400 Hz band, so vowels with a low first formant do not come out of a telephone
     * band several dB quieter than the rest. */
    double rms = band_rms(c->ctx.buf, len, c->o.rate_hz);
    double g = rms > 0.0 ? pow(10.0, (c->voice[s].level_db + gain_db) / 20.0) / rms : 0.0;
    for (size_t i = 0; i < len && a + i < c->n; i++) c->track[s][a + i] += (float)(c->ctx.buf[i] * g);
    /* The truth interval is where the phrase is audible: the first and last 5 ms block whose
     * RMS is within 30 dB of the phrase's RMS (a labeller's boundary, not the -80 dB tail). */
    size_t blk = (size_t)(0.005 * c->o.rate_hz), first = len, last = 0;
    double thr = rms * rms * 1e-3;
    for (size_t i = 0; i + blk <= len; i += blk) {
        double e = 0.0;
        for (size_t k = 0; k < blk; k++) e += (double)c->ctx.buf[i + k] * c->ctx.buf[i + k];
        if (e / blk >= thr) { if (first == len) first = i; last = i + blk - 1; }
    }
    if (first == len) return t0;
    double s0 = t0 + (double)first / c->o.rate_hz, e0 = t0 + (double)(last + 1) / c->o.rate_hz;
    push(&c->t->speech[s], iv_make(s0, e0, s, -1, gain_db));
    if (e0 > c->last_end[s]) c->last_end[s] = e0;
    return e0;
}

/* Truncates speaker s's truth and audio at time t (an interrupted holder stops). */
static void cut(call_t *c, int s, double t)
{
    synth_list *l = &c->t->speech[s];
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i].start >= t) { l->v[i].end = l->v[i].start; continue; }
        if (l->v[i].end > t) l->v[i].end = t;
    }
    size_t a = (size_t)(t * c->o.rate_hz);
    double ramp = 0.02 * c->o.rate_hz;
    for (size_t i = a; i < c->n; i++) {
        double k = (double)(i - a);
        c->track[s][i] *= k < ramp ? (float)(0.5 + 0.5 * cos(M_PI * k / ramp)) : 0.0f;
    }
    for (size_t h = (size_t)(t / 0.01); h < c->t->hops; h++) c->t->f0[s][h] = 0.0f;
    c->last_end[s] = t;
}

enum { K_NORMAL, K_RAISED, K_MODERATE };
enum { AGENT = 0, CALLER = 1 };

/* One turn of speaker s from t; returns the end of its last phrase. May place a backchannel by
 * the other speaker inside a phrase. last_len: length of the final phrase (for interruptions). */
static double turn(call_t *c, int s, double t, int kind, int want_bc, double min_last)
{
    int nphr = 1 + (int)(uni(&c->r) * 3.0);
    double gain = range(&c->r, -1.0, 1.0), st = 0.0, effort = 1.0, rate = 1.0;
    if (kind == K_RAISED) {
        gain = range(&c->r, 8.0, 15.0); st = range(&c->r, 2.0, 5.0); effort = 2.0; rate = 1.1;
    } else if (kind == K_MODERATE) {
        gain = range(&c->r, 3.0, 5.0); st = range(&c->r, -0.3, 0.3);
    }
    double start = t, end = t;
    int bc_phrase = want_bc ? (int)(uni(&c->r) * nphr) : -1;
    for (int p = 0; p < nphr; p++) {
        double dur = range(&c->r, 1.2, 3.0);
        if (p == nphr - 1 && dur < min_last) dur = min_last + range(&c->r, 0.0, 0.5);
        if (p == bc_phrase && dur < 2.2) dur = 2.2;
        double ps = t;
        end = phrase(c, s, t, dur, gain, st, effort, rate, 0);
        if (end <= ps) { end = p ? c->last_end[s] : end; break; }
        if (p == bc_phrase) {
            double bd = range(&c->r, 0.2, 0.8);
            double bs = range(&c->r, ps + 0.4, end - bd - 0.4);
            double be = phrase(c, 1 - s, bs, bd, -3.0, 0.0, 1.0, 1.0, 1);
            if (be > bs) push(&c->t->backchannels, iv_make(bs, be, 1 - s, s, 0.0));
        }
        t = end + (p < nphr - 1 ? range(&c->r, 0.3, 0.7) : 0.0);
    }
    synth_iv iv = iv_make(start, end, s, -1, gain);
    if (end - start > 0.5 && kind == K_RAISED) push(&c->t->raised, iv);
    if (end - start > 0.5 && kind == K_MODERATE) push(&c->t->not_raised, iv);
    return end;
}

static void derive_truth(call_t *c)
{
    synth_truth *t = c->t;
    /* drop speech intervals erased by a cut */
    for (int s = 0; s < 2; s++) {
        size_t k = 0;
        for (size_t i = 0; i < t->speech[s].n; i++)
            if (t->speech[s].v[i].end - t->speech[s].v[i].start > 0.05) t->speech[s].v[k++] = t->speech[s].v[i];
        t->speech[s].n = k;
    }
    for (size_t i = 0; i < t->speech[0].n; i++)
        for (size_t j = 0; j < t->speech[1].n; j++) {
            double a = fmax(t->speech[0].v[i].start, t->speech[1].v[j].start);
            double b = fmin(t->speech[0].v[i].end, t->speech[1].v[j].end);
            if (b - a >= 0.1) push(&t->overlaps, iv_make(a, b, -1, -1, 0.0));
        }
    /* silences: gaps in the union of both speakers' speech */
    double cursor = 0.0;
    for (;;) {
        double next = 1e30;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < t->speech[s].n; i++)
                if (t->speech[s].v[i].end > cursor && t->speech[s].v[i].start < next)
                    next = t->speech[s].v[i].start;
        if (next > 1e29) next = c->o.duration_s;
        if (next - cursor >= 5.0) push(&t->silences, iv_make(cursor, next, -1, -1, 0.0));
        if (next >= c->o.duration_s) break;
        double e = next;   /* extend through overlapping speech */
        for (int changed = 1; changed;) {
            changed = 0;
            for (int s = 0; s < 2; s++)
                for (size_t i = 0; i < t->speech[s].n; i++)
                    if (t->speech[s].v[i].start <= e && t->speech[s].v[i].end > e) { e = t->speech[s].v[i].end; changed = 1; }
        }
        cursor = e;
    }
}

static void mix(call_t *c, float *left, float *right)
{
    const synth_opts *o = &c->o;
    size_t d = isnan(o->bleed_db) ? 0 : (size_t)(o->bleed_delay_ms / 1000.0 * o->rate_hz);
    double g = isnan(o->bleed_db) ? 0.0 : pow(10.0, o->bleed_db / 20.0);
    for (size_t i = 0; i < c->n; i++) {
        double l = c->track[0][i], r = c->track[1][i];
        if (g > 0.0 && i >= d) { l += g * c->track[1][i - d]; r += g * c->track[0][i - d]; }
        left[i] = (float)l;
        right[i] = (float)r;
    }
    float *ch[2] = {left, right};
    for (int k = 0; k < 2; k++) {
        if (!isnan(o->snr_db)) {
            /* noise relative to the quieter voice's active level, slightly coloured */
            double lvl = fmin(c->voice[0].level_db, c->voice[1].level_db);
            double nrms = pow(10.0, (lvl - o->snr_db) / 20.0), lp = 0.0;
            for (size_t i = 0; i < c->n; i++) {
                lp = 0.6 * lp + 0.4 * gauss(&c->r);
                ch[k][i] += (float)(nrms * lp * 1.53);   /* 1.53 restores unit RMS after the low-pass */
            }
        }
        if (o->telephone) {
            /* 2nd-order high-pass at 300 Hz and low-pass at 3400 Hz, twice each */
            for (int pass = 0; pass < 2; pass++) {
                biquad_pass(ch[k], c->n, 300.0, o->rate_hz, 1);
                biquad_pass(ch[k], c->n, fmin(3400.0, 0.45 * o->rate_hz), o->rate_hz, 0);
            }
            for (size_t i = 0; i < c->n; i++) {   /* G.711 mu-law, 8 bits, round trip */
                double x = fmax(-1.0, fmin(1.0, ch[k][i]));
                double y = copysign(log1p(255.0 * fabs(x)) / log1p(255.0), x);
                y = round(y * 127.0) / 127.0;
                ch[k][i] = (float)copysign((pow(256.0, fabs(y)) - 1.0) / 255.0, y);
            }
        }
        for (size_t i = 0; i < c->n; i++) ch[k][i] = fmaxf(-1.0f, fminf(1.0f, ch[k][i]));
    }
}

synth_opts synth_defaults(void)
{
    synth_opts o = {16000, 120.0, 1, 0, NAN, NAN, 40.0, 0};
    return o;
}

int synth_generate(const synth_opts *o, float **left, float **right, size_t *n_out, synth_truth *t)
{
    call_t c;
    memset(&c, 0, sizeof c);
    memset(t, 0, sizeof *t);
    c.o = *o;
    c.r.s = o->seed * 0x2545F4914F6CDD1Dull + 12345u;
    c.t = t;
    c.n = (size_t)(o->duration_s * o->rate_hz);
    t->hops = (size_t)(o->duration_s * 100.0);
    c.track[0] = calloc(c.n + 1, sizeof(float));
    c.track[1] = calloc(c.n + 1, sizeof(float));
    t->f0[0] = calloc(t->hops + 1, sizeof(float));
    t->f0[1] = calloc(t->hops + 1, sizeof(float));
    c.ctx.fs = o->rate_hz;
    c.ctx.len = (size_t)(60.0 * o->rate_hz);
    c.ctx.buf = calloc(c.ctx.len, sizeof(float));
    c.ctx.hops = t->hops;
    *left = calloc(c.n + 1, sizeof(float));
    *right = calloc(c.n + 1, sizeof(float));
    if (!c.track[0] || !c.track[1] || !t->f0[0] || !t->f0[1] || !c.ctx.buf || !*left || !*right) {
        free(c.track[0]); free(c.track[1]); free(c.ctx.buf);
        synth_free(*left, *right, t);
        *left = *right = NULL;
        return -1;
    }
    c.voice[0] = make_voice(&c.r);
    c.voice[1] = make_voice(&c.r);

    /* The script: specials are spread over the call so that each kind appears, then random. */
    enum { S_BC_C, S_BC_A, S_INT_C, S_INT_A, S_RAISED_C, S_MOD_C, S_MOD_A, S_SIL, S_RAISED_A, S_N };
    int todo[S_N];
    for (int i = 0; i < S_N; i++) todo[i] = 1;
    double t_now = range(&c.r, 0.3, 0.8);
    int s = AGENT;
    int mono_done = !o->monologue;
    while (t_now < o->duration_s - 4.0) {
        int kind = K_NORMAL, want_bc = 0, intr = 0, sil = 0;
        double remaining = o->duration_s - t_now;
        int call_settled = t_now > 25.0;   /* baselines need speech before a raised turn */
        double u = uni(&c.r);
        if (!mono_done && s == AGENT && t_now > 15.0 && remaining > 60.0) {
            /* the monologue: many phrases, caller backchannels, no turn from the caller */
            double start = t_now, end = t_now, stop = t_now + range(&c.r, 46.0, 55.0);
            while (end < stop) {
                double dur = range(&c.r, 1.5, 3.0), ps = end;
                end = phrase(&c, s, end, dur, range(&c.r, -1.0, 1.0), 0.0, 1.0, 1.0, 0);
                if (end <= ps) break;
                if (uni(&c.r) < 0.25 && dur > 2.0) {
                    double bd = range(&c.r, 0.2, 0.7), bs = range(&c.r, ps + 0.4, end - bd - 0.3);
                    double be = phrase(&c, 1 - s, bs, bd, -3.0, 0.0, 1.0, 1.0, 1);
                    if (be > bs) push(&t->backchannels, iv_make(bs, be, 1 - s, s, 0.0));
                }
                end += range(&c.r, 0.3, 0.7);
            }
            push(&t->monologues, iv_make(start, c.last_end[s], s, -1, 0.0));
            mono_done = 1;
            t_now = c.last_end[s] + range(&c.r, 0.3, 1.0);
            s = 1 - s;
            continue;
        }
        /* Specials not yet in the call are spread over the turns left, so that every call of
         * a couple of minutes has each kind; extra ones come at random. */
        int compatible[S_N], ncomp = 0, n_todo = 0;
        for (int k = 0; k < S_N; k++) {
            int ok = k == S_SIL ||
                     ((k == S_BC_C || k == S_INT_C) && s == AGENT) ||
                     ((k == S_BC_A || k == S_INT_A) && s == CALLER) ||
                     ((k == S_RAISED_C || k == S_MOD_C) && s == CALLER && call_settled) ||
                     ((k == S_RAISED_A || k == S_MOD_A) && s == AGENT && call_settled);
            n_todo += todo[k];
            if (ok && todo[k]) compatible[ncomp++] = k;
        }
        double turns_left = (remaining - 4.0) / 5.0;
        int pick = -1;
        if (ncomp && u < (n_todo + 0.5) / (turns_left > 1.0 ? turns_left : 1.0))
            pick = compatible[(int)(uni(&c.r) * ncomp)];
        else if (u > 0.85)
            pick = (int)(uni(&c.r) * S_N);
        switch (pick) {
        case S_BC_C: if (s == AGENT) want_bc = 1; else pick = -1; break;
        case S_BC_A: if (s == CALLER) want_bc = 1; else pick = -1; break;
        case S_INT_C: if (s == AGENT) intr = 1; else pick = -1; break;
        case S_INT_A: if (s == CALLER) intr = 1; else pick = -1; break;
        case S_RAISED_C: if (s == CALLER && call_settled) kind = K_RAISED; else pick = -1; break;
        case S_RAISED_A: if (s == AGENT && call_settled) kind = K_RAISED; else pick = -1; break;
        case S_MOD_C: if (s == CALLER && call_settled) kind = K_MODERATE; else pick = -1; break;
        case S_MOD_A: if (s == AGENT && call_settled) kind = K_MODERATE; else pick = -1; break;
        case S_SIL: sil = 1; break;
        default: break;
        }
        if (pick >= 0 && pick < S_N) todo[pick] = 0;

        double end = turn(&c, s, t_now, kind, want_bc, intr ? 3.2 : 0.0);
        if (intr) {
            /* the other starts 1-3 s before this phrase would end; the holder stops later */
            double lead = range(&c.r, 1.0, fmin(3.0, end - t_now - 0.5));
            double ts = end - lead;
            double stop = ts + range(&c.r, 0.45, fmin(1.5, lead - 0.1));
            cut(&c, s, stop);
            double ne = turn(&c, 1 - s, ts, K_NORMAL, 0, 2.0);
            /* interruption truth: from the newcomer's start to the end of its first phrase */
            double first_end = ne;
            for (size_t i = 0; i < t->speech[1 - s].n; i++)
                if (fabs(t->speech[1 - s].v[i].start - ts) < 0.05) first_end = t->speech[1 - s].v[i].end;
            push(&t->interruptions, iv_make(ts, first_end, 1 - s, s, 0.0));
            t_now = ne + range(&c.r, 0.2, 1.5);
            /* after an interruption the newcomer held the floor: next turn is the old holder's */
            continue;
        }
        double gap = sil ? range(&c.r, 5.5, 12.0)
                   /* hand-overs: a touch (not an overlap) or a clear overlap, never the
                    * ambiguous 0.1 s edge that +-20 ms of boundary would flip */
                   : uni(&c.r) < 0.2 ? (uni(&c.r) < 0.5 ? -range(&c.r, 0.0, 0.05) : -range(&c.r, 0.15, 0.25))
                   : range(&c.r, 0.2, 1.5);
        t_now = end + gap;
        s = 1 - s;
    }
    derive_truth(&c);
    /* A hop next to a voicing change is half voiced at 10 ms resolution: ambiguous, like the
     * fading edges (-1, not scored). */
    for (int s2 = 0; s2 < 2; s2++) {
        float *f = t->f0[s2];
        for (size_t h = 1; h + 1 < t->hops; h++) {
            if (f[h] < 0.0f) continue;
            int v = f[h] > 0.0f, a = f[h - 1] > 0.0f, b = f[h + 1] > 0.0f;
            if ((f[h - 1] >= 0.0f && a != v) || (f[h + 1] >= 0.0f && b != v)) f[h] = -2.0f;
        }
        for (size_t h = 0; h < t->hops; h++) if (f[h] == -2.0f) f[h] = -1.0f;
    }
    mix(&c, *left, *right);
    free(c.track[0]);
    free(c.track[1]);
    free(c.ctx.buf);
    *n_out = c.n;
    return 0;
}

void synth_free(float *left, float *right, synth_truth *t)
{
    free(left);
    free(right);
    if (!t) return;
    synth_list *lists[] = {&t->speech[0], &t->speech[1], &t->overlaps, &t->interruptions,
                           &t->backchannels, &t->raised, &t->not_raised, &t->silences, &t->monologues};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) free(lists[i]->v);
    free(t->f0[0]);
    free(t->f0[1]);
    memset(t, 0, sizeof *t);
}

/* ---- truth JSON ------------------------------------------------------------------------ */

static double r3(double x) { return round(x * 1000.0) / 1000.0; }
static const char *spk(int s) { return s == 0 ? "agent" : "caller"; }

static cJSON *pairs(const synth_list *l)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < l->n; i++) {
        cJSON *p = cJSON_CreateArray();
        cJSON_AddItemToArray(p, cJSON_CreateNumber(r3(l->v[i].start)));
        cJSON_AddItemToArray(p, cJSON_CreateNumber(r3(l->v[i].end)));
        cJSON_AddItemToArray(a, p);
    }
    return a;
}

static cJSON *objects(const synth_list *l, const char *who, const char *extra)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < l->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "start", r3(l->v[i].start));
        cJSON_AddNumberToObject(o, "end", r3(l->v[i].end));
        cJSON_AddStringToObject(o, who, spk(l->v[i].speaker));
        if (extra && !strcmp(extra, "of")) cJSON_AddStringToObject(o, "of", spk(l->v[i].other));
        if (extra && !strcmp(extra, "gain_db")) cJSON_AddNumberToObject(o, "gain_db", round(l->v[i].gain_db * 10.0) / 10.0);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

char *synth_truth_json(const synth_opts *o, const synth_truth *t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "sample_rate", o->rate_hz);
    cJSON_AddNumberToObject(root, "duration", o->duration_s);
    cJSON *sp = cJSON_AddObjectToObject(root, "speech");
    cJSON_AddItemToObject(sp, "agent", pairs(&t->speech[0]));
    cJSON_AddItemToObject(sp, "caller", pairs(&t->speech[1]));
    cJSON_AddItemToObject(root, "overlaps", pairs(&t->overlaps));
    cJSON_AddItemToObject(root, "interruptions", objects(&t->interruptions, "by", "of"));
    cJSON_AddItemToObject(root, "backchannels", objects(&t->backchannels, "by", NULL));
    cJSON_AddItemToObject(root, "raised_voice", objects(&t->raised, "speaker", "gain_db"));
    cJSON_AddItemToObject(root, "not_raised", objects(&t->not_raised, "speaker", "gain_db"));
    cJSON_AddItemToObject(root, "silences", pairs(&t->silences));
    cJSON_AddItemToObject(root, "monologues", objects(&t->monologues, "speaker", NULL));
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}
