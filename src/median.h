/* src/median.h -- private. Histogram quantiles with an optional sliding window and a decaying
 * prior, for per-speaker baselines and call statistics. */
#ifndef TM_MEDIAN_H
#define TM_MEDIAN_H

typedef struct {
    float lo, width;      /* bin i holds [lo + i*width, lo + (i+1)*width) */
    int   nbins;
    int  *bins;
    float *ring;          /* window of values, NULL for a whole-call histogram */
    int   ring_cap, ring_pos, ring_n;
    long  count;          /* values in the histogram (prior phantoms included) */
    int   prior_left;     /* phantom values at the prior still in the histogram */
    float prior;
} tm_median;

/* Allocates (create time only). ring_cap 0: no window. Returns 0 or -1. */
int   tmi_median_init(tm_median *m, float lo, float hi, float width, int ring_cap);
void  tmi_median_free(tm_median *m);
/* Empties it, then seeds prior_count phantom values at prior (each real value added replaces
 * one phantom until none are left). */
void  tmi_median_reset(tm_median *m, float prior, int prior_count);
void  tmi_median_add(tm_median *m, float v);
/* Copies the histogram of src into dst (same geometry, no ring). */
void  tmi_median_copy(tm_median *dst, const tm_median *src);
/* Quantile q in 0..1 (bin centre); fallback when empty. */
float tmi_median_quantile(const tm_median *m, float q, float fallback);

#endif
