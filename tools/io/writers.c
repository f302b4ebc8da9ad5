/* tools/io/writers.c -- JSON Lines events, summary JSON, timeline text, atomic files. JSON is
 * built with cJSON (strings from profiles are escaped properly); times are seconds rounded to the
 * millisecond; no NaN or Inf ever reaches a file (the library floors levels, and every number is
 * checked once more here). */
#include "writers.h"
#include "cJSON.h"
#include "evtype.h"
#include "term.h"
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static double fin(double x) { return isfinite(x) ? x : 0.0; }
static double r2(double x) { return round(fin(x) * 100.0) / 100.0; }
static double r1(double x) { return round(fin(x) * 10.0) / 10.0; }

static void add_speaker(cJSON *o, const char *key, int s, int nch)
{
    cJSON_AddStringToObject(o, key, speaker_name(s, nch));
}

static cJSON *event_obj(const tm_event *ev, const call_result *r, const tm_profile *p)
{
    cJSON *o = cJSON_CreateObject();
    int rate = r->rate_hz, nch = r->nch;
    const ev_type_info *t = ev_type(ev->type);
    cJSON_AddStringToObject(o, "type", tm_event_type_name(ev->type));
    if (t && t->speaker_key) add_speaker(o, t->speaker_key, ev->speaker, nch);
    if (t && t->other_key) add_speaker(o, t->other_key, ev->other, nch);
    cJSON_AddNumberToObject(o, "start", sec(ev->start, rate));
    cJSON_AddNumberToObject(o, "end", sec(ev->end, rate));
    if (ev->type == TM_EV_RAISED_VOICE) {
        cJSON_AddNumberToObject(o, "level_db", r1(ev->level_db));
        cJSON_AddNumberToObject(o, "pitch_st", r1(ev->pitch_st));
    }
    if (ev->type == TM_EV_DEESCALATION) {
        if (ev->speaker != TM_NOBODY) add_speaker(o, "speaker", ev->speaker, nch);
        const tm_texts *tx = &p->text[ev->reason < TM_REASON__COUNT ? ev->reason : 0];
        cJSON_AddStringToObject(o, "reason", tx->reason);
        cJSON_AddStringToObject(o, "suggestion", ev->severity >= 2 ? tx->suggestion_high : tx->suggestion);
        cJSON_AddStringToObject(o, "code", tm_reason_name(ev->reason));
        cJSON_AddNumberToObject(o, "severity", ev->severity);
        cJSON_AddNumberToObject(o, "count", ev->count > 0 ? ev->count : 1);
    }
    cJSON_AddNumberToObject(o, "detected", sec(ev->detected, rate));
    return o;
}

char *event_json(const tm_event *ev, const call_result *r, const tm_profile *p)
{
    cJSON *o = event_obj(ev, r, p);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

int write_events(FILE *f, const call_result *r, const tm_profile *p)
{
    for (size_t i = 0; i < r->ev.n; i++) {
        char *s = event_json(&r->ev.v[i], r, p);
        if (!s) return -1;
        int bad = fprintf(f, "%s\n", s) < 0;
        free(s);
        if (bad) return -1;
    }
    return 0;
}

static cJSON *speaker_obj(const call_result *r, int c)
{
    const tm_speaker_stats *s = &r->stats.speaker[c];
    double talk_total = r->stats.speaker[0].talk_s + (r->nch == 2 ? r->stats.speaker[1].talk_s : 0.0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "talk_s", r2(s->talk_s));
    cJSON_AddNumberToObject(o, "talk_share", talk_total > 0 ? r2(s->talk_s / talk_total) : 0.0);
    cJSON_AddNumberToObject(o, "talk_ratio_of_call", r->duration_s > 0 ? r2(s->talk_s / r->duration_s) : 0.0);
    if (r->nch == 2) {
        cJSON_AddNumberToObject(o, "interruptions_made", s->interruptions_made);
        cJSON_AddNumberToObject(o, "backchannels", s->backchannels);
        cJSON_AddNumberToObject(o, "monologues", s->monologues);
    }
    cJSON_AddNumberToObject(o, "hold_s", r2(s->hold_s));
    cJSON_AddNumberToObject(o, "raised_voice_s", r2(s->raised_s));
    cJSON_AddNumberToObject(o, "raised_voice_count", s->raised_count);
    cJSON *pitch = cJSON_AddObjectToObject(o, "pitch_hz");
    cJSON_AddNumberToObject(pitch, "median", r1(s->f0_median_hz));
    cJSON_AddNumberToObject(pitch, "p10", r1(s->f0_p10_hz));
    cJSON_AddNumberToObject(pitch, "p90", r1(s->f0_p90_hz));
    cJSON_AddNumberToObject(pitch, "baseline", r1(s->baseline_f0_hz));
    cJSON *lvl = cJSON_AddObjectToObject(o, "level_dbfs");
    cJSON_AddNumberToObject(lvl, "median", r1(s->level_median_db));
    cJSON_AddNumberToObject(lvl, "p90", r1(s->level_p90_db));
    cJSON_AddNumberToObject(o, "loudness_lufs_median", r1(s->loudness_median_lufs));
    cJSON_AddNumberToObject(o, "loudness_baseline_lufs", r1(s->baseline_lufs));
    if (r->nch == 2) {
        cJSON *leak = cJSON_AddObjectToObject(o, "leak_from_other");
        cJSON_AddBoolToObject(leak, "measured", s->coupling_db > 0.0f);
        cJSON_AddNumberToObject(leak, "loss_db", r1(s->coupling_db));
        cJSON_AddNumberToObject(leak, "delay_ms", r1(s->coupling_delay_ms));
    }
    return o;
}

char *summary_json(const call_result *r, const tm_profile *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", r->name);
    cJSON_AddStringToObject(o, "profile", p->name);
    cJSON_AddNumberToObject(o, "duration_s", r2(r->duration_s));
    cJSON_AddNumberToObject(o, "sample_rate", r->rate_hz);
    cJSON_AddStringToObject(o, "channels", r->nch == 2 ? "agent+caller" : "mix");
    cJSON *sp = cJSON_AddObjectToObject(o, "speakers");
    for (int c = 0; c < r->nch; c++) cJSON_AddItemToObject(sp, speaker_name(c, r->nch), speaker_obj(r, c));
    int counts[TM_EV__COUNT] = {0}, intr[2] = {0, 0};
    for (size_t i = 0; i < r->ev.n; i++) {
        counts[r->ev.v[i].type]++;
        if (r->ev.v[i].type == TM_EV_INTERRUPTION) intr[r->ev.v[i].speaker]++;
    }
    if (r->nch == 2) {
        cJSON_AddNumberToObject(o, "overlap_s", r2(r->stats.overlap_s));
        cJSON_AddNumberToObject(o, "overlap_share", r->duration_s > 0 ? round(r->stats.overlap_s / r->duration_s * 1e4) / 1e4 : 0.0);
        cJSON_AddNumberToObject(o, "overlaps", counts[TM_EV_OVERLAP]);
        cJSON *in = cJSON_AddObjectToObject(o, "interruptions");
        cJSON_AddNumberToObject(in, "agent_of_caller", intr[TM_AGENT]);
        cJSON_AddNumberToObject(in, "caller_of_agent", intr[TM_CALLER]);
        cJSON_AddNumberToObject(o, "backchannels", counts[TM_EV_BACKCHANNEL]);
        cJSON_AddNumberToObject(o, "monologues", counts[TM_EV_MONOLOGUE]);
    }
    cJSON_AddNumberToObject(o, "silences", counts[TM_EV_SILENCE]);
    cJSON_AddNumberToObject(o, "silence_s", r2(r->stats.silence_s));
    cJSON *rv = cJSON_AddObjectToObject(o, "raised_voice_s");
    for (int c = 0; c < r->nch; c++)
        cJSON_AddNumberToObject(rv, speaker_name(c, r->nch), r2(r->stats.speaker[c].raised_s));
    cJSON *m = cJSON_AddArrayToObject(o, "moments");
    for (size_t i = 0; i < r->ev.n; i++)
        if (r->ev.v[i].type == TM_EV_DEESCALATION) cJSON_AddItemToArray(m, event_obj(&r->ev.v[i], r, p));
    cJSON *q = cJSON_AddObjectToObject(o, "input");
    cJSON_AddNumberToObject(q, "peak", round(fin(r->peak) * 1e4) / 1e4);
    cJSON_AddNumberToObject(q, "clipped_samples", (double)r->clipped);
    cJSON_AddNumberToObject(q, "nonfinite_samples", (double)r->nonfinite);
    cJSON_AddNumberToObject(q, "events_dropped", (double)r->stats.events_dropped);
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

int write_summary(FILE *f, const call_result *r, const tm_profile *p)
{
    char *s = summary_json(r, p);
    if (!s) return -1;
    int bad = fprintf(f, "%s\n", s) < 0;
    free(s);
    return bad ? -1 : 0;
}

static void mmss(char *buf, size_t cap, double t)
{
    int m = (int)(t / 60.0);
    snprintf(buf, cap, "%02d:%04.1f", m, t - 60.0 * m);
}

void print_timeline(FILE *f, const call_result *r, const tm_profile *p)
{
    term_fputs(r->name, f);     /* names and profile texts come from outside: escaped */
    fprintf(f, ": %.1f s, %s\n", r->duration_s, r->nch == 2 ? "agent + caller" : "one mixed channel");
    for (size_t i = 0; i < r->ev.n; i++) {
        const tm_event *e = &r->ev.v[i];
        const ev_type_info *t = ev_type(e->type);
        if (!t || !t->timeline) continue;
        char a[16], b[16], detail[160];
        mmss(a, sizeof a, sec(e->start, r->rate_hz));
        mmss(b, sizeof b, sec(e->end, r->rate_hz));
        if (e->type == TM_EV_DEESCALATION) {
            const tm_texts *tx = &p->text[e->reason];
            fprintf(f, "  %s        >> ", a);
            term_fputs(tx->reason, f);
            fputs(e->severity >= 2 ? " (!): " : ": ", f);
            term_fputs(e->severity >= 2 ? tx->suggestion_high : tx->suggestion, f);
            fputc('\n', f);
            continue;
        }
        ev_detail(detail, sizeof detail, e, r->nch, 1);
        if (*detail) fprintf(f, "  %s-%s  %-14s %s\n", a, b, t->title, detail);
        else fprintf(f, "  %s-%s  %s\n", a, b, t->title);
    }
    const tm_stats *s = &r->stats;
    if (r->nch == 2)
        fprintf(f, "  talk: agent %.1f s, caller %.1f s; overlap %.1f s; interruptions agent->caller %d, caller->agent %d; moments %d\n",
                s->speaker[0].talk_s, s->speaker[1].talk_s, s->overlap_s, s->speaker[0].interruptions_made,
                s->speaker[1].interruptions_made, s->deescalations);
    else
        fprintf(f, "  talk: %.1f s; raised %.1f s; silences %d\n", s->speaker[0].talk_s, s->speaker[0].raised_s, s->silences);
}

/* ---- output files ------------------------------------------------------------------- */

/* Temporaries alive right now, so a program ending on a signal can remove them while its
 * workers are blocked. Slots are claimed with one atomic exchange: no lock to wait on. */
enum { TMP_SLOTS = 512 };
static char tmp_slot_path[TMP_SLOTS][1100];
static atomic_int tmp_slot_used[TMP_SLOTS];
static atomic_uint tmp_seq;

static int tmp_register(const char *tmp)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        int zero = 0;
        if (atomic_compare_exchange_strong(&tmp_slot_used[i], &zero, 1)) {
            snprintf(tmp_slot_path[i], sizeof tmp_slot_path[i], "%s", tmp);
            atomic_store(&tmp_slot_used[i], 2);
            return i;
        }
    }
    return -1;   /* more at once than slots: still written, only not removed on a signal */
}

static void tmp_release(int slot)
{
    if (slot >= 0) atomic_store(&tmp_slot_used[slot], 0);
}

void out_remove_temporaries(void)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&tmp_slot_used[i]) == 2) unlink(tmp_slot_path[i]);
}

static int fail(out_file *o, char *err, size_t errlen, const char *why)
{
    snprintf(err, errlen, "cannot write %s: %s", o->path, why);
    return -1;
}

/* /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name a descriptor this process
 * already has: opening them anew would truncate an appended log or fail on a socket. */
static int fd_path(const char *p)
{
    if (!strcmp(p, "/dev/stdout")) return 1;
    if (!strcmp(p, "/dev/stderr")) return 2;
    const char *n = !strncmp(p, "/dev/fd/", 8) ? p + 8 : !strncmp(p, "/proc/self/fd/", 14) ? p + 14 : NULL;
    if (!n || !*n) return -1;
    char *end;
    long fd = strtol(n, &end, 10);
    return *end || fd < 0 || fd > 1 << 20 ? -1 : (int)fd;
}

static int open_fd(out_file *o, int fd, char *err, size_t errlen)
{
    if (fd == 1 || fd == 2) {
        o->f = fd == 1 ? stdout : stderr;
        o->is_stdout = 1;
        return 0;
    }
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (d < 0 || !(o->f = fdopen(d, "w"))) {
        int e = errno;
        if (d >= 0) close(d);
        return fail(o, err, errlen, strerror(e));
    }
    return 0;
}

static int open_socket(out_file *o, const char *p, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(p) >= sizeof sa.sun_path) return fail(o, err, errlen, "socket path too long");
    memcpy(sa.sun_path, p, strlen(p));
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) != 0 || !(o->f = fdopen(s, "w"))) {
        int e = errno;
        if (s >= 0) close(s);
        return fail(o, err, errlen, strerror(e));
    }
    return 0;
}

/* Temporary beside the target: TARGET.tmp.PID.N, or DIR/tonemon.tmp.PID.N when the target's name
 * is too long to take the suffix. Unique per process and call, created exclusively. */
static int open_temporary(out_file *o, const struct stat *old, char *err, size_t errlen)
{
    unsigned n = atomic_fetch_add(&tmp_seq, 1);
    const char *slash = strrchr(o->target, '/');
    size_t name_len = strlen(slash ? slash + 1 : o->target);
    if (name_len + 32 <= 255)
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld.%u", o->target, (long)getpid(), n);
    else
        snprintf(o->tmp, sizeof o->tmp, "%.*stonemon.tmp.%ld.%u", slash ? (int)(slash - o->target + 1) : 0,
                 o->target, (long)getpid(), n);
    o->slot = tmp_register(o->tmp);
    int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        tmp_release(o->slot);
        o->slot = -1;
        o->tmp[0] = 0;
        return fail(o, err, errlen, strerror(e));
    }
    if (old) (void)fchmod(fd, old->st_mode & 07777);   /* a replaced file keeps its permissions */
    if (!(o->f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        tmp_release(o->slot);
        o->slot = -1;
        o->tmp[0] = 0;
        return fail(o, err, errlen, strerror(e));
    }
    return 0;
}

int out_open(out_file *o, const char *path, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->slot = -1;
    if (!strcmp(path, "-")) { o->f = stdout; o->is_stdout = 1; return 0; }
    snprintf(o->path, sizeof o->path, "%s", path);
    if (!*path) return fail(o, err, errlen, "empty path");
    if (strlen(path) >= sizeof o->path) return fail(o, err, errlen, strerror(ENAMETOOLONG));
    char cur[1024];
    snprintf(cur, sizeof cur, "%s", path);
    for (int hops = 0; hops < 40; hops++) {
        int fd = fd_path(cur);
        if (fd >= 0) return open_fd(o, fd, err, errlen);
        struct stat st;
        if (lstat(cur, &st) != 0) {
            if (errno != ENOENT) return fail(o, err, errlen, strerror(errno));
            snprintf(o->target, sizeof o->target, "%s", cur);    /* a new file */
            return open_temporary(o, NULL, err, errlen);
        }
        if (S_ISLNK(st.st_mode)) {
            char link[1024], next[1024];
            ssize_t n = readlink(cur, link, sizeof link - 1);
            if (n < 0) return fail(o, err, errlen, strerror(errno));
            link[n] = 0;
            const char *slash = strrchr(cur, '/');
            if (link[0] == '/' || !slash) snprintf(next, sizeof next, "%s", link);
            else if (snprintf(next, sizeof next, "%.*s%s", (int)(slash - cur + 1), cur, link) >= (int)sizeof next)
                return fail(o, err, errlen, strerror(ENAMETOOLONG));
            snprintf(cur, sizeof cur, "%s", next);
            continue;
        }
        if (S_ISREG(st.st_mode)) {
            snprintf(o->target, sizeof o->target, "%s", cur);
            return open_temporary(o, &st, err, errlen);
        }
        if (S_ISDIR(st.st_mode)) return fail(o, err, errlen, "is a folder");
        if (S_ISBLK(st.st_mode)) return fail(o, err, errlen, "is a block device (refused: it would overwrite a disk)");
        if (S_ISSOCK(st.st_mode)) return open_socket(o, cur, err, errlen);
        /* character device or FIFO: in place (opening a FIFO waits for its reader) */
        int d = open(cur, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (d < 0 || !(o->f = fdopen(d, "w"))) {
            int e = errno;
            if (d >= 0) close(d);
            return fail(o, err, errlen, strerror(e));
        }
        return 0;
    }
    return fail(o, err, errlen, strerror(ELOOP));
}

int out_commit(out_file *o, char *err, size_t errlen)
{
    if (o->is_stdout) {
        errno = 0;
        int bad = fflush(o->f) != 0 || ferror(o->f);
        int e = errno;
        clearerr(o->f);
        if (!bad) return 0;
        if (o->path[0]) snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(e ? e : EIO));
        else snprintf(err, errlen, "cannot write to standard output: %s", strerror(e ? e : EIO));
        return -1;
    }
    errno = 0;
    int bad = fflush(o->f) != 0;
    int e = errno;
    bad |= ferror(o->f) != 0;
    if (fclose(o->f) != 0) { bad = 1; if (!e) e = errno; }
    o->f = NULL;
    if (!bad && o->tmp[0] && rename(o->tmp, o->target) != 0) { bad = 1; e = errno; }
    if (bad) {
        if (o->tmp[0]) unlink(o->tmp);
        snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(e ? e : EIO));
    }
    tmp_release(o->slot);
    o->slot = -1;
    return bad ? -1 : 0;
}

void out_abort(out_file *o)
{
    if (o->is_stdout || !o->f) return;
    fclose(o->f);
    o->f = NULL;
    if (o->tmp[0]) unlink(o->tmp);
    tmp_release(o->slot);
    o->slot = -1;
}
