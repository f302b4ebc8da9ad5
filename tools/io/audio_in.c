/* tools/io/audio_in.c -- file input. libsndfile decodes (WAV, FLAC, Ogg, AIFF, CAF, ...) to float;
 * the map picks the agent and caller channels; libsoxr (medium quality, linear phase) brings rates
 * above 16 kHz to 16 kHz, since speech features need nothing above 8 kHz and the analysis then
 * costs the same whatever the recording rate. Reads stream in blocks: memory does not grow with
 * the call's length. */
#include "audio_in.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 4096

int audio_analysis_rate(int in_rate) { return in_rate > 16000 ? 16000 : in_rate; }

static int setup(audio_in *a, char *err, size_t errlen)
{
    a->out_rate = audio_analysis_rate(a->in_rate);
    a->block = BLOCK;
    int ch = a->pair ? 1 : a->info[0].channels;
    a->raw = malloc(a->block * (size_t)ch * sizeof(float) * (a->pair ? 2 : 1));
    a->pick = malloc(a->block * 2 * sizeof(float));
    a->res_cap = (size_t)((double)a->block * a->out_rate / a->in_rate) + 64;
    a->res = malloc(a->res_cap * 2 * sizeof(float));
    if (!a->raw || !a->pick || !a->res) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (a->out_rate != a->in_rate) {
        soxr_error_t e;
        soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
        soxr_quality_spec_t q = soxr_quality_spec(SOXR_MQ, 0);
        a->soxr = soxr_create(a->in_rate, a->out_rate, (unsigned)a->nout, &e, &io, &q, NULL);
        if (!a->soxr) {
            snprintf(err, errlen, "cannot resample %d Hz: %s", a->in_rate, e);
            return -1;
        }
    }
    return 0;
}

static int check_rate(audio_in *a, int rate, char *err, size_t errlen)
{
    if (rate < 8000) {
        snprintf(err, errlen, "sample rate %d Hz is below 8000 Hz", rate);
        return -1;
    }
    if (rate > 384000) {
        snprintf(err, errlen, "sample rate %d Hz is not supported", rate);
        return -1;
    }
    a->in_rate = rate;
    return 0;
}

/* Bytes per frame of an uncompressed encoding, 0 for the others. */
static int frame_bytes(const SF_INFO *in)
{
    switch (in->format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8: case SF_FORMAT_PCM_U8: case SF_FORMAT_ULAW: case SF_FORMAT_ALAW: return in->channels;
    case SF_FORMAT_PCM_16: return 2 * in->channels;
    case SF_FORMAT_PCM_24: return 3 * in->channels;
    case SF_FORMAT_PCM_32: case SF_FORMAT_FLOAT: return 4 * in->channels;
    case SF_FORMAT_DOUBLE: return 8 * in->channels;
    default: return 0;
    }
}

/* The length the header promised. libsndfile trusts the file over the header: a WAV, W64 or AIFF
 * whose data chunk is cut short opens with the frames that are there, and the header's claim
 * is only in its log ("data : 3552000 (should be 2880)"). A compressed file (FLAC) keeps the
 * header's count and ends early when read, which audio_shortfall sees from the frames read. */
static int64_t header_frames(audio_in *a, int i)
{
    char log[8192];
    int64_t promised = a->info[i].frames;
    int fb = frame_bytes(&a->info[i]);
    if (!fb) return promised;
    log[0] = 0;
    sf_command(a->sf[i], SFC_GET_LOG_INFO, log, sizeof log);
    long long best = 0;
    int from_data = 0;
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
        char chunk[16];
        long long said, real;
        if (sscanf(line, " %15s : %lld (should be %lld)", chunk, &said, &real) != 3 || said <= real) continue;
        int data = !strcmp(chunk, "data") || !strcmp(chunk, "SSND");
        int whole = !strcmp(chunk, "RIFF") || !strcmp(chunk, "riff") || !strcmp(chunk, "FORM") || !strcmp(chunk, "RF64");
        if (data || (whole && !from_data)) { best = said - real; from_data |= data; }
    }
    return promised + best / fb;
}

static int open_one(audio_in *a, int i, const char *path, char *err, size_t errlen)
{
    memset(&a->info[i], 0, sizeof a->info[i]);
    a->sf[i] = sf_open(path, SFM_READ, &a->info[i]);
    if (!a->sf[i]) {
        const char *why = sf_strerror(NULL);
        FILE *f = fopen(path, "rb");
        if (!f) why = "cannot open file (missing or unreadable)";
        else {
            fseek(f, 0, SEEK_END);
            if (ftell(f) == 0) why = "empty file";
            fclose(f);
        }
        snprintf(err, errlen, "not a readable audio file: %s", why);
        return -1;
    }
    a->promised_frames[i] = header_frames(a, i);
    if (a->info[i].frames == 0) {
        if (a->promised_frames[i] > 0 && a->info[i].samplerate > 0)
            snprintf(err, errlen, "truncated file: the header promises %.2f s, the file holds no audio",
                     (double)a->promised_frames[i] / a->info[i].samplerate);
        else snprintf(err, errlen, "no audio frames (empty or truncated file)");
        return -1;
    }
    return 0;
}

int audio_open(audio_in *a, const char *path, int agent_ch, int caller_ch, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", path);
    if (open_one(a, 0, path, err, errlen)) return -1;
    int ch = a->info[0].channels;
    if (agent_ch < 0 && caller_ch < 0) {
        if (ch == 1) { a->nout = 1; a->map[0] = 0; a->map[1] = -1; }
        else if (ch == 2) { a->nout = 2; a->map[0] = 0; a->map[1] = 1; }
        else {
            snprintf(err, errlen, "%d channels and no channel map (use --agent-channel N --caller-channel N)", ch);
            return -1;
        }
    } else {
        if (agent_ch < 0 || caller_ch < 0) {
            snprintf(err, errlen, "give both --agent-channel and --caller-channel");
            return -1;
        }
        if (agent_ch >= ch || caller_ch >= ch) {
            snprintf(err, errlen, "channel %d out of range (the file has %d channel%s)",
                     agent_ch >= ch ? agent_ch : caller_ch, ch, ch == 1 ? "" : "s");
            return -1;
        }
        a->nout = 2;
        a->map[0] = agent_ch;
        a->map[1] = caller_ch;
    }
    if (check_rate(a, a->info[0].samplerate, err, errlen)) return -1;
    return setup(a, err, errlen);
}

int audio_open_pair(audio_in *a, const char *agent, const char *caller, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s + %s", agent, caller);
    a->pair = 1;
    if (open_one(a, 0, agent, err, errlen)) return -1;
    if (open_one(a, 1, caller, err, errlen)) return -1;
    if (a->info[0].channels != 1 || a->info[1].channels != 1) {
        snprintf(err, errlen, "--agent and --caller need mono files (got %d and %d channels)",
                 a->info[0].channels, a->info[1].channels);
        return -1;
    }
    if (a->info[0].samplerate != a->info[1].samplerate) {
        snprintf(err, errlen, "agent and caller files differ in rate (%d vs %d Hz)",
                 a->info[0].samplerate, a->info[1].samplerate);
        return -1;
    }
    a->nout = 2;
    a->map[0] = 0;
    a->map[1] = 1;
    if (check_rate(a, a->info[0].samplerate, err, errlen)) return -1;
    return setup(a, err, errlen);
}

int64_t audio_frames(const audio_in *a)
{
    int64_t f = a->info[0].frames;
    if (a->pair && a->info[1].frames > f) f = a->info[1].frames;
    if (f <= 0) return -1;
    return (int64_t)((double)f * a->out_rate / a->in_rate);
}

/* Reads one block of picked, interleaved (nout) frames at the input rate; returns frames. */
static long read_block(audio_in *a, char *err, size_t errlen)
{
    long got;
    if (!a->pair) {
        int ch = a->info[0].channels;
        got = (long)sf_readf_float(a->sf[0], a->raw, (sf_count_t)a->block);
        if (got < 0 || sf_error(a->sf[0])) {
            snprintf(err, errlen, "read error: %s", sf_strerror(a->sf[0]));
            return -1;
        }
        a->file_frames_read[0] += got;
        for (long i = 0; i < got; i++)
            for (int k = 0; k < a->nout; k++) a->pick[i * a->nout + k] = a->raw[i * ch + a->map[k]];
    } else {
        float *r0 = a->raw, *r1 = a->raw + a->block;
        long g0 = (long)sf_readf_float(a->sf[0], r0, (sf_count_t)a->block);
        long g1 = (long)sf_readf_float(a->sf[1], r1, (sf_count_t)a->block);
        if (g0 < 0 || g1 < 0 || sf_error(a->sf[0]) || sf_error(a->sf[1])) {
            snprintf(err, errlen, "read error: %s", sf_strerror(sf_error(a->sf[0]) ? a->sf[0] : a->sf[1]));
            return -1;
        }
        a->file_frames_read[0] += g0;
        a->file_frames_read[1] += g1;
        got = g0 > g1 ? g0 : g1;   /* the shorter side is padded with silence */
        for (long i = 0; i < got; i++) {
            a->pick[2 * i] = i < g0 ? r0[i] : 0.0f;
            a->pick[2 * i + 1] = i < g1 ? r1[i] : 0.0f;
        }
    }
    for (long i = 0; i < got * a->nout; i++) {
        float x = a->pick[i];
        if (!isfinite(x)) { a->nonfinite++; a->pick[i] = 0.0f; continue; }
        double m = fabs((double)x);
        if (m > a->peak) a->peak = m;
        if (m >= 0.999) a->clipped++;
    }
    a->frames_read += got;
    return got;
}

long audio_read(audio_in *a, float *ch0, float *ch1, size_t max, char *err, size_t errlen)
{
    for (;;) {
        if (a->res_pos < a->res_len) {
            size_t n = a->res_len - a->res_pos;
            if (n > max) n = max;
            const float *src = (a->soxr ? a->res : a->pick) + a->res_pos * (size_t)a->nout;
            for (size_t i = 0; i < n; i++) {
                ch0[i] = src[i * (size_t)a->nout];
                if (a->nout == 2) ch1[i] = src[i * 2 + 1];
            }
            a->res_pos += n;
            return (long)n;
        }
        if (a->flushed) return 0;
        a->res_pos = a->res_len = 0;
        long got = a->eof ? 0 : read_block(a, err, errlen);
        if (got < 0) return -1;
        if (got == 0) a->eof = 1;
        if (!a->soxr) {
            if (got == 0) { a->flushed = 1; return 0; }
            a->res_len = (size_t)got;
            continue;
        }
        size_t odone = 0;
        soxr_error_t e = soxr_process(a->soxr, got ? a->pick : NULL, (size_t)got, NULL, a->res,
                                      a->res_cap, &odone);
        if (e) {
            snprintf(err, errlen, "resampling failed: %s", e);
            return -1;
        }
        a->res_len = odone;
        if (got == 0 && odone == 0) a->flushed = 1;
    }
}

/* libsndfile takes the length from the header; a file cut short (a copy or upload that stopped,
 * a recorder that crashed) simply ends early when read, so the shortfall shows only here. */
int audio_shortfall(const audio_in *a, int *which, double *promised_s, double *actual_s)
{
    for (int i = 0; i < (a->pair ? 2 : 1); i++) {
        int64_t promised = a->promised_frames[i], got = a->file_frames_read[i];
        if (promised > 0 && promised - got > a->in_rate / 100) {
            *which = i;
            *promised_s = (double)promised / a->in_rate;
            *actual_s = (double)got / a->in_rate;
            return 1;
        }
    }
    return 0;
}

void audio_close(audio_in *a)
{
    for (int i = 0; i < 2; i++)
        if (a->sf[i]) sf_close(a->sf[i]);
    if (a->soxr) soxr_delete(a->soxr);
    free(a->raw);
    free(a->pick);
    free(a->res);
    memset(a, 0, sizeof *a);
}
