/* tools/io/term_live.c -- short-hand for printf callers of tools/term.c's escaping. */
#include "term_live.h"
#include "term.h"

char *term_escape_local(char *buf, size_t cap, const char *s) { return term_escape(s, buf, cap); }

const char *tesc(const char *s)
{
    static char ring[8][2048];
    static int next;
    if (!s) return "(null)";
    char *b = ring[next];
    next = (next + 1) % 8;
    return term_escape(s, b, sizeof ring[0]);
}
