/* tools/cmd_profile.c -- `tonemon profile`: print the built-in profile, or check a file. */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_profile(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: tonemon profile            print the built-in default profile (models/default.json)\n"
             "       tonemon profile --check FILE  check a profile; prints the first problem");
        return 0;
    }
    if (argc >= 3 && !strcmp(argv[1], "--check")) {
        tm_profile p;
        if (load_profile(&p, argv[2])) return 1;
        printf("%s: ok (profile \"%s\")\n", argv[2], p.name);
        return 0;
    }
    if (argc > 1) { fprintf(stderr, "tonemon profile: unknown argument %s\n", argv[1]); return 2; }
    tm_profile p;
    profile_default(&p);
    char *s = profile_to_json(&p, NULL);
    if (!s) return 1;
    puts(s);
    free(s);
    return 0;
}
