/* tools/io/ring.c -- SPSC frame ring. The producer publishes with a release store of head after
 * writing the samples; the consumer acquires head before reading them, and publishes tail with a
 * release store after copying them out, so neither side ever sees a half-written frame. */
#include "ring.h"
#include <math.h>
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
    atomic_init(&r->t0, NAN);
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

void ring_stamp(tm_ring *r, double now, double current, double adc, double rate)
{
    double age = current - adc;   /* how long ago the first frame was captured */
    if (current == 0.0 || adc == 0.0 || !(age >= 0.0 && age < 1.0) || !(rate > 0.0)) return;
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    atomic_store_explicit(&r->t0, now - age - (double)head / rate, memory_order_release);
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

size_t ring_written(tm_ring *r) { return atomic_load_explicit(&r->head, memory_order_acquire); }

void ring_pair_init(ring_pair *p, tm_ring **rings, int n, double rate, double stall_s, double now)
{
    p->n = n;
    p->rate = rate;
    p->max_ahead = (size_t)(rate / 20);
    p->stall_s = stall_s;
    p->flow_s = 0.04;   /* about when a 50 ms lead builds up: a device that just stopped is not trimmed */
    p->dropped = 0;
    p->started = 0;
    for (int k = 0; k < 2; k++) {
        p->r[k] = k < n ? rings[k] : NULL;
        p->seen[k] = p->start[k] = k < n ? ring_written(rings[k]) : 0;
        p->owe[k] = 0;
        p->last[k] = now;
    }
}

int ring_pair_poll(ring_pair *p, double now)
{
    int stalled = 0;
    for (int k = 0; k < p->n; k++) {
        size_t w = ring_written(p->r[k]);
        if (w != p->seen[k]) {
            p->seen[k] = w;
            p->last[k] = now;
        }
        if (now - p->last[k] >= p->stall_s) stalled |= 1 << k;
    }
    return stalled;
}

/* How long ago, in frames, device k captured the oldest frame in its ring (less what it owes).
 * Dated by the host: exactly, whatever the host's buffering. Otherwise the frames waiting, plus
 * those it has captured since its last delivery and not yet handed over. A device delivers in
 * blocks (256 frames, 1024, or sizes that vary per callback), so the frames waiting alone swing
 * by a block against the other device's: trimming on them dropped good frames, and a start judged
 * on them was off by up to a block. The reader knows a delivery's time to its poll (10 ms). A
 * device that is late keeps capturing: its backlog comes (a hiccup), or its frames were lost and
 * the other's excess is dropped once it delivers again. */
static double age(const ring_pair *p, const size_t *a, int k, double now)
{
    double t0 = atomic_load_explicit(&p->r[k]->t0, memory_order_acquire);
    size_t consumed = atomic_load_explicit(&p->r[k]->tail, memory_order_relaxed);
    if (!isnan(t0)) return (now - t0) * p->rate - (double)consumed - (double)p->owe[k];
    double pend = p->seen[k] != p->start[k] && now > p->last[k] ? (now - p->last[k]) * p->rate : 0.0;
    return (double)a[k] + pend - (double)p->owe[k];
}

/* Device k's lead over the other in frames (a[] are the frames available). */
static double lead(const ring_pair *p, const size_t *a, int k, double now)
{
    return age(p, a, k, now) - age(p, a, 1 - k, now);
}

/* Drops what device k owes from the frames it has delivered. */
static void pay(ring_pair *p, size_t *a, int k, float *tmp, size_t max)
{
    while (p->owe[k] && a[k]) {
        size_t d = p->owe[k] < a[k] ? p->owe[k] : a[k];
        size_t got = ring_read(p->r[k], tmp, d > max ? max : d);
        if (!got) break;
        p->dropped += got;
        p->owe[k] -= got;
        a[k] -= got;
    }
}

/* Drops device k's whole lead when it is more than keep frames: what it has delivered now, the
 * rest (frames it captured and has not delivered yet) as they come. */
static void drop_lead(ring_pair *p, size_t *a, int k, float *tmp, size_t max, double keep, double now)
{
    double l = lead(p, a, k, now);
    if (l <= keep) return;
    p->owe[k] += (size_t)(l + 0.5);
    pay(p, a, k, tmp, max);
}

size_t ring_pair_read(ring_pair *p, float *dst, float *tmp, size_t max, double now)
{
    ring_pair_poll(p, now);
    if (p->n == 1) return ring_read(p->r[0], dst, max);
    size_t a[2] = {ring_available(p->r[0]), ring_available(p->r[1])};
    for (int k = 0; k < 2; k++) pay(p, a, k, tmp, max);
    if (!p->started && p->seen[0] != p->start[0] && p->seen[1] != p->start[1]) {
        /* Two streams are started one after the other, and a loaded machine can put 100 ms
         * between them; the first one's lead is from before the other device listened. */
        drop_lead(p, a, lead(p, a, 0, now) > 0 ? 0 : 1, tmp, max, 0, now);
        p->started = 1;
    }
    for (int k = 0; k < 2; k++) {
        /* Drop what device k is ahead only while the other one delivers: a device that has gone
         * quiet is either stalling (the call will end, keep what is there) or hiccuping (it
         * catches up). Only a steady difference is clock drift. */
        if (now - p->last[1 - k] < p->flow_s) drop_lead(p, a, k, tmp, max, (double)p->max_ahead, now);
    }
    size_t n = a[0] < a[1] ? a[0] : a[1];
    if (n > max) n = max;
    for (int k = 0; k < 2; k++) {
        n = ring_read(p->r[k], tmp, n);   /* n frames are there: the reader is the only consumer */
        for (size_t i = 0; i < n; i++) dst[2 * i + (size_t)k] = tmp[i];
    }
    return n;
}
