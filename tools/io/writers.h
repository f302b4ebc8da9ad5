/* tools/io/writers.h -- the file contracts of DESIGN.md: event JSON Lines, summary JSON, and the
 * plain-text timeline printed for people. */
#ifndef TM_WRITERS_H
#define TM_WRITERS_H
#include "call.h"
#include <stdio.h>

/* One event as a JSON object text (malloc'd, no newline). */
char *event_json(const tm_event *ev, const call_result *r, const tm_profile *p);
int   write_events(FILE *f, const call_result *r, const tm_profile *p);
char *summary_json(const call_result *r, const tm_profile *p);   /* malloc'd */
int   write_summary(FILE *f, const call_result *r, const tm_profile *p);
void  print_timeline(FILE *f, const call_result *r, const tm_profile *p);

/* Output files. A regular file (or a path that does not exist yet) is written to a unique
 * temporary beside it (NAME.tmp.PID.N) and renamed over it when complete, so a reader never sees
 * half a file and a failed or interrupted write leaves the old file alone. Anything else is
 * written in place and never replaced: "-", /dev/stdout and /dev/fd/N use the process's own
 * descriptor; character devices (/dev/null, /dev/full, a tty) and FIFOs are opened for writing
 * (a FIFO waits for its reader); a UNIX socket is connected to. A symlink is followed: the link
 * stays, its target gets the content. A block device or a folder is refused. */
typedef struct {
    FILE *f;
    char path[1024];        /* as given, for messages */
    char target[1024];      /* the file renamed over (links followed); "" when written in place */
    char tmp[1100];         /* the temporary; "" when written in place */
    int is_stdout;          /* f is the process's stdout or stderr: flushed, never closed */
    int slot;               /* the temporary's entry in the clean-up list, or -1 */
} out_file;
/* On failure err holds "cannot write PATH: reason" and nothing is left behind. */
int  out_open(out_file *o, const char *path, char *err, size_t errlen);
int  out_commit(out_file *o, char *err, size_t errlen);   /* closes; renames on success */
void out_abort(out_file *o);                               /* closes; removes the temporary */
/* Removes every temporary still open (a program ending on a signal calls it before _exit).
 * Only unlink(2): safe in a signal handler and while other threads are blocked writing. */
void out_remove_temporaries(void);

#endif
