/* src/stats.h -- private. The call statistics of the summary: talk time, level, loudness and F0
 * distributions over each speaker's final speech frames, and counts and durations of events. */
#ifndef TM_STATS_H
#define TM_STATS_H
#include "median.h"
#include "tonemon.h"

typedef struct {
    int rate_hz;
    tm_median level[2], loud[2], f0[2];
    double talk_hops[2];
    int backchannels[2], interruptions[2], monologues[2];
    int overlaps, silences, deescalations;
    double overlap_s, silence_s;
} tm_callstats;

int  tmi_stats_init(tm_callstats *s, const tm_config *cfg, int hops_per_s);   /* 0 or -1 */
void tmi_stats_free(tm_callstats *s);
void tmi_stats_reset(tm_callstats *s);
/* A frame whose speech flag is final. */
void tmi_stats_frame(tm_callstats *s, const tm_frame *f);
/* A published event (times in samples): finals are counted. */
void tmi_stats_event(tm_callstats *s, const tm_event *ev);
/* Fills what these statistics own in out (hop_s: seconds per hop). */
void tmi_stats_fill(const tm_callstats *s, int nch, double hop_s, tm_stats *out);

#endif
