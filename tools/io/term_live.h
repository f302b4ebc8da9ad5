/* tools/io/term_live.h -- text from files (labels, profiles, file names) made safe for a terminal:
 * control characters become visible escapes, so a file cannot move the cursor, ring the bell,
 * retitle the window or forge a line. Both go through tools/term.c's term_escape. */
#ifndef TM_TERM_LIVE_H
#define TM_TERM_LIVE_H
#include <stddef.h>

/* Copies s into buf (cap bytes, always terminated, cut if longer) with C0 controls, DEL and the
 * UTF-8 C1 controls (U+0080..U+009F) written as \n, \r, \t, \xNN or \u00NN. Returns buf. */
char *term_escape_local(char *buf, size_t cap, const char *s);
/* The same into one of 8 rotating static buffers (single-threaded callers, up to 8 uses in one
 * printf). Returns "(null)" for NULL. */
const char *tesc(const char *s);

#endif
