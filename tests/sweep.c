/* tests/sweep.c -- development tool: scores every synthesized condition over several seeds and
 * prints the tables (the figures in the issue notes come from here). Not a test. */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int seeds = argc > 1 ? atoi(argv[1]) : 3;
    double dur = argc > 2 ? atof(argv[2]) : 120.0;
    const char *only = argc > 3 ? argv[3] : NULL;
    int first = argc > 4 ? atoi(argv[4]) : 1;   /* one seed: sweep N DUR COND SEED */
    if (argc > 4) seeds = first;
    score_verbose = getenv("VERBOSE") != NULL;
    for (int k = 0; k < harness_n_conditions; k++) {
        const condition *c = &harness_conditions[k];
        if (only && strcmp(only, c->name)) continue;
        score_tally t;
        memset(&t, 0, sizeof t);
        /* SET=field=value,... overrides thresholds (by their profile names) for experiments */
        tm_config cfg = tm_config_default(c->rate_hz);
        if (getenv("SET")) {
            char buf[512];
            snprintf(buf, sizeof buf, "%s", getenv("SET"));
            size_t nf;
            const tm_config_field *fl = tm_config_fields(&nf);
            for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
                char *eq = strchr(tok, '=');
                if (!eq) continue;
                *eq = 0;
                for (size_t i = 0; i < nf; i++)
                    if (!strcmp(fl[i].name, tok)) {
                        if (fl[i].is_int) *(int *)((char *)&cfg + fl[i].offset) = atoi(eq + 1);
                        else *(float *)((char *)&cfg + fl[i].offset) = (float)atof(eq + 1);
                    }
            }
        }
        for (int s = first; s <= seeds; s++) harness_run(c, (uint64_t)s, c->monologue ? dur + 60 : dur, &cfg, 4096, &t);
        printf("== %s (%d seeds x %.0f s)\n", c->name, seeds, dur);
        score_print(stdout, &t);
    }
    return 0;
}
