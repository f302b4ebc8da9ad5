/* tools/cli/main.c -- the tonemon program: subcommand dispatch (options: args.c). */
#include "cli.h"
#include "term.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int load_profile(tm_profile *p, const char *path)
{
    char err[512];
    profile_default(p);
    if (!path) return 0;
    if (profile_load(p, path, err, sizeof err)) {
        char name[600], why[600];    /* the path and the file's own keys are shown escaped */
        fprintf(stderr, "tonemon: %s: bad profile: %s\n", term_escape(path, name, sizeof name),
                term_escape(err, why, sizeof why));
        return -1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fputs("tonemon " TM_VERSION_STRING " -- speech-side tone monitor for contact-center calls\n"
          "\n"
          "usage: tonemon <command> [options]\n"
          "\n"
          "commands:\n"
          "  analyze   analyse recorded calls: events, frames, summary, HTML report\n"
          "  live      listen to a call through the sound card and raise alerts as they happen\n"
          "  replay    play a recorded call with its alerts appearing as they would have live\n"
          "  devices   list the audio devices\n"
          "  synth     write a synthetic call with its exact truth (for tests and calibration)\n"
          "  eval      score calls against their labels (precision, recall, F1, latency)\n"
          "  calibrate search the thresholds for labelled calls and write a profile\n"
          "  wall      the supervisor's wall: the agents' live calls as tiles in a browser\n"
          "  index     one index (HTML, CSV, rollups) over the output folders of several runs\n"
          "  bench     measure the speed and memory of the analysis\n"
          "  profile   print the built-in default profile, or check a profile file\n"
          "  help      this text\n"
          "\n"
          "tonemon <command> --help shows the options of a command.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) { usage(stderr); return 2; }
    const char *c = argv[1];
    if (!strcmp(c, "--version") || !strcmp(c, "version")) { puts("tonemon " TM_VERSION_STRING); return 0; }
    if (!strcmp(c, "help") || !strcmp(c, "--help") || !strcmp(c, "-h")) { usage(stdout); return 0; }
    if (!strcmp(c, "analyze")) return cmd_analyze(argc - 1, argv + 1);
    if (!strcmp(c, "synth")) return cmd_synth(argc - 1, argv + 1);
    if (!strcmp(c, "bench")) return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(c, "profile")) return cmd_profile(argc - 1, argv + 1);
    if (!strcmp(c, "eval")) return cmd_eval(argc - 1, argv + 1);
#ifdef TONEMON_WITH_PORTAUDIO
    if (!strcmp(c, "devices")) return cmd_devices(argc - 1, argv + 1);
    if (!strcmp(c, "live")) return cmd_live(argc - 1, argv + 1);
    if (!strcmp(c, "replay")) return cmd_replay(argc - 1, argv + 1);
#else
    if (!strcmp(c, "devices") || !strcmp(c, "live") || !strcmp(c, "replay")) {
        fprintf(stderr, "tonemon: built without PortAudio (-DTONEMON_WITH_PORTAUDIO=OFF): no '%s'\n", c);
        return 2;
    }
#endif
    if (!strcmp(c, "calibrate")) return cmd_calibrate(argc - 1, argv + 1);
    if (!strcmp(c, "wall")) return cmd_wall(argc - 1, argv + 1);
    if (!strcmp(c, "index")) return cmd_index(argc - 1, argv + 1);
    char name[200];
    fprintf(stderr, "tonemon: unknown command '%s' (try 'tonemon help')\n", term_escape(c, name, sizeof name));
    return 2;
}
