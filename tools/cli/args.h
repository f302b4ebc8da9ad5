/* tools/cli/args.h -- the one option layer of the tonemon commands (getopt_long underneath): a
 * command lists its options in a table, and every command then takes `--opt value` and
 * `--opt=value`, rejects an option it does not know with the nearest one it does ("did you
 * mean --events?"), checks number ranges and prints its errors in one style. Options are exact:
 * an abbreviation is a typo, not a guess. */
#ifndef TM_ARGS_H
#define TM_ARGS_H

typedef enum {
    ARG_FLAG,    /* no value; sets *(int *)dst = 1 */
    ARG_STR,     /* *(const char **)dst = the value (argv's own string) */
    ARG_INT,     /* *(int *)dst, whole number in lo..hi */
    ARG_DOUBLE,  /* *(double *)dst, in lo..hi */
    ARG_FN       /* fn(cmd, "--name", value, dst): 0 taken, else it printed why not */
} arg_kind;

typedef struct {
    const char *name;    /* long name without the dashes; NULL ends the table */
    int short_name;      /* 'j' for -j, or 0 */
    arg_kind kind;
    void *dst;
    double lo, hi;       /* ARG_INT, ARG_DOUBLE */
    int (*fn)(const char *cmd, const char *opt, const char *value, void *dst);
} arg_spec;

enum { ARGS_OK = 0, ARGS_HELP = 1, ARGS_BAD = 2 };
/* Parses argv[1..argc-1] (argv[0] is the command's name) against spec; --help and -h give
 * ARGS_HELP. The operands (files) keep their order and end up at argv[*first..argc-1]. On
 * ARGS_BAD one line saying why is on stderr. */
int args_parse(const char *cmd, int argc, char **argv, const arg_spec *spec, int *first);

/* A number argument of an option; prints a usage error and returns -1 if it is not one. */
int arg_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out);
int arg_int(const char *cmd, const char *opt, const char *s, int lo, int hi, int *out);
/* The option of spec nearest to the name given (edit distance), or NULL if none is close. */
const char *args_nearest(const arg_spec *spec, const char *given);

#endif
