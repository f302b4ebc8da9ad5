/* src/stageprof.h -- private. Where an analyzer's time goes, stage by stage, for `tonemon bench`.
 * Off by default: an analyzer with profiling on reads a monotonic clock between its stages
 * (about 20 ns a reading: a few per cent of the pipeline, spread over the stages). */
#ifndef TM_STAGEPROF_H
#define TM_STAGEPROF_H
#include "tonemon.h"

enum {
    TMI_ST_ENERGY,    /* DC blocker, level, loudness */
    TMI_ST_TONES,     /* signalling-tone DFTs */
    TMI_ST_PITCH,     /* pitch windows, candidates, path, final F0 */
    TMI_ST_ECHO,      /* echo canceller (when the profile turns it on) */
    TMI_ST_FLOOR,     /* noise floor and level gate */
    TMI_ST_BLEED,     /* leak */
    TMI_ST_HOLD,      /* hold music and tones */
    TMI_ST_VAD,       /* speech segments */
    TMI_ST_TURNS,     /* turn-taking */
    TMI_ST_RAISED,    /* raised voice */
    TMI_ST_OUTPUT,    /* frames out, call statistics, events and prompts */
    TMI_ST__COUNT
};

const char *tmi_stage_name(int stage);
/* Profiling on (1) or off (0); the counts start again at zero when it is turned on. */
void tmi_analyzer_profile(tm_analyzer *a, int on);
/* Seconds spent in each stage since profiling was turned on. */
void tmi_analyzer_stage_seconds(const tm_analyzer *a, double out[TMI_ST__COUNT]);

#endif
