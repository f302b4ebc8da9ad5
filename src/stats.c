/* src/stats.c -- call statistics for the summary.
 *
 * Distributions are histograms (src/median.c) over the frames once their speech flag is final,
 * so the summary agrees with the frame CSV; counts come from final events only, so an early
 * alert and its complete event count once. */
#include "stats.h"
#include <string.h>

/* Bins: 0.25 dB over -120..+10 dB(FS or LUFS), 0.5 Hz over 0..1000 Hz. */
#define STATS_DB_LO (-120.0f)
#define STATS_DB_HI 10.0f
#define STATS_DB_BIN 0.25f
#define STATS_F0_HI_HZ 1000.0f
#define STATS_F0_BIN_HZ 0.5f

int tmi_stats_init(tm_callstats *s, const tm_config *cfg, int hops_per_s)
{
    (void)hops_per_s;
    memset(s, 0, sizeof *s);
    s->rate_hz = cfg->sample_rate_hz;
    int fail = 0;
    for (int c = 0; c < 2; c++) {
        fail |= tmi_median_init(&s->level[c], STATS_DB_LO, STATS_DB_HI, STATS_DB_BIN, 0) != 0;
        fail |= tmi_median_init(&s->loud[c], STATS_DB_LO, STATS_DB_HI, STATS_DB_BIN, 0) != 0;
        fail |= tmi_median_init(&s->f0[c], 0.0f, STATS_F0_HI_HZ, STATS_F0_BIN_HZ, 0) != 0;
    }
    if (fail) return -1;
    tmi_stats_reset(s);
    return 0;
}

void tmi_stats_free(tm_callstats *s)
{
    for (int c = 0; c < 2; c++) {
        tmi_median_free(&s->level[c]);
        tmi_median_free(&s->loud[c]);
        tmi_median_free(&s->f0[c]);
    }
}

void tmi_stats_reset(tm_callstats *s)
{
    for (int c = 0; c < 2; c++) {
        tmi_median_reset(&s->level[c], 0.0f, 0);
        tmi_median_reset(&s->loud[c], 0.0f, 0);
        tmi_median_reset(&s->f0[c], 0.0f, 0);
        s->talk_hops[c] = 0.0;
        s->backchannels[c] = s->interruptions[c] = s->monologues[c] = 0;
    }
    s->overlaps = s->silences = s->deescalations = 0;
    s->overlap_s = s->silence_s = 0.0;
}

void tmi_stats_frame(tm_callstats *s, const tm_frame *f)
{
    if (!f->speech || f->channel < 0 || f->channel > 1) return;
    int c = f->channel;
    s->talk_hops[c]++;
    tmi_median_add(&s->level[c], f->level_db);
    tmi_median_add(&s->loud[c], f->loudness_lufs);
    if (f->f0_hz > 0.0f) tmi_median_add(&s->f0[c], f->f0_hz);
}

void tmi_stats_event(tm_callstats *s, const tm_event *ev)
{
    if (!ev->final) return;
    double dur = (double)(ev->end - ev->start) / s->rate_hz;
    int c = ev->speaker >= 0 && ev->speaker <= 1 ? ev->speaker : -1;
    switch (ev->type) {
    case TM_EV_OVERLAP: s->overlaps++; s->overlap_s += dur; break;
    case TM_EV_SILENCE: s->silences++; s->silence_s += dur; break;
    case TM_EV_DEESCALATION: s->deescalations++; break;
    case TM_EV_BACKCHANNEL: if (c >= 0) s->backchannels[c]++; break;
    case TM_EV_INTERRUPTION: if (c >= 0) s->interruptions[c]++; break;
    case TM_EV_MONOLOGUE: if (c >= 0) s->monologues[c]++; break;
    default: break;
    }
}

void tmi_stats_fill(const tm_callstats *s, int nch, double hop_s, tm_stats *out)
{
    out->overlap_s = s->overlap_s;
    out->silence_s = s->silence_s;
    out->overlaps = s->overlaps;
    out->silences = s->silences;
    out->deescalations = s->deescalations;
    for (int c = 0; c < nch; c++) {
        tm_speaker_stats *sp = &out->speaker[c];
        sp->talk_s = s->talk_hops[c] * hop_s;
        sp->interruptions_made = s->interruptions[c];
        sp->backchannels = s->backchannels[c];
        sp->monologues = s->monologues[c];
        sp->f0_median_hz = tmi_median_quantile(&s->f0[c], 0.5f, 0.0f);
        sp->f0_p10_hz = tmi_median_quantile(&s->f0[c], 0.1f, 0.0f);
        sp->f0_p90_hz = tmi_median_quantile(&s->f0[c], 0.9f, 0.0f);
        sp->level_median_db = tmi_median_quantile(&s->level[c], 0.5f, -120.0f);
        sp->level_p90_db = tmi_median_quantile(&s->level[c], 0.9f, -120.0f);
        sp->loudness_median_lufs = tmi_median_quantile(&s->loud[c], 0.5f, -120.0f);
    }
}
