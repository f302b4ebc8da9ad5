/* tools/term_live.c -- escaping text for the terminal. */
#include "term_live.h"
#include <stdio.h>
#include <string.h>

char *term_escape_local(char *buf, size_t cap, const char *s)
{
    size_t k = 0;
    if (!cap) return buf;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8] = {0};
        size_t n = 1;
        if (*p == '\n') memcpy(esc, "\\n", n = 2);
        else if (*p == '\r') memcpy(esc, "\\r", n = 2);
        else if (*p == '\t') memcpy(esc, "\\t", n = 2);
        else if (*p < 0x20 || *p == 0x7f) n = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) n = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *++p);
        else esc[0] = (char)*p;
        if (k + n >= cap) break;
        memcpy(buf + k, esc, n);
        k += n;
    }
    buf[k] = 0;
    return buf;
}

const char *tesc(const char *s)
{
    static char ring[8][2048];
    static int next;
    if (!s) return "(null)";
    char *b = ring[next];
    next = (next + 1) % 8;
    return term_escape_local(b, sizeof ring[0], s);
}
