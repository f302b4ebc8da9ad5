/* tests/test_labels.c -- truth files: the synthesizer's truth JSON and Audacity label tracks load
 * to the same truth, and a malformed label file is refused with the line and the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"

static char *write_tmp(const char *text, const char *suffix)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tm_labels_%d%s", (int)getpid(), suffix);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_truth_json_roundtrip(void **state)
{
    (void)state;
    synth_opts o = synth_defaults();
    o.seed = 2;
    float *l, *r;
    size_t n;
    synth_truth st;
    assert_int_equal(synth_generate(&o, &l, &r, &n, &st), 0);
    char *js = synth_truth_json(&o, &st);
    char *path = write_tmp(js, ".truth.json");
    truth_set a, b;
    char err[256];
    assert_int_equal(truth_load(&a, path, err, sizeof err), 0);
    assert_int_equal(truth_from_synth(&b, &o, &st), 0);
    for (int c = 0; c < 2; c++) assert_int_equal(a.speech[c].n, b.speech[c].n);
    for (int k = TM_EV_OVERLAP; k <= TM_EV_MONOLOGUE; k++) {
        assert_int_equal(a.ev[k].n, b.ev[k].n);
        for (size_t i = 0; i < a.ev[k].n; i++) {
            assert_true(a.ev[k].v[i].speaker == b.ev[k].v[i].speaker && a.ev[k].v[i].other == b.ev[k].v[i].other);
            assert_true(a.ev[k].v[i].start - b.ev[k].v[i].start < 0.001 && b.ev[k].v[i].start - a.ev[k].v[i].start < 0.001);
        }
    }
    assert_int_equal(a.not_raised.n, b.not_raised.n);
    unlink(path);
    truth_free(&a);
    truth_free(&b);
    free(js);
    synth_free(l, r, &st);
}

static void test_audacity_labels(void **state)
{
    (void)state;
    const char *txt =
        "# made by hand in Audacity\n"
        "0.500000\t3.200000\tspeech:agent\n"
        "3.100000\t6.000000\tspeech:caller\n"
        "\\\t200.0\t3000.0\n"                         /* spectral selection line: skipped */
        "3.100000\t3.300000\toverlap\n"
        "3.100000\t6.000000\tinterruption:caller>agent\n"
        "4.000000\t4.400000\tbackchannel:agent\n"
        "10.0\t15.0\traised:caller\n"
        "20.0\t24.0\tnot_raised:agent\n"
        "30.0\t37.5\tsilence\r\n"
        "40.0\t90.0\tmonologue:agent\n";
    char *path = write_tmp(txt, ".labels.txt");
    truth_set t;
    char err[256];
    assert_int_equal(truth_load(&t, path, err, sizeof err), 0);
    assert_int_equal(t.speech[0].n, 1);
    assert_int_equal(t.speech[1].n, 1);
    assert_int_equal(t.ev[TM_EV_INTERRUPTION].n, 1);
    assert_int_equal(t.ev[TM_EV_INTERRUPTION].v[0].speaker, TM_CALLER);
    assert_int_equal(t.ev[TM_EV_INTERRUPTION].v[0].other, TM_AGENT);
    assert_int_equal(t.ev[TM_EV_BACKCHANNEL].v[0].speaker, TM_AGENT);
    assert_int_equal(t.ev[TM_EV_RAISED_VOICE].n, 1);
    assert_int_equal(t.not_raised.n, 1);
    assert_int_equal(t.ev[TM_EV_SILENCE].n, 1);
    assert_true(t.ev[TM_EV_SILENCE].v[0].end == 37.5);
    assert_int_equal(t.ev[TM_EV_MONOLOGUE].n, 1);
    assert_true(t.duration_s == 90.0);
    truth_free(&t);
    unlink(path);
}

static void refused(const char *txt, const char *expect)
{
    char *path = write_tmp(txt, ".labels.txt");
    truth_set t;
    char err[256] = "";
    int rc = truth_load(&t, path, err, sizeof err);
    if (rc == 0 || !strstr(err, expect)) print_error("labels '%s': rc %d error '%s', want '%s'\n", txt, rc, err, expect);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, expect));
    unlink(path);
}

static void test_malformed_labels(void **state)
{
    (void)state;
    refused("1.0\t2.0\tspeech:agent\n2.0\tthree\tspeech:caller\n", "line 2: start and end must be numbers");
    refused("1.0\t2.0\n", "line 1: expected 'start<TAB>end<TAB>label'");
    refused("\n\n5.0\t4.0\tsilence\n", "line 3: end 4.000 is before start 5.000");
    refused("1.0\t2.0\tshouting:caller\n", "line 1: unknown label 'shouting'");
    refused("1.0\t2.0\tbackchannel\n", "line 1: label 'backchannel' needs a speaker");
    refused("1.0\t2.0\tsilence:agent\n", "line 1: label 'silence' takes no speaker");
    refused("1.0\t2.0\tinterruption:caller\n", "line 1: interruption needs 'by>of'");
    refused("1.0\t2.0\tinterruption:caller>caller\n", "line 1: interruption needs two different speakers");
    refused("1.0\t2.0\traised:boss\n", "line 1: unknown speaker 'boss'");
    refused("{\"speech\": {\"agent\": [[1, 2], [3]]}}", "speech.agent[1]: must be [start, end]");
    refused("{\"interruptions\": [{\"start\": 1, \"end\": 2, \"by\": \"caller\", \"of\": \"me\"}]}", "interruptions[0].of");
}

/* Keys that are not ours (notes, a labelling tool's fields, a misspelt type) are skipped and
 * named, for eval's one warning; the rest of the file is scored. */
static void test_unknown_keys_skipped(void **state)
{
    (void)state;
    const char *js = "{\"notes\": \"x\", \"raised\": [], \"silences\": [[1, 7]], \"tool\": {\"v\": 2},"
                     " \"a\": 1, \"b\": 2}";
    truth_set t;
    char err[256] = "";
    assert_int_equal(truth_parse(&t, js, strlen(js), err, sizeof err), 0);
    assert_int_equal(t.n_ignored, 5);
    assert_string_equal(t.ignored, "notes, raised, tool, a");
    assert_int_equal(t.has[TM_EV_SILENCE], 1);
    assert_int_equal(t.has[TM_EV_RAISED_VOICE], 0);
    assert_int_equal(t.ev[TM_EV_SILENCE].n, 1);
    truth_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truth_json_roundtrip),
        cmocka_unit_test(test_audacity_labels),
        cmocka_unit_test(test_malformed_labels),
        cmocka_unit_test(test_unknown_keys_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
