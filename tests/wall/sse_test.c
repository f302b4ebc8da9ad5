/* tests/wall/sse_test.c -- a slow browser loses messages, counted, and never holds up the one who
 * publishes (the analysis thread in `tonemon live`): the event-stream hub (tools/web_sse.c)
 * behind a real libmicrohttpd server. First a client that reads: 300 messages of 8 kB published
 * 2 ms apart into a 64-slot log all arrive, none dropped. Then a client that stops reading while
 * 2000 more (16 MB, far more than the socket buffers) are published: every message is either
 * received or counted as dropped, and no publish waits for the client. */
#include "web_http.h"
#include "web_sse.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define N 2000
#define SIZE 8192

static web_hub *hub;
static int reader_fd, reader_tail;
static long reader_got;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **ctx)
{
    (void)cls; (void)method; (void)version; (void)data; (void)size; (void)ctx;
    if (!strcmp(url, "/events")) return hub_serve(hub, c);
    return web_reply_text(c, MHD_HTTP_NOT_FOUND, "no\n");
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Reads what arrives until nothing has for quiet_s; counts "id: " lines (across reads). */
static long drain(int fd, double quiet_s, int *tail)
{
    static const char pat[] = "\nid: ";
    char buf[65536];
    long ids = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)(quiet_s * 1000)) <= 0) break;
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        for (ssize_t i = 0; i < n; i++) {   /* a small matcher that survives split reads */
            *tail = buf[i] == pat[*tail] ? *tail + 1 : buf[i] == pat[0] ? 1 : 0;
            if (*tail == (int)sizeof pat - 1) { ids++; *tail = 0; }
        }
    }
    return ids;
}

static int connect_events(int port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in to = {0};
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const char req[] = "GET /events HTTP/1.1\r\nHost: test\r\n\r\n";
    if (connect(fd, (struct sockaddr *)&to, sizeof to) || send(fd, req, sizeof req - 1, 0) < 0) { perror("connect"); exit(1); }
    return fd;
}

static void *reader(void *arg)
{
    (void)arg;
    reader_got = drain(reader_fd, 1.5, &reader_tail);
    return NULL;
}

static void make(char *msg, int i)
{
    int k = snprintf(msg, SIZE + 1, "{\"type\":\"speech\",\"i\":%d,\"pad\":\"", i);
    memset(msg + k, 'x', (size_t)(SIZE - k - 2));
    memcpy(msg + SIZE - 2, "\"}", 3);
}

int main(void)
{
    int failed = 0;
    hub = hub_create(64, 10.0, NULL, NULL, 0);
    struct sockaddr_storage sa;
    socklen_t len;
    char err[300];
    if (!hub || web_parse_addr("127.0.0.1:0", "127.0.0.1", &sa, &len, err, sizeof err)) { fprintf(stderr, "setup\n"); return 1; }
    struct MHD_Daemon *d = web_listen(&sa, 8, handler, NULL, NULL, err, sizeof err);
    if (!d) { fprintf(stderr, "%s\n", err); return 1; }
    int port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    char *msg = malloc(SIZE + 1);
    /* a client that reads */
    reader_fd = connect_events(port, 0);
    drain(reader_fd, 0.3, &reader_tail);
    pthread_t th;
    pthread_create(&th, NULL, reader, NULL);
    for (int i = 0; i < 300; i++) {
        make(msg, i);
        hub_publish(hub, msg);
        struct timespec ts = {0, 2000000L};
        nanosleep(&ts, NULL);
    }
    pthread_join(th, NULL);
    close(reader_fd);
    printf("a client that reads: received %ld of 300, %zu dropped\n", reader_got, hub_dropped(hub));
    if (reader_got != 300 || hub_dropped(hub) != 0) { fprintf(stderr, "FAIL: a reading client lost messages\n"); failed = 1; }
    /* a client that stops reading, on a server of its own */
    hub_close(hub);
    MHD_stop_daemon(d);
    hub_destroy(hub);
    hub = hub_create(64, 10.0, NULL, NULL, 0);
    d = web_listen(&sa, 8, handler, NULL, NULL, err, sizeof err);
    if (!hub || !d) { fprintf(stderr, "setup: %s\n", err); return 1; }
    port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    int fd = connect_events(port, 4096);
    int tail = 0;
    long got = drain(fd, 0.3, &tail);        /* the headers and the retry line */
    double worst = 0.0;
    for (int i = 0; i < N; i++) {            /* the client reads nothing meanwhile */
        make(msg, i);
        double t0 = now_s();
        hub_publish(hub, msg);
        double dt = now_s() - t0;
        if (dt > worst) worst = dt;
    }
    got += drain(fd, 1.0, &tail);            /* the client wakes up and reads what is left */
    size_t dropped = hub_dropped(hub);
    printf("published %d messages of %d bytes into a 64-slot log to a client that stopped reading: received %ld, %zu counted as dropped; "
           "slowest publish %.3f ms\n", N, SIZE, got, dropped, worst * 1000);
    if (dropped == 0) { fprintf(stderr, "FAIL: a client that stopped reading lost nothing (the test did not stall it)\n"); failed = 1; }
    if ((size_t)got + dropped != N) { fprintf(stderr, "FAIL: %ld received + %zu dropped != %d published\n", got, dropped, N); failed = 1; }
    /* a publish that waited for the client would wait forever; 200 ms allows a loaded machine's preemption */
    if (worst > 0.200) { fprintf(stderr, "FAIL: a publish took %.1f ms: it waited for the client\n", worst * 1000); failed = 1; }
    close(fd);
    hub_close(hub);
    MHD_stop_daemon(d);
    hub_destroy(hub);
    free(msg);
    return failed;
}
