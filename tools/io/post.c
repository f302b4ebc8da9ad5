/* tools/io/post.c -- posting to the wall with libcurl, on its own thread.
 *
 * Every event of the call is kept in a bounded log with a sequence number. A post carries the
 * events from the wall's acknowledged position on, and the wall answers with the position it
 * expects next ({"next": N}): a batch lost on the way, or a wall restarted with an empty memory
 * (next = 0), gets the events again from there. A failure backs off (0.25 s doubling to 5 s) and
 * keeps the backlog; when the log is full the oldest events are dropped, counted, and the wall
 * is told (the "oldest" field), so the loss shows on the supervisor's tile and on stderr. */
#include "post.h"
#include "web_http.h"
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_SLOTS 65536
#define BODY_MAX (120 * 1024)   /* under the wall's limit */
#define HEARTBEAT_S 1.0
#define BATCH_S 0.1             /* events wait this long to share a post */

struct poster {
    char url[1100], agent[80], auth[300], call[80];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    char **log;
    uint64_t head, oldest, acked;
    size_t dropped;              /* fell out of a full log before the wall had them */
    char *state;
    int state_new, finishing, stop, refused;
    size_t max_events;
    char *body;
    size_t body_len, body_cap;
    char reply[256];
    size_t reply_len;
};

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void wait_until(poster *p, double t)
{
    double d = t - mono();
    if (d <= 0) return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long ns = ts.tv_nsec + (long)((d - (long)d) * 1e9);
    ts.tv_sec += (time_t)d + ns / 1000000000L;
    ts.tv_nsec = ns % 1000000000L;
    pthread_cond_timedwait(&p->cv, &p->mu, &ts);
}

static int add(poster *p, const char *s)
{
    size_t n = strlen(s);
    if (p->body_len + n + 1 > p->body_cap) {
        size_t cap = (p->body_len + n + 1) * 2;
        char *nb = realloc(p->body, cap);
        if (!nb) return -1;
        p->body = nb;
        p->body_cap = cap;
    }
    memcpy(p->body + p->body_len, s, n + 1);
    p->body_len += n;
    return 0;
}

/* The next post, from the acknowledged position; the lock is held. Returns the events in it. */
static size_t build(poster *p, uint64_t *from_out)
{
    uint64_t from = p->acked < p->oldest ? p->oldest : p->acked;
    char head[600];
    p->body_len = 0;
    snprintf(head, sizeof head, "{\"agent\":\"%s\",\"call\":\"%s\",\"seq\":%llu,\"oldest\":%llu,\"dropped\":%zu,\"events\":[",
             p->agent, p->call, (unsigned long long)from, (unsigned long long)p->oldest, p->dropped);
    add(p, head);
    size_t n = 0;
    for (uint64_t k = from; k < p->head && n < p->max_events; k++, n++) {
        const char *e = p->log[k % LOG_SLOTS];
        if (n && p->body_len + strlen(e) + 2 > BODY_MAX - 8192) break;
        if (n) add(p, ",");
        add(p, e);
    }
    add(p, "]");
    if (p->state) {
        add(p, ",\"state\":");
        add(p, p->state);
    }
    add(p, "}");
    p->state_new = 0;
    *from_out = from;
    return n;
}

static size_t on_reply(char *ptr, size_t size, size_t nmemb, void *user)
{
    poster *p = user;
    size_t n = size * nmemb, room = sizeof p->reply - 1 - p->reply_len;
    memcpy(p->reply + p->reply_len, ptr, n < room ? n : room);
    p->reply_len += n < room ? n : room;
    p->reply[p->reply_len] = 0;
    return n;
}

static void *run(void *arg)
{
    poster *p = arg;
    CURL *curl = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char url[1200];
    snprintf(url, sizeof url, "%s/report", p->url);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, p->auth);
    hdr = curl_slist_append(hdr, "Expect:");
    if (curl) {
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 3000L);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_reply);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, p);
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    }
    double backoff = 0.0, retry_at = 0.0, last_post = 0.0, down_since = -1.0;
    pthread_mutex_lock(&p->mu);
    while (curl && !p->stop && !p->refused) {
        double now = mono();
        int pending = p->head > p->acked || p->state_new;
        if (p->finishing && p->head <= p->acked && !p->state_new) break;
        double due = now;
        if (!pending) due = last_post + HEARTBEAT_S;            /* nothing new: heartbeat only */
        else if (!p->finishing) due = last_post + BATCH_S;
        if (retry_at > due) due = retry_at;
        if (due > now) {
            wait_until(p, due);
            if (!p->finishing || mono() < retry_at) continue;
        }
        uint64_t from;
        size_t n = build(p, &from);
        pthread_mutex_unlock(&p->mu);
        p->reply_len = 0;
        p->reply[0] = 0;
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, p->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)p->body_len);
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        last_post = mono();
        pthread_mutex_lock(&p->mu);
        if (status == 200) {
            const char *nx = strstr(p->reply, "\"next\":");
            unsigned long long next = nx ? strtoull(nx + 7, NULL, 10) : from + n;
            if (next > p->head) next = p->head;
            p->acked = next;
            backoff = 0.0;
            retry_at = 0.0;
            if (down_since >= 0) {
                fprintf(stderr, "tonemon: wall %s: reachable again after %.1f s; backlog re-sent\n", p->url, last_post - down_since);
                down_since = -1.0;
            }
            if (p->max_events < 500) p->max_events *= 2;
            continue;
        }
        if (status == 401 || status == 403 || status == 400) {
            fprintf(stderr, "tonemon: wall %s refused the report (HTTP %ld%s); no more posts\n", p->url, status,
                    status == 401 ? ": wrong token" : "");
            p->refused = 1;
            break;
        }
        if (status == 413 && p->max_events > 1) { p->max_events /= 2; continue; }
        if (down_since < 0) {
            down_since = last_post;
            if (rc != CURLE_OK)
                fprintf(stderr, "tonemon: wall %s: unreachable (%s); keeping a backlog and retrying\n", p->url,
                        curl_easy_strerror(rc));
            else
                fprintf(stderr, "tonemon: wall %s: HTTP %ld; keeping a backlog and retrying\n", p->url, status);
        }
        backoff = backoff == 0.0 ? 0.25 : backoff * 2.0 > 5.0 ? 5.0 : backoff * 2.0;
        retry_at = mono() + backoff;
    }
    pthread_mutex_unlock(&p->mu);
    curl_slist_free_all(hdr);
    if (curl) curl_easy_cleanup(curl);
    return NULL;
}

poster *poster_start(const char *url, const char *agent_id, const char *token, const char *call_id,
                     char *err, size_t errlen)
{
    if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
        snprintf(err, errlen, "--report-to %s: expected http://HOST:PORT", url);
        return NULL;
    }
    if (strlen(url) > 1000) { snprintf(err, errlen, "--report-to: URL too long"); return NULL; }
    if (!web_valid_id(agent_id)) {
        snprintf(err, errlen, "--agent-id '%s': 1 to 64 of A-Z a-z 0-9 . _ - @", agent_id);
        return NULL;
    }
    poster *p = calloc(1, sizeof *p);
    if (!p || !(p->log = calloc(LOG_SLOTS, sizeof *p->log))) {
        free(p);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(p->url, sizeof p->url, "%s", url);
    size_t ul = strlen(p->url);
    while (ul && p->url[ul - 1] == '/') p->url[--ul] = 0;
    snprintf(p->agent, sizeof p->agent, "%s", agent_id);
    snprintf(p->auth, sizeof p->auth, "Authorization: Bearer %s", token);
    snprintf(p->call, sizeof p->call, "%s", call_id);
    p->max_events = 500;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (pthread_create(&p->th, NULL, run, p)) {
        snprintf(err, errlen, "cannot start the posting thread");
        free(p->log);
        free(p);
        return NULL;
    }
    return p;
}

void poster_event(poster *p, const char *json)
{
    if (!p) return;
    char *m = strdup(json);
    if (!m) return;
    pthread_mutex_lock(&p->mu);
    if (p->head - p->oldest == LOG_SLOTS) {
        if (p->oldest >= p->acked) p->dropped++;
        free(p->log[p->oldest % LOG_SLOTS]);
        p->log[p->oldest % LOG_SLOTS] = NULL;
        p->oldest++;
    }
    p->log[p->head % LOG_SLOTS] = m;
    p->head++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void poster_state(poster *p, const char *json)
{
    if (!p) return;
    char *m = strdup(json);
    if (!m) return;
    pthread_mutex_lock(&p->mu);
    free(p->state);
    p->state = m;
    p->state_new = 1;
    pthread_mutex_unlock(&p->mu);
}

size_t poster_finish(poster *p, double timeout_s)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->mu);
    p->finishing = 1;
    pthread_cond_signal(&p->cv);
    double end = mono() + timeout_s;
    pthread_mutex_unlock(&p->mu);
    /* the thread ends once everything is acknowledged; past the deadline it is told to stop */
    for (;;) {
        pthread_mutex_lock(&p->mu);
        int done = (p->head <= p->acked && !p->state_new) || p->refused;
        if (!done && mono() >= end) p->stop = 1;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
        if (done || p->stop) break;
        struct timespec ts = {0, 20 * 1000000L};
        nanosleep(&ts, NULL);
    }
    pthread_join(p->th, NULL);
    uint64_t from = p->acked < p->oldest ? p->oldest : p->acked;
    uint64_t unsent = p->head > from ? p->head - from : 0;
    size_t lost = p->dropped + (size_t)unsent;
    if (lost)
        fprintf(stderr, "tonemon: wall %s: %zu of %llu events not delivered (%zu dropped from a full backlog, %llu unsent when the call ended)\n",
                p->url, lost, (unsigned long long)p->head, p->dropped, (unsigned long long)unsent);
    for (size_t i = 0; i < LOG_SLOTS; i++) free(p->log[i]);
    free(p->log);
    free(p->state);
    free(p->body);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return lost;
}
