/* src/hold.c -- hold music and signalling tones on one channel.
 *
 * Hold music and DTMF reach a call recording on either leg; they are voiced, loud and steady, so
 * a speech detector takes them for the party talking (a caller "talking" for the whole hold) and
 * the silence detector never sees the dead air it is. Both are told from speech by how they go
 * on in time, not by their spectrum:
 *  - music over a window of a few seconds: sounding most of the time, mostly periodic, its pitch
 *    standing still from hop to hop (notes) and on the tuning grid, where intonation glides;
 *  - signalling tones (DTMF pairs, dial, ringback and busy tones, 1 kHz beeps): a 30 ms Goertzel
 *    DFT at the standard frequencies (ITU-T Q.23 for DTMF, E.180 for call progress) holds nearly
 *    all of the energy, which no voice does at 33 Hz resolution.
 * A hold starts where the music window began and ends after a second that does not sound like
 * music or tone. A tone hop is never speech, whether or not it belongs to a hold. A desk phone's
 * ringer, whose warble makes the level alternate at 12.5-25 Hz, is neither notes nor beeps. */
#include "hold.h"
#include <math.h>
#include <string.h>

#define HOLD_TONE_RATE_HZ 4000
/* the tone recursions run in groups of four lanes: padded with idle lanes */
#define HOLD_TONES_PAD ((HOLD_TONES + 3) / 4 * 4)

/* DTMF low group, high group (Q.23), then call-progress tones (E.180: 350, 425, 440, 480, 620)
 * and the 1 kHz test/beep tone. */
/* A music window shorter than 100 ms holds no note and its pause. */
#define HOLD_MIN_WIN 10

static const float tone_hz[HOLD_TONES] = {697, 770, 852, 941, 1209, 1336, 1477, 1633,
                                          350, 425, 440, 480, 620, 1000};
/* A pitch that moves less than this between hops stands still: a played or sung note. Measured
 * on the realistic corpus, 93-100 % of the voiced hop pairs of hold music stand still by this
 * measure, and at most 65 % of any 3 s of natural speech (81 % of the formant synthesizer's,
 * whose vowels are flatter than any voice). */
#define HOLD_STEADY_ST 0.06f
/* Played music is tuned: its notes sit on the equal-tempered grid of A = 440 Hz. Within 0.15
 * semitone of it lie 64-100 % (median 97 %) of the voiced hops of 3 s of hold music in the
 * realistic corpus, and at most 43 % of any 3 s of natural speech (50 % synthesized), whose pitch
 * glides through the grid. Limit: music tuned off A440 by more than about 10 cents. */
#define HOLD_GRID_ST 0.15f
/* The shortest note that marks where music begins: 50 ms standing still on the grid. Speech
 * glides across the grid: a hop or three on it at a time, standing still on fewer still. */
#define HOLD_NOTE_MIN_HOPS 5
#define HOLD_NOTE_BITS (4 | 16)
/* Voiced hops off the grid that may lie between two stretches of one hold's music (a chord read
 * off it at a rest's edge): 100 ms. */
#define HOLD_MERGE_VOICE_HOPS 10
/* A hold tone (a beep every few seconds on hold) lasts 200 ms or more; DTMF digits last
 * 40-120 ms (ITU-T Q.24), so they never start a hold. */
#define HOLD_BEEP_HOPS 20
/* Beeps this close (5 s) belong to one hold; a hold of beeps ends 5 s after the last one. */
#define HOLD_BEEP_GAP_HOPS 500
/* A tone sounding longer than this (1.5 s) is no hold beep about to recur: the dead air under a
 * steady tone is not held back for it. */
#define HOLD_BEEP_MAX_HOPS 150
/* Hops in a row that do not sound like music before a hold ends (1 s). */
#define HOLD_EXIT_HOPS 100
/* A desk phone's ringer warbles: two tones take turns 12-25 times a second, in bursts of 0.4-2 s.
 * Through a room (whose response at two frequencies a few hundred Hz apart differs by several dB)
 * and a ringer's own uneven transducer, the two tones arrive at different levels, so the level
 * alternates at the trill rate. A note's level rises and decays smoothly, a beep's stands still,
 * and speech's does not alternate that fast for long. Its pitch, though, may stand still and on
 * the grid (two tones divided from one oscillator share a subharmonic), and its tones may be
 * signalling tones: without this test a ringer reads as a note or as a beep.
 * A maximum of the level counts once the level has fallen this far (3 dB) below it (and a
 * minimum once it has risen as far above it): the hop-to-hop jitter of a steady sound's 10 ms
 * level is about 0.5 dB, a note's decay is slow and monotonic. */
#define HOLD_TRILL_SWING_DB 3.0f
/* Maxima of a trill are a trill period apart: 4-8 hops is 12.5-25 Hz. */
#define HOLD_TRILL_PERIOD_MIN_HOPS 4
#define HOLD_TRILL_PERIOD_MAX_HOPS 8
/* A ring burst is steady: every maximum of the chain within 2 dB of its first. A note decays
 * (1-3 dB per trill period), and a low-rate codec's 20 ms frames make a decaying note's level
 * jitter by 3-5 dB (seed 12's hold music through Opus at 9 kbit/s read as a trill without this). */
#define HOLD_TRILL_STEADY_DB 2.0f
/* Four trill periods in a row (160-320 ms): on the realistic corpus every ring burst shows them;
 * no voiced stretch of hold music (of 357) does, 33 of 14154 of speech do (rings under speech
 * among them). Limit: a ringer whose two tones reach the microphone at equal level dips at each
 * switch instead, at twice the trill rate, which this does not follow above 12.5 Hz. */
#define HOLD_TRILL_MIN_PERIODS 4
/* A ring burst ends with its pitched stretch (100 ms neither voiced nor tone), or once its trill
 * has not been heard for half a second (a hum or a voice sounding on after it). */
#define HOLD_RING_GAP_HOPS 10
#define HOLD_RING_QUIET_HOPS 50
/* Music that may be starting goes on sounding: 100 ms without sound at most (a dropout of the
 * pitch tracker, a lost packet). */
#define HOLD_SOUNDING_GAP_HOPS 10
/* A note rings: one (HOLD_NOTE_MIN_HOPS standing still on the grid) sounded within the last
 * 200 ms (from one note to the next, a dropout and the next note's first 5 hops take 8-10 hops on
 * the corpus). A speech segment closes once its talker has been quiet, or under their level,
 * for the hangover (200 ms): a syllable that stood still on the grid is that long past (the
 * synthetic calls' flat voice holds one for 0.2-0.3 s at the top of its intonation). */
#define HOLD_RINGING_HOPS 20
/* Below 100 Hz a 10 ms hop holds less than a period and its level ripples with the hop's phase
 * (mains hum at 60 Hz every 5 hops, which reads as a 20 Hz trill): no trill is looked for on a
 * hop with a lower pitch. A ringer's pitch, when it has one, is that of its tones or their
 * common subharmonic, far above. */
#define HOLD_TRILL_MIN_F0_HZ 100.0f

void tmi_hold_init(tm_hold *h, const tm_config *cfg, int hops_per_s)
{
    int rate_hz = cfg->sample_rate_hz, hop = rate_hz / hops_per_s;
    int window_hops = (int)lrintf(cfg->hold_window_s * (float)hops_per_s);
    memset(h, 0, sizeof *h);
    h->tuned_min = cfg->hold_tuned_min;
    h->tuned_keep_min = cfg->hold_tuned_keep_min;
    h->gap_hops = (int)lrintf(cfg->hold_gap_s * (float)hops_per_s);
    h->lead_max_hops = (int)lrintf(cfg->hold_lead_max_s * (float)hops_per_s);
    if (h->lead_max_hops > HOLD_PAST) h->lead_max_hops = HOLD_PAST;
    h->end_voiced_hops = (int)lrintf(cfg->hold_end_voiced_s * (float)hops_per_s);
    if (h->end_voiced_hops < 1) h->end_voiced_hops = 1;
    if (h->gap_hops < 1) h->gap_hops = 1;
    /* Every tone lies under 1.7 kHz, so the tone DFTs read every step-th sample (about 4 kHz):
     * no tone aliases, noise above 2 kHz folds in and only lowers the tone share, and the cost
     * falls fourfold at 16 kHz. step divides the hop, so the hops' DFTs join exactly. */
    h->step = rate_hz / HOLD_TONE_RATE_HZ;
    if (h->step < 1) h->step = 1;
    while (hop % h->step) h->step--;
    h->hop = hop / h->step;
    h->win = window_hops < HOLD_MIN_WIN ? HOLD_MIN_WIN
           : window_hops > HOLD_MAX_WIN ? HOLD_MAX_WIN : window_hops;
    h->onsets_max = cfg->hold_onsets_max_hz * (float)h->win / (float)hops_per_s;
    h->onsets_max_hz = cfg->hold_onsets_max_hz;
    h->hops_per_s = hops_per_s;
    h->act_min = cfg->hold_active_min;
    h->voiced_min = cfg->hold_voiced_min;
    h->steady_min = cfg->hold_steady_min;
    h->tone_frac_min = cfg->hold_tone_frac_min;
    for (int i = 0; i < HOLD_TONES; i++) {
        float w = 2.0f * 3.14159265f * tone_hz[i] * (float)h->step / (float)rate_hz;
        h->coef[i] = 2.0f * cosf(w);
        /* phase advance of one hop, to join three hops' DFTs into one 30 ms DFT */
        h->rot_c[i] = cosf(w * (float)h->hop);
        h->rot_s[i] = sinf(w * (float)h->hop);
    }
    tmi_hold_reset(h);
}

void tmi_hold_reset(tm_hold *h)
{
    memset(h->re, 0, sizeof h->re);
    memset(h->im, 0, sizeof h->im);
    memset(h->e, 0, sizeof h->e);
    memset(h->flag, 0, sizeof h->flag);
    memset(h->past, 0, sizeof h->past);
    h->past_pos = h->n_past = 0;
    h->slot = 0;
    h->prev_x = 0.0f;
    h->n_act = h->n_voiced = h->n_steady = h->n_pause = h->n_grid = h->n_onset = h->filled = 0;
    h->pos = 0;
    h->prev_st = -1000.0f;
    h->note_run = 0;
    h->talk_until = 0;
    h->lead_from = h->cand_from = -1;
    h->last_note = -1000;
    memset(&h->lead, 0, sizeof h->lead);
    memset(&h->cand, 0, sizeof h->cand);
    h->lead_music = h->cand_judged = h->cand_music = 0;
    h->quiet = 0;
    h->proven = 0;
    h->st_pairs = h->st_steady = h->st_voiced = h->st_grid = 0;
    h->gap = 0;
    h->on = 0;
    h->start = h->last_music = 0;
    h->bad = 0;
    h->trun = 0;
    h->last_tone = h->tone_from = -1000;
    h->last_run = 0;
    h->trun_start = h->beep_start = 0;
    h->beep_end = -1;
    h->beep_len = 0;
    h->beeps = 0;
    h->tr_dir = 0;
    h->tr_cand_db = -1000.0f;
    h->tr_cand_n = h->tr_last = -1000;
    h->tr_last_db = h->tr_first_db = -1000.0f;
    h->tr_chain = 0;
    h->tr_heard = -1000;
    h->ring = h->trun_ring = 0;
    h->pitched_from = 0;
    h->unpitched = HOLD_RING_GAP_HOPS;
    h->held = 0;
    h->held_start = h->held_detected = h->held_last = 0;
    h->ended = 0;
    h->ended_start = h->ended_detected = h->ended_last = 0;
    h->voice_seen = 0;
    memset(h->voice_at, 0, sizeof h->voice_at);
    h->held_hops = 0.0;
    h->reported_end = 0;
}

float tmi_hold_tone(tm_hold *h, const float *x)
{
    int s = h->slot = (h->slot + 1) % 3;
    double e = 0.0;
    const int st = h->step;
    /* The window is read through a first difference (a high-pass: -16 dB at 100 Hz, -5 dB at
     * 350 Hz, +3 dB at 1 kHz at the 4 kHz read): a pure tone's share is the same through any
     * filter, but the rumble of a car or a street, which lies under 200 Hz, no longer takes its
     * share of the window. Read plainly, DTMF dialled in a street 11 dB over such noise had a
     * median share of 0.84 against 0.99 for clean digits, and was taken for speech (seed 20
     * c13: a dead air lost). */
    const float p0 = h->prev_x;
    for (int j = 0; j < h->hop; j++) {
        float v = x[j * st] - (j ? x[(j - 1) * st] : p0);
        e += (double)v * v;
    }
    h->prev_x = x[(h->hop - 1) * st];
    h->e[s] = e;
    /* The Goertzel recursions of all tones side by side, sample by sample: one tone's recursion
     * waits on its previous step, the tones' recursions are independent (and vectorise). */
    float s1[HOLD_TONES_PAD] = {0.0f}, s2[HOLD_TONES_PAD] = {0.0f}, cf[HOLD_TONES_PAD] = {0.0f};
    memcpy(cf, h->coef, sizeof h->coef);
    for (int j = 0; j < h->hop; j++) {
        float v = x[j * st] - (j ? x[(j - 1) * st] : p0);
        for (int i = 0; i < HOLD_TONES_PAD; i++) {
            float s0 = v + cf[i] * s1[i] - s2[i];
            s2[i] = s1[i];
            s1[i] = s0;
        }
    }
    for (int i = 0; i < HOLD_TONES; i++) {
        /* DFT of this hop at the tone, with the phase referred to the hop's first sample */
        float w = 0.5f * cf[i];
        float sn = sqrtf(fmaxf(0.0f, 1.0f - w * w));
        h->re[s][i] = s1[i] * w - s2[i];
        h->im[s][i] = s1[i] * sn;
    }
    double etot = h->e[0] + h->e[1] + h->e[2];
    if (etot <= 1e-12) return 0.0f;
    float best_lo = 0.0f, best_hi = 0.0f, best_cp = 0.0f, second_cp = 0.0f;
    int n3 = 3 * h->hop;
    for (int i = 0; i < HOLD_TONES; i++) {
        /* oldest hop first, each later hop rotated by one hop of phase more */
        float re = 0.0f, im = 0.0f;
        for (int k = 2; k >= 0; k--) {
            const int q = (s + 3 - k) % 3;
            float nr = re * h->rot_c[i] - im * h->rot_s[i];
            float ni = re * h->rot_s[i] + im * h->rot_c[i];
            re = nr + h->re[q][i];
            im = ni + h->im[q][i];
        }
        /* a sinusoid on the frequency gives 2|X|^2 / (N * energy) = 1 */
        float frac = (float)(2.0 * ((double)re * re + (double)im * im) / ((double)n3 * etot));
        if (i < 4) { if (frac > best_lo) best_lo = frac; }
        else if (i < 8) { if (frac > best_hi) best_hi = frac; }
        else if (frac > best_cp) { second_cp = best_cp; best_cp = frac; }
        else if (frac > second_cp) second_cp = frac;
    }
    float dtmf = best_lo + best_hi, cp = best_cp + second_cp;
    return dtmf > cp ? dtmf : cp;
}

void tmi_hold_skip(tm_hold *h, const float *x)
{
    int s = h->slot = (h->slot + 1) % 3;
    h->prev_x = x[(h->hop - 1) * h->step];
    h->e[s] = 0.0;
    memset(h->re[s], 0, sizeof h->re[s]);
    memset(h->im[s], 0, sizeof h->im[s]);
}

static void window_add(tm_hold *h, unsigned char f)
{
    if (h->filled == h->win) {
        unsigned char old = h->flag[h->pos];
        h->past[h->past_pos] = old;
        h->past_pos = (h->past_pos + 1) % HOLD_PAST;
        if (h->n_past < HOLD_PAST) h->n_past++;
        h->n_act -= old & 1;
        h->n_voiced -= (old >> 1) & 1;
        h->n_steady -= (old >> 2) & 1;
        h->n_pause -= (old >> 3) & 1;
        h->n_grid -= (old >> 4) & 1;
        h->n_onset -= (old >> 5) & 1;
    } else {
        h->filled++;
    }
    h->flag[h->pos] = f;
    h->pos = (h->pos + 1) % h->win;
    h->n_act += f & 1;
    h->n_voiced += (f >> 1) & 1;
    h->n_steady += (f >> 2) & 1;
    h->n_pause += (f >> 3) & 1;
    h->n_grid += (f >> 4) & 1;
    h->n_onset += (f >> 5) & 1;
}

/* The last k hops of the window were a ringer, not notes: only their sounding stays. */
static void window_unnote(tm_hold *h, int k)
{
    if (k > h->filled) k = h->filled;
    for (int j = 1; j <= k; j++) {
        unsigned char *f = &h->flag[(h->pos - j + h->win) % h->win];
        h->n_voiced -= (*f >> 1) & 1;
        h->n_steady -= (*f >> 2) & 1;
        h->n_pause -= (*f >> 3) & 1;
        h->n_grid -= (*f >> 4) & 1;
        h->n_onset -= (*f >> 5) & 1;
        *f &= 1;
    }
}

/* Follows the level's extremes; returns 1 at the hop where a maximum closes
 * HOLD_TRILL_MIN_PERIODS trill periods in a row. */
static int trill_hop(tm_hold *h, int64_t n, float level_db)
{
    int64_t peak = -1;
    float peak_db = 0.0f;
    if (h->tr_dir >= 0) {
        if (level_db > h->tr_cand_db) {
            h->tr_cand_db = level_db;
            h->tr_cand_n = n;
        } else if (h->tr_cand_db - level_db >= HOLD_TRILL_SWING_DB) {
            peak = h->tr_cand_n;
            peak_db = h->tr_cand_db;
            h->tr_dir = -1;
            h->tr_cand_db = level_db;
            h->tr_cand_n = n;
        }
    } else if (level_db < h->tr_cand_db) {
        h->tr_cand_db = level_db;
        h->tr_cand_n = n;
    } else if (level_db - h->tr_cand_db >= HOLD_TRILL_SWING_DB) {
        h->tr_dir = 1;
        h->tr_cand_db = level_db;
        h->tr_cand_n = n;
    }
    if (peak < 0) return 0;
    int64_t p = peak - h->tr_last;
    if (p < HOLD_TRILL_PERIOD_MIN_HOPS) {
        /* a second bump within one period (the switch between the tones dips): the period's
         * maximum is the higher of the two */
        if (peak_db > h->tr_last_db) {
            h->tr_last = peak;
            h->tr_last_db = peak_db;
        }
        return 0;
    }
    if (h->tr_chain == 0) h->tr_first_db = h->tr_last_db;
    int steady = fabsf(peak_db - h->tr_first_db) <= HOLD_TRILL_STEADY_DB;
    h->tr_chain = p <= HOLD_TRILL_PERIOD_MAX_HOPS && steady ? h->tr_chain + 1 : 0;
    if (h->tr_chain > 0) h->tr_heard = n;
    h->tr_last = peak;
    h->tr_last_db = peak_db;
    return h->tr_chain >= HOLD_TRILL_MIN_PERIODS;
}

/* Where the music the window has just recognised begins, in hops from the window's oldest
 * (negative: a lead-in that began before the window).
 * The window may hold speech before the music (the agent's "let me put you on hold"), and
 * speech crosses the grid and stands still for a few hops now and then. So the window is cut
 * into stretches at every pause of hold_gap_s without sound, and the hold starts at the first
 * note (HOLD_NOTE_MIN_HOPS hops standing still on the grid) of the first stretch that, from
 * that note on, sounds like music (steady and tuned by the starting thresholds) and is voiced
 * for hold_end_voiced_s, as every stretch of a hold is judged: one syllable of the other leg's
 * crosstalk, 37 dB under the music, stood still on the grid for 0.1 s a second before it and
 * dated the hold there (seed 52 c08). Failing that, at the window's first note; failing that,
 * at its edge. */
static int lead_in(const tm_hold *h, int note);
static int music_start(const tm_hold *h)
{
    int run = 0, quiet = 0, note = -1, first = -1;
    int pairs = 0, steady = 0, voiced = 0, grid = 0;
    for (int k = 0; k < h->win; k++) {
        unsigned char f = h->flag[(h->pos + k) % h->win];
        quiet = f & 1 ? 0 : quiet + 1;
        run = (f & HOLD_NOTE_BITS) == HOLD_NOTE_BITS ? run + 1 : 0;
        if (note < 0 && run == HOLD_NOTE_MIN_HOPS) {
            note = k - (HOLD_NOTE_MIN_HOPS - 1);
            if (first < 0) first = note;
            pairs = steady = voiced = grid = HOLD_NOTE_MIN_HOPS;
        } else if (note >= 0) {
            voiced += (f >> 1) & 1;
            steady += (f >> 2) & 1;
            pairs += (f >> 3) & 1;
            grid += (f >> 4) & 1;
        }
        if (note >= 0 && (quiet == h->gap_hops || k == h->win - 1)) {
            if (voiced >= h->end_voiced_hops && steady >= h->steady_min * pairs && grid >= h->tuned_min * voiced)
                return lead_in(h, note);
            note = -1;
        }
    }
    return first >= 0 ? lead_in(h, first) : 0;
}

/* The music's first sound need not be a note: a chord the pitch tracker reads as unvoiced, or
 * as a pitch standing still off the grid, may sound for most of a second before the first note
 * (seed 21 c58 and c48, seed 22 c08: holds dated 0.5-0.9 s late). What sounded right before the
 * note belongs to the hold when it rose out of quiet (in the window, or in the hops kept from
 * before it: past[]) no longer than lead_max_hops before, and its voiced hop pairs stood still
 * as music's do (steady_min): a voice glides, so the agent's "please hold" run on into the
 * music without a pause stays speech. (A ringer's notes are taken off the window's hops only,
 * not off past[]: a ring that began over a window before a hold could lend its lead-in steady
 * hops.) */
static int lead_in(const tm_hold *h, int note)
{
    int pairs = 0, steady = 0;
    for (int k = note; k > -h->n_past && note - k < h->lead_max_hops; k--) {
        unsigned char f = k > 0 ? h->flag[(h->pos + k - 1) % h->win]
                                : h->past[(h->past_pos + k - 1 + HOLD_PAST) % HOLD_PAST];
        if (!(f & 1)) return steady >= h->steady_min * (float)pairs ? k : note;
        pairs += (f >> 3) & 1;
        steady += (f >> 2) & 1;
    }
    return note;
}

/* Inside a hold: a pause of hold_gap_s without sound ends a stretch. The stretch after it
 * counts as the hold's (its notes move the hold's end) once it sounds like music on its own
 * (or once a beep sounds in it): the agent's "thank you for holding" comes
 * after such a pause, and a flat synthetic voice stands still, and crosses the grid, often
 * enough that a window still full of the music takes it in. A stretch voiced for
 * hold_end_voiced_s without sounding like music is someone talking: the hold is over (else
 * the window, still full of music, kept the talker's first words off speech for seconds).
 * Returns 1 when the hold ends so. */
static int stretch_hop(tm_hold *h, unsigned char f)
{
    h->quiet = f & 1 ? 0 : h->quiet + 1;
    if (h->quiet == h->gap_hops) {
        h->proven = 0;
        h->st_pairs = h->st_steady = h->st_voiced = h->st_grid = 0;
    }
    h->st_voiced += (f >> 1) & 1;
    h->st_steady += (f >> 2) & 1;
    h->st_pairs += (f >> 3) & 1;
    h->st_grid += (f >> 4) & 1;
    if (h->proven) return 0;
    if (h->trun >= HOLD_TONE_BURST_HOPS) {
        h->proven = 1;
        return 0;
    }
    /* judged once it has been voiced for hold_end_voiced_s, as music that starts a hold is:
     * a syllable or two of a flat voice may stand still on the grid */
    if (h->st_voiced < h->end_voiced_hops) return 0;
    h->proven = h->st_steady >= h->steady_min * h->st_pairs && h->st_grid >= h->tuned_min * h->st_voiced;
    return !h->proven;
}

/* Before a hold the stretch sounding now is followed from its first note, as music_start() cuts
 * the window: the music that starts a hold may open a speech segment that closes (a note decays
 * under the talker's level) before the window has heard enough of it to rule. It is judged as a
 * hold's stretches are (stretch_hop): by the starting thresholds once voiced for
 * hold_end_voiced_s, then by those that keep a hold (the live pitch reads a chord off the grid
 * for a while: seed 14 c18's tuned share fell to 59 % half a second in). A stretch judged not
 * music stays so until a pause ends it. What sounded before its first note is music too when
 * its pitch stood still as a note's (a chord read 0.4 semitone off the grid for its first
 * 0.44 s, seed 22 c38) and it began few voiced stretches: words glide and come in syllables. */
static void count_hop(hold_counts *k, unsigned char f)
{
    k->hops++;
    k->voiced += (f >> 1) & 1;
    k->steady += (f >> 2) & 1;
    k->pairs += (f >> 3) & 1;
    k->grid += (f >> 4) & 1;
    k->onsets += (f >> 5) & 1;
}

/* tuned_min < 0: the grid is not asked */
static int sounds_like_music(const tm_hold *h, const hold_counts *k, float tuned_min)
{
    /* onsets judged over a second at least: a note's first hop is one */
    float span_s = (float)k->hops / (float)h->hops_per_s;
    if (span_s < 1.0f) span_s = 1.0f;
    return k->voiced >= h->voiced_min * (float)k->hops && k->steady >= h->steady_min * (float)k->pairs &&
           (tuned_min < 0.0f || k->grid >= tuned_min * (float)k->voiced) &&
           (float)k->onsets <= h->onsets_max_hz * span_s;
}

static void candidate_hop(tm_hold *h, int64_t n, unsigned char f)
{
    if (h->gap >= h->gap_hops) {
        h->lead_from = h->cand_from = -1;
        h->cand_music = 0;
        return;
    }
    if (h->lead_from < 0) {
        h->lead_from = n;
        memset(&h->lead, 0, sizeof h->lead);
    }
    if (h->note_run >= HOLD_NOTE_MIN_HOPS) h->last_note = n;
    if (h->cand_from >= 0) {
        count_hop(&h->cand, f);
    } else {
        count_hop(&h->lead, f);
        if (h->note_run < HOLD_NOTE_MIN_HOPS) return;
        h->cand_from = n - (HOLD_NOTE_MIN_HOPS - 1);
        h->cand.hops = h->cand.pairs = h->cand.steady = h->cand.voiced = h->cand.grid = HOLD_NOTE_MIN_HOPS;
        h->cand.onsets = 0;
        h->cand_judged = 0;
        h->lead_music = sounds_like_music(h, &h->lead, -1.0f);
    }
    if (h->cand_judged < 0) return;
    h->cand_music = sounds_like_music(h, &h->cand, h->cand_judged > 0 ? h->tuned_keep_min : h->tuned_min);
    if (h->cand_judged == 0 && h->cand.voiced >= h->end_voiced_hops) h->cand_judged = h->cand_music ? 1 : -1;
    else if (h->cand_judged > 0 && !h->cand_music) h->cand_judged = -1;
}

static int music_hop(tm_hold *h, int64_t n, int active, float level_db, float f0_hz, float tone_frac,
                     int64_t *started)
{
    *started = -1;
    float st = f0_hz > 0.0f ? 12.0f * log2f(f0_hz) : -1000.0f;
    int voiced = st > -900.0f;
    int pair = voiced && h->prev_st > -900.0f;
    int steady = pair && fabsf(st - h->prev_st) < HOLD_STEADY_ST;
    h->prev_st = st;
    /* semitones from A440: st is 12 log2(f0), so subtract 12 log2(440) */
    float a = st - 105.3763f;
    int grid = voiced && fabsf(a - roundf(a)) < HOLD_GRID_ST;
    /* Music that rings on under a floor that has risen to it is not "active", but it is still
     * periodic: a hop sounds when it is active or voiced. */
    int sound = active || voiced;
    h->gap = sound ? 0 : h->gap + 1;
    int tone = tone_frac >= h->tone_frac_min;
    /* a ringer: from the start of the pitched stretch in which its trill is heard to its end */
    if (voiced || tone) {
        if (h->unpitched >= HOLD_RING_GAP_HOPS) h->pitched_from = n;
        h->unpitched = 0;
    } else if (++h->unpitched >= HOLD_RING_GAP_HOPS) {
        h->ring = 0;
    }
    if (voiced && f0_hz < HOLD_TRILL_MIN_F0_HZ) h->tr_chain = 0;
    int trill = trill_hop(h, n, level_db);
    if (h->ring && n - h->tr_heard > HOLD_RING_QUIET_HOPS) h->ring = 0;
    int ring_found = trill && !h->ring && h->unpitched == 0;
    if (ring_found) h->ring = 1;
    if (h->ring) voiced = pair = steady = grid = 0;
    /* a voiced stretch begins: a syllable, or a note after a rest */
    int onset = voiced && !pair;
    unsigned char f = (unsigned char)((sound ? 1 : 0) | (voiced ? 2 : 0) | (steady ? 4 : 0) |
                                      (pair ? 8 : 0) | (grid ? 16 : 0) | (onset ? 32 : 0));
    window_add(h, f);
    if (ring_found) window_unnote(h, n - h->pitched_from + 1 < h->win ? (int)(n - h->pitched_from + 1) : h->win);
    /* beeps: long tone bursts that recur; a ringer's tones are no beep (but still no speech) */
    int beep_hold = 0;
    if (tone) {
        if (h->trun++ == 0) {
            h->trun_start = n;
            h->trun_ring = 0;
        }
        h->trun_ring |= h->ring;
    } else {
        if (h->trun >= HOLD_BEEP_HOPS && !h->trun_ring) {
            if (h->beep_end >= 0 && h->trun_start - h->beep_end <= HOLD_BEEP_GAP_HOPS) {
                if (h->beeps++ == 0) beep_hold = 1;   /* the second beep starts a hold */
            } else {
                h->beeps = 0;
                h->beep_start = h->trun_start;
            }
            h->beep_end = n;
            h->beep_len = h->trun;
        }
        h->trun = 0;
    }
    int beeping = h->beeps > 0 && n - h->beep_end <= HOLD_BEEP_GAP_HOPS;
    /* Inside a hold the music may stray off the grid for a while (a chord's tones, not tuned
     * as one harmonic series, read as a common pitch a fraction of a semitone off; seed 18 c28
     * split its hold there): staying needs fewer tuned hops than starting. */
    float tuned = h->on ? h->tuned_keep_min : h->tuned_min;
    int music = h->filled == h->win && h->n_act >= h->act_min * h->win &&
                h->n_voiced >= h->voiced_min * h->win && h->n_pause > 0 &&
                h->n_steady >= h->steady_min * h->n_pause && h->n_grid >= tuned * h->n_voiced;
    h->note_run = (f & HOLD_NOTE_BITS) == HOLD_NOTE_BITS ? h->note_run + 1 : 0;
    candidate_hop(h, n, f);
    int music_starts = music && n >= h->talk_until && h->n_onset <= h->onsets_max;
    if (!h->on && (beep_hold || music_starts)) {
        /* the music or beeps that start the hold are its first stretch */
        h->quiet = 0;
        h->proven = 1;
    }
    if (!h->on && beep_hold) {
        h->on = 1;
        h->start = h->beep_start;
        /* the beep that started it ended at the last hop: the hold sounds to there at least */
        h->last_music = n - 1;
        h->bad = 0;
        *started = h->start;
    } else if (!h->on) {
        if (music_starts) {
            h->on = 1;
            h->start = n - h->win + 1 + music_start(h);
            h->bad = 0;
            *started = h->start;
        }
    } else if (stretch_hop(h, f)) {
        /* the window still holds the music: no hold starts again until it has passed */
        h->on = 0;
        h->talk_until = n + h->win;
    } else {
        /* inside a hold until the window has not sounded like music for a second */
        if (music || beeping) h->bad = 0;
        else h->bad++;
        if (h->bad >= HOLD_EXIT_HOPS) h->on = 0;
    }
    /* the hold's music goes on to its last note (five hops standing still on the grid) in a
     * stretch that sounds like music: not to a note of the speech after it, which the window
     * still takes for music */
    int note = h->note_run >= HOLD_NOTE_MIN_HOPS && music;
    /* a beep, not a vowel whose one harmonic sits on a tone for a hop or two */
    if (h->on && ((tone && h->trun >= HOLD_TONE_BURST_HOPS) || (note && h->proven))) h->last_music = n;
    return h->on;
}

static void report_ended(tm_hold *h, int ch, const tm_emitter *em)
{
    if (!h->ended) return;
    tm_event ev = emit_make(TM_EV_HOLD, ch, h->ended_start, h->ended_last + 1, h->ended_detected, 1);
    emit_event(em, &ev);
    h->held_hops += (double)(h->ended_last + 1 - h->ended_start);
    h->reported_end = h->ended_last + 1;
    h->ended = 0;
}

/* Does a hold starting at hop `start` go on the one that ended (at ended_last)? When the music
 * window dates it back into that hold, or when it starts within the window after it with no
 * voice in between, only a rest in the music or music read off the grid: a voice's glides are
 * voiced hops off the grid, of which a decaying note has none and "thank you for holding" a
 * hundred. */
static int same_hold(const tm_hold *h, int64_t n, int64_t start)
{
    if (start <= h->ended_last + 1) return 1;
    if (start - h->ended_last > h->win || n - h->ended_last >= HOLD_VOICE_RING) return 0;
    int voice = h->voice_at[(start - 1) % HOLD_VOICE_RING] - h->voice_at[h->ended_last % HOLD_VOICE_RING];
    return voice <= HOLD_MERGE_VOICE_HOPS;
}

/* The hold ends here, but is reported only once a new hold could no longer take it up (two
 * windows: a rest, and the window to hear the music again). A rest in the music, or a second of
 * it that a low-rate codec made unreadable, ends the hold, and the window then finds the music
 * again, sometimes from before that end (seed 25 c38: one hold of 12 s reported as two
 * overlapping ones). */
static void close_hold(tm_hold *h, int ch, const tm_emitter *em)
{
    report_ended(h, ch, em);
    h->held = 0;
    /* No note (nor beep) sounded from the hop the window ruled on: what it took for music was
     * over by then, one note or a flat voice standing on the grid for a while (seed 26 c12: a
     * "hold" of 10 ms dated to a syllable of the agent's). Hold music goes on for longer than
     * the window that hears it. */
    if (h->held_last <= h->held_start) return;
    h->ended = 1;
    h->ended_start = h->held_start;
    h->ended_last = h->held_last;
    h->ended_detected = h->held_detected;
}

int tmi_hold_update(tm_hold *h, const tmi_hop *hp, int other_held, int other_tone,
                    const tm_emitter *em, int64_t *started)
{
    /* Music leaking in from the other leg is that leg's hold, not this one's: leak hops are
     * neither sounding nor voiced here, and a hold is not started on a channel while the other
     * one holds (hold music is played into one leg). */
    int on = music_hop(h, hp->n, hp->active, hp->level_db, hp->leak ? 0.0f : hp->f0_hz,
                       other_tone ? 0.0f : hp->tone_frac, started);
    unsigned char f = h->flag[(h->pos - 1 + h->win) % h->win];
    h->voice_seen += (f & 2) && !(f & 16);
    h->voice_at[hp->n % HOLD_VOICE_RING] = h->voice_seen;
    /* Only a burst's ramps are taken off speech, not those of a vowel's few tone-like hops. */
    int tone = hp->tone_frac >= h->tone_frac_min;
    h->tone_from = -1;
    if (tone) {
        h->last_tone = hp->n;
        h->last_run = h->trun;
        if (h->trun == HOLD_TONE_BURST_HOPS) h->tone_from = h->trun_start - HOLD_TONE_EDGE_HOPS;
    }
    int mute = tone || (h->last_run >= HOLD_TONE_BURST_HOPS && hp->n - h->last_tone <= HOLD_TONE_EDGE_HOPS);
    /* A lead-in reaches back up to a window and hold_lead_max_s: past a hold already reported
     * when the lead is longer than the window (a profile's choice). Holds do not overlap. */
    if (*started >= 0 && *started < h->reported_end) *started = h->start = h->reported_end;
    if (*started >= 0 && other_held) {
        h->on = 0;
        on = 0;
        *started = -1;
    }
    if (*started >= 0) {
        h->held = 1;
        h->held_start = *started;
        h->held_detected = hp->n;
        if (h->ended && same_hold(h, hp->n, *started)) {
            h->held_start = h->ended_start;
            h->held_detected = h->ended_detected;
            h->ended = 0;
        }
        report_ended(h, hp->ch, em);
    } else if (h->ended && hp->n - h->ended_last > 2 * h->win) {
        report_ended(h, hp->ch, em);
    }
    if (h->held) {
        h->held_last = h->last_music > h->held_start ? h->last_music : h->held_start;
        mute = 1;
        if (!on) close_hold(h, hp->ch, em);
    }
    return mute;
}

int tmi_hold_may_start(const tm_hold *h, int64_t n)
{
    if (h->on) return 0;
    return (h->trun >= HOLD_BEEP_HOPS && h->trun <= HOLD_BEEP_MAX_HOPS && !h->trun_ring) ||
           (h->beep_end >= 0 && h->beeps == 0 && h->beep_len <= HOLD_BEEP_MAX_HOPS &&
            n - h->beep_end <= HOLD_BEEP_GAP_HOPS);
}

int64_t tmi_hold_music_from(const tm_hold *h, int64_t n)
{
    int64_t from = h->lead_music ? h->lead_from : h->cand_from;
    if (h->on || h->held || h->cand_from < 0 || !h->cand_music || n < h->talk_until || n - from >= h->win ||
        h->gap > HOLD_SOUNDING_GAP_HOPS)
        return -1;
    return from;
}

int tmi_hold_rings(const tm_hold *h, int64_t n)
{
    return n - h->last_note <= HOLD_RINGING_HOPS;
}

int64_t tmi_hold_tone_from(const tm_hold *h)
{
    return h->tone_from;
}

void tmi_hold_finish(tm_hold *h, int ch, const tm_emitter *em)
{
    if (h->held) close_hold(h, ch, em);
    report_ended(h, ch, em);
}
