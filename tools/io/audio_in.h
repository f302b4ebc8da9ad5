/* tools/io/audio_in.h -- streaming audio input for the front ends: any file libsndfile reads, a
 * channel map or two mono files, resampled to the analysis rate with libsoxr. */
#ifndef TM_AUDIO_IN_H
#define TM_AUDIO_IN_H
#include <sndfile.h>
#include <soxr.h>
#include <stdint.h>

typedef struct {
    SNDFILE *sf[2];
    SF_INFO info[2];
    int pair;                  /* two mono files */
    int map[2];                /* channel of the file (or file index) for agent, caller */
    int nout;                  /* 2, or 1 for a mono mix */
    int in_rate, out_rate;
    soxr_t soxr;
    int eof, flushed;
    float *raw, *pick, *res;   /* scratch: file frames, picked channels, resampled */
    size_t block, res_cap, res_len, res_pos;
    int64_t nonfinite, clipped, frames_read;
    int64_t file_frames_read[2];   /* per file, at its own rate: to find a truncated file */
    int64_t promised_frames[2];    /* what the file's header promised */
    double peak;
    char name[512];
} audio_in;

/* Opens one file. agent_ch/caller_ch < 0 mean the default map (0 and 1 for a stereo file; a mono
 * file becomes one "mix" channel; more than 2 channels need a map). On failure writes a message
 * naming the problem (not the file) into err and returns -1. */
int  audio_open(audio_in *a, const char *path, int agent_ch, int caller_ch, char *err, size_t errlen);
int  audio_open_pair(audio_in *a, const char *agent, const char *caller, char *err, size_t errlen);
/* Reads up to max frames at out_rate into ch0 (and ch1 when nout is 2). Returns frames read,
 * 0 at the end, -1 on a read error (message in err). */
long audio_read(audio_in *a, float *ch0, float *ch1, size_t max, char *err, size_t errlen);
/* Total frames at out_rate if known, else -1. */
int64_t audio_frames(const audio_in *a);
void audio_close(audio_in *a);
/* After audio_read returned 0: 1 if a file held less audio than its header promised (it was cut
 * short: more than 10 ms missing), with the file (0, or 1 for the caller of a pair) and both
 * lengths in seconds; else 0. What was there has been read and analysed. */
int  audio_shortfall(const audio_in *a, int *which, double *promised_s, double *actual_s);
/* Analysis rate for an input rate: 8-16 kHz kept, anything higher brought to 16 kHz. */
int  audio_analysis_rate(int in_rate);

#endif
