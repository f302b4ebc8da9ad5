/* tools/io/ring.h -- a lock-free single-producer single-consumer ring of interleaved float frames
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
    _Atomic double t0;          /* when frame 0 would have been captured (the reader's clock, at
                                   the rate the producer gave), from the last dated write; NaN:
                                   the host does not say */
} tm_ring;

int    ring_init(tm_ring *r, size_t min_frames, int channels);   /* allocates; 0 or -1 */
void   ring_free(tm_ring *r);
/* Producer: writes n frames (src interleaved with src_channels; picks map[0..channels)). */
void   ring_write(tm_ring *r, const float *src, int src_channels, const int *map, size_t n);
/* Producer, before ring_write: dates the write's first frame from what the host says. now: the
 * reader's clock at this moment; current and adc: the stream's own clock at this moment and when
 * the write's first frame was captured (PortAudio's timeInfo->currentTime, ->inputBufferAdcTime).
 * Only their difference is used: two streams may count their time from different origins (JACK
 * counts each from its own Pa_OpenStream). 0 in either means the host does not say: the write
 * is not dated, and the reader judges by arrivals. */
void   ring_stamp(tm_ring *r, double now, double current, double adc, double rate);
/* Consumer: frames available, then read up to n into dst (interleaved, ring's channels). */
size_t ring_available(tm_ring *r);
size_t ring_read(tm_ring *r, float *dst, size_t n);
/* Frames written so far (wraps as size_t): a reader sees from it whether the producer lives. */
size_t ring_written(tm_ring *r);

/* The reader of one or two devices (`tonemon live`). One device: a ring of two channels. Two
 * devices (the agent's, the caller's): a ring of one channel each, read in step. A device is
 * ahead by how much earlier its oldest frame waiting was captured: from the host's capture times
 * when it dates its writes (ring_stamp), else from the frames waiting plus those captured since
 * its last delivery, known to the reader's poll. Their clocks drift, so when both deliver and one
 * is more than max_ahead frames ahead, its lead is dropped and counted. The frames a device
 * captured before the other one started have no partner, so they are dropped whole, those not
 * delivered yet as they come (the 50 ms allowance is for drift, not for the start); while one
 * delivers nothing the other is held (the ring keeps it), not dropped. A device that delivers
 * nothing for stall_s has stalled. Times are seconds of one clock, the same for ring_stamp. */
typedef struct {
    tm_ring *r[2];
    int n;                  /* devices: 1 or 2 */
    double rate;            /* frames per second */
    size_t max_ahead;       /* frames: rate / 20 */
    double stall_s, flow_s; /* no frames for stall_s: stalled; frames within flow_s: flowing */
    size_t seen[2];         /* ring_written at the last look */
    double last[2];         /* when frames last arrived */
    size_t dropped;         /* frames dropped to keep two clocks aligned */
    size_t owe[2];          /* frames still to drop as they arrive */
    size_t start[2];        /* ring_written at init: a device has started once it passes this */
    int started;            /* both have started and the one that started first was trimmed */
} ring_pair;

void   ring_pair_init(ring_pair *p, tm_ring **rings, int n, double rate, double stall_s, double now);
/* Notes arrivals; returns a bit mask of the stalled devices (bit k: device k). */
int    ring_pair_poll(ring_pair *p, double now);
/* Reads up to max aligned frames into dst (interleaved, 2 channels); tmp holds max floats. */
size_t ring_pair_read(ring_pair *p, float *dst, float *tmp, size_t max, double now);

#endif
