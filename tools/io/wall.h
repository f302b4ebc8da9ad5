/* tools/io/wall.h -- the supervisor's wall: receives the agents' posts (POST /report, shared token),
 * keeps one tile per agent and its call's timeline, and serves the wall page with live updates
 * (GET /, GET /events, GET /api/agents, GET /api/agent?id=NAME). */
#ifndef TM_WALL_H
#define TM_WALL_H
#include <stddef.h>
#include <sys/socket.h>

typedef struct {
    const char *listen;        /* ADDR:PORT */
    const char *token;         /* the shared token */
    size_t max_body;           /* bytes; larger posts get 413 */
    double rate_per_s;         /* posts per agent per second (burst: twice that); more get 429 */
    size_t max_agents;
} wall_opts;

typedef struct wall wall;
wall *wall_start(const wall_opts *o, char *err, size_t errlen);
const char *wall_url(const wall *w);
/* Counters since start: posts accepted, events taken, posts refused (401, 413, 429, 400). */
void  wall_counters(wall *w, unsigned long long *posts, unsigned long long *events, unsigned long long *refused);
void  wall_stop(wall *w);

#endif
