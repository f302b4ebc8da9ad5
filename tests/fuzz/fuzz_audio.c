/* tests/fuzz/fuzz_audio.c -- an audio file from arbitrary bytes (a memfd, so the real file path
 * of the front end runs: libsndfile, the channel map, libsoxr) through the analyzer. */
#include "call.h"
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("fuzz-audio", 0);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) { close(fd); return 0; }
    char path[64], err[600];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    audio_in in;
    tm_profile p;
    profile_default(&p);
    if (audio_open(&in, path, -1, -1, err, sizeof err) == 0) {
        /* cap the decoded length: a header may claim hours */
        call_result r;
        if (audio_frames(&in) < 48000 * 120 && call_analyze(&p, &in, NULL, NULL, &r, err, sizeof err) == 0)
            call_free(&r);
    }
    audio_close(&in);
    close(fd);
    return 0;
}
