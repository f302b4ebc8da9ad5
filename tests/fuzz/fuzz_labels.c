/* tests/fuzz/fuzz_labels.c -- truth JSON and Audacity label parsing on arbitrary bytes. */
#include "score.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    truth_set t;
    char err[256];
    if (truth_parse(&t, (const char *)data, size, err, sizeof err) == 0) {
        for (int k = 0; k < TM_EV__COUNT; k++)
            for (size_t i = 0; i < t.ev[k].n; i++)
                if (!(t.ev[k].v[i].end >= t.ev[k].v[i].start)) abort();
        truth_free(&t);
    }
    return 0;
}
