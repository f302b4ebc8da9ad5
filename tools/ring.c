/* tools/ring.c -- SPSC frame ring. The producer publishes with a release store of head after
 * writing the samples; the consumer acquires head before reading them, and publishes tail with a
 * release store after copying them out, so neither side ever sees a half-written frame. */
#include "ring.h"
#include <stdlib.h>

int ring_init(tm_ring *r, size_t min_frames, int channels)
{
    size_t cap = 1;
    while (cap < min_frames) cap <<= 1;
    r->buf = calloc(cap * (size_t)channels, sizeof(float));
    r->cap_frames = cap;
    r->channels = channels;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->overflows, 0);
    return r->buf ? 0 : -1;
}

void ring_free(tm_ring *r)
{
    free(r->buf);
    r->buf = NULL;
}

void ring_write(tm_ring *r, const float *src, int src_channels, const int *map, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (r->cap_frames - (head - tail) < n) {
        atomic_fetch_add_explicit(&r->overflows, 1, memory_order_relaxed);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        float *dst = r->buf + ((head + i) & (r->cap_frames - 1)) * (size_t)r->channels;
        for (int c = 0; c < r->channels; c++) dst[c] = src ? src[i * (size_t)src_channels + (size_t)map[c]] : 0.0f;
    }
    atomic_store_explicit(&r->head, head + n, memory_order_release);
}

size_t ring_available(tm_ring *r)
{
    return atomic_load_explicit(&r->head, memory_order_acquire) - atomic_load_explicit(&r->tail, memory_order_relaxed);
}

size_t ring_read(tm_ring *r, float *dst, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t avail = atomic_load_explicit(&r->head, memory_order_acquire) - tail;
    if (n > avail) n = avail;
    for (size_t i = 0; i < n; i++) {
        const float *src = r->buf + ((tail + i) & (r->cap_frames - 1)) * (size_t)r->channels;
        for (int c = 0; c < r->channels; c++) dst[i * (size_t)r->channels + (size_t)c] = src[c];
    }
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}
