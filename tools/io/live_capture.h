/* tools/io/live_capture.h -- `tonemon live` and `tonemon replay` from the sound devices to the
 * live session (live_session.h): capture of one device with two channels or of two devices,
 * and a recorded call played through the analyzer at its own pace. */
#ifndef TM_LIVE_CAPTURE_H
#define TM_LIVE_CAPTURE_H
#include "profile.h"
#include "web_live.h"

typedef struct {
    const char *dev;                    /* one device with both sides (NULL: the default input) */
    const char *agent_dev, *caller_dev; /* or two: the agent's microphone, a loopback of the caller */
    int agent_ch, caller_ch;            /* channels of the one device */
    int rate;                           /* Hz; 0: the device's default */
    double duration_s;                  /* 0: until SIGINT/SIGTERM */
    const char *events, *alerts, *summary;
    int quiet;
    const web_opts *web;
} capture_opts;

/* Captures a call until a signal, --duration or a device that stops delivering. Returns the exit
 * status: 0 ended normally, 1 a device failed or stalled (outputs so far are kept), 2 a live
 * view could not start. */
int live_capture_run(const capture_opts *o, const tm_profile *prof);

typedef struct {
    const char *file, *dev;             /* the call; the output device (NULL: default) */
    int agent_ch, caller_ch;            /* channel map, -1 default */
    double speed;                       /* 1: real time with sound; else faster, silent */
    int no_audio, quiet;
    const char *events, *alerts, *summary;
    const web_opts *web;
} replay_opts;

/* Plays a recorded call while the live pipeline runs on it. Returns the exit status. */
int live_replay_run(const replay_opts *o, const tm_profile *prof);

#endif
