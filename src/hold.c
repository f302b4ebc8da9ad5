/* src/hold.c -- hold music and signalling tones on one channel.
 *
 * Hold music and DTMF reach a call recording on either leg; they are voiced, loud and steady, so
 * a speech detector takes them for the party talking (a caller "talking" for the whole hold) and
 * the silence detector never sees the dead air it is. Both are told from speech by how they go
 * on in time, not by their spectrum:
 *  - music over a window of a few seconds: active nearly all the time with no phrase pauses
 *    (speech stops for breath every few seconds), mostly voiced, and voiced in long unbroken
 *    stretches (notes, chords), where speech breaks its voicing at nearly every syllable;
 *  - signalling tones (DTMF pairs, dial, ringback and busy tones, 1 kHz beeps): a 30 ms Goertzel
 *    DFT at the standard frequencies (ITU-T Q.23 for DTMF, E.180 for call progress) holds nearly
 *    all of the energy, which no voice does at 33 Hz resolution.
 * A hold starts where the music window began and ends after a second that does not sound like
 * music or tone. A tone hop is never speech, whether or not it belongs to a hold. */
#include "hold.h"
#include <math.h>
#include <string.h>

/* DTMF low group, high group (Q.23), then call-progress tones (E.180: 350, 425, 440, 480, 620)
 * and the 1 kHz test/beep tone. */
static const float tone_hz[HOLD_TONES] = {697, 770, 852, 941, 1209, 1336, 1477, 1633,
                                          350, 425, 440, 480, 620, 1000};
/* A pitch that moves less than this between hops continues the same voiced stretch. */
#define HOLD_GLIDE_ST 1.0f
/* Voiced stretches this long (300 ms) are notes or chords: a syllable's vowel lasts 60-250 ms,
 * and speech breaks its voicing at almost every syllable. */
#define HOLD_NOTE_HOPS 30
/* A pause of speech: this many inactive hops in a row (150 ms). */
#define HOLD_PAUSE_HOPS 15
/* Hops in a row that do not sound like music before a hold ends (1 s). */
#define HOLD_EXIT_HOPS 100

void hold_init(tm_hold *h, int rate_hz, int hop, int window_hops, float act_min, float voiced_min,
               float steady_min, float tone_frac_min)
{
    memset(h, 0, sizeof *h);
    h->hop = hop;
    h->win = window_hops < 10 ? 10 : window_hops > HOLD_MAX_WIN ? HOLD_MAX_WIN : window_hops;
    h->act_min = act_min;
    h->voiced_min = voiced_min;
    h->steady_min = steady_min;
    h->tone_frac_min = tone_frac_min;
    for (int i = 0; i < HOLD_TONES; i++) {
        float w = 2.0f * (float)M_PI * tone_hz[i] / (float)rate_hz;
        h->coef[i] = 2.0f * cosf(w);
        /* phase advance of one hop, to join three hops' DFTs into one 30 ms DFT */
        h->rot_c[i] = cosf(w * (float)hop);
        h->rot_s[i] = -sinf(w * (float)hop);
    }
    hold_reset(h);
}

void hold_reset(tm_hold *h)
{
    memset(h->re, 0, sizeof h->re);
    memset(h->im, 0, sizeof h->im);
    memset(h->e, 0, sizeof h->e);
    memset(h->flag, 0, sizeof h->flag);
    h->slot = 0;
    h->n_act = h->n_voiced = h->n_steady = h->n_pause = h->filled = 0;
    h->pos = 0;
    h->prev_st = -1000.0f;
    h->vrun = 0;
    h->gap = 0;
    h->on = 0;
    h->start = h->last_music = 0;
    h->bad = 0;
}

float hold_tone(tm_hold *h, const float *x)
{
    int s = h->slot = (h->slot + 1) % 3;
    double e = 0.0;
    for (int j = 0; j < h->hop; j++) e += (double)x[j] * x[j];
    h->e[s] = e;
    for (int i = 0; i < HOLD_TONES; i++) {
        float s1 = 0.0f, s2 = 0.0f, c = h->coef[i];
        for (int j = 0; j < h->hop; j++) {
            float s0 = x[j] + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        /* DFT of this hop at the tone, with the phase referred to the hop's first sample */
        float w = 0.5f * c;
        float sn = sqrtf(fmaxf(0.0f, 1.0f - w * w));
        h->re[s][i] = s1 * w - s2;
        h->im[s][i] = s1 * sn;
    }
    double etot = h->e[0] + h->e[1] + h->e[2];
    if (etot <= 1e-12) return 0.0f;
    float best_lo = 0.0f, best_hi = 0.0f, best_cp = 0.0f, second_cp = 0.0f;
    int n3 = 3 * h->hop;
    for (int i = 0; i < HOLD_TONES; i++) {
        /* oldest hop first, each later hop rotated by one hop of phase more */
        float re = 0.0f, im = 0.0f;
        for (int k = 2; k >= 0; k--) {
            const int q = (s + 3 - k) % 3;
            float nr = re * h->rot_c[i] - im * h->rot_s[i];
            float ni = re * h->rot_s[i] + im * h->rot_c[i];
            re = nr + h->re[q][i];
            im = ni + h->im[q][i];
        }
        /* a sinusoid on the frequency gives 2|X|^2 / (N * energy) = 1 */
        float frac = (float)(2.0 * ((double)re * re + (double)im * im) / ((double)n3 * etot));
        if (i < 4) { if (frac > best_lo) best_lo = frac; }
        else if (i < 8) { if (frac > best_hi) best_hi = frac; }
        else if (frac > best_cp) { second_cp = best_cp; best_cp = frac; }
        else if (frac > second_cp) second_cp = frac;
    }
    float dtmf = best_lo + best_hi, cp = best_cp + second_cp;
    return dtmf > cp ? dtmf : cp;
}

void hold_skip(tm_hold *h)
{
    int s = h->slot = (h->slot + 1) % 3;
    h->e[s] = 0.0;
    memset(h->re[s], 0, sizeof h->re[s]);
    memset(h->im[s], 0, sizeof h->im[s]);
}

static void window_add(tm_hold *h, unsigned char f)
{
    if (h->filled == h->win) {
        unsigned char old = h->flag[h->pos];
        h->n_act -= old & 1;
        h->n_voiced -= (old >> 1) & 1;
        h->n_steady -= (old >> 2) & 1;
        h->n_pause -= (old >> 3) & 1;
    } else {
        h->filled++;
    }
    h->flag[h->pos] = f;
    h->pos = (h->pos + 1) % h->win;
    h->n_act += f & 1;
    h->n_voiced += (f >> 1) & 1;
    h->n_steady += (f >> 2) & 1;
    h->n_pause += (f >> 3) & 1;
}

int hold_hop(tm_hold *h, int64_t n, int active, float f0_hz, float tone_frac, int64_t *started)
{
    *started = -1;
    float st = f0_hz > 0.0f ? 12.0f * log2f(f0_hz) : -1000.0f;
    int cont = st > -900.0f && h->prev_st > -900.0f && fabsf(st - h->prev_st) < HOLD_GLIDE_ST;
    h->prev_st = st;
    h->vrun = active && st > -900.0f ? (cont ? h->vrun + 1 : 1) : 0;
    int steady = h->vrun >= HOLD_NOTE_HOPS;
    h->gap = active ? 0 : h->gap + 1;
    unsigned char f = (unsigned char)((active ? 1 : 0) | (active && f0_hz > 0.0f ? 2 : 0) |
                                      (active && steady ? 4 : 0) |
                                      (h->gap >= HOLD_PAUSE_HOPS ? 8 : 0));
    window_add(h, f);
    int tone = tone_frac >= h->tone_frac_min;
    int music = h->filled == h->win && h->n_act >= h->act_min * h->win && h->n_pause == 0 &&
                h->n_voiced >= h->voiced_min * h->n_act && h->n_steady >= h->steady_min * h->n_voiced;
    if (!h->on) {
        if (music) {
            h->on = 1;
            h->start = n - h->win + 1;
            h->bad = 0;
            *started = h->start;
        }
    } else {
        /* inside a hold: a hop counts as music while it is active and no phrase pause opened */
        if (tone || (active && h->gap == 0)) h->bad = 0;
        else h->bad++;
        if (music) h->bad = 0;
        if (h->bad >= HOLD_EXIT_HOPS) h->on = 0;
    }
    if (h->on && (active || tone)) h->last_music = n;
    return h->on;
}
