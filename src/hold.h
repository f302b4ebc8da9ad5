/* src/hold.h -- private. Hold music and signalling tones on one channel: sound that is neither
 * speech nor silence. */
#ifndef TM_HOLD_H
#define TM_HOLD_H
#include <stdint.h>

#define HOLD_TONES 14
#define HOLD_MAX_WIN 1024   /* hops of the music window (10.24 s at most) */

typedef struct {
    /* tones: Goertzel coefficients at this rate, the last three hops' partial DFTs */
    int   hop, step;                    /* samples per hop read, one in step */
    float coef[HOLD_TONES], rot_c[HOLD_TONES], rot_s[HOLD_TONES];
    float re[3][HOLD_TONES], im[3][HOLD_TONES];
    double e[3];
    int   slot;
    /* music: per-hop flags over a sliding window */
    int   win, exit_win;
    unsigned char flag[HOLD_MAX_WIN];   /* bit 0 sounding, 1 voiced, 2 pitch standing still, 3 voiced pair, 4 on the A440 grid */
    int   n_act, n_voiced, n_steady, n_pause, n_grid, filled;   /* n_pause: voiced pairs */
    int   pos;
    float prev_st;
    int   gap;                          /* inactive hops in a row */
    float act_min, steady_min, voiced_min, tuned_min, tone_frac_min;
    /* state */
    int   on;                           /* music (or tone) on this channel */
    int64_t start, last_music;
    int   bad;                          /* hops in a row that do not sound like music */
    int   trun, beeps;                  /* tone hops in a row; beeps recurring so far */
    int64_t trun_start, beep_start, beep_end;
} tm_hold;

void  tmi_hold_init(tm_hold *h, int rate_hz, int hop, int window_hops, float act_min, float voiced_min,
                float steady_min, float tuned_min, float tone_frac_min);
void  tmi_hold_reset(tm_hold *h);
/* Per hop, on the DC-blocked samples: the fraction of the last 30 ms's energy carried by one
 * signalling tone or one DTMF pair (0..1). */
float tmi_hold_tone(tm_hold *h, const float *x);
/* A hop not looked at for tones (too quiet to matter). */
void  tmi_hold_skip(tm_hold *h);
/* Per decided hop n: active (over the floor, not leak), F0 (0 unvoiced) and the hop's tone
 * fraction. Returns 1 while music holds the channel; *started is the first hop of the hold when
 * it begins at this hop (else -1). */
int   tmi_hold_hop(tm_hold *h, int64_t n, int active, float f0_hz, float tone_frac, int64_t *started);

#endif
