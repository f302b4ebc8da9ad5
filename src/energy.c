/* src/energy.c -- level and loudness of one channel, one hop at a time.
 *
 * Level is the RMS of the hop after a 20 Hz DC blocker, in dBFS (a full-scale sine reads -3.01).
 * Loudness is ITU-R BS.1770-4 momentary loudness: K-weighting (a +4 dB high shelf around
 * 1.7 kHz, modelling the head, then a 38 Hz high-pass, the "RLB" curve), mean square over the
 * last 400 ms, -0.691 + 10 log10. The two K filters are derived for any sample rate from their
 * analogue prototypes, as the standard's 48 kHz coefficients are. Both floor at -120 dB so that
 * digital silence never yields -inf. */
#include "energy.h"
#include <math.h>
#include <string.h>

static void kweight_design(tm_energy *e, double fs)
{
    /* Analogue prototype of the BS.1770 pre-filter (shelf) and RLB high-pass. */
    double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
    double k = tan(M_PI * f0 / fs);
    double vh = pow(10.0, gain_db / 20.0), vb = pow(vh, 0.4996667741545416);
    double a0 = 1.0 + k / q + k * k;
    e->kshelf.b0 = (vh + vb * k / q + k * k) / a0;
    e->kshelf.b1 = 2.0 * (k * k - vh) / a0;
    e->kshelf.b2 = (vh - vb * k / q + k * k) / a0;
    e->kshelf.a1 = 2.0 * (k * k - 1.0) / a0;
    e->kshelf.a2 = (1.0 - k / q + k * k) / a0;

    f0 = 38.13547087602444; q = 0.5003270373238773;
    k = tan(M_PI * f0 / fs);
    a0 = 1.0 + k / q + k * k;
    e->khp.b0 = 1.0; e->khp.b1 = -2.0; e->khp.b2 = 1.0;
    e->khp.a1 = 2.0 * (k * k - 1.0) / a0;
    e->khp.a2 = (1.0 - k / q + k * k) / a0;
}

/* The DC blocker's corner: under the lowest voice (70 Hz) and above mains-borne rumble and the
 * offset of cheap capture chains. */
#define ENERGY_DC_CUTOFF_HZ 20.0

void tmi_energy_init(tm_energy *e, const tm_config *cfg, int hops_per_s)
{
    double fs_hz = cfg->sample_rate_hz;
    memset(e, 0, sizeof *e);
    e->hop = cfg->sample_rate_hz / hops_per_s;
    e->dc_r = exp(-2.0 * M_PI * ENERGY_DC_CUTOFF_HZ / fs_hz);
    kweight_design(e, fs_hz);
}

void tmi_energy_reset(tm_energy *e)
{
    e->dc_x1 = e->dc_y1 = 0.0;
    e->k1[0] = e->k1[1] = e->k2[0] = e->k2[1] = 0.0;
    memset(e->kring, 0, sizeof e->kring);
    e->kpos = e->kfill = 0;
}

static float to_db(double mean_square, double offset)
{
    double db = mean_square > 0.0 ? offset + 10.0 * log10(mean_square) : ENERGY_FLOOR_DB;
    return db < ENERGY_FLOOR_DB ? ENERGY_FLOOR_DB : (float)db;
}

/* The recursions of one channel, one hop. Each filter's output waits on its previous output
 * (a chain of multiply-adds a few cycles long per sample), so one channel alone leaves the core
 * mostly idle: the stereo pass below runs the two channels' chains side by side. */
typedef struct {
    double sq, ksq, x1, y1, u1, u2, v1, v2;
} kstate;

static inline void kload(const tm_energy *e, kstate *s)
{
    s->sq = s->ksq = 0.0;
    s->x1 = e->dc_x1; s->y1 = e->dc_y1;
    s->u1 = e->k1[0]; s->u2 = e->k1[1]; s->v1 = e->k2[0]; s->v2 = e->k2[1];
}

static inline void kstep(const tm_energy *e, kstate *s, double in, float *dc_out)
{
    const tm_biquad *s1 = &e->kshelf, *s2 = &e->khp;
    double y = in - s->x1 + e->dc_r * s->y1;
    s->x1 = in; s->y1 = y;
    *dc_out = (float)y;
    s->sq += y * y;
    double k = s1->b0 * in + s->u1;
    s->u1 = s1->b1 * in - s1->a1 * k + s->u2;
    s->u2 = s1->b2 * in - s1->a2 * k;
    double m = s2->b0 * k + s->v1;
    s->v1 = s2->b1 * k - s2->a1 * m + s->v2;
    s->v2 = s2->b2 * k - s2->a2 * m;
    s->ksq += m * m;
}

/* Stores the state back and turns the sums into the hop's level and momentary loudness. */
static void kstore(tm_energy *e, kstate *s, float *level_db, float *loudness_lufs)
{
    /* keep denormals out of the recursions through long silences */
    if (fabs(s->y1) < 1e-30) s->y1 = 0.0;
    if (fabs(s->u1) < 1e-30 && fabs(s->u2) < 1e-30) s->u1 = s->u2 = 0.0;
    if (fabs(s->v1) < 1e-30 && fabs(s->v2) < 1e-30) s->v1 = s->v2 = 0.0;
    e->dc_x1 = s->x1; e->dc_y1 = s->y1;
    e->k1[0] = s->u1; e->k1[1] = s->u2; e->k2[0] = s->v1; e->k2[1] = s->v2;
    *level_db = to_db(s->sq / e->hop, 0.0);

    e->kring[e->kpos] = s->ksq;
    e->kpos = (e->kpos + 1) % ENERGY_MOMENTARY_HOPS;
    if (e->kfill < ENERGY_MOMENTARY_HOPS) e->kfill++;
    /* Summing 40 doubles each hop is cheaper than worrying about a running sum's drift. */
    double sum = 0.0;
    for (int i = 0; i < ENERGY_MOMENTARY_HOPS; i++) sum += e->kring[i];
    *loudness_lufs = to_db(sum / ((double)ENERGY_MOMENTARY_HOPS * e->hop), -0.691);
}

void tmi_energy_hop(tm_energy *e, const float *x, float *dc_out, float *level_db, float *loudness_lufs)
{
    /* One pass: DC blocker for the level, and the two K-weighting sections (transposed direct
     * form II, two state variables each) for the loudness, all in double. */
    kstate s;
    kload(e, &s);
    for (int i = 0; i < e->hop; i++) kstep(e, &s, x[i], &dc_out[i]);
    kstore(e, &s, level_db, loudness_lufs);
}

/* Both channels' recursions as two lanes of one: the same arithmetic as kstep, written over
 * arrays of two so that the compiler can run each operation on both channels in one vector
 * instruction (SSE2 on any x86-64); the results are those of two kstep passes. */
void tmi_energy_hop2(tm_energy *e0, tm_energy *e1, const float *x0, const float *x1,
                     float *dc0, float *dc1, float level_db[2], float loudness_lufs[2])
{
    tm_energy *e[2] = {e0, e1};
    double r[2], sb0[2], sb1[2], sb2[2], sa1[2], sa2[2], hb0[2], hb1[2], hb2[2], ha1[2], ha2[2];
    double sq[2], ksq[2], dx1[2], dy1[2], u1[2], u2[2], v1[2], v2[2];
    for (int c = 0; c < 2; c++) {
        r[c] = e[c]->dc_r;
        sb0[c] = e[c]->kshelf.b0; sb1[c] = e[c]->kshelf.b1; sb2[c] = e[c]->kshelf.b2;
        sa1[c] = e[c]->kshelf.a1; sa2[c] = e[c]->kshelf.a2;
        hb0[c] = e[c]->khp.b0; hb1[c] = e[c]->khp.b1; hb2[c] = e[c]->khp.b2;
        ha1[c] = e[c]->khp.a1; ha2[c] = e[c]->khp.a2;
        sq[c] = ksq[c] = 0.0;
        dx1[c] = e[c]->dc_x1; dy1[c] = e[c]->dc_y1;
        u1[c] = e[c]->k1[0]; u2[c] = e[c]->k1[1]; v1[c] = e[c]->k2[0]; v2[c] = e[c]->k2[1];
    }
    for (int i = 0; i < e0->hop; i++) {
        double in[2] = {x0[i], x1[i]}, y[2], k[2], m[2];
        for (int c = 0; c < 2; c++) {
            y[c] = in[c] - dx1[c] + r[c] * dy1[c];
            dx1[c] = in[c]; dy1[c] = y[c];
            sq[c] += y[c] * y[c];
            k[c] = sb0[c] * in[c] + u1[c];
            u1[c] = sb1[c] * in[c] - sa1[c] * k[c] + u2[c];
            u2[c] = sb2[c] * in[c] - sa2[c] * k[c];
            m[c] = hb0[c] * k[c] + v1[c];
            v1[c] = hb1[c] * k[c] - ha1[c] * m[c] + v2[c];
            v2[c] = hb2[c] * k[c] - ha2[c] * m[c];
            ksq[c] += m[c] * m[c];
        }
        dc0[i] = (float)y[0];
        dc1[i] = (float)y[1];
    }
    kstate s[2];
    for (int c = 0; c < 2; c++) {
        s[c].sq = sq[c]; s[c].ksq = ksq[c]; s[c].x1 = dx1[c]; s[c].y1 = dy1[c];
        s[c].u1 = u1[c]; s[c].u2 = u2[c]; s[c].v1 = v1[c]; s[c].v2 = v2[c];
    }
    kstore(e0, &s[0], &level_db[0], &loudness_lufs[0]);
    kstore(e1, &s[1], &level_db[1], &loudness_lufs[1]);
}
