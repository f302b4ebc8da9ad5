/* tools/io/web_sse.c -- the event-stream hub of tools/web_sse.h (the W3C Server-Sent Events format:
 * "id: N", "data: JSON", blank line; ": comment" keeps idle connections alive). */
#include "web_sse.h"
#include "web_http.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEEPALIVE_S 15.0
#define BATCH_BYTES 65536

typedef struct client {
    web_hub *h;
    struct MHD_Connection *conn;
    uint64_t next;           /* next log id to send */
    uint64_t state_sent;
    double last_state, last_write;
    int fresh, suspended;
    char *buf;
    size_t len, off, cap;
    struct client *prev, *nxt;
} client;

struct web_hub {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char **log;
    size_t cap;
    uint64_t head, oldest;   /* messages [oldest, head) are in the log; message k at log[k % cap] */
    uint64_t id_base;        /* message k goes out as id id_base + k: ids of another run never match */
    char *state;
    uint64_t state_seq;
    double state_period;
    web_snapshot_fn snapshot;
    void *user;
    int replay;
    client *clients;
    int nclients, closing;
    size_t dropped;
    pthread_t ticker;
    int ticker_on;
};

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static char *dup_line(const char *s)
{
    /* one SSE data line: a raw newline would end the message early */
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    for (size_t i = 0; i <= n; i++) d[i] = s[i] == '\n' || s[i] == '\r' ? ' ' : s[i];
    return d;
}

static int put(client *c, const char *a, const char *b, const char *z)
{
    size_t la = strlen(a), lb = b ? strlen(b) : 0, lz = z ? strlen(z) : 0;
    if (c->len + la + lb + lz + 1 > c->cap) {
        size_t cap = (c->len + la + lb + lz + 1) * 2;
        char *nb = realloc(c->buf, cap);
        if (!nb) return -1;
        c->buf = nb;
        c->cap = cap;
    }
    memcpy(c->buf + c->len, a, la);
    if (lb) memcpy(c->buf + c->len + la, b, lb);
    if (lz) memcpy(c->buf + c->len + la + lb, z, lz);
    c->len += la + lb + lz;
    return 0;
}

/* Fills c->buf with what is due; the hub lock is held. */
static void fill(web_hub *h, client *c, double now)
{
    if (c->next < h->oldest) {
        h->dropped += (size_t)(h->oldest - c->next);
        c->next = h->oldest;
    }
    while (c->next < h->head && c->len < BATCH_BYTES) {
        char id[32];
        snprintf(id, sizeof id, "id: %llu\ndata: ", (unsigned long long)(h->id_base + c->next));
        put(c, id, h->log[c->next % h->cap], "\n\n");
        c->next++;
    }
    if (h->state && c->state_sent != h->state_seq && now - c->last_state >= h->state_period * 0.9) {
        put(c, "data: ", h->state, "\n\n");
        c->state_sent = h->state_seq;
        c->last_state = now;
    }
    if (!c->len && now - c->last_write >= KEEPALIVE_S) put(c, ": keepalive\n\n", NULL, NULL);
    if (c->len) c->last_write = now;
}

static int due(const web_hub *h, const client *c, double now)
{
    return c->next < h->head || (h->state && c->state_sent != h->state_seq &&
                                 now - c->last_state >= h->state_period * 0.9) ||
           now - c->last_write >= KEEPALIVE_S;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    client *c = cls;
    web_hub *h = c->h;
    if (c->off == c->len) {
        c->off = c->len = 0;
        if (c->fresh) put(c, "retry: 1000\n\n", NULL, NULL);   /* reconnect after 1 s */
        if (c->fresh && h->snapshot) {
            /* built outside the hub lock: the snapshot may take its owner's lock, which is held
             * while publishing; updates racing it are whole tiles, so a repeat is harmless */
            char *s = h->snapshot(h->user), *line = s ? dup_line(s) : NULL;
            if (line) put(c, "data: ", line, "\n\n");
            free(s);
            free(line);
        }
        c->fresh = 0;
        pthread_mutex_lock(&h->mu);
        if (h->closing) {
            pthread_mutex_unlock(&h->mu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        double now = now_s();
        fill(h, c, now);
        if (!c->len) {
            pthread_mutex_unlock(&h->mu);
            /* nothing to say: leave the event loop until the ticker has news */
            MHD_suspend_connection(c->conn);
            pthread_mutex_lock(&h->mu);
            int wake = h->closing || due(h, c, now_s());
            if (!wake) c->suspended = 1;
            pthread_mutex_unlock(&h->mu);
            if (wake) MHD_resume_connection(c->conn);
            return 0;
        }
        pthread_mutex_unlock(&h->mu);
    }
    size_t n = c->len - c->off < max ? c->len - c->off : max;
    memcpy(buf, c->buf + c->off, n);
    c->off += n;
    return (ssize_t)n;
}

static void reader_free(void *cls)
{
    client *c = cls;
    web_hub *h = c->h;
    pthread_mutex_lock(&h->mu);
    if (c->prev) c->prev->nxt = c->nxt;
    else h->clients = c->nxt;
    if (c->nxt) c->nxt->prev = c->prev;
    h->nclients--;
    pthread_mutex_unlock(&h->mu);
    free(c->buf);
    free(c);
}

static void *ticker(void *arg)
{
    web_hub *h = arg;
    struct MHD_Connection **wake = NULL;
    size_t wake_cap = 0;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        long ns = t.tv_nsec + (long)(h->state_period * 1e9);
        t.tv_sec += ns / 1000000000L;
        t.tv_nsec = ns % 1000000000L;
        pthread_cond_timedwait(&h->cv, &h->mu, &t);
        double now = now_s();
        size_t n = 0;
        for (client *c = h->clients; c; c = c->nxt) {
            if (!c->suspended || !(h->closing || due(h, c, now))) continue;
            if (n == wake_cap) {
                size_t cap = wake_cap ? wake_cap * 2 : 16;
                struct MHD_Connection **nw = realloc(wake, cap * sizeof *nw);
                if (!nw) break;
                wake = nw;
                wake_cap = cap;
            }
            c->suspended = 0;
            wake[n++] = c->conn;
        }
        int closing = h->closing;
        pthread_mutex_unlock(&h->mu);
        /* outside the lock: resuming takes libmicrohttpd's own lock, which it may hold while
         * calling the reader (which takes ours) */
        for (size_t i = 0; i < n; i++) MHD_resume_connection(wake[i]);
        pthread_mutex_lock(&h->mu);
        if (closing) break;
    }
    pthread_mutex_unlock(&h->mu);
    free(wake);
    return NULL;
}

web_hub *hub_create(size_t log_slots, double state_hz, web_snapshot_fn snapshot, void *user, int replay)
{
    web_hub *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->cap = log_slots;
    h->log = calloc(log_slots, sizeof *h->log);
    h->state_period = 1.0 / state_hz;
    h->snapshot = snapshot;
    h->user = user;
    h->replay = replay;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    h->id_base = (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;   /* microseconds: unique per run */
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    if (!h->log || pthread_create(&h->ticker, NULL, ticker, h)) {
        hub_destroy(h);
        return NULL;
    }
    h->ticker_on = 1;
    return h;
}

void hub_close(web_hub *h)
{
    if (!h || !h->ticker_on) return;
    pthread_mutex_lock(&h->mu);
    h->closing = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->ticker, NULL);   /* its last round resumed every waiting stream */
    h->ticker_on = 0;
}

void hub_destroy(web_hub *h)
{
    if (!h) return;
    hub_close(h);
    for (size_t i = 0; h->log && i < h->cap; i++) free(h->log[i]);
    free(h->log);
    free(h->state);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h);
}

void hub_publish(web_hub *h, const char *json)
{
    char *m = dup_line(json);
    if (!m) return;
    pthread_mutex_lock(&h->mu);
    char **slot = &h->log[h->head % h->cap];
    char *old = *slot;
    *slot = m;
    h->head++;
    if (h->head - h->oldest > h->cap) h->oldest = h->head - h->cap;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    free(old);
}

void hub_set_state(web_hub *h, const char *json)
{
    char *m = dup_line(json);
    if (!m) return;
    pthread_mutex_lock(&h->mu);
    char *old = h->state;
    h->state = m;
    h->state_seq++;
    pthread_mutex_unlock(&h->mu);
    free(old);
}

enum MHD_Result hub_serve(web_hub *h, struct MHD_Connection *conn)
{
    client *c = calloc(1, sizeof *c);
    if (!c) return MHD_NO;
    c->h = h;
    c->conn = conn;
    c->fresh = 1;
    const char *last = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Last-Event-ID");
    pthread_mutex_lock(&h->mu);
    c->next = h->replay ? h->oldest : h->head;
    if (last && h->replay) {
        char *end;
        unsigned long long id = strtoull(last, &end, 10);
        /* an id this log never gave out comes from an earlier run: replay it all */
        if (!*end && id >= h->id_base && id - h->id_base < h->head) c->next = id - h->id_base + 1;
    }
    c->nxt = h->clients;
    if (h->clients) h->clients->prev = c;
    h->clients = c;
    h->nclients++;
    pthread_mutex_unlock(&h->mu);
    c->last_write = now_s();
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, reader, c, reader_free);
    if (!r) { reader_free(c); return MHD_NO; }
    MHD_add_response_header(r, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(r, "X-Accel-Buffering", "no");
    web_headers(r);
    enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return rc;
}

size_t hub_dropped(web_hub *h)
{
    pthread_mutex_lock(&h->mu);
    size_t d = h->dropped;
    pthread_mutex_unlock(&h->mu);
    return d;
}

int hub_clients(web_hub *h)
{
    pthread_mutex_lock(&h->mu);
    int n = h->nclients;
    pthread_mutex_unlock(&h->mu);
    return n;
}
