/* tools/io/post.h -- an agent's events and state heartbeat posted to the supervisor's wall
 * (`--report-to URL`). Posting happens on a thread of its own: the analysis only appends to a
 * bounded backlog and never waits for the network. */
#ifndef TM_POST_H
#define TM_POST_H
#include <stddef.h>

typedef struct poster poster;

/* url: http://HOST:PORT of the wall. call_id names this call to the wall. NULL with the reason. */
poster *poster_start(const char *url, const char *agent_id, const char *token, const char *call_id,
                     char *err, size_t errlen);
void    poster_event(poster *p, const char *json);   /* copies; never blocks on the network */
void    poster_state(poster *p, const char *json);   /* the latest state replaces the previous */
/* Sends what is left (waiting at most timeout_s), says on stderr what could not be delivered,
 * frees. Returns the number of events not delivered. NULL is a no-op. */
size_t  poster_finish(poster *p, double timeout_s);

#endif
