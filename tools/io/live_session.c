/* tools/io/live_session.c -- the analysis side of `tonemon live` and `tonemon replay`: interleaved
 * frames in, the analyzer run, the alerts printed as they come (a headline from the event-type
 * table), the events streamed, the meter drawn, the live views fed, the summary written. */
#include "live_session.h"
#include "evtype.h"
#include "term_live.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double live_wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* An alert's headline: the type's title in capitals ("RAISED VOICE"). */
static const char *type_label(tm_event_type t, char *buf, size_t cap)
{
    const ev_type_info *ti = ev_type(t);
    size_t i = 0;
    for (const char *s = ti ? ti->title : "?"; *s && i + 1 < cap; s++) buf[i++] = (char)toupper((unsigned char)*s);
    buf[i] = 0;
    return buf;
}

static void alert(live_ctx *L, const tm_event *e)
{
    double t = (double)e->detected / L->res.rate_hz, wall = live_wall_now();
    L->alerts_n++;
    if (L->alerts) {
        char *js = event_json(e, &L->res, L->prof);
        /* the event as analyze writes it (end = detection time: the alert comes before the end),
         * plus the wall clock at which the alert was shown, for latency measurements */
        if (js) {
            size_t n = strlen(js);
            if (n && js[n - 1] == '}') js[n - 1] = 0;
            fprintf(L->alerts, "%s,\"alert\":true,\"wall\":%.6f}\n", js, wall);
            fflush(L->alerts);
            free(js);
        }
    }
    if (L->quiet) return;
    int m = (int)(t / 60.0);
    const char *on = "", *off = "";
    if (L->colour) {
        on = e->type == TM_EV_DEESCALATION ? (e->severity >= 2 ? "\033[1;31m" : "\033[1;33m") : "\033[1m";
        off = "\033[0m";
    }
    FILE *h = L->human;
    char label[32];
    if (L->tty) fputs("\r\033[K", h);
    if (e->type == TM_EV_DEESCALATION && e->count > 1) {
        /* a repeat merged into the prompt shown (src/deesc.c): a counter, not the prompt again */
        fprintf(h, "%s[%02d:%04.1f] >> (again: %d times since %.0f s)%s\n", on, m, t - 60 * m, e->count,
                (double)e->start / L->res.rate_hz, off);
    } else if (e->type == TM_EV_DEESCALATION) {
        /* profile texts are the user's: shown, never obeyed by the terminal */
        const tm_texts *tx = &L->prof->text[e->reason];
        fprintf(h, "%s[%02d:%04.1f] >> %s: %s%s\n", on, m, t - 60 * m, tesc(tx->reason),
                tesc(e->severity >= 2 ? tx->suggestion_high : tx->suggestion), off);
    } else if (e->type == TM_EV_INTERRUPTION) {
        fprintf(h, "%s[%02d:%04.1f] %s: %s interrupts %s%s\n", on, m, t - 60 * m, type_label(e->type, label, sizeof label),
                speaker_name(e->speaker, L->res.nch), speaker_name(e->other, L->res.nch), off);
    } else {
        fprintf(h, "%s[%02d:%04.1f] %s%s%s%s\n", on, m, t - 60 * m, type_label(e->type, label, sizeof label), e->speaker >= 0 ? ": " : "",
                e->speaker >= 0 ? speaker_name(e->speaker, L->res.nch) : "", off);
    }
    fflush(h);
}

void live_status(live_ctx *L, double stream_s)
{
    web_live_tick(L->web, L->a, stream_s);
    if (!L->tty || L->quiet) return;
    double now = live_wall_now();
    if (now - L->last_status < 0.2) return;
    L->last_status = now;
    float lv[2];
    int talk[2];
    tm_analyzer_meter(L->a, lv, talk);
    FILE *h = L->human;
    fprintf(h, "\r\033[K%02d:%02d ", (int)(stream_s / 60), (int)fmod(stream_s, 60));
    for (int c = 0; c < L->res.nch; c++) {
        int bars = (int)((lv[c] + 60.0f) / 6.0f);
        bars = bars < 0 ? 0 : bars > 10 ? 10 : bars;
        fprintf(h, " %-6s [%.*s%.*s] %4.0f dB%s", speaker_name(c, L->res.nch), bars, "##########", 10 - bars,
                "          ", lv[c], talk[c] ? " talking" : "        ");
    }
    fflush(h);
}

static void drain(live_ctx *L)
{
    tm_event e;
    while (tm_analyzer_next_event(L->a, &e)) {
        web_live_event(L->web, &e, &L->res, L->prof);
        if (!e.final) {
            if (ev_type(e.type) && ev_type(e.type)->prompts) alert(L, &e);
            continue;
        }
        if (events_push(&L->res.ev, &e)) L->lost_events++;
        if (L->have_events) {
            char *js = event_json(&e, &L->res, L->prof);
            if (js) {
                fprintf(L->events.f, "%s\n", js);
                fflush(L->events.f);   /* a dashboard reads the file as it grows */
                free(js);
            }
        }
    }
}

/* Feeds n interleaved frames (L->res.nch channels). */
void live_feed(live_ctx *L, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < L->res.nch; c++) {
            /* cleaned and counted as file input is (tools/audio_in.c), for the summary's input
             * quality: a device or loopback can deliver NaN or Inf */
            float v = x[i * (size_t)L->res.nch + (size_t)c];
            if (!isfinite(v)) { L->res.nonfinite++; v = 0.0f; }
            double m = fabs((double)v);
            if (m > L->res.peak) L->res.peak = m;
            if (m >= 0.999) L->res.clipped++;
            (c ? L->b1 : L->b0)[i] = v;
        }
    }
    /* The analyzer was made for these channels and is finished only by live_close: a refusal
     * here is a bug, reported once the call ends rather than by dropping audio unseen. */
    tm_status st = tm_analyzer_process(L->a, L->b0, L->res.nch == 2 ? L->b1 : NULL, n);
    if (st != TM_OK) L->refused = st;
    drain(L);
}

void live_free(live_ctx *L)
{
    if (L->have_events && !L->events.is_stdout) fclose(L->events.f);
    if (L->alerts) fclose(L->alerts);
    tm_analyzer_destroy(L->a);
    call_free(&L->res);
    free(L->b0);
    free(L->b1);
    memset(L, 0, sizeof *L);
}

int live_open(live_ctx *L, const tm_profile *p, int rate, int nch, const char *events_path,
                     const char *alerts_path, int quiet)
{
    memset(L, 0, sizeof *L);
    L->prof = p;
    L->quiet = quiet;
    L->res.rate_hz = rate;
    L->res.nch = nch;
    snprintf(L->res.name, sizeof L->res.name, "live");
    tm_config cfg = p->cfg;
    cfg.sample_rate_hz = rate;
    cfg.channels = nch;
    tm_status st = tm_analyzer_create(&cfg, &L->a);
    if (st != TM_OK) { fprintf(stderr, "tonemon: cannot analyse at %d Hz: %s\n", rate, tm_strerror(st)); return -1; }
    L->b0 = malloc(8192 * sizeof(float));
    L->b1 = malloc(8192 * sizeof(float));
    if (!L->b0 || !L->b1) { fprintf(stderr, "tonemon: out of memory\n"); live_free(L); return -1; }
    if (events_path) {
        /* events stream as they end: written in place, not via a temporary name */
        L->events_path = events_path;
        L->events.is_stdout = !strcmp(events_path, "-");
        L->events.f = L->events.is_stdout ? stdout : fopen(events_path, "w");
        if (!L->events.f) {
            fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(events_path), strerror(errno));
            live_free(L);
            return -1;
        }
        L->have_events = 1;
    }
    if (alerts_path && !(L->alerts = fopen(alerts_path, "w"))) {
        fprintf(stderr, "tonemon: cannot write %s: %s\n", tesc(alerts_path), strerror(errno));
        live_free(L);
        return -1;
    }
    /* JSON Lines on stdout stay pure: the alerts and the meter go to stderr then */
    L->human = L->events.is_stdout ? stderr : stdout;
    L->tty = isatty(fileno(L->human));
    L->colour = L->tty && getenv("NO_COLOR") == NULL;
    return 0;
}

int live_close(live_ctx *L, const char *summary_path)
{
    int rc = 0;
    tm_analyzer_finish(L->a);
    drain(L);
    tm_analyzer_stats(L->a, &L->res.stats);
    L->res.duration_s = L->res.stats.duration_s;
    web_live_end(L->web, L->a, L->res.duration_s);
    events_sort(&L->res.ev);
    if (L->tty && !L->quiet) fputs("\r\033[K", L->human);
    if (L->refused != TM_OK) {
        fprintf(stderr, "tonemon: the analyzer refused audio: %s\n", tm_strerror(L->refused));
        rc = -1;
    }
    if (L->lost_events) {
        fprintf(stderr, "tonemon: out of memory: %zu events are missing from the summary\n", L->lost_events);
        rc = -1;
    }
    if (L->have_events) {
        int bad = fflush(L->events.f) != 0 || ferror(L->events.f);
        if (!L->events.is_stdout) {
            bad |= fclose(L->events.f) != 0;
            L->have_events = 0;
        }
        if (bad) {
            fprintf(stderr, "tonemon: %s: cannot write the events\n", L->events.is_stdout ? "standard output" : tesc(L->events_path));
            rc = -1;
        }
    }
    if (summary_path) {
        out_file f;
        char err[1200];
        if (out_open(&f, summary_path, err, sizeof err) || write_summary(f.f, &L->res, L->prof) ||
            out_commit(&f, err, sizeof err)) {
            fprintf(stderr, "tonemon: %s\n", tesc(err));
            rc = -1;
        }
    }
    live_free(L);
    return rc;
}
