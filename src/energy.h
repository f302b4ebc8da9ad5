/* src/energy.h -- private. Hop level (dBFS, after a DC blocker) and BS.1770 momentary loudness. */
#ifndef TM_ENERGY_H
#define TM_ENERGY_H
#include "biquad.h"
#include "tonemon.h"

#define ENERGY_MOMENTARY_HOPS 40   /* 400 ms of 10 ms hops */
#define ENERGY_FLOOR_DB (-120.0f)

typedef struct {
    double dc_r, dc_x1, dc_y1;    /* one-pole DC blocker */
    tm_biquad kshelf, khp;        /* K-weighting: high shelf, then RLB high-pass (coefficients) */
    double k1[2], k2[2];          /* their states (transposed direct form II) */
    double kring[ENERGY_MOMENTARY_HOPS];
    int kpos, kfill, hop;
} tm_energy;

void tmi_energy_init(tm_energy *e, const tm_config *cfg, int hops_per_s);
void tmi_energy_reset(tm_energy *e);
/* One full hop of input x (finite). Writes the DC-blocked samples to dc_out and returns the
 * hop's RMS level in dBFS and the 400 ms momentary loudness in LUFS (both floored). */
void tmi_energy_hop(tm_energy *e, const float *x, float *dc_out, float *level_db, float *loudness_lufs);
/* The same for the two channels of a call (same rate and hop) in one pass, about twice as fast
 * as two calls; the results are those of two calls. */
void tmi_energy_hop2(tm_energy *e0, tm_energy *e1, const float *x0, const float *x1,
                     float *dc0, float *dc1, float level_db[2], float loudness_lufs[2]);

#endif
