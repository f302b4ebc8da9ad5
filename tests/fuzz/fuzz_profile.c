/* tests/fuzz/fuzz_profile.c -- the profile parser on arbitrary bytes: refuse or accept, never
 * crash, and an accepted profile always passes tm_config_check. */
#include "profile.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tm_profile p;
    char err[256];
    profile_default(&p);
    if (profile_parse(&p, (const char *)data, size, err, sizeof err) == 0) {
        p.cfg.sample_rate_hz = 16000;
        if (tm_config_check(&p.cfg, NULL) != TM_OK) abort();
    }
    return 0;
}
