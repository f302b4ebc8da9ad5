/* tools/writers.h -- the file contracts of DESIGN.md: event JSON Lines, summary JSON, and the
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

/* Atomic output: write into PATH.tmp.PID, then rename over PATH. "-" is stdout. */
typedef struct { FILE *f; char path[1024], tmp[1100]; int is_stdout; } out_file;
int  out_open(out_file *o, const char *path, char *err, size_t errlen);
int  out_commit(out_file *o, char *err, size_t errlen);   /* closes; renames on success */
void out_abort(out_file *o);                               /* closes; removes the temporary */

#endif
