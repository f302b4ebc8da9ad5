/* tools/io/term.h -- text for people's terminals and logs: file names, labels and profile texts
 * come from outside, and a raw ESC, BEL or carriage return in them would move the cursor,
 * recolour or retitle the terminal, or hide a line. Everything printed for people goes through
 * these; data outputs (JSON Lines, CSV) never do. */
#ifndef TM_TERM_H
#define TM_TERM_H
#include <stddef.h>
#include <stdio.h>

/* Copies s into out (cap bytes, always NUL-terminated; cap 0 writes nothing) with every control
 * character escaped: \n \r \t as those two characters, other C0 bytes and DEL as \xHH, the C1
 * controls U+0080-U+009F and the bidirectional overrides U+202A-U+202E, U+2066-U+2069 as \u{HHHH},
 * bytes that are not valid UTF-8 as \xHH, and a backslash as \\ (so the text is unambiguous).
 * Printable UTF-8 is copied as it is. A text that does not fit is cut at a character and ends
 * with "...". Returns out. Thread-safe (no state). */
char *term_escape(const char *s, char *out, size_t cap);

/* fputs(s, f) with the same escaping, any length. Returns EOF on a write error, else 0. */
int term_fputs(const char *s, FILE *f);

#endif
