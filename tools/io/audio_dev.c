/* tools/io/audio_dev.c -- PortAudio started without the probing noise of ALSA and JACK, and the
 * devices found by index or by name (audio_dev.h). */
#include "audio_dev.h"
#include "term_live.h"
#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void alsa_quiet(const char *file, int line, const char *fn, int err, const char *fmt, ...)
{
    (void)file; (void)line; (void)fn; (void)err; (void)fmt;
}
static void jack_quiet(const char *msg) { (void)msg; }

int audio_dev_start(void)
{
    /* ALSA and JACK print dozens of probing lines on a machine without a sound card; an agent
     * should see tonemon's own messages only. */
    snd_lib_error_set_handler(alsa_quiet);
    jack_set_error_function(jack_quiet);
    jack_set_info_function(jack_quiet);
    PaError e = Pa_Initialize();
    if (e != paNoError) {
        fprintf(stderr, "tonemon: audio system: %s\n", Pa_GetErrorText(e));
        return -1;
    }
    return 0;
}

/* A device by index or by (part of) its name; input or output. -1 if none. */
int audio_dev_find(const char *spec, int want_input)
{
    int n = Pa_GetDeviceCount();
    char *end;
    long idx = strtol(spec, &end, 10);
    if (*spec && !*end) {
        if (idx < 0 || idx >= n) return -1;
        const PaDeviceInfo *d = Pa_GetDeviceInfo((PaDeviceIndex)idx);
        return d && (want_input ? d->maxInputChannels : d->maxOutputChannels) > 0 ? (int)idx : -1;
    }
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        if (d && strstr(d->name, spec) && (want_input ? d->maxInputChannels : d->maxOutputChannels) > 0) return i;
    }
    return -1;
}

int audio_dev_list(FILE *out)
{
    if (audio_dev_start()) return 1;
    int n = Pa_GetDeviceCount();
    if (n < 0) {
        fprintf(stderr, "tonemon: audio system: %s\n", Pa_GetErrorText(n));
        Pa_Terminate();
        return 1;
    }
    fprintf(out, "index\thost_api\tinputs\toutputs\trate_hz\tname\n");
    for (int i = 0; i < n; i++) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        const PaHostApiInfo *h = d ? Pa_GetHostApiInfo(d->hostApi) : NULL;
        if (d) fprintf(out, "%d\t%s\t%d\t%d\t%.0f\t%s\n", i, h ? tesc(h->name) : "?", d->maxInputChannels,
                       d->maxOutputChannels, d->defaultSampleRate, tesc(d->name));
    }
    if (n == 0) fprintf(stderr, "tonemon: no audio devices found\n");
    Pa_Terminate();
    return 0;
}
