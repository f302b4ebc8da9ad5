/* tools/io/web_live.c -- the agent's live view and the wall report, as hooks of the live loop.
 *
 * The page (tools/web/agent.html, compiled in) reads GET /events: on connecting, a "hello" with
 * this run's session id, then every event of the call so far (so a reload resumes), then each
 * new event and a "state" message at 10 Hz (levels, who talks, talk time, counts, the prompt
 * shown). GET /state is the latest state as JSON. Events are JSON as `analyze --events` writes
 * them; early alerts add "alert": true (a de-escalation alert with "count" > 1 raises the
 * counter of the prompt shown with that start, it is not a new prompt). */
#include "web_live.h"
#include "post.h"
#include "web_http.h"
#include "web_sse.h"
#include "writers.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define STATE_HZ 10.0
#define LOG_SLOTS 16384        /* events replayed to a new page: hours of a call */

const char web_opts_help[] =
    "  --web [ADDR:]PORT   serve the agent's live page (default address 127.0.0.1; port 0: any free)\n"
    "  --report-to URL     post events and a heartbeat to a supervisor's wall (tonemon wall)\n"
    "  --agent-id NAME     this agent's name on the wall (A-Z a-z 0-9 . _ - @, up to 64)\n"
    "  --token-file F      the wall's shared token (first line of F)\n";

struct web_live {
    web_hub *hub;
    struct MHD_Daemon *d;
    struct sockaddr_storage sa;
    poster *post;
    char session[64], url[128];
    char call[512];
    int nch;
    double last_state, last_post_state;
    float peak[2];             /* loudest hop level since the last state: what a level meter shows */
    pthread_mutex_t mu;        /* guards state (GET /state runs on the server's thread) */
    char state[8192];
    char prompt[4096];         /* the prompt shown last, as its event JSON */
    int counts[9];
};

enum { C_PROMPTS, C_PROMPTS_HIGH, C_INTR_AGENT, C_INTR_CALLER, C_RAISED_AGENT, C_RAISED_CALLER,
       C_SILENCES, C_BACKCHANNELS, C_OVERLAPS };

static double wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static char *hello(void *user)
{
    web_live *w = user;
    char *s = malloc(1400);
    char call[1100];
    /* the call name is a path given on the command line: escape it for JSON */
    size_t k = 0;
    for (const char *p = w->call; *p && k < sizeof call - 8; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') { call[k++] = '\\'; call[k++] = (char)c; }
        else if (c < 0x20) k += (size_t)snprintf(call + k, sizeof call - k, "\\u%04x", c);
        else call[k++] = (char)c;
    }
    call[k] = 0;
    if (s) snprintf(s, 1400, "{\"type\":\"hello\",\"session\":\"%s\",\"call\":\"%s\",\"channels\":%d}", w->session, call, w->nch);
    return s;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **ctx)
{
    (void)version; (void)upload; (void)upload_size; (void)ctx;
    web_live *w = cls;
    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return web_reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
    if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
        return web_reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", web_agent_html, web_agent_html_len);
    if (!strcmp(url, "/events")) return hub_serve(w->hub, c);
    if (!strcmp(url, "/state")) {
        char buf[sizeof w->state];
        pthread_mutex_lock(&w->mu);
        memcpy(buf, w->state, sizeof buf);
        pthread_mutex_unlock(&w->mu);
        return web_reply(c, MHD_HTTP_OK, "application/json", buf, strlen(buf));
    }
    return web_reply_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

web_live *web_live_start(const web_opts *o, const char *call_name, int nch, int *failed)
{
    *failed = 0;
    if (!o->web && !o->report_to) {
        if (o->agent_id || o->token_file) {
            fprintf(stderr, "tonemon: --agent-id and --token-file go with --report-to\n");
            *failed = 1;
        }
        return NULL;
    }
    char err[600], token[300];
    if (o->report_to && (!o->agent_id || !o->token_file)) {
        fprintf(stderr, "tonemon: --report-to needs --agent-id NAME and --token-file F\n");
        *failed = 1;
        return NULL;
    }
    if (o->report_to && web_read_token(o->token_file, token, sizeof token, err, sizeof err)) {
        fprintf(stderr, "tonemon: %s\n", err);
        *failed = 1;
        return NULL;
    }
    web_live *w = calloc(1, sizeof *w);
    if (!w) { *failed = 1; return NULL; }
    pthread_mutex_init(&w->mu, NULL);
    w->nch = nch;
    snprintf(w->call, sizeof w->call, "%s", call_name);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(w->session, sizeof w->session, "%lld.%06ld-%d", (long long)now.tv_sec, now.tv_nsec / 1000, (int)getpid());
    snprintf(w->state, sizeof w->state, "{\"type\":\"state\",\"session\":\"%s\",\"t\":0}", w->session);
    w->last_state = -1.0;
    w->peak[0] = w->peak[1] = -120.0f;
    if (o->web) {
        socklen_t len;
        if (web_parse_addr(o->web, "127.0.0.1", &w->sa, &len, err, sizeof err)) {
            fprintf(stderr, "tonemon: --web %s\n", err);
            goto fail;
        }
        w->hub = hub_create(LOG_SLOTS, STATE_HZ, hello, w, 1);
        if (!w->hub) { fprintf(stderr, "tonemon: web view: out of memory\n"); goto fail; }
        w->d = web_listen(&w->sa, 64, handle, w, NULL, err, sizeof err);
        if (!w->d) { fprintf(stderr, "tonemon: web view: %s\n", err); goto fail; }
        web_url(w->d, &w->sa, w->url, sizeof w->url);
        fprintf(stderr, "tonemon: live view on %s\n", w->url);
    }
    if (o->report_to) {
        w->post = poster_start(o->report_to, o->agent_id, token, w->session, err, sizeof err);
        if (!w->post) { fprintf(stderr, "tonemon: %s\n", err); goto fail; }
    }
    return w;
fail:
    *failed = 1;
    if (w->hub) hub_close(w->hub);
    if (w->d) MHD_stop_daemon(w->d);
    hub_destroy(w->hub);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return NULL;
}

void web_live_event(web_live *w, const tm_event *e, const call_result *r, const tm_profile *p)
{
    if (!w) return;
    char *js = event_json(e, r, p);
    if (!js) return;
    size_t n = strlen(js);
    char *msg = js;
    char *withflag = NULL;
    if (!e->final && n && js[n - 1] == '}' && (withflag = malloc(n + 16))) {
        memcpy(withflag, js, n - 1);
        memcpy(withflag + n - 1, ",\"alert\":true}", 15);
        msg = withflag;
    }
    if (w->hub) hub_publish(w->hub, msg);
    if (w->post) poster_event(w->post, msg);
    pthread_mutex_lock(&w->mu);
    if (e->type == TM_EV_DEESCALATION && !e->final)
        snprintf(w->prompt, sizeof w->prompt, "%s", strlen(msg) < sizeof w->prompt ? msg : "null");
    if (e->type == TM_EV_DEESCALATION && !e->final && e->count <= 1) {
        w->counts[C_PROMPTS]++;
        if (e->severity >= 2) w->counts[C_PROMPTS_HIGH]++;
    }
    if (e->final) switch (e->type) {
        case TM_EV_INTERRUPTION: w->counts[e->speaker == TM_AGENT ? C_INTR_AGENT : C_INTR_CALLER]++; break;
        case TM_EV_RAISED_VOICE: w->counts[e->speaker == TM_AGENT ? C_RAISED_AGENT : C_RAISED_CALLER]++; break;
        case TM_EV_SILENCE: w->counts[C_SILENCES]++; break;
        case TM_EV_BACKCHANNEL: w->counts[C_BACKCHANNELS]++; break;
        case TM_EV_OVERLAP: w->counts[C_OVERLAPS]++; break;
        default: break;
        }
    pthread_mutex_unlock(&w->mu);
    free(withflag);
    free(js);
}

static void send_state(web_live *w, tm_analyzer *a, double stream_s, int ended)
{
    float lv[2];
    int talk[2];
    tm_stats st;
    tm_analyzer_meter(a, lv, talk);
    for (int c = 0; c < 2; c++) {
        if (w->peak[c] > lv[c]) lv[c] = w->peak[c];
        w->peak[c] = -120.0f;
    }
    tm_analyzer_stats(a, &st);
    double t0 = st.speaker[0].talk_s, t1 = w->nch == 2 ? st.speaker[1].talk_s : 0.0, tot = t0 + t1;
    pthread_mutex_lock(&w->mu);
    const int *k = w->counts;
    int len = snprintf(w->state, sizeof w->state,
             "{\"type\":\"state\",\"session\":\"%s\",\"t\":%.2f,\"channels\":%d,\"level_db\":[%.1f,%.1f],"
             "\"talking\":[%d,%d],\"talk_s\":[%.1f,%.1f],\"talk_share\":[%.3f,%.3f],"
             "\"counts\":{\"prompts\":%d,\"prompts_high\":%d,\"interruptions_by_agent\":%d,"
             "\"interruptions_by_caller\":%d,\"raised_agent\":%d,\"raised_caller\":%d,\"silences\":%d,"
             "\"backchannels\":%d,\"overlaps\":%d},\"web_dropped\":%zu,\"ended\":%s,\"prompt\":%s}",
             w->session, stream_s, w->nch, lv[0] < -120 ? -120.0 : lv[0], lv[1] < -120 ? -120.0 : lv[1],
             talk[0], talk[1], t0, t1, tot > 0 ? t0 / tot : 0.0, tot > 0 ? t1 / tot : 0.0, k[0], k[1], k[2], k[3],
             k[4], k[5], k[6], k[7], k[8], w->hub ? hub_dropped(w->hub) : (size_t)0, ended ? "true" : "false",
             w->prompt[0] ? w->prompt : "null");
    (void)len;   /* the prompt is at most half the buffer: it always fits */
    char copy[sizeof w->state];
    memcpy(copy, w->state, sizeof copy);
    pthread_mutex_unlock(&w->mu);
    if (w->hub) hub_set_state(w->hub, copy);
    double now = wall_s();
    if (w->post && (ended || now - w->last_post_state >= 1.0)) {
        poster_state(w->post, copy);
        w->last_post_state = now;
    }
}

void web_live_tick(web_live *w, tm_analyzer *a, double stream_s)
{
    if (!w) return;
    float lv[2];
    int talk[2];
    tm_analyzer_meter(a, lv, talk);
    for (int c = 0; c < 2; c++)
        if (lv[c] > w->peak[c]) w->peak[c] = lv[c];
    double now = wall_s();
    if (now - w->last_state < 1.0 / STATE_HZ) return;
    w->last_state = now;
    send_state(w, a, stream_s, 0);
}

void web_live_end(web_live *w, tm_analyzer *a, double stream_s)
{
    if (!w) return;
    send_state(w, a, stream_s, 1);
    if (w->post) poster_finish(w->post, 10.0);
    if (w->hub) {
        /* the browser gets the last state before the server goes */
        struct timespec ts = {0, 150 * 1000000L};
        if (hub_clients(w->hub) > 0) nanosleep(&ts, NULL);
        size_t dropped = hub_dropped(w->hub);
        hub_close(w->hub);
        if (dropped) fprintf(stderr, "tonemon: live view: %zu messages not delivered to a slow browser\n", dropped);
    }
    if (w->d) MHD_stop_daemon(w->d);
    hub_destroy(w->hub);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
