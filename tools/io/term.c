/* tools/io/term.c -- escaping of untrusted text printed for people (see term.h). One decoder walks
 * the UTF-8 text and hands each piece, escaped or not, to a sink: a bounded buffer or a FILE. */
#include "term.h"
#include <string.h>

typedef struct {
    char *out;       /* buffer sink, or NULL */
    size_t cap, len;
    int full;
    FILE *f;         /* stream sink, or NULL */
    int bad;
} sink;

static void put(sink *k, const char *p, size_t n)
{
    if (k->f) {
        if (fwrite(p, 1, n, k->f) != n) k->bad = 1;
        return;
    }
    if (k->full) return;
    if (k->len + n + 4 > k->cap) {      /* keep room for "..." and the NUL */
        k->full = 1;
        if (k->cap >= 4) { memcpy(k->out + k->len, "...", 3); k->len += 3; }
        return;
    }
    memcpy(k->out + k->len, p, n);
    k->len += n;
}

/* Length of the valid UTF-8 sequence at s (1..4) and its code point, or 0 if not valid. */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if ((c & 0xe0) == 0xc0) { n = 2; v = c & 0x1f; min = 0x80; }
    else if ((c & 0xf0) == 0xe0) { n = 3; v = c & 0x0f; min = 0x800; }
    else if ((c & 0xf8) == 0xf0) { n = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;    /* also stops at the NUL */
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return n;
}

static void walk(const char *text, sink *k)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    while (*s && !k->full && !k->bad) {
        unsigned cp;
        size_t n = utf8_seq(s, &cp);
        char e[16];
        if (n == 0) {
            e[0] = '\\'; e[1] = 'x'; e[2] = hex[*s >> 4]; e[3] = hex[*s & 15];
            put(k, e, 4);
            s++;
            continue;
        }
        if (cp == '\n') put(k, "\\n", 2);
        else if (cp == '\r') put(k, "\\r", 2);
        else if (cp == '\t') put(k, "\\t", 2);
        else if (cp == '\\') put(k, "\\\\", 2);
        else if (cp < 0x20 || cp == 0x7f) {
            e[0] = '\\'; e[1] = 'x'; e[2] = hex[cp >> 4]; e[3] = hex[cp & 15];
            put(k, e, 4);
        } else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
            int m = snprintf(e, sizeof e, "\\u{%04x}", cp);
            put(k, e, (size_t)m);
        } else put(k, (const char *)s, n);
        s += n;
    }
}

char *term_escape(const char *s, char *out, size_t cap)
{
    if (!cap) return out;
    sink k = {out, cap, 0, 0, NULL, 0};
    walk(s ? s : "", &k);
    out[k.len] = 0;
    return out;
}

int term_fputs(const char *s, FILE *f)
{
    sink k = {NULL, 0, 0, 0, f, 0};
    walk(s ? s : "", &k);
    return k.bad ? EOF : 0;
}
