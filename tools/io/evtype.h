/* tools/io/evtype.h -- what the front ends know about each event type, in one table: its JSON
 * fields, whether it prompts the agent, how truth files label it, whether it is scored, and how
 * the report and the timeline show it. Writers, report, live, scoring and calibration read this
 * table; a loop over types runs over it (ev_type(k) for k < TM_EV__COUNT), never over a written
 * range of the enum. A type added to tm_event_type without a row here fails to compile. */
#ifndef TM_EVTYPE_H
#define TM_EVTYPE_H
#include "tonemon.h"
#include <stddef.h>

typedef struct {
    tm_event_type type;
    const char *name;         /* the JSON "type", = tm_event_type_name(type) */
    const char *speaker_key;  /* event JSON key naming ev.speaker, right after "type"; NULL: the
                                 type has none there (overlap, silence: both; deescalation
                                 writes its optional speaker with its own fields) */
    const char *other_key;    /* event JSON key naming ev.other ("of"); NULL: none */
    const char *title;        /* for people: timeline and live alerts ("raised voice") */
    int prompts;              /* announced to the agent while it happens (alerts, final = 0) */
    int scored;               /* matched against truth by score_call (speech is scored by
                                 frames instead, deescalation is derived from the others) */
    const char *truth_key;    /* its list in a truth JSON (docs/labels.md); NULL: none */
    const char *truth_by;     /* key of the speaker in that list; NULL: [start, end] pairs */
    const char *label;        /* its Audacity label ("raised:caller"); NULL: none */
    char lane;                /* the report timeline's code for it; 0: not drawn there */
    int timeline;             /* listed by analyze's text timeline */
} ev_type_info;

/* The row of a type; NULL outside 0..TM_EV__COUNT-1. */
const ev_type_info *ev_type(int type);
/* The type of a JSON name ("raised_voice"), or -1. */
int ev_type_by_name(const char *name);
/* The detail people read after the title: "agent interrupts caller", "caller (+6.0 dB, +1.5 st)",
 * "agent"; "" for a type about nobody. with_levels: add the raised-voice figures. */
void ev_detail(char *buf, size_t cap, const tm_event *e, int nch, int with_levels);

#endif
