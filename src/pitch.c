/* src/pitch.c -- fundamental frequency and voicing of one channel.
 *
 * Input: DC-blocked hops. Output: F0 in Hz (0 when unvoiced) and a periodicity confidence in
 * 0..1 for a 40 ms window centred 2 hops behind the newest one (20 ms of lookahead).
 *
 * Method: the normalised squared difference function (NSDF, P. McLeod and G. Wyvill, "A smarter
 * way to find pitch", ICMC 2005), n(t) = 2 r(t) / m(t), which is 1 - d(t)/m(t) with d YIN's
 * difference function (de Cheveigne and Kawahara, JASA 2002), so it shares YIN's normalisation
 * but needs no cumulative mean. It runs on a copy low-passed at 2.1-2.5 kHz and decimated to
 * 5-8 kHz: F0 up to 500 Hz keeps its harmonics up to the third formant there, and on telephone
 * audio, where the fundamental itself is cut at 300 Hz, those harmonics still peak the NSDF at
 * the true period. r(t) comes from two real FFTs (kiss_fftr, distinct buffers, a fast size),
 * m(t) from prefix sums. Among the key maxima (the top of each positive lobe) the pick is the
 * one nearest the speaker's own register (running mean log F0 of their clearly voiced hops),
 * trading an octave of distance for 0.33 of NSDF; before the register exists, McLeod's rule
 * (first peak within peak_ratio of the best). The period is then re-measured at the full rate
 * over a few lags with parabolic interpolation (fine error about 5 cents). A jump to about an
 * integer multiple or fraction of the previous hop's F0 gives way to a strong candidate near
 * it: a voice glides, it does not leap octaves in 10 ms. */
#include "pitch.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pitch_lookahead_hops(const tm_pitch *p)
{
    /* window centre is 25 ms behind the newest sample; a hop's centre is hop/2 into it */
    double behind = (p->win_s / 2.0 + p->gap_s) * p->fs - p->hop / 2.0;
    return (int)floor(behind / p->hop + 0.5);
}

int pitch_init(tm_pitch *p, int fs_hz, int hop, float f0_min_hz, float f0_max_hz, float peak_ratio,
               float voicing_min)
{
    memset(p, 0, sizeof *p);
    p->fs = fs_hz;
    p->hop = hop;
    p->dec = fs_hz / 5000;
    if (p->dec < 1) p->dec = 1;
    double fsd = (double)fs_hz / p->dec;
    p->fs_dec = (int)fsd;
    /* A 40 ms window ending 5 ms before the newest sample: centred 25 ms back, on a hop's centre,
     * and short enough for a 320-point FFT (radix 2 and 5) at the 5.3 kHz copy of 16 kHz input. */
    p->win_s = 0.040;
    p->gap_s = 0.005;
    p->win_dec = (int)floor(p->win_s * fsd + 0.5);
    p->gap_dec = (int)floor(p->gap_s * fsd + 0.5);
    p->lag_min = (int)floor(fsd / f0_max_hz);
    if (p->lag_min < 2) p->lag_min = 2;
    p->lag_max = (int)ceil(fsd / f0_min_hz) + 1;
    if (p->lag_max > p->win_dec - 2) p->lag_max = p->win_dec - 2;
    p->nfft = kiss_fftr_next_fast_size_real(p->win_dec + p->lag_max + 1);
    p->win_full = (int)floor(0.020 * fs_hz + 0.5);
    p->hist_len = (int)floor(0.050 * fs_hz + 0.5);
    p->peak_ratio = peak_ratio;
    p->voicing_min = voicing_min;
    /* 4th-order Butterworth at 2.5 kHz before an 8 kHz copy: the harmonics up to the third
     * formant keep the period clear when the fundamental is missing (telephone band). */
        double fc = 0.4 * fsd < 2500.0 ? 0.4 * fsd : 2500.0;
    /* Low-pass to 2.5 kHz (0.4 of the copy's rate): the harmonics up to the third formant keep
     * the period clear when the fundamental is missing (telephone band). Decimated copies get a
     * 2nd-order filter: what folds back is 12 dB/octave down and inharmonic, which the NSDF
     * averages out, and it halves the cost; an 8 kHz input is not decimated and gets a 4th-order
     * Butterworth, which measurably helps on narrowband audio. */
    if (p->dec > 1) {
        biquad_lowpass(&p->aa[0], fc, 0.70710678, fs_hz);
    } else {
        biquad_lowpass(&p->aa[0], fc, 0.54119610, fs_hz);
        biquad_lowpass(&p->aa[1], fc, 1.30656296, fs_hz);
    }

    p->buf_dec = p->win_dec + p->gap_dec;
    p->dec_buf = calloc((size_t)p->buf_dec, sizeof(float));
    p->hist = calloc((size_t)p->hist_len, sizeof(float));
    p->fft_in = calloc((size_t)p->nfft, sizeof(float));
    p->acf = calloc((size_t)p->nfft, sizeof(float));
    p->sq_prefix = calloc((size_t)p->win_dec + 1, sizeof(float));
    p->spec = calloc((size_t)p->nfft / 2 + 1, sizeof(kiss_fft_cpx));
    p->fwd = kiss_fftr_alloc(p->nfft, 0, NULL, NULL);
    p->inv = kiss_fftr_alloc(p->nfft, 1, NULL, NULL);
    if (!p->dec_buf || !p->hist || !p->fft_in || !p->acf || !p->sq_prefix || !p->spec ||
        !p->fwd || !p->inv) {
        pitch_free(p);
        return -1;
    }
    return 0;
}

void pitch_free(tm_pitch *p)
{
    free(p->dec_buf); free(p->hist); free(p->fft_in); free(p->acf); free(p->sq_prefix);
    free(p->spec);
    kiss_fftr_free(p->fwd);
    kiss_fftr_free(p->inv);
    memset(p, 0, sizeof *p);
}

void pitch_reset(tm_pitch *p)
{
    biquad_reset(&p->aa[0]);
    biquad_reset(&p->aa[1]);
    p->dec_phase = 0;
    memset(p->dec_buf, 0, (size_t)p->buf_dec * sizeof(float));
    memset(p->hist, 0, (size_t)p->hist_len * sizeof(float));
    p->prev_f0 = 0.0f;
    p->prev_age = 0;
    p->ref_oct = 0.0f;
    p->ref_n = 0;
}

void pitch_push(tm_pitch *p, const float *x)
{
    int n = p->hop;
    if (n >= p->hist_len) {
        memcpy(p->hist, x + n - p->hist_len, (size_t)p->hist_len * sizeof(float));
    } else {
        memmove(p->hist, p->hist + n, (size_t)(p->hist_len - n) * sizeof(float));
        memcpy(p->hist + p->hist_len - n, x, (size_t)n * sizeof(float));
    }
    /* Filter the hop, keep every dec-th sample, then shift them in at once. */
    float lp[480], out[256];
    int k = 0;
    for (int done = 0; done < n; done += 480) {
        int m = n - done < 480 ? n - done : 480;
        biquad_block(&p->aa[0], x + done, lp, m);
        if (p->dec == 1) biquad_block(&p->aa[1], lp, lp, m);
        for (int i = 0; i < m; i++)
            if (++p->dec_phase >= p->dec) {
                p->dec_phase = 0;
                if (k < 256) out[k++] = lp[i];
            }
    }
    if (k >= p->buf_dec) {
        memcpy(p->dec_buf, out + k - p->buf_dec, (size_t)p->buf_dec * sizeof(float));
    } else {
        memmove(p->dec_buf, p->dec_buf + k, (size_t)(p->buf_dec - k) * sizeof(float));
        memcpy(p->dec_buf + p->buf_dec - k, out, (size_t)k * sizeof(float));
    }
}

void pitch_register(tm_pitch *p, float f0_hz, float voicing)
{
    if (f0_hz <= 0.0f || voicing < 0.85f) return;
    /* running register: mean log2 F0 of clearly periodic own-voice hops (~1 s of them) */
    float oct = log2f(f0_hz);
    float a = p->ref_n < 100 ? 1.0f / (float)(p->ref_n + 1) : 0.01f;
    p->ref_oct = p->ref_n == 0 ? oct : p->ref_oct + a * (oct - p->ref_oct);
    p->ref_n++;
}

void pitch_skip(tm_pitch *p)
{
    if (++p->prev_age > 3) p->prev_f0 = 0.0f;
}

/* Parabolic vertex offset in -0.5..0.5 around the middle of three samples. */
static float parabola(float a, float b, float c)
{
    float den = a - 2.0f * b + c;
    if (den >= 0.0f) return 0.0f;
    float d = 0.5f * (a - c) / den;
    return d < -0.5f ? -0.5f : d > 0.5f ? 0.5f : d;
}

/* NSDF at one integer lag over a full-rate window centred `centre` samples into hist. */
static float nsdf_full(const tm_pitch *p, int centre, int lag)
{
    int start = centre - (p->win_full + lag) / 2;
    if (start < 0) start = 0;
    if (start + p->win_full + lag > p->hist_len) start = p->hist_len - p->win_full - lag;
    if (start < 0) return 0.0f;
    const float *a = p->hist + start, *b = a + lag;
    float r = 0.0f, m = 0.0f;
    for (int j = 0; j < p->win_full; j++) {
        r += a[j] * b[j];
        m += a[j] * a[j] + b[j] * b[j];
    }
    return m > 0.0f ? 2.0f * r / m : 0.0f;
}

static float refine(const tm_pitch *p, float lag_dec)
{
    float lag0 = lag_dec * p->dec;
    int reach = p->dec / 2 + 2;
    int lo = (int)floor(lag0) - reach, hi = (int)ceil(lag0) + reach;
    int max_lag = p->hist_len - p->win_full - 1;
    if (lo < 2) lo = 2;
    if (hi > max_lag) hi = max_lag;
    if (hi - lo < 2) return lag0;
    int centre = p->hist_len - (int)floor((p->win_s / 2.0 + p->gap_s) * p->fs + 0.5);
    float v[40];
    int n = hi - lo + 1;
    if (n > 40) n = 40;
    int best = 0;
    for (int i = 0; i < n; i++) {
        v[i] = nsdf_full(p, centre, lo + i);
        if (v[i] > v[best]) best = i;
    }
    if (best == 0 || best == n - 1) return lag0;  /* no interior peak: keep the coarse one */
    return lo + best + parabola(v[best - 1], v[best], v[best + 1]);
}

void pitch_estimate(tm_pitch *p, float *f0_hz, float *voicing)
{
    const int w = p->win_dec, lmax = p->lag_max;
    const float *x = p->dec_buf;
    *f0_hz = 0.0f;
    *voicing = 0.0f;

    /* r(t) = sum_j x_j x_{j+t}: zero-padding to nfft >= w + lag_max keeps it free of wrap. */
    memcpy(p->fft_in, x, (size_t)w * sizeof(float));
    memset(p->fft_in + w, 0, (size_t)(p->nfft - w) * sizeof(float));
    kiss_fftr(p->fwd, p->fft_in, p->spec);
    for (int i = 0; i <= p->nfft / 2; i++) {
        p->spec[i].r = p->spec[i].r * p->spec[i].r + p->spec[i].i * p->spec[i].i;
        p->spec[i].i = 0.0f;
    }
    kiss_fftri(p->inv, p->spec, p->acf);
    float scale = 1.0f / (float)p->nfft;

    p->sq_prefix[0] = 0.0f;
    for (int j = 0; j < w; j++) p->sq_prefix[j + 1] = p->sq_prefix[j] + x[j] * x[j];
    float total = p->sq_prefix[w];
    if (!(total > 1e-12f)) { pitch_skip(p); return; }

    /* nsdf into fft_in (free now) */
    float *nsdf = p->fft_in;
    for (int t = 0; t <= lmax; t++) {
        float m = p->sq_prefix[w - t] + (total - p->sq_prefix[t]);
        nsdf[t] = m > 0.0f ? 2.0f * p->acf[t] * scale / m : 0.0f;
    }

    /* Key maxima: the highest point of each positive lobe after the lag-0 lobe. */
    int t = 1;
    while (t <= lmax && nsdf[t] > 0.0f) t++;
    float key_lag[PITCH_MAX_KEYS], key_val[PITCH_MAX_KEYS];
    int nkeys = 0, best = -1;
    while (t < lmax && nkeys < PITCH_MAX_KEYS) {
        while (t < lmax && nsdf[t] <= 0.0f) t++;
        int peak = t;
        while (t < lmax && nsdf[t] > 0.0f) {
            if (nsdf[t] > nsdf[peak]) peak = t;
            t++;
        }
        if (peak >= p->lag_min && peak < lmax && peak > 0 && nsdf[peak] > 0.0f) {
            /* interpolated height: at a period between two lags the integer-lag value of a voice
             * rich in harmonics sags, and would lose against its own double period */
            float a = nsdf[peak - 1], b = nsdf[peak], c = nsdf[peak + 1], d = parabola(a, b, c);
            key_lag[nkeys] = peak + d;
            key_val[nkeys] = b - 0.25f * (a - c) * d;
            if (best < 0 || key_val[nkeys] > key_val[best]) best = nkeys;
            nkeys++;
        }
    }
    if (best < 0) { pitch_skip(p); return; }

    int pick = best;
    float fsd = (float)p->fs / p->dec;
    if (p->ref_n >= 50) {
        /* The speaker's own register settles octave doubts: among strong peaks take the one
         * nearest their usual pitch, trading one octave of distance for 0.33 of NSDF. */
        float best_cost = 1e9f;
        for (int i = 0; i < nkeys; i++) {
            if (key_val[i] < 0.8f * key_val[best]) continue;
            float oct = fabsf(log2f(fsd / key_lag[i]) - p->ref_oct);
            float cost = oct + 3.0f * (key_val[best] - key_val[i]);
            if (cost < best_cost) { best_cost = cost; pick = i; }
        }
    } else {
        for (int i = 0; i < nkeys; i++)
            if (key_val[i] >= p->peak_ratio * key_val[best]) { pick = i; break; }
    }

    if (p->prev_f0 > 0.0f) {
        /* A jump to about 2, 3 or 4 times (or a half, a third) of the last hop's F0 is a
         * harmonic or subharmonic taken for the fundamental: a voice glides, it does not leap. */
        float ratio = (fsd / key_lag[pick]) / p->prev_f0;
        float rr = ratio >= 1.0f ? ratio : 1.0f / ratio;
        float nearest = floorf(rr + 0.5f);
        if (nearest >= 2.0f && fabsf(rr - nearest) < 0.15f * nearest) {
            for (int i = 0; i < nkeys; i++) {
                float r = (fsd / key_lag[i]) / p->prev_f0;
                if (r > 0.85f && r < 1.18f && key_val[i] >= 0.85f * key_val[pick]) { pick = i; break; }
            }
        }
    }

    float v = key_val[pick];
    *voicing = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    if (*voicing < p->voicing_min) { pitch_skip(p); return; }
    float lag = refine(p, key_lag[pick]);
    *f0_hz = (float)p->fs / lag;
    /* only a clearly periodic hop may steer the next ones, so one bad onset cannot lock in */
    if (v >= 0.85f) {
        p->prev_f0 = *f0_hz;
        p->prev_age = 0;
    } else {
        pitch_skip(p);
    }
}
