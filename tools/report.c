/* tools/report.c -- a self-contained HTML page per call (no network: inline CSS, SVG and a few
 * lines of script); the index of a batch is in index.c. The timeline has one lane per speaker with
 * their speech, level and pitch, raised-voice spans, backchannels and monologues; overlaps and
 * silences are shaded across both lanes; an interruption is an arrow from the one who took the
 * floor to the one who lost it; every de-escalation moment is a numbered marker. Clicking any
 * marker, span or row of the moments table moves the audio player to that moment. */
#include "report.h"
#include "writers.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- contours -------------------------------------------------------------------------- */

void report_contour_init(report_contour *c, int64_t total_frames, int rate_hz, int nch)
{
    memset(c, 0, sizeof *c);
    c->rate_hz = rate_hz;
    c->nch = nch;
    int64_t hops = total_frames > 0 ? total_frames / (rate_hz / 100) : 360000;
    c->bucket_hops = (int)((hops + 5999) / 6000);
    if (c->bucket_hops < 10) c->bucket_hops = 10;      /* 100 ms is detail enough to read */
}

void report_contour_free(report_contour *c)
{
    for (int k = 0; k < 2; k++) { free(c->level[k]); free(c->f0[k]); }
    memset(c, 0, sizeof *c);
}

static void contour_add(report_contour *c, const tm_frame *f)
{
    int k = f->channel;
    if (c->failed || k < 0 || k > 1) return;
    if (c->acc_hops[k] == 0 || f->level_db > c->acc_level[k]) c->acc_level[k] = f->level_db;
    if (f->f0_hz > 0.0f && f->speech) { c->acc_f0[k] += f->f0_hz; c->acc_voiced[k]++; }
    if (++c->acc_hops[k] < c->bucket_hops) return;
    size_t i = (size_t)(f->start / (c->rate_hz / 100) / c->bucket_hops);
    if (i >= c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        while (cap <= i) cap *= 2;
        for (int q = 0; q < 2; q++) {
            float *l = realloc(c->level[q], cap * sizeof(float));
            if (l) c->level[q] = l;
            float *p = realloc(c->f0[q], cap * sizeof(float));
            if (p) c->f0[q] = p;
            if (!l || !p) { c->failed = 1; return; }
            for (size_t z = c->cap; z < cap; z++) { c->level[q][z] = -120.0f; c->f0[q][z] = 0.0f; }
        }
        c->cap = cap;
    }
    c->level[k][i] = c->acc_level[k];
    c->f0[k][i] = c->acc_voiced[k] >= 3 ? (float)(c->acc_f0[k] / c->acc_voiced[k]) : 0.0f;
    if (i + 1 > c->n) c->n = i + 1;
    c->acc_hops[k] = c->acc_voiced[k] = 0;
    c->acc_f0[k] = 0.0;
}

void frame_tee_fn(void *user, const tm_frame *f)
{
    frame_tee *t = user;
    if (t->csv) frames_csv_row(t->csv, f);
    if (t->contour) contour_add(t->contour, f);
}

/* ---- helpers --------------------------------------------------------------------------- */

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void mmss(char *b, size_t cap, double t)
{
    int m = (int)(t / 60.0);
    snprintf(b, cap, "%d:%02d", m, (int)(t - 60.0 * m));
}

/* Path of target relative to the folder of from (both as given; made absolute first). */
static void relpath(const char *target, const char *from, char *out, size_t cap)
{
    char t[PATH_MAX], f[PATH_MAX];
    if (!realpath(target, t)) { snprintf(out, cap, "%s", target); return; }
    char fdir[PATH_MAX];
    snprintf(fdir, sizeof fdir, "%s", from ? from : ".");
    char *slash = strrchr(fdir, '/');
    if (slash) *slash = 0; else snprintf(fdir, sizeof fdir, ".");
    if (!realpath(fdir, f)) { snprintf(out, cap, "%s", t); return; }
    size_t common = 0, i = 0;
    while (t[i] && t[i] == f[i]) { if (t[i] == '/') common = i; i++; }
    if (!f[i] && t[i] == '/') common = i;
    out[0] = 0;
    for (const char *p = f + common; *p; p++)
        if (*p == '/') strncat(out, "../", cap - strlen(out) - 1);
    strncat(out, t + common + 1, cap - strlen(out) - 1);
}

static void base64_file(FILE *out, const char *path)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *in = fopen(path, "rb");
    if (!in) return;
    unsigned char buf[3 * 4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = buf[i] << 16 | (i + 1 < n ? buf[i + 1] << 8 : 0) | (i + 2 < n ? buf[i + 2] : 0);
            fputc(tbl[v >> 18 & 63], out);
            fputc(tbl[v >> 12 & 63], out);
            fputc(i + 1 < n ? tbl[v >> 6 & 63] : '=', out);
            fputc(i + 2 < n ? tbl[v & 63] : '=', out);
        }
    }
    fclose(in);
}

static const char *mime_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return "audio/wav";
    if (!strcasecmp(dot, ".flac")) return "audio/flac";
    if (!strcasecmp(dot, ".ogg") || !strcasecmp(dot, ".oga") || !strcasecmp(dot, ".opus")) return "audio/ogg";
    if (!strcasecmp(dot, ".mp3")) return "audio/mpeg";
    return "audio/wav";
}

/* ---- the call report ------------------------------------------------------------------- */

#define LANE_H 90
#define TOP 30

static const char *colour[2] = {"#1f6fd1", "#e07b00"};

int report_write(FILE *f, const call_result *r, const report_contour *c, const tm_profile *p,
                 const char *audio_path, const report_opts *o)
{
    double dur = r->duration_s > 0.01 ? r->duration_s : 0.01;
    double width = dur * 10.0;
    if (width < 1000.0) width = 1000.0;
    if (width > 30000.0) width = 30000.0;
    double px = width / dur;
    int lanes = r->nch;
    double lane_y[2] = {TOP + 10, TOP + 10 + LANE_H + 20};
    double moments_y = lane_y[lanes - 1] + LANE_H + 25;
    double height = moments_y + 40;

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>tonemon: ", f);
    esc(f, r->name);
    fputs("</title>\n<style>\n"
          "body{font:14px/1.4 system-ui,sans-serif;margin:20px;color:#222}\n"
          "h1{font-size:20px;margin:0 0 4px}.sub{color:#666;margin-bottom:12px}\n"
          "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}\n"
          "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}\n"
          ".scroll{overflow-x:auto;border:1px solid #ddd;background:#fff}\n"
          ".legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}\n"
          ".moment{cursor:pointer}.moment:hover circle{stroke:#000;stroke-width:2}\n"
          "[data-t]{cursor:pointer}tr[data-t]:hover{background:#fff6d8}\n"
          "#player{width:100%;margin:10px 0;position:sticky;top:0;background:#fff}\n"
          ".sev2{color:#b00020;font-weight:bold}#moments td,#moments th{text-align:left}\n"
          "</style></head><body>\n<h1>Call report: ", f);
    esc(f, r->name);
    fprintf(f, "</h1><div class=\"sub\">%.1f s (%d:%02d), %s, %d Hz analysis rate, profile \"", r->duration_s,
            (int)(r->duration_s / 60), (int)fmod(r->duration_s, 60.0), r->nch == 2 ? "agent and caller on separate channels" : "one mixed channel",
            r->rate_hz);
    esc(f, p->name);
    fputs("\"</div>\n", f);

    /* audio player */
    fputs("<audio id=\"player\" controls preload=\"metadata\" src=\"", f);
    if (o && o->embed_audio) {
        fprintf(f, "data:%s;base64,", mime_of(audio_path));
        base64_file(f, audio_path);
    } else {
        char rel[PATH_MAX];
        relpath(audio_path, o ? o->report_path : NULL, rel, sizeof rel);
        /* a relative URL: encode the characters that would break it */
        for (const char *s = rel; *s; s++) {
            if (*s == ' ') fputs("%20", f);
            else if (*s == '#') fputs("%23", f);
            else if (*s == '?') fputs("%3F", f);
            else if (*s == '"') fputs("%22", f);
            else if (*s == '%') fputs("%25", f);
            else fputc(*s, f);
        }
    }
    fputs("\"></audio>\n", f);

    /* summary table */
    const tm_stats *s = &r->stats;
    fputs("<table id=\"summary\"><tr><th></th>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<th style=\"color:%s\">%s</th>", colour[k], speaker_name(k, r->nch));
    fputs("</tr>\n", f);
    double total = s->speaker[0].talk_s + (lanes == 2 ? s->speaker[1].talk_s : 0.0);
    fputs("<tr><td>talk time</td>", f);
    for (int k = 0; k < lanes; k++)
        fprintf(f, "<td>%.1f s (%.0f%%)</td>", s->speaker[k].talk_s, total > 0 ? 100.0 * s->speaker[k].talk_s / total : 0.0);
    if (lanes == 2) {
        fputs("</tr>\n<tr><td>interruptions made</td>", f);
        for (int k = 0; k < 2; k++) fprintf(f, "<td>%d</td>", s->speaker[k].interruptions_made);
        fputs("</tr>\n<tr><td>backchannels</td>", f);
        for (int k = 0; k < 2; k++) fprintf(f, "<td>%d</td>", s->speaker[k].backchannels);
    }
    fputs("</tr>\n<tr><td>raised voice</td>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<td>%.1f s (%d)</td>", s->speaker[k].raised_s, s->speaker[k].raised_count);
    fputs("</tr>\n<tr><td>pitch median (10-90%)</td>", f);
    for (int k = 0; k < lanes; k++)
        fprintf(f, "<td>%.0f Hz (%.0f-%.0f)</td>", s->speaker[k].f0_median_hz, s->speaker[k].f0_p10_hz, s->speaker[k].f0_p90_hz);
    fputs("</tr>\n<tr><td>speech level median</td>", f);
    for (int k = 0; k < lanes; k++) fprintf(f, "<td>%.1f dBFS</td>", s->speaker[k].level_median_db);
    fputs("</tr>\n</table>\n", f);
    fprintf(f, "<p>Overlap %.1f s in %d overlaps &middot; silences %d (%.1f s) &middot; de-escalation moments %d</p>\n",
            s->overlap_s, s->overlaps, s->silences, s->silence_s, s->deescalations);

    /* legend */
    fprintf(f, "<div class=\"legend\">"
               "<span><i class=\"sw\" style=\"background:%s\"></i>%s speech</span>", colour[0], speaker_name(0, r->nch));
    if (lanes == 2) fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>caller speech</span>", colour[1]);
    fputs("<span>line: level (dBFS) &middot; dots: pitch</span>"
          "<span><i class=\"sw\" style=\"background:#d0021b;opacity:.35\"></i>raised voice</span>"
          "<span><i class=\"sw\" style=\"background:#888;opacity:.3\"></i>overlap</span>"
          "<span><i class=\"sw\" style=\"background:#bbb;opacity:.35\"></i>silence</span>"
          "<span><i class=\"sw\" style=\"background:#7b3fa0\"></i>monologue</span>"
          "<span><i class=\"sw\" style=\"background:#2a9d4b\"></i>backchannel</span>"
          "<span style=\"color:#d0021b\">&#10140; interruption (from who took the floor)</span>"
          "<span>&#9679; numbered: de-escalation moment (click to listen)</span></div>\n", f);

    /* the timeline */
    fprintf(f, "<div class=\"scroll\"><svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-size=\"11\">\n", width + 90, height, width + 90, height);
    fputs("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
          "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d0021b\"/></marker></defs>\n", f);
    fputs("<g transform=\"translate(80,0)\">\n", f);
    double step = dur <= 60 ? 5 : dur <= 300 ? 15 : dur <= 1200 ? 60 : dur <= 3600 ? 300 : 600;
    for (double t = 0; t <= dur + 1e-9; t += step) {
        char b[16];
        mmss(b, sizeof b, t);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
                t * px, TOP - 8, t * px, height - 10, t * px, TOP - 12, b);
    }
    for (int k = 0; k < lanes; k++) {
        fprintf(f, "<text x=\"-8\" y=\"%.0f\" text-anchor=\"end\" fill=\"%s\" font-weight=\"bold\" font-size=\"13\">%s</text>\n",
                lane_y[k] + LANE_H / 2.0, colour[k], speaker_name(k, r->nch));
        fprintf(f, "<rect x=\"0\" y=\"%.0f\" width=\"%.0f\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ddd\"/>\n", lane_y[k], width, LANE_H);
    }
    fprintf(f, "<text x=\"-8\" y=\"%.0f\" text-anchor=\"end\" font-weight=\"bold\" font-size=\"13\">moments</text>\n", moments_y + 5);
    double lanes_top = lane_y[0], lanes_bottom = lane_y[lanes - 1] + LANE_H;
    /* bands across both lanes first, so the rest draws over them */
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        double x0 = sec(e->start, r->rate_hz) * px, x1 = sec(e->end, r->rate_hz) * px;
        if (e->type == TM_EV_OVERLAP || e->type == TM_EV_SILENCE)
            fprintf(f, "<rect class=\"%s\" data-t=\"%.2f\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\" opacity=\"%s\"><title>%s %.1f-%.1f s</title></rect>\n",
                    tm_event_type_name(e->type), sec(e->start, r->rate_hz), x0, lanes_top, fmax(x1 - x0, 1.0),
                    lanes_bottom - lanes_top, e->type == TM_EV_OVERLAP ? "#888" : "#bbb",
                    e->type == TM_EV_OVERLAP ? ".3" : ".35", tm_event_type_name(e->type),
                    sec(e->start, r->rate_hz), sec(e->end, r->rate_hz));
    }
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        if (e->speaker < 0 || e->speaker >= lanes) continue;
        double x0 = sec(e->start, r->rate_hz) * px, x1 = sec(e->end, r->rate_hz) * px, y = lane_y[e->speaker];
        double w = fmax(x1 - x0, 1.0);
        switch (e->type) {
        case TM_EV_SPEECH:
            fprintf(f, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"14\" fill=\"%s\"/>\n", x0, y + LANE_H - 16, w, colour[e->speaker]);
            break;
        case TM_EV_RAISED_VOICE:
            fprintf(f, "<rect class=\"raised\" data-t=\"%.2f\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\" fill=\"#d0021b\" opacity=\".35\"><title>raised voice +%.1f dB, %+.1f st</title></rect>\n",
                    sec(e->start, r->rate_hz), x0, y, w, LANE_H - 18, e->level_db, e->pitch_st);
            break;
        case TM_EV_BACKCHANNEL:
            fprintf(f, "<rect class=\"backchannel\" data-t=\"%.2f\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"6\" fill=\"#2a9d4b\"><title>backchannel</title></rect>\n",
                    sec(e->start, r->rate_hz), x0, y + LANE_H - 24, w);
            break;
        case TM_EV_MONOLOGUE:
            fprintf(f, "<rect class=\"monologue\" data-t=\"%.2f\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"5\" fill=\"#7b3fa0\"><title>monologue %.0f s</title></rect>\n",
                    sec(e->start, r->rate_hz), x0, y + 1, w, sec(e->end - e->start, r->rate_hz));
            break;
        case TM_EV_INTERRUPTION:
            if (e->other >= 0 && e->other < lanes) {
                double ya = lane_y[e->speaker] + LANE_H / 2.0, yb = lane_y[e->other] + LANE_H / 2.0;
                fprintf(f, "<line class=\"interruption\" data-t=\"%.2f\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#d0021b\" stroke-width=\"2.5\" marker-end=\"url(#arrow)\"><title>%s interrupts %s</title></line>\n",
                        sec(e->start, r->rate_hz), x0, ya, x0, yb + (yb > ya ? -4 : 4), speaker_name(e->speaker, r->nch), speaker_name(e->other, r->nch));
            }
            break;
        default: break;
        }
    }
    /* contours: level line (-70..0 dBFS) and pitch dots (60..500 Hz, log) */
    if (c && !c->failed && c->n > 0) {
        double bucket_s = c->bucket_hops / 100.0;
        for (int k = 0; k < lanes; k++) {
            double y = lane_y[k];
            fputs("<polyline fill=\"none\" stroke-width=\"1\" stroke=\"", f);
            fputs(colour[k], f);
            fputs("\" opacity=\".6\" points=\"", f);
            for (size_t i = 0; i < c->n; i++) {
                double l = c->level[k][i] < -70 ? -70 : c->level[k][i] > 0 ? 0 : c->level[k][i];
                fprintf(f, "%.1f,%.1f ", (i + 0.5) * bucket_s * px, y + 8 + (LANE_H - 26) * (-l / 70.0));
            }
            fputs("\"/>\n<g fill=\"#000\" opacity=\".7\">", f);
            for (size_t i = 0; i < c->n; i++) {
                if (c->f0[k][i] <= 0) continue;
                double v = log(c->f0[k][i] / 60.0) / log(500.0 / 60.0);
                if (v < 0) v = 0;
                if (v > 1) v = 1;
                fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.3\"/>", (i + 0.5) * bucket_s * px, y + 8 + (LANE_H - 26) * (1.0 - v));
            }
            fputs("</g>\n", f);
        }
    }
    /* moments */
    int num = 0;
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        if (e->type != TM_EV_DEESCALATION) continue;
        const tm_texts *t = &p->text[e->reason];
        double x = sec(e->start, r->rate_hz) * px;
        fprintf(f, "<g class=\"moment\" data-t=\"%.2f\"><title>", sec(e->start, r->rate_hz));
        esc(f, t->reason);
        fputs(": ", f);
        esc(f, e->severity >= 2 ? t->suggestion_high : t->suggestion);
        fprintf(f, "</title><line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#d0021b\" stroke-dasharray=\"2,3\"/>"
                   "<circle cx=\"%.1f\" cy=\"%.0f\" r=\"9\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">%d</text></g>\n",
                x, lanes_top, x, moments_y - 9, x, moments_y, e->severity >= 2 ? "#b00020" : "#e8590c", x, moments_y + 4, ++num);
    }
    fputs("</g></svg></div>\n", f);

    /* moments table */
    fputs("<h2 style=\"font-size:16px\">De-escalation moments</h2>\n", f);
    if (!num) fputs("<p>None: nothing in this call needed the agent's attention.</p>\n", f);
    else {
        fputs("<table id=\"moments\"><tr><th>#</th><th>time</th><th>who</th><th>what happened</th><th>suggestion</th></tr>\n", f);
        num = 0;
        for (size_t i = 0; i < r->ev.n; i++) {
            const tm_event *e = &r->ev.v[i];
            if (e->type != TM_EV_DEESCALATION) continue;
            const tm_texts *t = &p->text[e->reason];
            char b[16];
            mmss(b, sizeof b, sec(e->start, r->rate_hz));
            fprintf(f, "<tr data-t=\"%.2f\"%s><td>%d</td><td>%s</td><td>%s</td><td style=\"text-align:left\">",
                    sec(e->start, r->rate_hz), e->severity >= 2 ? " class=\"sev2\"" : "", ++num, b,
                    e->speaker >= 0 ? speaker_name(e->speaker, r->nch) : "-");
            esc(f, t->reason);
            fputs("</td><td style=\"text-align:left\">", f);
            esc(f, e->severity >= 2 ? t->suggestion_high : t->suggestion);
            fputs("</td></tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    fputs("<script>\n(function(){var p=document.getElementById('player');\n"
          "document.querySelectorAll('[data-t]').forEach(function(el){el.addEventListener('click',function(){\n"
          "var t=parseFloat(el.getAttribute('data-t'));p.currentTime=t;window.lastSeek=t;\n"
          "var r=p.play();if(r&&r.catch)r.catch(function(){});});});})();\n</script>\n</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
