/* tools/cli/cmd_synth.c -- `tonemon synth`: a labelled synthetic call (WAV + truth JSON). */
#include "cli.h"
#include "synth.h"
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *f)
{
    fputs("usage: tonemon synth [options] OUT.wav\n"
          "  --seed N            random seed (default 1); the same seed gives the same bytes\n"
          "  --duration S        seconds (default 120)\n"
          "  --rate HZ           8000, 16000, 44100 or 48000 (any 8000..48000; default 16000)\n"
          "  --telephone         300-3400 Hz band and a G.711 mu-law round trip\n"
          "  --snr DB            background noise at this SNR below the speech level\n"
          "  --bleed DB          each party leaks into the other's channel at DB (e.g. -20)\n"
          "  --bleed-delay MS    delay of the leak (default 40)\n"
          "  --monologue         include an agent monologue of 46-55 s (needs --duration >= 90)\n"
          "  --truth FILE        write the truth JSON (docs/labels.md)\n"
          "  --pitch-truth FILE  write time,channel,f0_hz every 10 ms (0 = unvoiced)\n", f);
}

int cmd_synth(int argc, char **argv)
{
    synth_opts o = synth_defaults();
    const char *out = NULL, *truth = NULL, *pitch = NULL;
    double seed = (double)o.seed;
    int rate = o.rate_hz, first;
    const arg_spec spec[] = {
        {"seed", 0, ARG_DOUBLE, &seed, 0, 1e15, NULL},
        {"duration", 0, ARG_DOUBLE, &o.duration_s, 5, 86400, NULL},
        {"rate", 0, ARG_INT, &rate, 8000, 48000, NULL},
        {"telephone", 0, ARG_FLAG, &o.telephone, 0, 0, NULL},
        {"snr", 0, ARG_DOUBLE, &o.snr_db, -10, 80, NULL},
        {"bleed", 0, ARG_DOUBLE, &o.bleed_db, -80, 0, NULL},
        {"bleed-delay", 0, ARG_DOUBLE, &o.bleed_delay_ms, 0, 500, NULL},
        {"monologue", 0, ARG_FLAG, &o.monologue, 0, 0, NULL},
        {"truth", 0, ARG_STR, &truth, 0, 0, NULL},
        {"pitch-truth", 0, ARG_STR, &pitch, 0, 0, NULL},
        {NULL, 0, ARG_FLAG, NULL, 0, 0, NULL}};
    int rc = args_parse("synth", argc, argv, spec, &first);
    if (rc == ARGS_HELP) { help(stdout); return 0; }
    if (rc) return 2;
    if (argc - first > 1) { fprintf(stderr, "tonemon synth: one output file only\n"); return 2; }
    if (argc - first < 1) { help(stderr); return 2; }
    out = argv[first];
    o.seed = (uint64_t)seed;
    o.rate_hz = rate;

    float *l, *r;
    size_t n;
    synth_truth t;
    if (synth_generate(&o, &l, &r, &n, &t)) { fprintf(stderr, "tonemon synth: out of memory\n"); return 1; }
    SF_INFO info = {0};
    info.samplerate = o.rate_hz;
    info.channels = 2;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE *sf = sf_open(out, SFM_WRITE, &info);
    if (!sf) {
        fprintf(stderr, "tonemon synth: %s: cannot write: %s\n", out, sf_strerror(NULL));
        rc = 1;
    } else {
        float *inter = malloc(2 * 4096 * sizeof(float));
        for (size_t i = 0; inter && i < n; i += 4096) {
            size_t k = n - i < 4096 ? n - i : 4096;
            for (size_t j = 0; j < k; j++) { inter[2 * j] = l[i + j]; inter[2 * j + 1] = r[i + j]; }
            if (sf_writef_float(sf, inter, (sf_count_t)k) != (sf_count_t)k) { rc = 1; break; }
        }
        if (!inter) rc = 1;
        free(inter);
        if (sf_close(sf) || rc) { fprintf(stderr, "tonemon synth: %s: write failed\n", out); rc = 1; }
    }
    if (!rc && truth) {
        char *js = synth_truth_json(&o, &t);
        FILE *f = fopen(truth, "w");
        if (!f || !js || fprintf(f, "%s\n", js) < 0 || fclose(f)) {
            fprintf(stderr, "tonemon synth: %s: cannot write the truth\n", truth);
            rc = 1;
        }
        free(js);
    }
    if (!rc && pitch) {
        FILE *f = fopen(pitch, "w");
        if (!f) { fprintf(stderr, "tonemon synth: %s: cannot write\n", pitch); rc = 1; }
        else {
            fputs("time,channel,f0_hz\n", f);
            for (size_t h = 0; h < t.hops; h++)
                for (int c = 0; c < 2; c++)
                    fprintf(f, "%.2f,%s,%.2f\n", h * 0.01, c ? "caller" : "agent", t.f0[c][h]);
            if (fclose(f)) { fprintf(stderr, "tonemon synth: %s: write failed\n", pitch); rc = 1; }
        }
    }
    synth_free(l, r, &t);
    return rc;
}
