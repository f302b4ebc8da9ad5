/* tests/wall/wall_bench.c TONEMON [AGENTS] [SECONDS] -- a benchmark, not a test: how many events a
 * second `tonemon wall` takes, and how much of one core that costs, against what AGENTS agents
 * (default 500) send. It starts the wall, then 4 client threads post for SECONDS (default 10)
 * as fast as the wall answers, round-robin over the agents, each post as `--report-to` makes
 * them: a batch of events of a call (3 here) and the state heartbeat. The wall's CPU comes from
 * /proc. An agent on a call sends about 1 event and 1 post a second (a 3-minute synthesized call
 * has about 150 events); the figure to compare is events/s per core against AGENTS x that. */
#include <curl/curl.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define THREADS 4
#define EVENTS_PER_POST 3
static const char *url;
static int agents;
static double until;
static atomic_ullong posts, events, failures;
static char token[64];

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }

static void *client(void *arg)
{
    int me = (int)(intptr_t)arg, k_agent = 0;   /* this thread posts for agents me, me + THREADS, ... */
    CURL *c = curl_easy_init();
    char full[256], auth[128];
    snprintf(full, sizeof full, "%sreport", url);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, auth);
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, full);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    unsigned long long *seq = calloc((size_t)agents, sizeof *seq);
    char *body = malloc(8192);
    while (now_s() < until) {
        int a = me + THREADS * k_agent;
        if (a >= agents) { k_agent = 0; a = me; }
        k_agent++;
        double t = (double)seq[a] * 0.7;
        int n = snprintf(body, 8192, "{\"agent\":\"bench%04d\",\"call\":\"call%04d\",\"seq\":%llu,\"oldest\":0,\"dropped\":0,\"events\":[", a, a, seq[a]);
        for (int k = 0; k < EVENTS_PER_POST; k++)
            n += snprintf(body + n, (size_t)(8192 - n), "%s{\"type\":\"speech\",\"speaker\":\"%s\",\"start\":%.2f,\"end\":%.2f,\"detected\":%.2f}",
                          k ? "," : "", k % 2 ? "caller" : "agent", t + k, t + k + 0.6, t + k + 0.05);
        n += snprintf(body + n, (size_t)(8192 - n),
                      "],\"state\":{\"type\":\"state\",\"session\":\"s\",\"t\":%.2f,\"channels\":2,\"level_db\":[-31.2,-120.0],"
                      "\"talking\":[1,0],\"talk_s\":[12.1,10.4],\"talk_share\":[0.538,0.462],\"counts\":{\"prompts\":1},"
                      "\"web_dropped\":0,\"ended\":false,\"prompt\":null}}", t);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)n);
        long code = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        if (code == 200) {
            seq[a] += EVENTS_PER_POST;
            atomic_fetch_add(&posts, 1);
            atomic_fetch_add(&events, EVENTS_PER_POST);
        } else atomic_fetch_add(&failures, 1);
    }
    free(seq);
    free(body);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return NULL;
}

static double cpu_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    unsigned long ut = 0, st = 0;
    /* fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (p) sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: wall_bench TONEMON [AGENTS] [SECONDS]\n"); return 2; }
    agents = argc > 2 ? atoi(argv[2]) : 500;
    double secs = argc > 3 ? atof(argv[3]) : 10.0;
    if (agents < 1 || secs <= 0) return 2;
    char tokfile[] = "/tmp/wall_bench_token.XXXXXX";
    int fd = mkstemp(tokfile);
    snprintf(token, sizeof token, "bench-%d-%ld", (int)getpid(), (long)time(NULL));
    if (fd < 0 || write(fd, token, strlen(token)) < 0) return 1;
    close(fd);
    int pipefd[2];
    if (pipe(pipefd)) return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 2);
        execl(argv[1], argv[1], "wall", "--listen", "127.0.0.1:0", "--token-file", tokfile, "--rate", "100000", (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    FILE *err = fdopen(pipefd[0], "r");
    char line[512], found[256] = "";
    while (fgets(line, sizeof line, err)) {
        char *h = strstr(line, "http://");
        if (h) { sscanf(h, "%255s", found); break; }
    }
    if (!*found) { fprintf(stderr, "wall_bench: the wall did not start\n"); return 1; }
    url = found;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double c0 = cpu_of(pid), t0 = now_s();
    until = t0 + secs;
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, client, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    double wall_cpu = cpu_of(pid) - c0, el = now_s() - t0;
    kill(pid, SIGTERM);
    unsigned long long taken = 0;
    while (fgets(line, sizeof line, err)) {   /* the wall's own count of the events it took */
        char *p = strstr(line, "posts, ");
        if (p) taken = strtoull(p + 7, NULL, 10);
    }
    waitpid(pid, NULL, 0);
    unlink(tokfile);
    if (taken != atomic_load(&events))
        fprintf(stderr, "wall_bench: the wall took %llu events, the clients posted %llu\n", taken, (unsigned long long)atomic_load(&events));
    double ev_s = (double)taken / el, posts_s = (double)atomic_load(&posts) / el;
    double core = wall_cpu / el, per_core = core > 0 ? ev_s / core : 0;
    double need_ev = agents * 1.0, need_posts = agents * 1.0;
    printf("agents\tseconds\tposts_per_s\tevents_per_s\twall_cpu_share\tevents_per_s_per_core\tfailed_posts\n");
    printf("%d\t%.1f\t%.0f\t%.0f\t%.2f\t%.0f\t%llu\n", agents, el, posts_s, ev_s, core, per_core,
           (unsigned long long)atomic_load(&failures));
    printf("%d agents on calls send about %.0f events/s in %.0f posts/s (heartbeats included); one core of the wall takes "
           "%.0f events/s in %.0f posts/s: %.1fx that\n", agents, need_ev, need_posts, per_core,
           core > 0 ? posts_s / core : 0, core > 0 ? (posts_s / core) / need_posts : 0);
    return 0;
}
