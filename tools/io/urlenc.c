/* tools/io/urlenc.c -- percent-encoding of file paths for relative URLs (RFC 3986 section 2). */
#include "urlenc.h"

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int url_path_encode(const char *path, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    if (!cap) return -1;
    const unsigned char *s = (const unsigned char *)path;
    if (*s != '/') {
        if (cap < 3) { out[0] = 0; return -1; }
        out[n++] = '.';
        out[n++] = '/';
    }
    for (; *s; s++) {
        size_t need = (*s == '/' || unreserved(*s)) ? 1 : 3;
        if (n + need + 1 > cap) { out[0] = 0; return -1; }
        if (need == 1) out[n++] = (char)*s;
        else {
            out[n++] = '%';
            out[n++] = hex[*s >> 4];
            out[n++] = hex[*s & 15];
        }
    }
    out[n] = 0;
    return 0;
}
