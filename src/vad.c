/* src/vad.c -- speech segmentation of one channel.
 *
 * Input per hop: "active" (level over the adaptive floor and not leak from the other channel) and
 * "voiced". A segment starts once a run of active hops lasts onset_ms and contains at least one
 * voiced hop: clicks are shorter than the onset, and breath, hiss and steady hum never pass the
 * voicing test (hum at a fixed level sinks into the floor). The segment's start is the run's first
 * hop, so a consonant before the vowel is kept. A segment ends hangover_ms after its last active
 * hop, which bridges stop closures and the dips between syllables; its end is that last active
 * hop, not the end of the hangover. */
#include "vad.h"

void vad_init(tm_vad *v, int onset_hops, int hangover_hops)
{
    v->onset_hops = onset_hops < 1 ? 1 : onset_hops;
    v->hangover_hops = hangover_hops < 0 ? 0 : hangover_hops;
    vad_reset(v);
}

void vad_reset(tm_vad *v)
{
    v->on = 0;
    v->seg_start = v->confirm = 0;
    v->last_active = -1;
    v->run_start = 0;
    v->run_len = v->run_voiced = 0;
}

int vad_hop(tm_vad *v, int64_t n, int active, int voiced, int64_t *start, int64_t *end)
{
    if (v->on) {
        if (active) {
            v->last_active = n;
            return 0;
        }
        if (n - v->last_active > v->hangover_hops) {
            v->on = 0;
            v->run_len = v->run_voiced = 0;
            *start = v->seg_start;
            *end = v->last_active + 1;
            return VAD_CLOSED;
        }
        return 0;
    }
    if (!active) {
        v->run_len = v->run_voiced = 0;
        return 0;
    }
    if (v->run_len == 0) v->run_start = n;
    v->run_len++;
    if (voiced) v->run_voiced = 1;
    /* An unvoiced run (fricative or noise) may lead into a vowel; keep at most 200 ms of it. */
    if (!v->run_voiced && v->run_len > 20) {
        v->run_start = n - 19;
        v->run_len = 20;
    }
    if (v->run_len >= v->onset_hops && v->run_voiced) {
        v->on = 1;
        v->seg_start = v->run_start;
        v->last_active = n;
        v->confirm = n;
        return VAD_CONFIRMED;
    }
    return 0;
}

int vad_finish(tm_vad *v, int64_t *start, int64_t *end)
{
    if (!v->on) return 0;
    v->on = 0;
    v->run_len = v->run_voiced = 0;
    *start = v->seg_start;
    *end = v->last_active + 1;
    return 1;
}
