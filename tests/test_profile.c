/* tests/test_profile.c -- profiles: the shipped ones load, models/default.json is exactly the
 * built-in default, and a malformed profile is refused with the key and the problem named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>
#include "profile.h"

#ifndef TONEMON_MODELS_DIR
#define TONEMON_MODELS_DIR "models"
#endif

static void test_default_json_is_builtin(void **state)
{
    (void)state;
    tm_profile file, builtin;
    char err[256];
    profile_default(&builtin);
    profile_default(&file);
    memset(&file.cfg, 0x55, sizeof file.cfg);   /* every field must come from the file */
    file.cfg.sample_rate_hz = builtin.cfg.sample_rate_hz;
    file.cfg.channels = builtin.cfg.channels;
    file.cfg.event_capacity = builtin.cfg.event_capacity;
    file.cfg.on_frame = NULL;
    file.cfg.on_frame_user = NULL;
    assert_int_equal(profile_load(&file, TONEMON_MODELS_DIR "/default.json", err, sizeof err), 0);
    size_t n;
    const tm_config_field *f = tm_config_fields(&n);
    for (size_t i = 0; i < n; i++) {
        const char *a = (const char *)&file.cfg + f[i].offset, *b = (const char *)&builtin.cfg + f[i].offset;
        if (memcmp(a, b, f[i].is_int ? sizeof(int) : sizeof(float)))
            print_error("models/default.json: %s differs from the built-in default\n", f[i].name);
        assert_memory_equal(a, b, f[i].is_int ? sizeof(int) : sizeof(float));
    }
    assert_memory_equal(file.text, builtin.text, sizeof file.text);
    tm_profile tel;
    profile_default(&tel);
    assert_int_equal(profile_load(&tel, TONEMON_MODELS_DIR "/telephony.json", err, sizeof err), 0);
    assert_string_equal(tel.name, "telephony");
}

static void refused(const char *json, const char *expect)
{
    tm_profile p;
    char err[256] = "";
    profile_default(&p);
    int rc = profile_parse(&p, json, strlen(json), err, sizeof err);
    if (rc == 0 || !strstr(err, expect)) print_error("profile %s: rc %d error '%s', want '%s'\n", json, rc, err, expect);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, expect));
}

static void test_malformed_refused(void **state)
{
    (void)state;
    refused("{\"thresholds\": {\"raised_min_db\": 6,}", "not valid JSON");
    refused("[1, 2]", "top level must be an object");
    refused("{\"threshold\": {}}", "threshold: unknown key");
    refused("{\"thresholds\": {\"raised_min_dB\": 6}}", "thresholds.raised_min_dB: unknown key");
    refused("{\"thresholds\": {\"raised_min_db\": \"6\"}}", "thresholds.raised_min_db: must be a number");
    refused("{\"thresholds\": {\"raised_min_db\": 99}}", "thresholds.raised_min_db: 99 is out of range");
    refused("{\"thresholds\": {\"repeat_count\": 2.5}}", "thresholds.repeat_count: must be a whole number");
    /* beyond int: refused for its range, before any conversion (a cast would be undefined) */
    refused("{\"thresholds\": {\"repeat_count\": 1e10}}", "thresholds.repeat_count: 1e+10 is out of range 1..100");
    refused("{\"thresholds\": {\"repeat_count\": -1e300}}", "thresholds.repeat_count: -1e+300 is out of range");
    refused("{\"thresholds\": {\"repeat_count\": 1e999}}", "thresholds.repeat_count: inf is out of range");
    refused("{\"thresholds\": {\"raised_min_db\": 1e39}}", "thresholds.raised_min_db: 1e+39 is out of range");
    refused("{\"thresholds\": {\"raised_exit_db\": 9, \"raised_min_db\": 7}}", "raised_exit_db: inconsistent");
    refused("{\"suggestions\": {\"caller_angry\": {}}}", "suggestions.caller_angry: unknown key");
    refused("{\"suggestions\": {\"silence\": {\"suggestion\": 3}}}", "suggestions.silence.suggestion: must be a string");
    refused("", "not valid JSON");
}

static void test_partial_profile_keeps_defaults(void **state)
{
    (void)state;
    tm_profile p;
    char err[256];
    profile_default(&p);
    const char *js = "{\"profile\": \"site-a\", \"thresholds\": {\"backchannel_max_s\": 1.5},"
                     " \"suggestions\": {\"silence\": {\"suggestion\": \"Sag dem Anrufer, was Sie gerade tun.\"}}}";
    assert_int_equal(profile_parse(&p, js, strlen(js), err, sizeof err), 0);
    assert_true(p.cfg.backchannel_max_s == 1.5f);
    assert_true(p.cfg.raised_min_db == tm_config_default(16000).raised_min_db);
    assert_string_equal(p.text[TM_REASON_SILENCE].suggestion, "Sag dem Anrufer, was Sie gerade tun.");
    assert_string_equal(p.name, "site-a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_json_is_builtin),
        cmocka_unit_test(test_malformed_refused),
        cmocka_unit_test(test_partial_profile_keeps_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
