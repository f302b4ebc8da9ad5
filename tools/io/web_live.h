/* tools/io/web_live.h -- what `tonemon live` and `tonemon replay` add for the live views: the
 * agent's web page (--web [ADDR:]PORT) and the report to the supervisor's wall (--report-to URL
 * --agent-id NAME --token-file F). live_session.c calls these hooks from the analysis loop; none of
 * them waits on a browser or the network. */
#ifndef TM_WEB_LIVE_H
#define TM_WEB_LIVE_H
#include "call.h"

typedef struct {
    const char *web, *report_to, *agent_id, *token_file;
} web_opts;

/* The help lines of these options (tools/cli/cmd_live.c parses them with the others). */
extern const char web_opts_help[];

typedef struct web_live web_live;
/* NULL when no view was asked for. On a bad option or an address in use, prints one line and
 * sets *failed. */
web_live *web_live_start(const web_opts *o, const char *call_name, int nch, int *failed);
/* Every event drained from the analyzer: final ones and early alerts (final = 0). */
void web_live_event(web_live *w, const tm_event *e, const call_result *r, const tm_profile *p);
/* Called often from the loop; sends the state at 10 Hz of wall-clock time. */
void web_live_tick(web_live *w, tm_analyzer *a, double stream_s);
/* The call ended: last state, the backlog sent to the wall, servers stopped, drops said. Frees. */
void web_live_end(web_live *w, tm_analyzer *a, double stream_s);

#endif
