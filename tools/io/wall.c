/* tools/io/wall.c -- the supervisor's wall (tools/wall.h).
 *
 * An agent posts {"agent", "call", "seq", "oldest", "events": [...], "state": {...}}: the events
 * numbered from seq on. The wall keeps, per agent, the next number it expects and answers it
 * ({"next": N}); a batch that starts past it is refused unless the agent says it no longer has
 * the missing events ("oldest" past them), in which case the gap is counted as lost on the tile.
 * A wall that restarts expects 0 from everybody, so agents send their call again from the start.
 *
 * Security: posts need "Authorization: Bearer TOKEN" (compared in constant time; 401), bodies are
 * limited (413), posts per agent are rate-limited (429), agent and call ids are checked against a
 * small alphabet, every JSON text from an agent is parsed and printed again by cJSON (so what the
 * wall serves is well-formed and escaped), and the page inserts all texts with textContent. It
 * binds to exactly the address given. */
#include "wall.h"
#include "cJSON.h"
#include "web_http.h"
#include "web_sse.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIMELINE_MAX 8000      /* events kept per call for its timeline */
#define STALE_S 5.0            /* no heartbeat for this long: the tile shows the agent idle */
#define PUBLISH_S 0.5

enum { K_PROMPTS, K_PROMPTS_HIGH, K_INTR_AGENT, K_INTR_CALLER, K_RAISED_AGENT, K_RAISED_CALLER,
       K_SILENCES, K_OVERLAPS, K_BACKCHANNELS, K_MONOLOGUES, K__N };
static const char *count_names[K__N] = {
    "prompts", "prompts_high", "interruptions_by_agent", "interruptions_by_caller", "raised_agent",
    "raised_caller", "silences", "overlaps", "backchannels", "monologues"};

typedef struct {
    char id[72], call[80];
    uint64_t next;
    size_t lost;
    int counts[K__N];
    char *state;               /* the latest state, as cJSON printed it */
    char *prompt;              /* the latest prompt alert */
    char **events;             /* the call's timeline */
    size_t n_events, truncated;
    double call_seen, last_seen;   /* monotonic seconds */
    double tokens, tokens_at;
    int stale;
    uint64_t version;
} agent;

struct wall {
    pthread_mutex_t mu;
    agent **a;
    size_t n, cap, max_agents;
    uint64_t version, published;
    web_hub *hub;
    struct MHD_Daemon *d;
    struct sockaddr_storage sa;
    char url[128], token[300];
    size_t max_body;
    double rate;
    pthread_t pub;
    int stopping, pub_on;
    unsigned long long posts, events, refused;
};

typedef struct {
    char *body;
    size_t len, cap;
    int too_big;
} upload;

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static agent *find(wall *w, const char *id, int create)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->a[i]->id, id)) return w->a[i];
    if (!create || w->n >= w->max_agents) return NULL;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        agent **na = realloc(w->a, cap * sizeof *na);
        if (!na) return NULL;
        w->a = na;
        w->cap = cap;
    }
    agent *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    snprintf(g->id, sizeof g->id, "%s", id);
    g->tokens = w->rate * 2.0;
    g->tokens_at = mono();
    w->a[w->n++] = g;
    return g;
}

static void new_call(agent *g, const char *call, double now)
{
    for (size_t i = 0; i < g->n_events; i++) free(g->events[i]);
    g->n_events = g->truncated = 0;
    g->next = 0;
    g->lost = 0;
    memset(g->counts, 0, sizeof g->counts);
    free(g->prompt);
    g->prompt = NULL;
    snprintf(g->call, sizeof g->call, "%s", call);
    g->call_seen = now;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void take_event(agent *g, const cJSON *e)
{
    const char *type = str_of(e, "type");
    int alert = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "alert"));
    char *text = cJSON_PrintUnformatted(e);
    if (!text) return;
    if (alert) {
        if (!strcmp(type, "deescalation")) {
            free(g->prompt);
            g->prompt = strdup(text);
        }
    } else if (!strcmp(type, "interruption")) {
        g->counts[!strcmp(str_of(e, "by"), "agent") ? K_INTR_AGENT : K_INTR_CALLER]++;
    } else if (!strcmp(type, "raised_voice")) {
        g->counts[!strcmp(str_of(e, "speaker"), "agent") ? K_RAISED_AGENT : K_RAISED_CALLER]++;
    } else if (!strcmp(type, "silence")) g->counts[K_SILENCES]++;
    else if (!strcmp(type, "overlap")) g->counts[K_OVERLAPS]++;
    else if (!strcmp(type, "backchannel")) g->counts[K_BACKCHANNELS]++;
    else if (!strcmp(type, "monologue")) g->counts[K_MONOLOGUES]++;
    else if (!strcmp(type, "deescalation")) {
        g->counts[K_PROMPTS]++;
        const cJSON *sev = cJSON_GetObjectItemCaseSensitive(e, "severity");
        if (cJSON_IsNumber(sev) && sev->valuedouble >= 2) g->counts[K_PROMPTS_HIGH]++;
    }
    /* the timeline keeps the complete events and the prompts as they were shown */
    if ((!alert || !strcmp(type, "deescalation")) && g->n_events < TIMELINE_MAX) {
        char **ne = g->n_events % 256 ? g->events : realloc(g->events, (g->n_events + 256) * sizeof *ne);
        if (ne) {
            g->events = ne;
            g->events[g->n_events++] = text;
            return;
        }
    } else if (!alert || !strcmp(type, "deescalation")) g->truncated++;
    free(text);
}

/* Applies one post (the wall lock is held). Returns the HTTP status; *next gets the answer. */
static unsigned apply(wall *w, const cJSON *root, uint64_t *next_out)
{
    const char *id = str_of(root, "agent"), *call = str_of(root, "call");
    const cJSON *seq_j = cJSON_GetObjectItemCaseSensitive(root, "seq");
    const cJSON *old_j = cJSON_GetObjectItemCaseSensitive(root, "oldest");
    const cJSON *evs = cJSON_GetObjectItemCaseSensitive(root, "events");
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(root, "state");
    if (!web_valid_id(id) || !web_valid_id(call) || !cJSON_IsNumber(seq_j) || !(seq_j->valuedouble >= 0 && seq_j->valuedouble < 1e15) ||
        (old_j && !(cJSON_IsNumber(old_j) && old_j->valuedouble >= 0 && old_j->valuedouble < 1e15)) ||
        (evs && !cJSON_IsArray(evs)) || (state && !cJSON_IsObject(state)))
        return MHD_HTTP_BAD_REQUEST;
    double now = mono();
    agent *g = find(w, id, 1);
    if (!g) return MHD_HTTP_SERVICE_UNAVAILABLE;
    g->tokens += (now - g->tokens_at) * w->rate;
    g->tokens_at = now;
    if (g->tokens > w->rate * 2.0) g->tokens = w->rate * 2.0;
    if (g->tokens < 1.0) return MHD_HTTP_TOO_MANY_REQUESTS;
    g->tokens -= 1.0;
    if (strcmp(g->call, call)) new_call(g, call, now);
    uint64_t seq = (uint64_t)seq_j->valuedouble;
    uint64_t oldest = old_j ? (uint64_t)old_j->valuedouble : 0;
    if (seq > g->next && oldest > g->next) {      /* the agent no longer has them */
        g->lost += (size_t)(seq - g->next);
        g->next = seq;
    }
    if (seq <= g->next && evs) {
        uint64_t k = seq;
        for (const cJSON *e = evs->child; e; e = e->next, k++) {
            if (k < g->next || !cJSON_IsObject(e)) continue;   /* already have it */
            take_event(g, e);
            g->next = k + 1;
            w->events++;
        }
    }
    if (state) {
        char *s = cJSON_PrintUnformatted(state);
        if (s) { free(g->state); g->state = s; }
    }
    g->last_seen = now;
    g->stale = 0;
    g->version = ++w->version;
    *next_out = g->next;
    return MHD_HTTP_OK;
}

static cJSON *tile(const agent *g, double now)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "id", g->id);
    cJSON_AddStringToObject(t, "call", g->call);
    cJSON *st = g->state ? cJSON_Parse(g->state) : NULL;
    int ended = st && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "ended"));
    cJSON_AddBoolToObject(t, "on_call", !ended && now - g->last_seen < STALE_S);
    cJSON_AddNumberToObject(t, "seen_s_ago", (double)(int)((now - g->last_seen) * 10) / 10);
    cJSON_AddNumberToObject(t, "events", (double)g->next);
    cJSON_AddNumberToObject(t, "lost", (double)g->lost);
    cJSON *c = cJSON_AddObjectToObject(t, "counts");
    for (int k = 0; k < K__N; k++) cJSON_AddNumberToObject(c, count_names[k], g->counts[k]);
    if (st) {
        cJSON_DeleteItemFromObjectCaseSensitive(st, "prompt");   /* sent on its own below */
        cJSON_DeleteItemFromObjectCaseSensitive(st, "counts");   /* the wall counts what it received */
        cJSON_AddItemToObject(t, "state", st);
    } else cJSON_AddNullToObject(t, "state");
    cJSON *p = g->prompt ? cJSON_Parse(g->prompt) : NULL;
    if (p) cJSON_AddItemToObject(t, "prompt", p);
    else cJSON_AddNullToObject(t, "prompt");
    return t;
}

/* {"type":"tiles","tiles":[...]} of the agents changed since `since` (all with 0). */
static char *tiles_json(wall *w, uint64_t since)
{
    double now = mono();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "tiles");
    cJSON_AddBoolToObject(o, "full", since == 0);
    cJSON *arr = cJSON_AddArrayToObject(o, "tiles");
    for (size_t i = 0; i < w->n; i++)
        if (w->a[i]->version > since) cJSON_AddItemToArray(arr, tile(w->a[i], now));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *snapshot(void *user)
{
    wall *w = user;
    pthread_mutex_lock(&w->mu);
    char *s = tiles_json(w, 0);
    pthread_mutex_unlock(&w->mu);
    return s;
}

static void *publisher(void *arg)
{
    wall *w = arg;
    for (;;) {
        struct timespec ts = {0, (long)(PUBLISH_S * 1e9)};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&w->mu);
        if (w->stopping) { pthread_mutex_unlock(&w->mu); break; }
        double now = mono();
        for (size_t i = 0; i < w->n; i++)
            if (!w->a[i]->stale && now - w->a[i]->last_seen >= STALE_S) {
                w->a[i]->stale = 1;
                w->a[i]->version = ++w->version;
            }
        char *msg = NULL;
        if (w->version > w->published) {
            msg = tiles_json(w, w->published);
            w->published = w->version;
        }
        pthread_mutex_unlock(&w->mu);
        if (msg) hub_publish(w->hub, msg);
        free(msg);
    }
    return NULL;
}

static enum MHD_Result reply_json(struct MHD_Connection *c, unsigned status, char *s)
{
    enum MHD_Result rc = s ? web_reply(c, status, "application/json", s, strlen(s))
                           : web_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    free(s);
    return rc;
}

static enum MHD_Result refuse(wall *w, struct MHD_Connection *c, unsigned status, const char *text)
{
    pthread_mutex_lock(&w->mu);
    w->refused++;
    pthread_mutex_unlock(&w->mu);
    return web_reply_text(c, status, text);
}

static enum MHD_Result on_post(wall *w, struct MHD_Connection *c, const char *data, size_t *size, void **ctx)
{
    upload *u = *ctx;
    if (!u) {
        /* headers only: the token and the declared size decide before any body is read */
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        if (!auth || strncmp(auth, "Bearer ", 7) || !web_token_equal(auth + 7, w->token))
            return refuse(w, c, MHD_HTTP_UNAUTHORIZED, "a valid token is needed (Authorization: Bearer)\n");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > w->max_body)
            return refuse(w, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
        if (!(u = calloc(1, sizeof *u))) return MHD_NO;
        *ctx = u;
        return MHD_YES;
    }
    if (*size) {
        if (!u->too_big && u->len + *size > w->max_body) u->too_big = 1;
        if (!u->too_big) {
            if (u->len + *size + 1 > u->cap) {
                size_t cap = (u->len + *size + 1) * 2;
                if (cap > w->max_body + 1) cap = w->max_body + 1;
                char *nb = realloc(u->body, cap);
                if (!nb) return MHD_NO;
                u->body = nb;
                u->cap = cap;
            }
            memcpy(u->body + u->len, data, *size);
            u->len += *size;
        }
        *size = 0;
        return MHD_YES;
    }
    if (u->too_big) return refuse(w, c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large\n");
    cJSON *root = u->body ? cJSON_ParseWithLength(u->body, u->len) : NULL;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return refuse(w, c, MHD_HTTP_BAD_REQUEST, "expected a JSON object\n");
    }
    uint64_t next = 0;
    pthread_mutex_lock(&w->mu);
    unsigned status = apply(w, root, &next);
    if (status == MHD_HTTP_OK) w->posts++;
    else w->refused++;
    pthread_mutex_unlock(&w->mu);
    cJSON_Delete(root);
    if (status == MHD_HTTP_TOO_MANY_REQUESTS) return web_reply_text(c, status, "too many posts; slow down\n");
    if (status != MHD_HTTP_OK) return web_reply_text(c, status, status == MHD_HTTP_BAD_REQUEST ? "bad report\n" : "too many agents\n");
    char buf[64];
    snprintf(buf, sizeof buf, "{\"next\":%llu}", (unsigned long long)next);
    return web_reply(c, MHD_HTTP_OK, "application/json", buf, strlen(buf));
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **ctx)
{
    (void)version;
    wall *w = cls;
    if (!strcmp(method, "POST")) {
        if (strcmp(url, "/report")) return web_reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
        return on_post(w, c, data, size, ctx);
    }
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return web_reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST\n");
    if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
        return web_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", web_wall_html, web_wall_html_len);
    if (!strcmp(url, "/events")) return hub_serve(w->hub, c);
    if (!strcmp(url, "/api/agents")) {
        pthread_mutex_lock(&w->mu);
        char *s = tiles_json(w, 0);
        pthread_mutex_unlock(&w->mu);
        return reply_json(c, MHD_HTTP_OK, s);
    }
    if (!strcmp(url, "/api/agent")) {
        const char *id = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "id");
        if (!id || !web_valid_id(id)) return web_reply_text(c, MHD_HTTP_BAD_REQUEST, "id: 1 to 64 of A-Z a-z 0-9 . _ - @\n");
        pthread_mutex_lock(&w->mu);
        agent *g = find(w, id, 0);
        char *out = NULL;
        if (g) {
            cJSON *t = tile(g, mono());
            char *ts = cJSON_PrintUnformatted(t);
            cJSON_Delete(t);
            size_t len = (ts ? strlen(ts) : 4) + 64;
            for (size_t i = 0; i < g->n_events; i++) len += strlen(g->events[i]) + 1;
            out = malloc(len);
            if (out && ts) {
                /* the events were printed by cJSON when they came in: well-formed, escaped */
                size_t k = (size_t)snprintf(out, len, "{\"tile\":%s,\"truncated\":%zu,\"events\":[", ts, g->truncated);
                for (size_t i = 0; i < g->n_events; i++) {
                    if (i) out[k++] = ',';
                    size_t l = strlen(g->events[i]);
                    memcpy(out + k, g->events[i], l);
                    k += l;
                }
                memcpy(out + k, "]}", 3);
            }
            free(ts);
        }
        pthread_mutex_unlock(&w->mu);
        if (!g) return web_reply_text(c, MHD_HTTP_NOT_FOUND, "no such agent\n");
        return reply_json(c, MHD_HTTP_OK, out);
    }
    return web_reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void done(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode why)
{
    (void)cls; (void)c; (void)why;
    upload *u = *ctx;
    if (u) { free(u->body); free(u); }
    *ctx = NULL;
}

wall *wall_start(const wall_opts *o, char *err, size_t errlen)
{
    wall *w = calloc(1, sizeof *w);
    if (!w) { snprintf(err, errlen, "out of memory"); return NULL; }
    socklen_t len;
    char e2[400];
    if (web_parse_addr(o->listen, "127.0.0.1", &w->sa, &len, e2, sizeof e2)) {
        snprintf(err, errlen, "--listen %s", e2);
        free(w);
        return NULL;
    }
    snprintf(w->token, sizeof w->token, "%s", o->token);
    w->max_body = o->max_body;
    w->rate = o->rate_per_s;
    w->max_agents = o->max_agents;
    pthread_mutex_init(&w->mu, NULL);
    w->hub = hub_create(256, 1.0 / PUBLISH_S, snapshot, w, 0);
    if (!w->hub) { snprintf(err, errlen, "out of memory"); wall_stop(w); return NULL; }
    w->d = web_listen(&w->sa, 4096, handle, w, done, err, errlen);
    if (!w->d) { wall_stop(w); return NULL; }
    web_url(w->d, &w->sa, w->url, sizeof w->url);
    if (pthread_create(&w->pub, NULL, publisher, w)) { snprintf(err, errlen, "cannot start a thread"); wall_stop(w); return NULL; }
    w->pub_on = 1;
    return w;
}

const char *wall_url(const wall *w) { return w->url; }

void wall_counters(wall *w, unsigned long long *posts, unsigned long long *events, unsigned long long *refused)
{
    pthread_mutex_lock(&w->mu);
    *posts = w->posts;
    *events = w->events;
    *refused = w->refused;
    pthread_mutex_unlock(&w->mu);
}

void wall_stop(wall *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_mutex_unlock(&w->mu);
    if (w->pub_on) pthread_join(w->pub, NULL);
    if (w->hub) hub_close(w->hub);
    if (w->d) MHD_stop_daemon(w->d);
    hub_destroy(w->hub);
    for (size_t i = 0; i < w->n; i++) {
        agent *g = w->a[i];
        for (size_t k = 0; k < g->n_events; k++) free(g->events[k]);
        free(g->events);
        free(g->state);
        free(g->prompt);
        free(g);
    }
    free(w->a);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
