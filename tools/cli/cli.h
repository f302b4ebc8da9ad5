/* tools/cli/cli.h -- shared by the subcommands of the tonemon program. */
#ifndef TM_CLI_H
#define TM_CLI_H
#include "args.h"
#include "profile.h"

int cmd_analyze(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_wall(int argc, char **argv);
int cmd_index(int argc, char **argv);

/* Loads --profile or the built-in default; prints the one-line error itself. */
int load_profile(tm_profile *p, const char *path);

#endif
