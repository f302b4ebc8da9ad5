/* tools/io/batch.c -- the batch engine of `tonemon analyze` (batch.h).
 * Messages never wait for a lock (one fputs each); only whole outputs to stdout are serialised,
 * and SIGINT/SIGTERM end the program within a second even when a worker is blocked writing. */
#include "batch.h"
#include "call.h"
#include "index.h"
#include "report.h"
#include "term.h"
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

typedef report_job job_t;

typedef struct {
    const batch_opts *o;
    const tm_profile *prof;
    job_t *jobs;
    int n;
    atomic_int next, done, failed, workers_left;
    atomic_llong audio_ms;
    pthread_mutex_t stdout_lock;   /* one call's whole output to stdout at a time; never held
                                      while waiting for anything but the write itself */
    struct timespec t0;
    int progress;
    int timeline;                  /* no output option: a text timeline to stdout */
} batch_t;

/* First signal: stop taking files, give up the call in progress. If the workers have not ended
 * half a second later (blocked writing to a pipe nobody reads, opening a FIFO nobody opens), the
 * main thread removes the temporaries and ends the process. A second signal, or one arriving
 * while the main thread writes the index, does that at once. */
static volatile sig_atomic_t g_stop, g_final_phase;
static void on_signal(int sig)
{
    (void)sig;
    if (g_stop || g_final_phase) {
        out_remove_temporaries();
        static const char msg[] = "tonemon: interrupted; unfinished outputs removed\n";
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
        _exit(1);
    }
    g_stop = 1;
}

/* "tonemon: FILE: MSG" as one write, control characters escaped. Takes no lock: a message can
 * never wait for a worker that holds stdout. */
static void say(batch_t *b, const char *file, const char *msg)
{
    char f[1200], m[2400], line[3700];
    snprintf(line, sizeof line, "%stonemon: %s: %s\n", b->progress ? "\r\033[K" : "",
             term_escape(file, f, sizeof f), term_escape(msg, m, sizeof m));
    fputs(line, stderr);
}

/* The file name without folder and extension, cut to 200 bytes (at a UTF-8 character) so the
 * longest output name, NAME-HASH.summary.json, still fits in 255. */
static void base_name(const char *path, char *out, size_t cap)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    snprintf(out, cap, "%s", s);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) *dot = 0;
    size_t n = strlen(out);
    if (n > 200) {
        n = 200;
        while (n > 0 && ((unsigned char)out[n] & 0xc0) == 0x80) n--;
        out[n] = 0;
    }
    if (!out[0]) snprintf(out, cap, "call");
}

static int by_base(const void *x, const void *y)
{
    const job_t *a = *(job_t *const *)x, *b = *(job_t *const *)y;
    int c = strcasecmp(a->base, b->base);
    return c ? c : (a < b ? -1 : a > b);      /* ties in input order */
}

/* FNV-1a of the path as given, "./" and doubled slashes aside: stable from run to run. */
static unsigned path_hash(const char *p)
{
    unsigned h = 2166136261u;
    while (p[0] == '.' && p[1] == '/') for (p += 2; *p == '/'; p++) {}
    for (; *p; p++) {
        if (*p == '/' && p[1] == '/') continue;
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    return h;
}

/* Output names in --out-dir: the base name, unless another call of the run has the same one
 * (compared without case, for case-insensitive file systems) or it is "index" (index.html):
 * then NAME-HASH with an 8-digit hash of the path, and NAME-HASH-2, -3 ... for the same path
 * given twice. Every clash is said on stderr. Returns -1 when out of memory. */
static int unique_names(batch_t *b)
{
    int n = b->n;
    job_t **v = malloc((size_t)n * sizeof *v);
    char *renamed = calloc((size_t)n, 1);
    if (!v || !renamed) { free(v); free(renamed); return -1; }
    for (int i = 0; i < n; i++) v[i] = &b->jobs[i];
    qsort(v, (size_t)n, sizeof *v, by_base);
    for (int i = 0; i < n; i++) {
        int clash = !strcasecmp(v[i]->base, "index") || (i > 0 && !strcasecmp(v[i]->base, v[i - 1]->base)) ||
                    (i + 1 < n && !strcasecmp(v[i]->base, v[i + 1]->base));
        if (clash) renamed[v[i] - b->jobs] = 1;
    }
    for (int i = 0; i < n; i++) {
        if (!renamed[i]) continue;
        job_t *j = &b->jobs[i];
        size_t len = strlen(j->base);
        snprintf(j->base + len, sizeof j->base - len, "-%08x", path_hash(j->path));
    }
    for (int pass = 0, again = 1; again && pass < 8; pass++) {    /* the same path twice, or a hash met */
        again = 0;
        qsort(v, (size_t)n, sizeof *v, by_base);
        for (int i = 1, k = 2; i < n; i++) {
            if (strcasecmp(v[i]->base, v[i - 1]->base)) { k = 2; continue; }
            size_t len = strlen(v[i]->base);
            snprintf(v[i]->base + len, sizeof v[i]->base - len, "-%d", k++);
            renamed[v[i] - b->jobs] = 1;
            again = 1;
        }
    }
    for (int i = 0; i < n; i++) {
        if (!renamed[i]) continue;
        char msg[700];
        char own[256];
        base_name(b->jobs[i].path, own, sizeof own);
        snprintf(msg, sizeof msg, "%s: its outputs are %s/%s.*",
                 strcasecmp(own, "index") ? "another call of this run has the same name" : "\"index\" is the batch's index",
                 b->o->out_dir, b->jobs[i].base);
        say(b, b->jobs[i].path, msg);
    }
    free(v);
    free(renamed);
    return 0;
}

/* Output path: DIR/base+suffix in batch mode, else the explicit path (or NULL). */
static int out_path(const batch_opts *o, const job_t *j, const char *explicit_path, const char *suffix,
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

/* The write error of an output whose writer failed part-way. */
static void write_failed(const char *path, int is_stdout, int e, char *errw, size_t cap)
{
    if (is_stdout && !strcmp(path, "-")) snprintf(errw, cap, "cannot write to standard output: %s", strerror(e ? e : EIO));
    else snprintf(errw, cap, "cannot write %s: %s", path, strerror(e ? e : EIO));
}

/* The call's input, opened; -1 after saying why. */
static int open_input(batch_t *b, job_t *j, audio_in *in)
{
    const batch_opts *o = b->o;
    char err[600];
    int rc = o->agent ? audio_open_pair(in, o->agent, o->caller, err, sizeof err)
                      : audio_open(in, j->path, o->agent_ch, o->caller_ch, err, sizeof err);
    if (rc) {
        say(b, j->path, err);
        audio_close(in);
        return -1;
    }
    if (in->nout == 1) say(b, j->path, "mono recording: one mixed channel, so overlap and interruption cannot be detected");
    return 0;
}

/* The per-hop CSV of one call, if asked for: opened before the analysis, committed after it. */
typedef struct {
    frames_csv w;
    out_file f;
    int want, locked;
    char path[1200];
} frames_out;

static int frames_begin(batch_t *b, job_t *j, const audio_in *in, frames_out *fo)
{
    const batch_opts *o = b->o;
    char errw[1400];
    memset(fo, 0, sizeof *fo);
    fo->want = o->out_dir ? o->frames_too : o->frames != NULL;
    if (!fo->want) return 0;
    out_path(o, j, o->frames, ".frames.csv", fo->path, sizeof fo->path);
    if (out_open(&fo->f, fo->path, errw, sizeof errw)) {
        say(b, j->path, errw);
        return -1;
    }
    if (fo->f.is_stdout) { pthread_mutex_lock(&b->stdout_lock); fo->locked = 1; }
    fo->w.f = fo->f.f;
    fo->w.rate_hz = in->out_rate;
    fo->w.nch = in->nout;
    frames_csv_header(&fo->w);
    return 0;
}

/* Commits the frames (analysis_rc 0) or removes them; -1 if they could not be written. */
static int frames_end(batch_t *b, job_t *j, frames_out *fo, int analysis_rc)
{
    char errw[1400];
    int rc = 0;
    if (!fo->want) return 0;
    if (analysis_rc) out_abort(&fo->f);
    else if (fo->w.failed) {
        int e = fo->w.err;
        if (fflush(fo->f.f) != 0) e = errno;
        write_failed(fo->path, fo->f.is_stdout, e, errw, sizeof errw);
        out_abort(&fo->f);
        rc = -1;
    } else if (out_commit(&fo->f, errw, sizeof errw)) rc = -1;
    if (fo->locked) pthread_mutex_unlock(&b->stdout_lock);
    if (rc) say(b, j->path, errw);
    return rc;
}

/* What is odd about a recording that was analysed anyway. */
static void input_warnings(batch_t *b, job_t *j, audio_in *in)
{
    const batch_opts *o = b->o;
    char err[600];
    int which;
    double promised_s, actual_s;
    if (audio_shortfall(in, &which, &promised_s, &actual_s)) {
        snprintf(err, sizeof err, "warning: truncated file: the header promises %.2f s, the file holds %.2f s; "
                 "analysed what is there", promised_s, actual_s);
        say(b, o->agent ? (which ? o->caller : o->agent) : j->path, err);
    }
    if (j->res.nonfinite) {
        snprintf(err, sizeof err, "warning: %lld NaN/Inf samples treated as silence", (long long)j->res.nonfinite);
        say(b, j->path, err);
    }
    if (j->res.peak == 0.0) say(b, j->path, "warning: digital silence (all samples are zero)");
    else if (j->res.clipped > (int64_t)(0.001 * (double)in->frames_read * in->nout)) {
        snprintf(err, sizeof err, "warning: %lld samples at full scale (clipped recording)", (long long)j->res.clipped);
        say(b, j->path, err);
    }
}

/* Events, summary and report of an analysed call, each whole or not at all; -1 if one failed. */
static int write_outputs(batch_t *b, job_t *j, const report_contour *contour)
{
    const batch_opts *o = b->o;
    char path[1200], errw[1400];
    int rc = 0;
    struct { const char *explicit_path, *suffix; int kind; } outs[] = {
        {o->events, ".events.jsonl", 0}, {o->summary, ".summary.json", 1}, {o->report, ".html", 2}};
    for (size_t k = 0; k < 3; k++) {
        /* a signal now still lets this analysed call's outputs be written (milliseconds), so a
         * call has all its outputs or none; a write that blocks is ended by the main thread */
        if (!out_path(o, j, outs[k].explicit_path, outs[k].suffix, path, sizeof path)) continue;
        out_file f;
        int bad = out_open(&f, path, errw, sizeof errw);
        if (!bad) {
            if (f.is_stdout) pthread_mutex_lock(&b->stdout_lock);
            errno = 0;
            if (outs[k].kind == 0) bad = write_events(f.f, &j->res, b->prof);
            else if (outs[k].kind == 1) bad = write_summary(f.f, &j->res, b->prof);
            else {
                report_opts ro = {o->embed_audio, path};   /* the audio's URL is relative to here */
                bad = report_write(f.f, &j->res, contour, b->prof, j->path, &ro);
            }
            if (bad) {
                int e = errno;
                if (fflush(f.f) != 0) e = errno;    /* the write's own reason, not a later call's */
                write_failed(path, f.is_stdout, e, errw, sizeof errw);
                out_abort(&f);
            }
            else bad = out_commit(&f, errw, sizeof errw);
            if (f.is_stdout) pthread_mutex_unlock(&b->stdout_lock);
        }
        if (bad) {
            say(b, j->path, errw);
            rc = -1;
        }
    }
    return rc;
}

/* The text timeline of a call to stdout, whole; -1 if it could not be written. */
static int write_timeline(batch_t *b, job_t *j)
{
    char errw[1400];
    pthread_mutex_lock(&b->stdout_lock);
    print_timeline(stdout, &j->res, b->prof);
    int bad = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    clearerr(stdout);
    pthread_mutex_unlock(&b->stdout_lock);
    if (!bad) return 0;
    write_failed("-", 1, e, errw, sizeof errw);
    say(b, j->path, errw);
    return -1;
}

static int process_one(batch_t *b, job_t *j)
{
    const batch_opts *o = b->o;
    char err[600], errw[1400];
    audio_in in;
    frames_out fo;
    if (open_input(b, j, &in)) return -1;
    if (frames_begin(b, j, &in, &fo)) {
        audio_close(&in);
        return -1;
    }
    int want_report = o->out_dir || o->report;
    report_contour contour;
    report_contour_init(&contour, audio_frames(&in), in.out_rate, in.nout);
    frame_tee tee = {fo.want ? &fo.w : NULL, want_report ? &contour : NULL};

    int rc = call_analyze_until(b->prof, &in, frame_tee_fn, &tee, &j->res, &g_stop, err, sizeof err);
    atomic_fetch_add(&b->audio_ms, (long long)(j->res.duration_s * 1000.0));
    int frames_rc = frames_end(b, j, &fo, rc);
    if (rc) {
        say(b, j->path, err);
        audio_close(&in);
        report_contour_free(&contour);
        return -1;
    }
    rc = frames_rc;
    input_warnings(b, j, &in);
    if (write_outputs(b, j, &contour)) rc = -1;
    if (b->timeline && write_timeline(b, j)) rc = -1;
    report_contour_free(&contour);
    audio_close(&in);
    /* archive hook: the call's record for the index, written after its other outputs */
    if (o->out_dir && !rc && index_record_write(o->out_dir, j, 1, b->prof, o->frames_too, errw, sizeof errw)) {
        say(b, j->path, errw);
        rc = -1;
    }
    /* the index needs only the numbers: free the events of a finished call */
    free(j->res.ev.v);
    j->res.ev.v = NULL;
    j->res.ev.n = j->res.ev.cap = 0;
    return rc;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress(batch_t *b)
{
    if (!b->progress) return;
    double el = seconds_since(&b->t0);
    int done = atomic_load(&b->done);
    double audio_h = (double)atomic_load(&b->audio_ms) / 3.6e6;
    double speed = el > 0 ? audio_h * 3600.0 / el : 0.0;
    double eta = done > 0 ? el / done * (b->n - done) : 0.0;
    char line[200];
    snprintf(line, sizeof line, "\r\033[K%d/%d files, %.2f h of audio, %.0fx real time, ETA %.0f s", done, b->n,
             audio_h, speed, eta);
    fputs(line, stderr);
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
            if (index_record_write(b->o->out_dir, j, 0, b->prof, 0, err, sizeof err)) say(b, j->path, err);
        }
        if (!j->ok) atomic_fetch_add(&b->failed, 1);
        atomic_fetch_add(&b->done, 1);
        progress(b);
    }
    atomic_fetch_sub(&b->workers_left, 1);
    return NULL;
}

/* 1 if path is, or will be, a regular file (not "-", a device, a FIFO or a socket). */
static int plain_file(const char *path, struct stat *st)
{
    if (!strcmp(path, "-")) return 0;
    if (stat(path, st) != 0) { memset(st, 0, sizeof *st); return 1; }
    return S_ISREG(st->st_mode);
}

/* Refuses an output that is one of the inputs, or one file given to two output options: the
 * rename would replace a recording, or the last output the others. */
int batch_clobbers(const batch_opts *o, const char **files, int nfiles)
{
    const char *outs[] = {o->events, o->frames, o->summary, o->report};
    const char *optname[] = {"--events", "--frames", "--summary", "--report"};
    for (int k = 0; k < 4; k++) {
        struct stat a, b;
        if (!outs[k] || !plain_file(outs[k], &a)) continue;
        for (int i = 0; i < nfiles + 2; i++) {
            const char *in = i < nfiles ? files[i] : i == nfiles ? o->caller : o->profile_path;
            if (in && a.st_ino && stat(in, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
                fprintf(stderr, "tonemon analyze: %s ", optname[k]);
                term_fputs(outs[k], stderr);
                fputs(" would overwrite an input\n", stderr);
                return 1;
            }
        }
        for (int m = k + 1; m < 4; m++) {
            if (!outs[m] || !plain_file(outs[m], &b)) continue;
            if (!strcmp(outs[k], outs[m]) || (a.st_ino && a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
                fprintf(stderr, "tonemon analyze: %s and %s name the same file ", optname[k], optname[m]);
                term_fputs(outs[k], stderr);
                fputc('\n', stderr);
                return 1;
            }
        }
    }
    return 0;
}


int batch_make_out_dir(const char *dir)
{
    if (!dir || mkdir(dir, 0777) == 0 || errno == EEXIST) return 0;
    int e = errno;
    fputs("tonemon analyze: ", stderr);
    term_fputs(dir, stderr);
    fprintf(stderr, ": cannot create the output folder: %s\n", strerror(e));
    return -1;
}

/* Runs the workers until the queue is empty; after a signal, waits for them half a second at
 * most, then removes the temporaries and ends the process. */
static void run_workers(batch_t *b)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;        /* a reader that went away is a write error, said and counted */
    sigaction(SIGPIPE, &sa, NULL);

    int nthreads = b->o->jobs < b->n ? b->o->jobs : b->n;
    pthread_t *th = calloc((size_t)nthreads, sizeof *th);
    int started = 0;
    atomic_store(&b->workers_left, nthreads);
    for (int t = 0; th && t < nthreads; t++)
        if (pthread_create(&th[t], NULL, worker, b) == 0) started++;
    atomic_fetch_sub(&b->workers_left, nthreads - started);
    if (!started) {
        atomic_store(&b->workers_left, 1);
        worker(b);
    }
    /* wait for the workers, but never longer than half a second after a signal */
    double stop_at = 0.0;
    while (atomic_load(&b->workers_left) > 0) {
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
        if (!g_stop) continue;
        if (stop_at == 0.0) stop_at = seconds_since(&b->t0) + 0.5;
        if (seconds_since(&b->t0) >= stop_at) {
            out_remove_temporaries();
            static const char msg[] = "tonemon: interrupted; finished calls are complete, unfinished outputs removed\n";
            ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
            (void)w;
            _exit(1);
        }
    }
    for (int t = 0; t < started; t++) pthread_join(th[t], NULL);
    free(th);
}

int batch_run(const batch_opts *o, const tm_profile *prof, const char **files, int nfiles,
              const manifest *man, const manifest_row **meta)
{
    batch_t b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.prof = prof;
    b.n = nfiles;
    b.timeline = !o->events && !o->frames && !o->summary && !o->report && !o->out_dir;
    b.jobs = calloc((size_t)nfiles, sizeof *b.jobs);
    if (!b.jobs) return 1;
    for (int i = 0; i < nfiles; i++) {
        b.jobs[i].path = (char *)files[i];
        base_name(files[i], b.jobs[i].base, sizeof b.jobs[i].base);
        index_job_meta(&b.jobs[i], meta ? meta[i] : NULL, man);   /* archive hook */
    }
    if (o->resume) b.n = index_resume(o->out_dir, b.jobs, nfiles, o->frames_too);  /* archive hook: done ones go last */
    b.progress = !o->quiet && isatty(STDERR_FILENO);
    if (o->out_dir && unique_names(&b)) { fprintf(stderr, "tonemon: out of memory\n"); free(b.jobs); return 1; }
    pthread_mutex_init(&b.stdout_lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.t0);
    run_workers(&b);
    g_final_phase = 1;
    if (b.progress) fputs("\r\033[K", stderr);

    int rc = atomic_load(&b.failed) ? 1 : 0;
    if (o->out_dir) {
        char err[1400];
        if (report_index(o->out_dir, b.jobs, nfiles, err, sizeof err)) {
            fprintf(stderr, "tonemon: %s\n", err);
            rc = 1;
        }
    }
    if (g_stop) {
        int done = atomic_load(&b.done);
        fprintf(stderr, "tonemon: interrupted after %d of %d files; finished files are complete\n", done, nfiles);
        rc = 1;
    }
    for (int i = 0; i < nfiles; i++) call_free(&b.jobs[i].res);
    free(b.jobs);
    pthread_mutex_destroy(&b.stdout_lock);
    return rc;
}
