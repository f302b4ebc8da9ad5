/* tools/cmd_analyze.c -- `tonemon analyze`: recorded calls to events, frames, summary, report.
 * One call or a whole archive: -j workers take files from a shared queue; each file's outputs are
 * written to temporary names and renamed when complete, so an interrupted batch leaves finished
 * calls whole and nothing half-written. A bad file costs one line on stderr, never the batch. */
#include "cli.h"
#include "call.h"
#include "index.h"
#include "manifest.h"
#include "report.h"
#include "writers.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *profile_path, *events, *frames, *summary, *report, *out_dir;
    const char *agent, *caller;
    int agent_ch, caller_ch, jobs, quiet, embed_audio, want_frames_dir, timeline;
    const char *manifest;          /* archive options (tools/manifest.c, tools/index.c) */
    int shard_k, shard_n, resume;
} opts_t;

typedef report_job job_t;

typedef struct {
    opts_t *o;
    tm_profile *prof;
    job_t *jobs;
    int n;
    atomic_int next, done, failed;
    atomic_llong audio_ms;
    pthread_mutex_t out_lock;   /* stdout and stderr lines */
    struct timespec t0;
    int progress;
} batch_t;

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

static void help(FILE *f)
{
    fputs("usage: tonemon analyze [options] FILE...\n"
          "       tonemon analyze [options] --agent A.wav --caller C.wav\n"
          "  --profile FILE        thresholds and texts (default: built-in = models/default.json)\n"
          "  --events PATH         event JSON Lines ('-' = stdout)\n"
          "  --frames PATH         per-hop CSV: time,channel,level_db,f0_hz,voicing,speech,bleed\n"
          "  --summary PATH        per-call summary JSON\n"
          "  --report PATH         self-contained HTML report with a clickable timeline\n"
          "  --out-dir DIR         for many files: DIR/<name>.events.jsonl, .summary.json, .html,\n"
          "                        DIR/index.html, index.csv, moments.csv (add --frames-too for .frames.csv)\n"
          "  --manifest CSV        the calls of an archive: columns path (required), call_id, agent,\n"
          "                        team, date and any others (carried to the index); a relative path\n"
          "                        is relative to the manifest's folder; outputs named by call_id\n"
          "  --shard K/N           only the K-th of N slices of the calls (item i when i mod N = K-1)\n"
          "  --resume              skip calls whose outputs in --out-dir are complete\n"
          "  --embed-audio         put the recording inside the HTML report\n"
          "  --agent-channel N --caller-channel N   channel map of a multi-channel file\n"
          "  -j N                  files analysed at once (default: number of cores)\n"
          "  --quiet               no progress line\n"
          "With no output option, a timeline of what was found is printed.\n"
          "Exit status: 0 all analysed, 1 some file failed, 2 bad usage.\n", f);
}

static void say(batch_t *b, const char *fmt, const char *file, const char *msg)
{
    pthread_mutex_lock(&b->out_lock);
    if (b->progress) fputs("\r\033[K", stderr);
    fprintf(stderr, fmt, file, msg);
    pthread_mutex_unlock(&b->out_lock);
}

static void base_name(const char *path, char *out, size_t cap)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    snprintf(out, cap, "%s", s);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) *dot = 0;
}

/* Output path: DIR/base+suffix in batch mode, else the explicit path (or NULL). */
static int out_path(const opts_t *o, const job_t *j, const char *explicit_path, const char *suffix,
                    char *buf, size_t cap)
{
    if (o->out_dir) {
        snprintf(buf, cap, "%s/%s%s", o->out_dir, j->base, suffix);
        return 1;
    }
    if (!explicit_path) return 0;
    snprintf(buf, cap, "%s", explicit_path);
    return 1;
}

static int process_one(batch_t *b, job_t *j)
{
    opts_t *o = b->o;
    char err[600], path[1200], errw[1400];
    audio_in in;
    int rc = o->agent ? audio_open_pair(&in, o->agent, o->caller, err, sizeof err)
                      : audio_open(&in, j->path, o->agent_ch, o->caller_ch, err, sizeof err);
    if (rc) {
        say(b, "tonemon: %s: %s\n", j->path, err);
        audio_close(&in);
        return -1;
    }
    if (in.nout == 1) say(b, "tonemon: %s: %s\n", j->path, "mono recording: one mixed channel, so overlap and interruption cannot be detected");

    frames_csv fw = {0};
    out_file fo = {0};
    int want_frames = o->out_dir ? o->want_frames_dir : o->frames != NULL;
    if (want_frames) {
        out_path(o, j, o->frames, ".frames.csv", path, sizeof path);
        if (!strcmp(path, "-")) pthread_mutex_lock(&b->out_lock);
        if (out_open(&fo, path, errw, sizeof errw)) {
            if (!strcmp(path, "-")) pthread_mutex_unlock(&b->out_lock);
            say(b, "tonemon: %s: %s\n", j->path, errw);
            audio_close(&in);
            return -1;
        }
        fw.f = fo.f;
        fw.rate_hz = in.out_rate;
        fw.nch = in.nout;
        frames_csv_header(&fw);
    }
    int want_report = o->out_dir || o->report;
    report_contour contour;
    report_contour_init(&contour, audio_frames(&in), in.out_rate, in.nout);
    frame_tee tee = {want_frames ? &fw : NULL, want_report ? &contour : NULL};

    rc = call_analyze(b->prof, &in, frame_tee_fn, &tee, &j->res, err, sizeof err);
    atomic_fetch_add(&b->audio_ms, (long long)(j->res.duration_s * 1000.0));
    if (want_frames) {
        int bad = rc || fw.failed;
        if (bad) out_abort(&fo);
        else if (out_commit(&fo, errw, sizeof errw)) { say(b, "tonemon: %s: %s\n", j->path, errw); rc = -1; }
        if (!strcmp(path, "-")) pthread_mutex_unlock(&b->out_lock);
    }
    if (rc) {
        say(b, "tonemon: %s: %s\n", j->path, err);
        audio_close(&in);
        report_contour_free(&contour);
        return -1;
    }
    if (j->res.nonfinite) {
        snprintf(err, sizeof err, "warning: %lld NaN/Inf samples treated as silence", (long long)j->res.nonfinite);
        say(b, "tonemon: %s: %s\n", j->path, err);
    }
    if (j->res.peak == 0.0) say(b, "tonemon: %s: %s\n", j->path, "warning: digital silence (all samples are zero)");
    else if (j->res.clipped > (int64_t)(0.001 * (double)in.frames_read * in.nout)) {
        snprintf(err, sizeof err, "warning: %lld samples at full scale (clipped recording)", (long long)j->res.clipped);
        say(b, "tonemon: %s: %s\n", j->path, err);
    }

    struct { const char *explicit_path, *suffix; int kind; } outs[] = {
        {o->events, ".events.jsonl", 0}, {o->summary, ".summary.json", 1}, {o->report, ".html", 2}};
    for (size_t k = 0; k < 3; k++) {
        if (!out_path(o, j, outs[k].explicit_path, outs[k].suffix, path, sizeof path)) continue;
        int to_stdout = !strcmp(path, "-");
        if (to_stdout) pthread_mutex_lock(&b->out_lock);
        out_file f;
        int bad = out_open(&f, path, errw, sizeof errw);
        if (!bad) {
            if (outs[k].kind == 0) bad = write_events(f.f, &j->res, b->prof);
            else if (outs[k].kind == 1) bad = write_summary(f.f, &j->res, b->prof);
            else {
                report_opts ro = {o->embed_audio, o->out_dir ? NULL : o->report};
                bad = report_write(f.f, &j->res, &contour, b->prof, j->path, &ro);
            }
            if (bad) {
                int e = errno;
                out_abort(&f);
                snprintf(errw, sizeof errw, "cannot write %s: %s", to_stdout ? "to standard output" : path,
                         strerror(e ? e : EIO));
            }
            else bad = out_commit(&f, errw, sizeof errw);
        }
        if (to_stdout) pthread_mutex_unlock(&b->out_lock);
        if (bad) {
            say(b, "tonemon: %s: %s\n", j->path, errw);
            rc = -1;
        }
    }
    if (o->timeline) {
        pthread_mutex_lock(&b->out_lock);
        print_timeline(stdout, &j->res, b->prof);
        fflush(stdout);
        pthread_mutex_unlock(&b->out_lock);
    }
    report_contour_free(&contour);
    audio_close(&in);
    /* archive hook: the call's record for the index, written after its other outputs */
    if (o->out_dir && !rc && index_record_write(o->out_dir, j, 1, b->prof, o->want_frames_dir, errw, sizeof errw)) {
        say(b, "tonemon: %s: %s\n", j->path, errw);
        rc = -1;
    }
    /* the index needs only the numbers: free the events of a finished call */
    free(j->res.ev.v);
    j->res.ev.v = NULL;
    j->res.ev.n = j->res.ev.cap = 0;
    return rc;
}

static void progress(batch_t *b)
{
    if (!b->progress) return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double el = (double)(t.tv_sec - b->t0.tv_sec) + (t.tv_nsec - b->t0.tv_nsec) / 1e9;
    int done = atomic_load(&b->done);
    double audio_h = (double)atomic_load(&b->audio_ms) / 3.6e6;
    double speed = el > 0 ? audio_h * 3600.0 / el : 0.0;
    double eta = done > 0 ? el / done * (b->n - done) : 0.0;
    pthread_mutex_lock(&b->out_lock);
    fprintf(stderr, "\r\033[K%d/%d files, %.2f h of audio, %.0fx real time, ETA %.0f s", done, b->n,
            audio_h, speed, eta);
    fflush(stderr);
    pthread_mutex_unlock(&b->out_lock);
}

static void *worker(void *arg)
{
    batch_t *b = arg;
    for (;;) {
        if (g_stop) break;
        int i = atomic_fetch_add(&b->next, 1);
        if (i >= b->n) break;
        job_t *j = &b->jobs[i];
        j->ok = process_one(b, j) == 0;
        if (!j->ok && b->o->out_dir) {   /* archive hook: a failed call is listed, and redone by --resume */
            char err[1400];
            if (index_record_write(b->o->out_dir, j, 0, b->prof, 0, err, sizeof err)) say(b, "tonemon: %s: %s\n", j->path, err);
        }
        if (!j->ok) atomic_fetch_add(&b->failed, 1);
        atomic_fetch_add(&b->done, 1);
        progress(b);
    }
    return NULL;
}

int cmd_analyze(int argc, char **argv)
{
    opts_t o = {0};
    manifest man = {0};
    const manifest_row **meta = NULL;
    int man_skipped = 0;
    o.agent_ch = o.caller_ch = -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = cores > 0 ? (int)cores : 1;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    if (!files) return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        const char **dst = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help(stdout); free(files); return 0; }
        else if (!strcmp(a, "--profile")) dst = &o.profile_path;
        else if (!strcmp(a, "--events")) dst = &o.events;
        else if (!strcmp(a, "--frames")) dst = &o.frames;
        else if (!strcmp(a, "--summary")) dst = &o.summary;
        else if (!strcmp(a, "--report")) dst = &o.report;
        else if (!strcmp(a, "--out-dir")) dst = &o.out_dir;
        else if (!strcmp(a, "--agent")) dst = &o.agent;
        else if (!strcmp(a, "--caller")) dst = &o.caller;
        else if (!strcmp(a, "--manifest")) dst = &o.manifest;
        else if (!strcmp(a, "--resume")) { o.resume = 1; continue; }
        else if (!strcmp(a, "--shard")) {
            if (shard_parse(next, &o.shard_k, &o.shard_n)) { fprintf(stderr, "tonemon analyze: --shard needs K/N with 1 <= K <= N (got '%s')\n", next ? next : ""); goto usage; }
            i++;
            continue;
        }
        else if (!strcmp(a, "--frames-too")) { o.want_frames_dir = 1; continue; }
        else if (!strcmp(a, "--embed-audio")) { o.embed_audio = 1; continue; }
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) { o.quiet = 1; continue; }
        else if (!strcmp(a, "--agent-channel")) { if (arg_int("analyze", a, next, 0, 255, &o.agent_ch)) goto usage; i++; continue; }
        else if (!strcmp(a, "--caller-channel")) { if (arg_int("analyze", a, next, 0, 255, &o.caller_ch)) goto usage; i++; continue; }
        else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) { if (arg_int("analyze", a, next, 1, 256, &o.jobs)) goto usage; i++; continue; }
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "tonemon analyze: unknown option %s\n", a); goto usage; }
        else { files[nfiles++] = a; continue; }
        if (!next) { fprintf(stderr, "tonemon analyze: %s needs a value\n", a); goto usage; }
        *dst = next;
        i++;
    }
    if ((o.agent != NULL) != (o.caller != NULL)) { fprintf(stderr, "tonemon analyze: --agent and --caller go together\n"); goto usage; }
    if (o.agent) {
        if (nfiles) { fprintf(stderr, "tonemon analyze: give either FILEs or --agent/--caller\n"); goto usage; }
        files[nfiles++] = o.agent;
    }
    /* archive hook: manifest rows join the files, then only this shard is kept */
    if (o.agent && (o.manifest || o.shard_n)) { fprintf(stderr, "tonemon analyze: --manifest and --shard take files, not --agent/--caller\n"); goto usage; }
    if (o.resume && !o.out_dir) { fprintf(stderr, "tonemon analyze: --resume needs --out-dir\n"); goto usage; }
    if (o.manifest || o.shard_n) {
        int listed = nfiles;
        man_skipped = manifest_files(o.manifest, o.shard_k, o.shard_n, &man, &files, &nfiles, &meta);
        if (man_skipped < 0) goto fail;   /* unreadable, or no path column: said on stderr */
        listed += man.nrows;
        if (!nfiles && listed && !man_skipped) {
            fprintf(stderr, "tonemon analyze: shard %d/%d of %d calls is empty\n", o.shard_k, o.shard_n, listed);
            manifest_free(&man);
            free(meta);
            free(files);
            return 0;
        }
        if (!listed && o.manifest) { fprintf(stderr, "tonemon: %s: no calls in the manifest\n", o.manifest); goto fail; }
    }
    if (!nfiles) { help(stderr); goto usage; }
    if (!o.out_dir && nfiles > 1) {
        const char *single[] = {o.events, o.frames, o.summary, o.report};
        for (int k = 0; k < 4; k++)
            if (single[k] && strcmp(single[k], "-")) {
                fprintf(stderr, "tonemon analyze: %d files need --out-dir (or '-' for stdout)\n", nfiles);
                goto usage;
            }
        if (o.report) { fprintf(stderr, "tonemon analyze: reports of several files need --out-dir\n"); goto usage; }
    }
    if (o.out_dir && mkdir(o.out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "tonemon analyze: %s: cannot create the output folder: %s\n", o.out_dir, strerror(errno));
        goto fail;
    }
    o.timeline = !o.events && !o.frames && !o.summary && !o.report && !o.out_dir;

    tm_profile prof;
    if (load_profile(&prof, o.profile_path)) { manifest_free(&man); free(meta); free(files); return 2; }

    batch_t b;
    memset(&b, 0, sizeof b);
    b.o = &o;
    b.prof = &prof;
    b.n = nfiles;
    b.jobs = calloc((size_t)nfiles, sizeof *b.jobs);
    if (!b.jobs) goto fail;
    for (int i = 0; i < nfiles; i++) {
        b.jobs[i].path = (char *)files[i];
        base_name(files[i], b.jobs[i].base, sizeof b.jobs[i].base);
        index_job_meta(&b.jobs[i], meta ? meta[i] : NULL, &man);   /* archive hook */
    }
    if (o.resume) b.n = index_resume(o.out_dir, b.jobs, nfiles, o.want_frames_dir);  /* archive hook: done ones go last */
    pthread_mutex_init(&b.out_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.t0);
    b.progress = !o.quiet && isatty(STDERR_FILENO);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int nthreads = o.jobs < b.n ? o.jobs : b.n;
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    int started = 0;
    for (int t = 0; th && t < nthreads; t++)
        if (pthread_create(&th[t], NULL, worker, &b) == 0) started++;
    if (!started) worker(&b);
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    free(th);
    if (b.progress) fputs("\r\033[K", stderr);

    int rc = atomic_load(&b.failed) || man_skipped ? 1 : 0;
    if (o.out_dir) {
        char err[1400];
        if (report_index(o.out_dir, b.jobs, nfiles, err, sizeof err)) {
            fprintf(stderr, "tonemon: %s\n", err);
            rc = 1;
        }
    }
    if (g_stop) {
        int done = atomic_load(&b.done);
        fprintf(stderr, "tonemon: interrupted after %d of %d files; finished files are complete\n", done, nfiles);
        rc = rc ? rc : 1;
    }
    for (int i = 0; i < nfiles; i++) call_free(&b.jobs[i].res);
    free(b.jobs);
    free(files);
    manifest_free(&man);
    free(meta);
    pthread_mutex_destroy(&b.out_lock);
    return rc;
usage:
    manifest_free(&man);
    free(meta);
    free(files);
    return 2;
fail:
    manifest_free(&man);
    free(meta);
    free(files);
    return 1;
}
