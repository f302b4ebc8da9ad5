/* tools/io/web_http.c -- the listen address, the daemon and plain responses for both HTTP servers.
 * The pages are self-contained (inline CSS and JS): the policy header forbids loading anything
 * from anywhere but the page itself and its own event stream. */
#include "web_http.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int web_parse_addr(const char *spec, const char *def_addr, struct sockaddr_storage *out,
                   socklen_t *len, char *err, size_t errlen)
{
    char host[128];
    const char *port_s;
    memset(out, 0, sizeof *out);
    if (spec[0] == '[') {                      /* [v6]:port */
        const char *rb = strchr(spec, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof host) {
            snprintf(err, errlen, "'%s': expected [ADDRESS]:PORT", spec);
            return -1;
        }
        memcpy(host, spec + 1, (size_t)(rb - spec - 1));
        host[rb - spec - 1] = 0;
        port_s = rb + 2;
    } else {
        const char *colon = strrchr(spec, ':');
        if (colon) {
            if ((size_t)(colon - spec) >= sizeof host) { snprintf(err, errlen, "'%s': address too long", spec); return -1; }
            memcpy(host, spec, (size_t)(colon - spec));
            host[colon - spec] = 0;
            port_s = colon + 1;
        } else {
            snprintf(host, sizeof host, "%s", def_addr);
            port_s = spec;
        }
    }
    char *end;
    errno = 0;
    long port = strtol(port_s, &end, 10);
    if (!*port_s || *end || errno || port < 0 || port > 65535) {
        snprintf(err, errlen, "'%s': the port must be a number 0..65535", spec);
        return -1;
    }
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof *v6;
    } else {
        snprintf(err, errlen, "'%s': '%s' is not a numeric IPv4 or IPv6 address", spec, host);
        return -1;
    }
    return 0;
}

struct MHD_Daemon *web_listen(const struct sockaddr_storage *sa, unsigned max_conn,
                              MHD_AccessHandlerCallback handler, void *cls,
                              MHD_RequestCompletedCallback done, char *err, size_t errlen)
{
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    if (sa->ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, handler, cls,
                                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)sa,
                                            MHD_OPTION_CONNECTION_LIMIT, max_conn,
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                                            MHD_OPTION_NOTIFY_COMPLETED, done, cls,
                                            MHD_OPTION_END);
    if (!d) {
        char host[INET6_ADDRSTRLEN] = "?";
        int port = 0;
        if (sa->ss_family == AF_INET) {
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
            port = ntohs(((const struct sockaddr_in *)sa)->sin_port);
        } else {
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
            port = ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
        }
        snprintf(err, errlen, "cannot listen on %s port %d (in use, or not an address of this machine)", host, port);
    }
    return d;
}

void web_url(struct MHD_Daemon *d, const struct sockaddr_storage *sa, char *out, size_t cap)
{
    char host[INET6_ADDRSTRLEN] = "?";
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    if (sa->ss_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host, sizeof host);
        snprintf(out, cap, "http://%s:%u/", host, port);
    } else {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, host, sizeof host);
        snprintf(out, cap, "http://[%s]:%u/", host, port);
    }
}

void web_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                            "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
}

enum MHD_Result web_reply(struct MHD_Connection *c, unsigned status, const char *type,
                          const void *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", type);
    web_headers(r);
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

enum MHD_Result web_reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    return web_reply(c, status, "text/plain; charset=utf-8", text, strlen(text));
}

int web_read_token(const char *path, char *out, size_t cap, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: cannot read the token file: %s", path, strerror(errno)); return -1; }
    char line[512];
    if (!fgets(line, sizeof line, f)) line[0] = 0;
    fclose(f);
    char *s = line, *e = line + strlen(line);
    while (*s == ' ' || *s == '\t') s++;
    while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
    *e = 0;
    size_t n = (size_t)(e - s);
    if (n == 0) { snprintf(err, errlen, "%s: the token file is empty", path); return -1; }
    if (n > 255 || n >= cap) { snprintf(err, errlen, "%s: the token is longer than 255 characters", path); return -1; }
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e) {
            snprintf(err, errlen, "%s: the token must be printable ASCII without spaces", path);
            return -1;
        }
    memcpy(out, s, n + 1);
    return 0;
}

int web_valid_id(const char *id)
{
    size_t n = 0;
    for (const char *p = id; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '@'))
            return 0;
    }
    return n >= 1 && n <= 64;
}

int web_token_equal(const char *a, const char *b)
{
    /* every byte of the longer string is looked at, whatever matches */
    size_t la = strlen(a), lb = strlen(b), n = la > lb ? la : lb;
    volatile unsigned char diff = (unsigned char)(la != lb);
    for (size_t i = 0; i < n; i++) {
        unsigned char x = i < la ? (unsigned char)a[i] : 0, y = i < lb ? (unsigned char)b[i] : 0;
        diff |= (unsigned char)(x ^ y);
    }
    return diff == 0;
}
