/* tools/io/profile.c -- reading and writing profiles with cJSON. A profile is strict: an unknown
 * key, a wrong type or a value out of range is refused with the key named, since a typo in a
 * threshold would otherwise silently leave the default in force. */
#include "profile.h"
#include "cJSON.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *reason_keys[TM_REASON__COUNT] = {
    NULL, "caller_raised", "agent_interrupts", "agent_raised", "agent_monologue", "silence"};

void profile_default(tm_profile *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "default");
    p->cfg = tm_config_default(16000);
    static const char *t[TM_REASON__COUNT][3] = {
        {"", "", ""},
        {"The caller raised their voice",
         "Acknowledge and validate the feeling: \"I can understand how frustrating that is.\"",
         "The caller is escalating after being interrupted: stop, apologise for talking over them "
         "and validate: \"I'm sorry, please go on. I can understand how frustrating this is.\""},
        {"You interrupted the caller",
         "Let the caller finish before you answer.",
         "You keep interrupting an upset caller: stop talking, let them finish, then sum up what you heard."},
        {"Your voice is raised",
         "Slow down, lower your voice and take a breath.",
         "Slow down, lower your voice and take a breath."},
        {"You have been talking for a long time",
         "Check understanding with a question: \"Does that make sense so far?\"",
         "Check understanding with a question: \"Does that make sense so far?\""},
        {"Long silence on the line",
         "Tell the caller what you are doing: \"I'm checking that for you now, one moment.\"",
         "Tell the caller what you are doing: \"I'm checking that for you now, one moment.\""},
    };
    for (int r = 1; r < TM_REASON__COUNT; r++) {
        snprintf(p->text[r].reason, sizeof p->text[r].reason, "%s", t[r][0]);
        snprintf(p->text[r].suggestion, sizeof p->text[r].suggestion, "%s", t[r][1]);
        snprintf(p->text[r].suggestion_high, sizeof p->text[r].suggestion_high, "%s", t[r][2]);
    }
}

static int set_text(char *dst, size_t cap, const cJSON *v, const char *key, char *err, size_t errlen)
{
    if (!cJSON_IsString(v)) { snprintf(err, errlen, "%s: must be a string", key); return -1; }
    if (strlen(v->valuestring) >= cap) { snprintf(err, errlen, "%s: longer than %zu characters", key, cap - 1); return -1; }
    snprintf(dst, cap, "%s", v->valuestring);
    return 0;
}

static int parse_thresholds(tm_profile *p, const cJSON *obj, char *err, size_t errlen)
{
    size_t nf;
    const tm_config_field *fields = tm_config_fields(&nf);
    if (!cJSON_IsObject(obj)) { snprintf(err, errlen, "thresholds: must be an object"); return -1; }
    for (const cJSON *it = obj->child; it; it = it->next) {
        const tm_config_field *f = NULL;
        for (size_t i = 0; i < nf; i++)
            if (!strcmp(fields[i].name, it->string)) f = &fields[i];
        if (!f) { snprintf(err, errlen, "thresholds.%s: unknown key", it->string); return -1; }
        if (!cJSON_IsNumber(it)) { snprintf(err, errlen, "thresholds.%s: must be a number", it->string); return -1; }
        double v = it->valuedouble;
        /* the range first: converting a value beyond int (or float) is undefined behaviour */
        if (!(v >= f->min && v <= f->max)) {
            snprintf(err, errlen, "thresholds.%s: %g is out of range %g..%g", it->string, v, f->min, f->max);
            return -1;
        }
        if (f->is_int && v != floor(v)) { snprintf(err, errlen, "thresholds.%s: must be a whole number", it->string); return -1; }
        char *dst = (char *)&p->cfg + f->offset;
        if (f->is_int) *(int *)dst = (int)v;
        else *(float *)dst = (float)v;
    }
    const char *bad;
    tm_config c = p->cfg;
    c.sample_rate_hz = 16000;
    if (tm_config_check(&c, &bad) != TM_OK) {
        snprintf(err, errlen, "thresholds.%s: inconsistent with the other thresholds", bad ? bad : "?");
        return -1;
    }
    return 0;
}

static int parse_texts(tm_profile *p, const cJSON *obj, char *err, size_t errlen)
{
    if (!cJSON_IsObject(obj)) { snprintf(err, errlen, "suggestions: must be an object"); return -1; }
    for (const cJSON *it = obj->child; it; it = it->next) {
        int r = 0;
        for (int k = 1; k < TM_REASON__COUNT; k++)
            if (!strcmp(reason_keys[k], it->string)) r = k;
        if (!r) { snprintf(err, errlen, "suggestions.%s: unknown key", it->string); return -1; }
        if (!cJSON_IsObject(it)) { snprintf(err, errlen, "suggestions.%s: must be an object", it->string); return -1; }
        for (const cJSON *t = it->child; t; t = t->next) {
            char key[128];
            snprintf(key, sizeof key, "suggestions.%s.%s", it->string, t->string);
            int rc;
            if (!strcmp(t->string, "reason")) rc = set_text(p->text[r].reason, sizeof p->text[r].reason, t, key, err, errlen);
            else if (!strcmp(t->string, "suggestion")) rc = set_text(p->text[r].suggestion, sizeof p->text[r].suggestion, t, key, err, errlen);
            else if (!strcmp(t->string, "suggestion_high")) rc = set_text(p->text[r].suggestion_high, sizeof p->text[r].suggestion_high, t, key, err, errlen);
            else { snprintf(err, errlen, "%s: unknown key", key); rc = -1; }
            if (rc) return -1;
        }
    }
    return 0;
}

int profile_parse(tm_profile *p, const char *json, size_t len, char *err, size_t errlen)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = at && at >= json && at <= json + len ? (long)(at - json) : -1;
        snprintf(err, errlen, "not valid JSON (near byte %ld)", off);
        return -1;
    }
    int rc = 0;
    if (!cJSON_IsObject(root)) { snprintf(err, errlen, "top level must be an object"); rc = -1; }
    for (const cJSON *it = root->child; it && !rc; it = it->next) {
        if (!strcmp(it->string, "profile")) rc = set_text(p->name, sizeof p->name, it, "profile", err, errlen);
        else if (!strcmp(it->string, "description")) {
            if (!cJSON_IsString(it)) { snprintf(err, errlen, "description: must be a string"); rc = -1; }
        } else if (!strcmp(it->string, "provenance")) {
            if (!cJSON_IsObject(it)) { snprintf(err, errlen, "provenance: must be an object"); rc = -1; }
        } else if (!strcmp(it->string, "thresholds")) rc = parse_thresholds(p, it, err, errlen);
        else if (!strcmp(it->string, "suggestions")) rc = parse_texts(p, it, err, errlen);
        else { snprintf(err, errlen, "%s: unknown key", it->string); rc = -1; }
    }
    cJSON_Delete(root);
    return rc;
}

int profile_load(tm_profile *p, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "cannot open: %s", strerror(errno)); return -1; }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (1u << 22)) { snprintf(err, errlen, "larger than 4 MiB"); free(buf); fclose(f); return -1; }
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); fclose(f); snprintf(err, errlen, "out of memory"); return -1; }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    fclose(f);
    int rc = profile_parse(p, buf ? buf : "", len, err, errlen);
    free(buf);
    return rc;
}

char *profile_to_json(const tm_profile *p, const char *provenance_json)
{
    size_t nf;
    const tm_config_field *fields = tm_config_fields(&nf);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "profile", p->name);
    cJSON_AddStringToObject(root, "description",
        "tonemon profile: every detector threshold (unit in the name) and the de-escalation texts");
    if (provenance_json) {
        cJSON *prov = cJSON_Parse(provenance_json);
        if (prov) cJSON_AddItemToObject(root, "provenance", prov);
    }
    cJSON *th = cJSON_AddObjectToObject(root, "thresholds");
    for (size_t i = 0; i < nf; i++) {
        const char *src = (const char *)&p->cfg + fields[i].offset;
        double v = fields[i].is_int ? *(const int *)src : (double)*(const float *)src;
        /* floats print with the shortest text that reads back to the same float */
        char buf[32];
        snprintf(buf, sizeof buf, "%.6g", v);
        cJSON_AddItemToObject(th, fields[i].name, cJSON_CreateNumber(strtod(buf, NULL)));
    }
    cJSON *sg = cJSON_AddObjectToObject(root, "suggestions");
    for (int r = 1; r < TM_REASON__COUNT; r++) {
        cJSON *o = cJSON_AddObjectToObject(sg, reason_keys[r]);
        cJSON_AddStringToObject(o, "reason", p->text[r].reason);
        cJSON_AddStringToObject(o, "suggestion", p->text[r].suggestion);
        cJSON_AddStringToObject(o, "suggestion_high", p->text[r].suggestion_high);
    }
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    return s;
}
