/* src/deesc.h -- private. The de-escalation policy: which detected events become a prompt for the
 * agent, how severe it is, and when a repeat is merged into the prompt already shown. */
#ifndef TM_DEESC_H
#define TM_DEESC_H
#include "tonemon.h"

#define DEESC_SLOTS 8      /* prompts per reason still waiting for their sources to end */
#define DEESC_INTR 64      /* the agent's interruptions of the caller remembered */

typedef struct {
    int used, mergeable;   /* mergeable: the newest prompt of its reason, inside its repeat interval */
    int open_src;          /* occurrences whose source event has not ended yet */
    int64_t first_src;     /* start of the first source event (finals are matched by start) */
    tm_event ev;           /* the prompt as shown: start = detection of the first occurrence */
} deesc_prompt;

typedef void (*deesc_out_fn)(void *ctx, const tm_event *ev);

typedef struct {
    int64_t repeat_min, upset_window, repeat_window;   /* samples */
    int repeat_count;
    deesc_out_fn out;
    void *ctx;
    int64_t intr[DEESC_INTR];     /* detection samples of the agent's interruptions of the caller */
    int n_intr;
    int64_t caller_raised_at;     /* detection of the caller's last raised voice; -1 none */
    deesc_prompt p[TM_REASON__COUNT][DEESC_SLOTS];
} tm_deesc;

void tmi_deesc_init(tm_deesc *d, const tm_config *cfg, deesc_out_fn out, void *ctx);
void tmi_deesc_reset(tm_deesc *d);
/* One event (times in samples). caller_raised_now: the caller is inside a raised episode.
 * now: the stream position, for closing repeat intervals. Prompts go to out. */
void tmi_deesc_event(tm_deesc *d, const tm_event *ev, int caller_raised_now, int64_t now);
/* End of stream: every prompt still open is completed. */
void tmi_deesc_finish(tm_deesc *d);

#endif
