/* tools/io/profile.h -- profiles (the JSON files in models/): thresholds for tm_config and the texts of the
 * de-escalation moments. */
#ifndef TM_PROFILE_H
#define TM_PROFILE_H
#include "tonemon.h"

typedef struct {
    char reason[256];
    char suggestion[512];
    char suggestion_high[512];   /* severity 2 */
} tm_texts;

typedef struct {
    char name[128];
    tm_config cfg;               /* sample rate and channels are set per call */
    tm_texts text[TM_REASON__COUNT];
} tm_profile;

void profile_default(tm_profile *p);
/* Loads a profile over the defaults. On error writes "KEY: problem" (or the JSON error) into err
 * and returns -1. */
int  profile_load(tm_profile *p, const char *path, char *err, size_t errlen);
int  profile_parse(tm_profile *p, const char *json, size_t len, char *err, size_t errlen);
/* The profile as JSON text (malloc'd): what models/default.json holds. */
char *profile_to_json(const tm_profile *p, const char *provenance_json);

#endif
