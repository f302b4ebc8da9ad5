/* src/echo.h -- private. Adaptive echo canceller cue: per hop and channel, how many dB an echo
 * canceller with the other channel as its reference removed (speexdsp's MDF canceller, run on a
 * decimated copy of the two channels). A feature for the leak decision, never a filter. */
#ifndef TM_ECHO_H
#define TM_ECHO_H
#include "tonemon.h"
#include <stdint.h>

#define ECHO_LEVEL_HOPS 26        /* hops of level history: the longest echo delay (250 ms) */
#define ECHO_RING 16               /* hops of cue kept for the decision, which lags the audio */

struct SpeexEchoState_;            /* speexdsp's canceller state, opaque here */

typedef struct {
    int on;                        /* 0: no canceller (rate without a usable decimation, or off) */
    int dec, k;                    /* decimation factor, decimated samples per hop */
    int fhops, n;                  /* hops per canceller frame, samples per frame */
    int span_hops;                 /* hops the filter reaches back, plus a frame of margin */
    long ready_frames;             /* frames of active reference before the cue is trusted */
    float gate_db;                 /* a reference hop quieter than this (in band, dBFS) is silent */
    float over_floor_db;           /* ... or not this far over its channel's noise floor */
    struct SpeexEchoState_ *st[2]; /* direction c: microphone c, reference 1 - c */
    int16_t *frame[2];             /* the frame being filled, decimated, per channel */
    int16_t *out;                  /* canceller output scratch, one frame */
    int filter_frames;             /* frames the filter reaches back */
    int16_t *hist[2];              /* the last filter_frames frames, per channel, a ring */
    int hpos, hcount;              /* next ring slot, frames in the ring */
    int behind[2];                 /* frames direction c skipped since it ran (up to the span) */
    float strong_db;               /* a direction runs while its leak is stronger than this */
    float leak_db[2];              /* running median: microphone under the reference's peak, dB */
    float lev_ring[2][ECHO_LEVEL_HOPS];   /* recent in-band hop levels per channel, ring */
    int lpos;
    double sum[2][2];              /* the two previous block sums of the decimator, per channel */
    int fill;                      /* hops in the frame being filled */
    int64_t first;                 /* hop index of the frame's first hop */
    int quiet[2];                  /* hops since channel c, as a reference, was last active */
    long adapted[2];               /* frames run with an active reference, per direction */
    int bad[2];                    /* frames in a row the canceller added energy */
    double mem_in[2], mem_out[2];  /* last samples, for the pre-emphasised energies */
    int64_t cue_hop[ECHO_RING];    /* hop a ring slot holds, -1: none */
    float cue_db[2][ECHO_RING];    /* dB removed (mic level minus canceller output level) */
    signed char cue_known[2][ECHO_RING];
} tm_echo;

/* Allocates (create time only), from the profile: echo_canceller (0: off, no allocation),
 * echo_filter_ms (the echo path span the filter covers), speech_min_level_db (an in-band reference
 * under it leaks nothing that could be speech: the canceller then rests), echo_warmup_s
 * (reference activity before the cue is trusted). Off for a mono analyzer, and for a rate whose
 * hop has no divisor near the 2 kHz target (cue unknown). Returns 0, or -1 when out of memory. */
int  tmi_echo_init(tm_echo *e, const tm_config *cfg, int hops_per_s);
void tmi_echo_free(tm_echo *e);    /* a zeroed or freed struct is a no-op */
void tmi_echo_reset(tm_echo *e);
/* Feeds hop `hop_index` of both channels (DC-removed, full rate). */
void tmi_echo_hop(tm_echo *e, int64_t hop_index, const float *x0, const float *x1,
                  const float floor_db[2]);
/* The cue of channel c at hop hop_index, with the dB removed (-10..40) in *removed_db: returns
 * 2 when the canceller had converged (or the reference was silent, nothing to remove), 1 while
 * it converges (only a large removal means something yet), 0 when there is no cue (canceller
 * off, or the hop's frame not complete yet). */
int  tmi_echo_cue(const tm_echo *e, int c, int64_t hop_index, float *removed_db);
/* Both channels' cues of one hop: when both converged cancellers took min_db or more, neither
 * cue holds (known set to 0). */
void tmi_echo_mutual(int known[2], const float removed_db[2], float min_db);

#endif
