/* tools/cli/args.c -- the option layer of the commands (args.h). */
#include "args.h"
#include "term.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPTS 64

int arg_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : NAN;
    if (!s || end == s || *end || errno || !(v >= lo && v <= hi)) {
        char got[200];
        fprintf(stderr, "tonemon %s: %s needs a number in %g..%g (got '%s')\n", cmd, opt, lo, hi,
                term_escape(s, got, sizeof got));
        return -1;
    }
    *out = v;
    return 0;
}

int arg_int(const char *cmd, const char *opt, const char *s, int lo, int hi, int *out)
{
    double v;
    if (arg_double(cmd, opt, s, lo, hi, &v)) return -1;
    if (v != floor(v)) {
        char got[200];
        fprintf(stderr, "tonemon %s: %s needs a whole number (got '%s')\n", cmd, opt, term_escape(s, got, sizeof got));
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Levenshtein distance of a[0..na) and b, capped rows of 64. */
static int distance(const char *a, size_t na, const char *b)
{
    size_t nb = strlen(b);
    if (na > 63 || nb > 63) return 99;
    int row[64];
    for (size_t j = 0; j <= nb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= na; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= nb; j++) {
            int up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[nb];
}

const char *args_nearest(const arg_spec *spec, const char *given)
{
    while (*given == '-') given++;
    size_t n = strcspn(given, "=");
    const char *best = NULL;
    int bestd = 99;
    for (const arg_spec *s = spec; s->name; s++) {
        int d = distance(given, n, s->name);
        /* a prefix is a typo too (--even for --events): it costs only the letters missing */
        if (n >= 3 && !strncmp(given, s->name, n)) d = 1;
        if (d < bestd) { bestd = d; best = s->name; }
    }
    int d = distance(given, n, "help");
    if (d < bestd) { bestd = d; best = "help"; }
    return bestd <= (n < 6 ? 2 : 3) ? best : NULL;
}

static void unknown(const char *cmd, const arg_spec *spec, const char *tok)
{
    char esc[200];
    const char *near = tok[0] == '-' && tok[1] == '-' ? args_nearest(spec, tok) : NULL;
    if (!near && tok[0] == '-' && tok[1] != '-') {
        /* -x: a short option, or a long one given with one dash (-events) */
        near = strlen(tok) > 2 ? args_nearest(spec, tok) : NULL;
    }
    fprintf(stderr, "tonemon %s: unknown option %s", cmd, term_escape(tok, esc, sizeof esc));
    if (near) fprintf(stderr, " (did you mean --%s?)", near);
    fputc('\n', stderr);
}

static int take(const char *cmd, const arg_spec *s, const char *value)
{
    char opt[80];
    snprintf(opt, sizeof opt, "--%s", s->name);
    switch (s->kind) {
    case ARG_FLAG: *(int *)s->dst = 1; return 0;
    case ARG_STR: *(const char **)s->dst = value; return 0;
    case ARG_INT: return arg_int(cmd, opt, value, (int)s->lo, (int)s->hi, (int *)s->dst);
    case ARG_DOUBLE: return arg_double(cmd, opt, value, s->lo, s->hi, (double *)s->dst);
    case ARG_FN: return s->fn(cmd, opt, value, s->dst);
    }
    return -1;
}

int args_parse(const char *cmd, int argc, char **argv, const arg_spec *spec, int *first)
{
    struct option lo[MAX_OPTS + 2];
    char shorts[2 * MAX_OPTS + 4] = ":h";
    size_t ns = 2;
    int n = 0;
    for (const arg_spec *s = spec; s->name && n < MAX_OPTS; s++, n++) {
        lo[n].name = s->name;
        lo[n].has_arg = s->kind == ARG_FLAG ? no_argument : required_argument;
        lo[n].flag = NULL;
        lo[n].val = 256 + n;
        if (s->short_name) {
            shorts[ns++] = (char)s->short_name;
            if (s->kind != ARG_FLAG) shorts[ns++] = ':';
            shorts[ns] = 0;
        }
    }
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n + 1] = (struct option){NULL, 0, NULL, 0};
    optind = 0;      /* glibc: start afresh (a second parse in one process) */
    opterr = 0;      /* our messages, not getopt's */
    for (;;) {
        int idx = -1;
        int c = getopt_long(argc, argv, shorts, lo, &idx);
        if (c == -1) break;
        if (c == 'h') return ARGS_HELP;
        if (c == '?' && optopt >= 256 && optopt < 256 + n) {
            fprintf(stderr, "tonemon %s: --%s takes no value\n", cmd, spec[optopt - 256].name);
            return ARGS_BAD;
        }
        if (c == '?' && optopt) {
            char t[3] = {'-', (char)optopt, 0};
            unknown(cmd, spec, t);
            return ARGS_BAD;
        }
        if (c == '?') {
            unknown(cmd, spec, argv[optind - 1]);
            return ARGS_BAD;
        }
        if (c == ':') {
            if (optopt >= 256 && optopt < 256 + n) fprintf(stderr, "tonemon %s: --%s needs a value\n", cmd, spec[optopt - 256].name);
            else fprintf(stderr, "tonemon %s: -%c needs a value\n", cmd, optopt);
            return ARGS_BAD;
        }
        const arg_spec *s = NULL;
        if (c >= 256) {
            s = &spec[c - 256];
            /* the word parsed: the option, or the one before its separate value */
            const char *tok = optarg && optind >= 2 && argv[optind - 1] == optarg ? argv[optind - 2] : argv[optind - 1];
            /* getopt_long takes unambiguous abbreviations; we take only the whole name */
            size_t L = strlen(s->name);
            if (strncmp(tok, "--", 2) || strncmp(tok + 2, s->name, L) || (tok[2 + L] && tok[2 + L] != '=')) {
                unknown(cmd, spec, tok);
                return ARGS_BAD;
            }
        } else {
            for (const arg_spec *t = spec; t->name; t++)
                if (t->short_name == c) { s = t; break; }
        }
        if (!s || take(cmd, s, optarg)) return ARGS_BAD;
    }
    *first = optind;
    return ARGS_OK;
}
