/* tools/io/web_sse.h -- Server-Sent Events for the live views: a bounded log of messages that every
 * client reads at its own pace, plus a latest "state" message sent at most state_hz times a
 * second. Publishing copies the text under a mutex held only for that copy: it never waits for a
 * client. A client that falls behind the log by more than its size loses the oldest messages
 * (counted in hub_dropped), never blocks anybody. Waiting clients are suspended in
 * libmicrohttpd's event loop and resumed by a ticker thread when there is something new. */
#ifndef TM_WEB_SSE_H
#define TM_WEB_SSE_H
#include <microhttpd.h>
#include <stddef.h>

typedef struct web_hub web_hub;
/* A message (JSON text, malloc'd) sent first to each new client (may be NULL). */
typedef char *(*web_snapshot_fn)(void *user);

/* replay: a new client gets the whole log first (the agent's view rebuilds the call so far from
 * it), else only what is published after it connected (after its snapshot). */
web_hub *hub_create(size_t log_slots, double state_hz, web_snapshot_fn snapshot, void *user, int replay);
/* Stops the ticker and ends every stream; call before MHD_stop_daemon. */
void     hub_close(web_hub *h);
void     hub_destroy(web_hub *h);               /* after MHD_stop_daemon; NULL is a no-op */
void     hub_publish(web_hub *h, const char *json);
void     hub_set_state(web_hub *h, const char *json);
/* Queues the event stream on c (GET /events). Last-Event-ID resumes a dropped connection. */
enum MHD_Result hub_serve(web_hub *h, struct MHD_Connection *c);
size_t   hub_dropped(web_hub *h);               /* messages lost by slow clients */
int      hub_clients(web_hub *h);

#endif
