/* tools/io/audio_dev.h -- the sound devices (PortAudio). */
#ifndef TM_AUDIO_DEV_H
#define TM_AUDIO_DEV_H
#include <stdio.h>

/* Pa_Initialize with ALSA's and JACK's own messages silenced; 0, or -1 after printing why. */
int audio_dev_start(void);
/* A device by index or by (part of) its name; input or output. -1 if none. */
int audio_dev_find(const char *spec, int want_input);
/* The devices as a table to out: index, host API, input and output channels, default rate,
 * name. 0, or 1 after printing why not. */
int audio_dev_list(FILE *out);

#endif
