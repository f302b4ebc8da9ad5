/* tools/io/web_http.h -- what the two HTTP servers (the agent's live view and the supervisor's
 * wall) share, on libmicrohttpd: the listen address, the daemon, plain responses with the
 * security headers, and the pages compiled into the binary (tools/web/). */
#ifndef TM_WEB_HTTP_H
#define TM_WEB_HTTP_H
#include <microhttpd.h>
#include <stddef.h>
#include <sys/socket.h>

/* "[ADDR:]PORT", "[v6addr]:PORT"; ADDR defaults to def_addr. Numeric addresses only (the server
 * binds to exactly what is given). 0, or -1 with the problem in err. */
int  web_parse_addr(const char *spec, const char *def_addr, struct sockaddr_storage *out,
                    socklen_t *len, char *err, size_t errlen);
/* Starts a daemon with one internal polling thread (connections suspended while an event stream
 * waits) on the address; done (may be NULL) frees a request's context. NULL with the reason. */
struct MHD_Daemon *web_listen(const struct sockaddr_storage *sa, unsigned max_conn,
                              MHD_AccessHandlerCallback handler, void *cls,
                              MHD_RequestCompletedCallback done, char *err, size_t errlen);
/* "http://ADDR:PORT/" of a running daemon (the port it really got, if 0 was asked). */
void web_url(struct MHD_Daemon *d, const struct sockaddr_storage *sa, char *out, size_t cap);

/* Queues a response with a copy of the bytes, the given type and the security headers. */
enum MHD_Result web_reply(struct MHD_Connection *c, unsigned status, const char *type,
                          const void *body, size_t len);
enum MHD_Result web_reply_text(struct MHD_Connection *c, unsigned status, const char *text);
/* Adds Content-Security-Policy (nothing from elsewhere), nosniff, no-referrer, no-store. */
void web_headers(struct MHD_Response *r);

extern const unsigned char web_agent_html[], web_wall_html[];
extern const size_t web_agent_html_len, web_wall_html_len;


/* The shared token: the first line of the file, without surrounding white space; 1..255
 * printable characters. 0, or -1 with the problem in err. */
int web_read_token(const char *path, char *out, size_t cap, char *err, size_t errlen);
/* An agent id: 1..64 of A-Z a-z 0-9 . _ - @ (so it is safe in URLs, JSON and file names). */
int web_valid_id(const char *id);
/* Equal strings, compared in a time that does not depend on where they differ. */
int web_token_equal(const char *a, const char *b);

#endif
