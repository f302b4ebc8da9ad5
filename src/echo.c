/* src/echo.c -- the adaptive echo canceller cue of the leak stage.
 *
 * Per direction (microphone channel c, reference channel 1 - c) speexdsp's MDF canceller
 * (multidelay block frequency-domain adaptive filter; Soo and Pang, IEEE TASSP 1990, with
 * Valin's learning-rate control, IEEE TASLP 2007) models the echo path from the reference to the
 * microphone and subtracts its estimate. Where the canceller takes most of a hop's energy away,
 * that energy was the other party's echo; where it takes nothing while the other side talks, it
 * is a voice of its own (double-talk). The dB removed per hop goes to the leak decision; the
 * canceller's output is never used as audio.
 *
 * The cue does not need the full band: both channels are decimated to about 2 kHz (the 0-1 kHz
 * band holds the first formant and most of a voice's energy) by block sums of D samples smoothed
 * by (1 2 1)/4 at the low rate (a rectangular window of D, then a zero at the new Nyquist), the
 * same linear filter on both channels, so the echo path is unchanged. The canceller runs on
 * frames of two hops: the decision on a hop waits two hops for the pitch lookahead anyway.
 * When the reference has been silent for longer than the filter reaches, no echo can be in the
 * microphone and the canceller rests (its history then holds only silent frames, so its time
 * alignment is still right when the reference speaks again). A direction whose leak is weak
 * (echo_run_leak_db under the other voice) rests too: the level model tells such a leak from
 * speech, and most calls (headsets) have only such leaks, so that the canceller costs CPU only
 * in calls with a strong echo. A direction starts a call running, since its leak is unknown.
 * speexdsp takes 16-bit samples: the conversion stays in here. */
#include "echo.h"
#include <math.h>
#include <speex/speex_echo.h>
#include <stdlib.h>
#include <string.h>

/* 2 kHz: at 1 kHz (0-500 Hz, little of a telephone band's voice) the cue lost most of what it
 * gained on the realistic corpus's speakerphone calls */
#define ECHO_RATE_HZ 2000.0f
#define ECHO_FRAME_HOPS 2
/* A reference hop this close to its channel's noise floor leaks only noise: it does not count
 * as active (the canceller rests once its whole span is such hops). */
#define ECHO_OVER_FLOOR_DB 6.0f
/* The leak's strength is read on hops where the reference clearly talks: this far over its floor
 * (the leak stage's "clearly talking"), in steps of 0.2 dB per hop (a running median that moves
 * up to 20 dB a second). */
#define ECHO_TALK_DB 15.0f
#define ECHO_LEAK_STEP_DB 0.2f
#define ECHO_MAX_DB 40.0f
#define ECHO_MIN_DB -10.0f
/* speexdsp resets a canceller whose output has been 6 dB over its input for 50 frames in a row,
 * and prints a warning on stderr when it does; the library never prints, so a stricter test is
 * kept here (in speexdsp's pre-emphasised domain) and the canceller is reset quietly first: 30
 * frames in a row with the output 3 dB over the input. Its own energies are not quite ours (its
 * error before the output's de-emphasis, its input after a DC notch), and with the same 6 dB our
 * count was broken off by frames we read 5.8 and 6.1 dB over that it counted, so it printed its
 * warning (seed 56 c43: street noise on the agent's channel, the caller's voice as reference, a
 * canceller adding 6-21 dB for a second). At 0 dB the resets came too often on a line echo under
 * an AGC (seed 59 c14 lost 0.6 s of the caller's words); at 3 dB the realistic corpora's 964
 * calls (seeds 47-60) analyse as with 6 dB, event for event, and nothing is printed. */
#define ECHO_PREEMPH 0.9
#define ECHO_BAD_FRAMES 30
/* 16-bit scale with 6 dB of headroom: speexdsp also resets on frame energies over 1e9 per
 * sample, which a full-scale input would reach after its pre-emphasis */
#define ECHO_SCALE 16384.0
#define ECHO_CLIP 16000.0

/* The decimation factor D dividing the hop whose rate is nearest rate_hz (within 25 %), or 0. */
static int pick_dec(int fs_hz, int hop, float rate_hz)
{
    float want = (float)fs_hz / rate_hz;
    int best = 0;
    for (int d = 1; d <= hop; d++) {
        if (hop % d) continue;
        float r = (float)fs_hz / (float)d;
        if (fabsf(r - rate_hz) > 0.25f * rate_hz) continue;
        if (!best || fabsf((float)d - want) < fabsf((float)best - want)) best = d;
    }
    return best;
}

int tmi_echo_init(tm_echo *e, const tm_config *cfg, int hops_per_s)
{
    int fs_hz = cfg->sample_rate_hz, hop = fs_hz / hops_per_s;
    float filter_ms = cfg->echo_filter_ms, gate_db = cfg->speech_min_level_db;
    float warmup_s = cfg->echo_warmup_s;
    memset(e, 0, sizeof *e);
    if (!cfg->echo_canceller || cfg->channels != 2) return 0;   /* off: the cue stays unknown */
    e->dec = pick_dec(fs_hz, hop, ECHO_RATE_HZ);
    if (!e->dec) return 0;                         /* off: the cue stays unknown */
    e->k = hop / e->dec;
    e->fhops = ECHO_FRAME_HOPS;
    e->n = e->k * e->fhops;
    int filter_frames = (int)ceilf(filter_ms / 1000.0f * (float)hops_per_s / (float)e->fhops);
    if (filter_frames < 1) filter_frames = 1;
    /* resting is safe once every frame in the filter's history is silent: its span plus the
     * frame being filled */
    e->span_hops = (filter_frames + 2) * e->fhops;
    e->ready_frames = lrintf(warmup_s * (float)hops_per_s / (float)e->fhops);
    e->gate_db = gate_db;
    e->over_floor_db = ECHO_OVER_FLOOR_DB;
    int rate = fs_hz / e->dec;
    for (int c = 0; c < 2; c++) {
        e->st[c] = speex_echo_state_init(e->n, filter_frames * e->n);
        e->frame[c] = calloc((size_t)e->n, sizeof(int16_t));
        if (!e->st[c] || !e->frame[c]) { tmi_echo_free(e); return -1; }
        speex_echo_ctl(e->st[c], SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
    }
    e->filter_frames = filter_frames;
    for (int c = 0; c < 2; c++) {
        e->hist[c] = calloc((size_t)(filter_frames * e->n), sizeof(int16_t));
        if (!e->hist[c]) { tmi_echo_free(e); return -1; }
    }
    e->strong_db = cfg->echo_run_leak_db;
    e->out = calloc((size_t)e->n, sizeof(int16_t));
    if (!e->out) { tmi_echo_free(e); return -1; }
    e->on = 1;
    tmi_echo_reset(e);
    return 0;
}

void tmi_echo_free(tm_echo *e)
{
    for (int c = 0; c < 2; c++) {
        if (e->st[c]) speex_echo_state_destroy(e->st[c]);
        free(e->frame[c]);
        free(e->hist[c]);
        e->st[c] = NULL;
        e->frame[c] = NULL;
        e->hist[c] = NULL;
    }
    free(e->out);
    e->out = NULL;
    e->on = 0;
}

void tmi_echo_reset(tm_echo *e)
{
    for (int i = 0; i < ECHO_RING; i++) e->cue_hop[i] = -1;
    if (!e->on) return;
    for (int c = 0; c < 2; c++) {
        speex_echo_state_reset(e->st[c]);
        e->sum[c][0] = e->sum[c][1] = 0.0;
        e->quiet[c] = e->span_hops;
        e->adapted[c] = 0;
        e->bad[c] = 0;
        e->mem_in[c] = e->mem_out[c] = 0.0;
        e->behind[c] = 0;
        e->leak_db[c] = 0.0f;
        for (int i = 0; i < ECHO_LEVEL_HOPS; i++) e->lev_ring[c][i] = -200.0f;
    }
    e->lpos = 0;
    e->hpos = e->hcount = 0;
    e->fill = 0;
    e->first = 0;
}

/* Decimates one hop of x into dst (k samples, 16-bit) and returns its in-band level, dBFS. */
static float decimate(tm_echo *e, int c, const float *x, int16_t *dst)
{
    const int d = e->dec;
    const double g = ECHO_SCALE / (4.0 * d);
    double s2 = e->sum[c][0], s1 = e->sum[c][1], energy = 0.0;
    for (int j = 0; j < e->k; j++) {
        double s = 0.0;
        for (int i = 0; i < d; i++) s += x[j * d + i];
        double y = (s2 + 2.0 * s1 + s) * g;
        y = y > ECHO_CLIP ? ECHO_CLIP : y < -ECHO_CLIP ? -ECHO_CLIP : y;
        dst[j] = (int16_t)lrint(y);
        energy += y * y;
        s2 = s1;
        s1 = s;
    }
    e->sum[c][0] = s2;
    e->sum[c][1] = s1;
    return (float)(10.0 * log10(energy / (e->k * ECHO_SCALE * ECHO_SCALE) + 1e-20));
}

static double energy16(const int16_t *x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    return s;
}

/* Energy of x after the pre-emphasis 1 - 0.9 z^-1; *mem carries the last sample over frames. */
static double energy_pre(const int16_t *x, int n, double *mem)
{
    double s = 0.0, m = *mem;
    for (int i = 0; i < n; i++) {
        double v = x[i] - ECHO_PREEMPH * m;
        s += v * v;
        m = x[i];
    }
    *mem = m;
    return s;
}

/* One frame of direction c through the canceller (output in e->out), with speexdsp's own
 * divergence test kept here, quietly. */
static void cancel(tm_echo *e, int c, const int16_t *mic, const int16_t *ref)
{
    speex_echo_cancellation(e->st[c], mic, ref, e->out);
    double sdd = energy_pre(mic, e->n, &e->mem_in[c]);
    double sff = energy_pre(e->out, e->n, &e->mem_out[c]);
    e->bad[c] = sff / 2.0 > sdd + e->n * 10000.0 / 64.0 ? e->bad[c] + 1 : 0;
    if (e->bad[c] >= ECHO_BAD_FRAMES) {
        /* it adds echo instead of removing it: start again, unconverged */
        speex_echo_state_reset(e->st[c]);
        e->bad[c] = 0;
        e->adapted[c] = 0;
    }
}

/* Direction c skipped frames: those its filter still reaches go through it now, oldest first,
 * so that the reference history it holds is the audio's again (their output is no cue). A
 * short rest costs no more than running through it; a long one the filter's span. */
static void catch_up(tm_echo *e, int c)
{
    int r = 1 - c;
    for (int i = e->behind[c] < e->hcount ? e->behind[c] : e->hcount; i > 0; i--) {
        int f = (e->hpos - i + e->filter_frames) % e->filter_frames;
        cancel(e, c, e->hist[c] + f * e->n, e->hist[r] + f * e->n);
    }
    e->behind[c] = 0;
}

void tmi_echo_hop(tm_echo *e, int64_t hop_index, const float *x0, const float *x1,
                  const float floor_db[2])
{
    if (!e->on) return;
    if (e->fill == 0) e->first = hop_index;
    float lev[2];
    for (int c = 0; c < 2; c++) {
        lev[c] = decimate(e, c, c ? x1 : x0, e->frame[c] + e->fill * e->k);
        if (lev[c] >= e->gate_db && lev[c] >= floor_db[c] + e->over_floor_db) e->quiet[c] = 0;
        else if (e->quiet[c] < e->span_hops) e->quiet[c]++;
    }
    e->lpos = (e->lpos + 1) % ECHO_LEVEL_HOPS;
    for (int c = 0; c < 2; c++) e->lev_ring[c][e->lpos] = lev[c];
    for (int c = 0; c < 2; c++) {
        int r = 1 - c;
        /* While the reference clearly talks, how far under its recent peak (the echo's delay
         * is unknown) does the microphone sit? A running median: double-talk (the microphone
         * over it) and pauses are the minority of those hops. */
        if (lev[r] < e->gate_db || lev[r] < floor_db[r] + ECHO_TALK_DB || lev[c] > lev[r]) continue;
        float peak = -200.0f;
        for (int i = 0; i < ECHO_LEVEL_HOPS; i++)
            if (e->lev_ring[r][i] > peak) peak = e->lev_ring[r][i];
        e->leak_db[c] += lev[c] - peak > e->leak_db[c] ? ECHO_LEAK_STEP_DB : -ECHO_LEAK_STEP_DB;
    }
    if (++e->fill < e->fhops) return;
    e->fill = 0;
    for (int c = 0; c < 2; c++) {
        int r = 1 - c;
        int run = e->quiet[r] < e->span_hops;
        /* A leak this much weaker than the other voice is told from speech by its level alone
         * (the leak stage assumes a loss of bleed_min_coupling_db before it measured one), and
         * the canceller's cue adds nothing there: the direction skips its frames, with no cue.
         * Should the leak grow louder, the canceller first runs again over the frames its
         * filter reaches back (kept here), so that its reference history is the audio's. */
        int skip = run && e->leak_db[c] < e->strong_db;
        if (skip) {
            if (e->behind[c] < e->filter_frames) e->behind[c]++;
        } else if (run) {
            if (e->behind[c]) catch_up(e, c);
            cancel(e, c, e->frame[c], e->frame[r]);
            if (e->quiet[r] < e->fhops) e->adapted[c]++;
        }
        /* A removal can be trusted at once (an unconverged filter adds energy, it does not take
         * it away by chance); that nothing was removed means something only once it converged.
         * A skipped frame has no cue. */
        int known = skip ? 0 : !run || e->adapted[c] >= e->ready_frames ? 2 : 1;
        for (int h = 0; h < e->fhops; h++) {
            int slot = (int)((e->first + h) % ECHO_RING);
            float db = 0.0f;
            if (run && !skip) {
                /* one 16-bit step of rms is the floor: silence removes nothing */
                double in = energy16(e->frame[c] + h * e->k, e->k) + e->k;
                double out = energy16(e->out + h * e->k, e->k) + e->k;
                db = (float)(10.0 * log10(in / out));
                db = db > ECHO_MAX_DB ? ECHO_MAX_DB : db < ECHO_MIN_DB ? ECHO_MIN_DB : db;
            }
            e->cue_hop[slot] = e->first + h;
            e->cue_db[c][slot] = db;
            e->cue_known[c][slot] = (signed char)known;
        }
    }
    /* the frame joins the history a catching-up canceller runs over */
    for (int c = 0; c < 2; c++)
        memcpy(e->hist[c] + e->hpos * e->n, e->frame[c], (size_t)e->n * sizeof(int16_t));
    e->hpos = (e->hpos + 1) % e->filter_frames;
    if (e->hcount < e->filter_frames) e->hcount++;
}

/* Each canceller predicts its channel from the other. A voice's echo is predicted from the voice,
 * not the voice from its echo (a voice does not repeat itself a delay later), so where both take
 * most of a hop away at once, the sound predicts itself: a steady note or tone on both legs, hold
 * music leaking from one into the other. There the cue cannot tell the source from its echo, and
 * it took the louder leg's music for leak, so that its hold began 3.5 s late (seed 21 c28); the
 * level model, which knows which side is louder, decides instead. On the echo calls of seed 20
 * both cancellers took 6 dB or more on 14 of about 30 000 echo hops; in c28's music on 204 of 294. */
void tmi_echo_mutual(int known[2], const float removed_db[2], float min_db)
{
    if (known[0] == 2 && known[1] == 2 && removed_db[0] >= min_db && removed_db[1] >= min_db)
        known[0] = known[1] = 0;
}

int tmi_echo_cue(const tm_echo *e, int c, int64_t hop_index, float *removed_db)
{
    *removed_db = 0.0f;
    if (!e->on || c < 0 || c > 1 || hop_index < 0) return 0;
    int slot = (int)(hop_index % ECHO_RING);
    if (e->cue_hop[slot] != hop_index || !e->cue_known[c][slot]) return 0;
    *removed_db = e->cue_db[c][slot];
    return e->cue_known[c][slot];
}
