/* tools/ring.h -- a lock-free single-producer single-consumer ring of interleaved float frames
 * (C11 atomics). The PortAudio callback writes, the analysis thread reads; a write that does not
 * fit is dropped whole and counted, never waited for. */
#ifndef TM_RING_H
#define TM_RING_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    float *buf;
    size_t cap_frames;          /* a power of two */
    int channels;
    atomic_size_t head, tail;   /* frames written, frames read (they wrap as size_t) */
    atomic_ulong overflows;     /* writes dropped because the reader fell behind */
} tm_ring;

int    ring_init(tm_ring *r, size_t min_frames, int channels);   /* allocates; 0 or -1 */
void   ring_free(tm_ring *r);
/* Producer: writes n frames (src interleaved with src_channels; picks map[0..channels)). */
void   ring_write(tm_ring *r, const float *src, int src_channels, const int *map, size_t n);
/* Consumer: frames available, then read up to n into dst (interleaved, ring's channels). */
size_t ring_available(tm_ring *r);
size_t ring_read(tm_ring *r, float *dst, size_t n);

#endif
