/* src/vad.h -- private. Speech segments of one channel from per-hop activity: onset
 * confirmation by a voiced hop near the speaker's own level, weak hops only bridging, hangover. */
#ifndef TM_VAD_H
#define TM_VAD_H
#include <stdint.h>

enum { VAD_CONFIRMED = 1, VAD_CLOSED = 2 };

typedef struct {
    int onset_hops, hangover_hops, bridge_hops;
    float rel_db;            /* anchors lie within this of the speaker's own voiced level */
    float spk_db;            /* running 80th percentile of the anchors' levels, dBFS */
    long spk_n;              /* voiced speech hops behind spk_db */
    int on;                  /* inside a confirmed segment (hangover included) */
    int64_t seg_start;       /* first hop of the open segment */
    int64_t last_active;     /* last active hop of the open (or last) segment; -1 none yet */
    int64_t last_anchor;     /* last anchor hop of the open segment */
    int64_t confirm;         /* hop at which the open segment was confirmed */
    int64_t run_start;       /* candidate run before confirmation */
    int run_len, run_anchor;
} tm_vad;

void tmi_vad_init(tm_vad *v, int onset_hops, int hangover_hops, int bridge_hops, float rel_db);
void tmi_vad_reset(tm_vad *v);
/* 1 when a hop with this level, active and voiced, is an anchor: it may start or carry speech. */
int  tmi_vad_anchor(const tm_vad *v, int active, int voiced, float level_db);
/* One hop. Returns VAD_CONFIRMED when a segment starting at v->seg_start is confirmed, or
 * VAD_CLOSED with the closed segment in [*start, *end). */
int  tmi_vad_hop(tm_vad *v, int64_t n, int active, int voiced, float level_db, int64_t *start,
             int64_t *end);
/* Ends an open segment now (music took over the channel): returns 1 and the segment, else 0. */
int  tmi_vad_cut(tm_vad *v, int64_t *start, int64_t *end);
/* End of stream: closes an open segment. Returns 1 and the segment, else 0. */
int  tmi_vad_finish(tm_vad *v, int64_t *start, int64_t *end);

#endif
