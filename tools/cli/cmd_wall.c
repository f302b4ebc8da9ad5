/* tools/cli/cmd_wall.c -- `tonemon wall`: the supervisor's wall (tools/wall.c) until Ctrl-C/SIGTERM. */
#include "cli.h"
#include "term_live.h"
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
    double max_body = (double)o.max_body;
    const arg_spec spec[] = {
        {"listen", 0, ARG_STR, &o.listen, 0, 0, NULL},
        {"token-file", 0, ARG_STR, &token_file, 0, 0, NULL},
        {"max-body", 0, ARG_DOUBLE, &max_body, 1024, 64 << 20, NULL},
        {"rate", 0, ARG_DOUBLE, &o.rate_per_s, 0.1, 100000, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, rc = args_parse("wall", argc, argv, spec, &first);
    if (rc == ARGS_HELP) { help(stdout); return 0; }
    if (rc || first < argc) {
        if (!rc) fprintf(stderr, "tonemon wall: %s: unknown argument\n", tesc(argv[first]));
        help(stderr);
        return 2;
    }
    o.max_body = (size_t)max_body;
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
