/* tools/cli/cmd_profile.c -- `tonemon profile`: print the built-in profile, or check a file. */
#include "cli.h"
#include "term_live.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_profile(int argc, char **argv)
{
    const char *check = NULL;
    const arg_spec spec[] = {{"check", 0, ARG_STR, &check, 0, 0, NULL}, {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, rc = args_parse("profile", argc, argv, spec, &first);
    if (rc == ARGS_HELP) {
        puts("usage: tonemon profile            print the built-in default profile (models/default.json)\n"
             "       tonemon profile --check FILE  check a profile; prints the first problem");
        return 0;
    }
    if (rc) return 2;
    if (first < argc) { fprintf(stderr, "tonemon profile: unknown argument %s\n", tesc(argv[first])); return 2; }
    if (check) {
        tm_profile p;
        if (load_profile(&p, check)) return 1;
        printf("%s: ok (profile \"%s\")\n", tesc(check), p.name);
        return 0;
    }
    tm_profile p;
    profile_default(&p);
    char *s = profile_to_json(&p, NULL);
    if (!s) return 1;
    puts(s);
    free(s);
    return 0;
}
