/* src/median.c -- histogram quantiles. Speech loudness and pitch have a bounded range and the
 * baselines need about 0.25 dB or 0.1 semitone of resolution, so a histogram gives an exact-
 * enough running median in O(1) per value and O(bins) per query, with no sorting. */
#include "median.h"
#include <stdlib.h>
#include <string.h>

int tmi_median_init(tm_median *m, float lo, float hi, float width, int ring_cap)
{
    memset(m, 0, sizeof *m);
    m->lo = lo;
    m->width = width;
    m->nbins = (int)((hi - lo) / width) + 1;
    m->bins = calloc((size_t)m->nbins, sizeof(int));
    if (ring_cap > 0) m->ring = calloc((size_t)ring_cap, sizeof(float));
    m->ring_cap = ring_cap;
    if (!m->bins || (ring_cap > 0 && !m->ring)) { tmi_median_free(m); return -1; }
    return 0;
}

void tmi_median_free(tm_median *m)
{
    free(m->bins);
    free(m->ring);
    memset(m, 0, sizeof *m);
}

static int bin_of(const tm_median *m, float v)
{
    int i = (int)((v - m->lo) / m->width);
    return i < 0 ? 0 : i >= m->nbins ? m->nbins - 1 : i;
}

void tmi_median_reset(tm_median *m, float prior, int prior_count)
{
    memset(m->bins, 0, (size_t)m->nbins * sizeof(int));
    m->ring_pos = m->ring_n = 0;
    m->prior = prior;
    m->prior_left = prior_count;
    m->count = prior_count;
    if (prior_count > 0) m->bins[bin_of(m, prior)] += prior_count;
}

void tmi_median_add(tm_median *m, float v)
{
    if (m->prior_left > 0) {
        m->bins[bin_of(m, m->prior)]--;
        m->prior_left--;
        m->count--;
    }
    if (m->ring) {
        if (m->ring_n == m->ring_cap) {
            m->bins[bin_of(m, m->ring[m->ring_pos])]--;
            m->count--;
        } else {
            m->ring_n++;
        }
        m->ring[m->ring_pos] = v;
        m->ring_pos = (m->ring_pos + 1) % m->ring_cap;
    }
    m->bins[bin_of(m, v)]++;
    m->count++;
}

float tmi_median_quantile(const tm_median *m, float q, float fallback)
{
    if (m->count <= 0) return fallback;
    long target = (long)(q * (float)(m->count - 1));
    long acc = 0;
    for (int i = 0; i < m->nbins; i++) {
        acc += m->bins[i];
        if (acc > target) return m->lo + (i + 0.5f) * m->width;
    }
    return m->lo + (m->nbins - 0.5f) * m->width;
}

void tmi_median_copy(tm_median *dst, const tm_median *src)
{
    memcpy(dst->bins, src->bins, (size_t)dst->nbins * sizeof(int));
    dst->count = src->count;
    dst->prior_left = 0;
}
