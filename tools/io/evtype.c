/* tools/io/evtype.c -- the event-type table (evtype.h). One row per tm_event_type, in enum order. */
#include "evtype.h"
#include "call.h"
#include <stdio.h>
#include <string.h>

static const ev_type_info rows[] = {
    /* type             name            speaker    other title            prompts scored truth key        truth by   label          lane timeline */
    {TM_EV_SPEECH,       "speech",       "speaker", NULL, "speech",        0, 0, "speech",        NULL,      "speech",       's', 0},
    {TM_EV_OVERLAP,      "overlap",      NULL,      NULL, "overlap",       0, 1, "overlaps",      NULL,      "overlap",      'o', 0},
    {TM_EV_INTERRUPTION, "interruption", "by",      "of", "interruption",  1, 1, "interruptions", "by",      "interruption", 'i', 1},
    {TM_EV_BACKCHANNEL,  "backchannel",  "speaker", NULL, "backchannel",   0, 1, "backchannels",  "by",      "backchannel",  'b', 1},
    {TM_EV_RAISED_VOICE, "raised_voice", "speaker", NULL, "raised voice",  1, 1, "raised_voice",  "speaker", "raised",       'r', 1},
    {TM_EV_SILENCE,      "silence",      NULL,      NULL, "silence",       1, 1, "silences",      NULL,      "silence",      'q', 1},
    {TM_EV_MONOLOGUE,    "monologue",    "speaker", NULL, "monologue",     1, 1, "monologues",    "speaker", "monologue",    'm', 1},
    {TM_EV_DEESCALATION, "deescalation", NULL,      NULL, "de-escalation", 1, 0, NULL,            NULL,      NULL,           0,   1},
    {TM_EV_HOLD,         "hold",         "channel", NULL, "hold",          0, 1, "holds",         "channel", NULL,           0,   0},
};
_Static_assert(sizeof rows / sizeof rows[0] == TM_EV__COUNT, "one row per tm_event_type");

const ev_type_info *ev_type(int type)
{
    if (type < 0 || type >= TM_EV__COUNT) return NULL;
    return &rows[type];
}

int ev_type_by_name(const char *name)
{
    for (int k = 0; name && k < TM_EV__COUNT; k++)
        if (!strcmp(rows[k].name, name)) return k;
    return -1;
}

void ev_detail(char *buf, size_t cap, const tm_event *e, int nch, int with_levels)
{
    const ev_type_info *t = ev_type(e->type);
    if (!t || !t->speaker_key) {
        snprintf(buf, cap, "%s", "");
    } else if (t->other_key) {
        snprintf(buf, cap, "%s interrupts %s", speaker_name(e->speaker, nch), speaker_name(e->other, nch));
    } else if (with_levels && e->type == TM_EV_RAISED_VOICE) {
        snprintf(buf, cap, "%s (+%.1f dB, %+.1f st)", speaker_name(e->speaker, nch), e->level_db, e->pitch_st);
    } else {
        snprintf(buf, cap, "%s", speaker_name(e->speaker, nch));
    }
}
