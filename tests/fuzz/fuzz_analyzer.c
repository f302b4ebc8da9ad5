/* tests/fuzz/fuzz_analyzer.c -- the analyzer fed arbitrary float blocks: the first bytes choose the
 * rate, channel count and block sizes, the rest are samples taken bit for bit (NaN, Inf,
 * denormals, +-1e30, silence). Nothing may crash, hang or produce a non-finite output. */
#include "tonemon.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check(void *u, const tm_frame *f)
{
    (void)u;
    if (!isfinite(f->level_db) || !isfinite(f->loudness_lufs) || !isfinite(f->f0_hz) || !isfinite(f->voicing)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) return 0;
    static const int rates[] = {8000, 11025, 16000, 22050, 44100, 48000};
    tm_config c = tm_config_default(rates[data[0] % 6]);
    c.channels = 1 + (data[1] & 1);
    c.on_frame = check;
    size_t block = 1 + (size_t)data[2] * 7;
    int repeat = 1 + data[3] % 8;          /* stretch short inputs over a few seconds */
    data += 4;
    size = (size - 4) / sizeof(float) / (size_t)c.channels;
    tm_analyzer *a;
    if (tm_analyzer_create(&c, &a) != TM_OK) abort();
    float *x0 = malloc((size + 1) * sizeof(float)), *x1 = malloc((size + 1) * sizeof(float));
    for (size_t i = 0; i < size; i++) {
        memcpy(&x0[i], data + (i * (size_t)c.channels) * sizeof(float), sizeof(float));
        if (c.channels == 2) memcpy(&x1[i], data + (i * 2 + 1) * sizeof(float), sizeof(float));
        else x1[i] = 0.0f;
    }
    tm_event ev;
    for (int r = 0; r < repeat; r++)
        for (size_t i = 0; i < size; i += block) {
            size_t k = size - i < block ? size - i : block;
            if (tm_analyzer_process(a, x0 + i, x1 + i, k) != TM_OK) abort();
            while (tm_analyzer_next_event(a, &ev))
                if (ev.start > ev.end || !isfinite(ev.level_db) || !isfinite(ev.pitch_st)) abort();
        }
    tm_analyzer_finish(a);
    while (tm_analyzer_next_event(a, &ev)) if (ev.start > ev.end) abort();
    tm_stats st;
    tm_analyzer_stats(a, &st);
    tm_analyzer_destroy(a);
    free(x0);
    free(x1);
    return 0;
}
