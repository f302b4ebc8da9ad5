/* tools/cli/cmd_live.c -- `tonemon devices`, `tonemon live` and `tonemon replay`: their options;
 * the capture and the replay run in tools/io/live_capture.c. */
#include "cli.h"
#include "audio_dev.h"
#include "live_capture.h"
#include "term_live.h"
#include <stdio.h>

int cmd_devices(int argc, char **argv)
{
    const arg_spec none[] = {{NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("devices", argc, argv, none, &first);
    if (prc == ARGS_HELP) {
        puts("usage: tonemon devices\nLists the audio devices: index, host API, input and output channels, default rate.");
        return 0;
    }
    if (prc) return 2;
    if (first < argc) { fprintf(stderr, "tonemon devices: unknown argument %s\n", tesc(argv[first])); return 2; }
    return audio_dev_list(stdout);
}

/* The options of the live web view and the wall (web_live.h), shared by live and replay. */
#define WEB_SPECS(o) \
    {"web", 0, ARG_STR, &(o).web, 0, 0, NULL}, {"report-to", 0, ARG_STR, &(o).report_to, 0, 0, NULL}, \
    {"agent-id", 0, ARG_STR, &(o).agent_id, 0, 0, NULL}, {"token-file", 0, ARG_STR, &(o).token_file, 0, 0, NULL}

static void help_live(FILE *f)
{
    fputs("usage: tonemon live [--device DEV] [--agent-channel N --caller-channel N]\n"
          "                    [--agent-device DEV --caller-device DEV] [--rate HZ] [--profile P]\n"
          "                    [--events PATH] [--alerts PATH] [--summary PATH] [--duration S] [--quiet]\n"
          "Captures both sides of a call and raises alerts as they happen. DEV is an index or part of a\n"
          "name from `tonemon devices`. One device with two channels (agent = 0, caller = 1 unless\n"
          "mapped) or two devices (the agent's microphone and a loopback of the caller's side).\n"
          "--events streams the final events as JSON Lines (flushed per event); --alerts writes each alert\n"
          "with the wall-clock time it was shown; --summary is written when the call ends (Ctrl-C or\n"
          "--duration). A device (either of two) that delivers nothing for 2 s ends the call: it is named on\n"
          "stderr and the outputs of the call so far are written. With --events - the alerts go to stderr.\n"
          "Exit status: 0 ended normally, 1 a device failed or stalled (outputs so far are kept).\n", f);
    fputs(web_opts_help, f);
}

int cmd_live(int argc, char **argv)
{
    const char *profile = NULL;
    web_opts wo = {0};
    capture_opts o = {.agent_ch = 0, .caller_ch = 1, .web = &wo};
    const arg_spec opts[] = {
        {"device", 0, ARG_STR, &o.dev, 0, 0, NULL},
        {"agent-device", 0, ARG_STR, &o.agent_dev, 0, 0, NULL},
        {"caller-device", 0, ARG_STR, &o.caller_dev, 0, 0, NULL},
        {"events", 0, ARG_STR, &o.events, 0, 0, NULL},
        {"alerts", 0, ARG_STR, &o.alerts, 0, 0, NULL},
        {"summary", 0, ARG_STR, &o.summary, 0, 0, NULL},
        {"profile", 0, ARG_STR, &profile, 0, 0, NULL},
        {"quiet", 0, ARG_FLAG, &o.quiet, 0, 0, NULL},
        {"agent-channel", 0, ARG_INT, &o.agent_ch, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &o.caller_ch, 0, 255, NULL},
        {"rate", 0, ARG_INT, &o.rate, 8000, 48000, NULL},
        {"duration", 0, ARG_DOUBLE, &o.duration_s, 0.1, 86400, NULL},
        WEB_SPECS(wo),
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("live", argc, argv, opts, &first);
    if (prc == ARGS_HELP) { help_live(stdout); return 0; }
    if (prc) return 2;
    if (first < argc) { fprintf(stderr, "tonemon live: unknown argument %s\n", tesc(argv[first])); help_live(stderr); return 2; }
    if ((o.agent_dev != NULL) != (o.caller_dev != NULL) || (o.agent_dev && o.dev)) {
        fprintf(stderr, "tonemon live: give --device, or both --agent-device and --caller-device\n");
        return 2;
    }
    tm_profile prof;
    if (load_profile(&prof, profile)) return 2;
    return live_capture_run(&o, &prof);
}

static void help_replay(void)
{
    puts("usage: tonemon replay [--speed X] [--no-audio] [--device DEV] [--profile P] [--events PATH]\n"
         "                      [--alerts PATH] [--summary PATH] [--quiet] FILE\n"
         "Plays a recorded call (through DEV, default output) while the live pipeline runs on it, so\n"
         "the alerts appear when they would have. --speed X goes X times faster (without sound);\n"
         "--no-audio paces by the clock without a device. One call at a time; with --events - the\n"
         "alerts go to stderr, so stdout stays JSON Lines.");
    fputs(web_opts_help, stdout);
}

int cmd_replay(int argc, char **argv)
{
    const char *profile = NULL;
    web_opts wo = {0};
    replay_opts o = {.agent_ch = -1, .caller_ch = -1, .speed = 1.0, .web = &wo};
    const arg_spec opts[] = {
        {"events", 0, ARG_STR, &o.events, 0, 0, NULL},
        {"alerts", 0, ARG_STR, &o.alerts, 0, 0, NULL},
        {"summary", 0, ARG_STR, &o.summary, 0, 0, NULL},
        {"profile", 0, ARG_STR, &profile, 0, 0, NULL},
        {"device", 0, ARG_STR, &o.dev, 0, 0, NULL},
        {"no-audio", 0, ARG_FLAG, &o.no_audio, 0, 0, NULL},
        {"quiet", 0, ARG_FLAG, &o.quiet, 0, 0, NULL},
        {"speed", 0, ARG_DOUBLE, &o.speed, 0.1, 1000, NULL},
        {"agent-channel", 0, ARG_INT, &o.agent_ch, 0, 255, NULL},
        {"caller-channel", 0, ARG_INT, &o.caller_ch, 0, 255, NULL},
        WEB_SPECS(wo),
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int first, prc = args_parse("replay", argc, argv, opts, &first);
    if (prc == ARGS_HELP) { help_replay(); return 0; }
    if (prc) return 2;
    if (argc - first > 1) {
        fprintf(stderr, "tonemon replay: one call at a time (got %s and %s)\n", tesc(argv[first]), tesc(argv[first + 1]));
        return 2;
    }
    if (first < argc) o.file = argv[first];
    if (!o.file) { fprintf(stderr, "tonemon replay: no file (try --help)\n"); return 2; }
    tm_profile prof;
    if (load_profile(&prof, profile)) return 2;
    return live_replay_run(&o, &prof);
}
