/* tools/cmd_wall.c -- `tonemon wall`: the supervisor's wall (tools/wall.c) until Ctrl-C/SIGTERM. */
#include "cli.h"
#include "wall.h"
#include "web_http.h"
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop;
static void on_signal(int s) { (void)s; g_stop = 1; }

static void help(FILE *f)
{
    fputs("usage: tonemon wall --listen ADDR:PORT --token-file F [--max-body BYTES] [--rate N]\n"
          "Shows the agents that report to it (tonemon live|replay ... --report-to http://ADDR:PORT\n"
          "--agent-id NAME --token-file F) as tiles, worst first, updated live; a tile opens that agent's\n"
          "call so far. Open http://ADDR:PORT/ in a browser. Posts need the token of F (first line);\n"
          "larger than --max-body (default 262144) get 413; more than --rate posts a second from one\n"
          "agent (default 20) get 429. It listens on exactly ADDR (e.g. 127.0.0.1, or 0.0.0.0 for all).\n", f);
}

int cmd_wall(int argc, char **argv)
{
    wall_opts o = {NULL, NULL, 262144, 20.0, 5000};
    const char *token_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        double v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { help(stdout); return 0; }
        else if (!strcmp(a, "--listen") && next) { o.listen = next; i++; }
        else if (!strcmp(a, "--token-file") && next) { token_file = next; i++; }
        else if (!strcmp(a, "--max-body")) { if (arg_double("wall", a, next, 1024, 64 << 20, &v)) return 2; o.max_body = (size_t)v; i++; }
        else if (!strcmp(a, "--rate")) { if (arg_double("wall", a, next, 0.1, 100000, &v)) return 2; o.rate_per_s = v; i++; }
        else { fprintf(stderr, "tonemon wall: %s%s\n", a, next || a[0] != '-' ? ": unknown argument" : " needs a value"); help(stderr); return 2; }
    }
    if (!o.listen || !token_file) { fprintf(stderr, "tonemon wall: --listen ADDR:PORT and --token-file F are needed\n"); return 2; }
    char token[300], err[600];
    if (web_read_token(token_file, token, sizeof token, err, sizeof err)) { fprintf(stderr, "tonemon wall: %s\n", err); return 2; }
    o.token = token;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    wall *w = wall_start(&o, err, sizeof err);
    if (!w) { fprintf(stderr, "tonemon wall: %s\n", err); return 1; }
    fprintf(stderr, "tonemon: wall on %s\n", wall_url(w));
    while (!g_stop) pause();
    unsigned long long posts, events, refused;
    wall_counters(w, &posts, &events, &refused);
    wall_stop(w);
    fprintf(stderr, "tonemon: wall stopped: %llu posts, %llu events taken, %llu posts refused\n", posts, events, refused);
    return 0;
}
