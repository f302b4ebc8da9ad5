#!/usr/bin/env bash
# scripts/test.sh -- the README's second command and CI: install, build, run the whole suite:
# the release build, the same tests under AddressSanitizer + UndefinedBehaviorSanitizer, and a
# bounded run of every fuzzer (FUZZ_SECONDS each, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --test
jobs=$(nproc)
# the realistic test's voice renders, kept for the sanitizer run (tests/realistic/realistic_test.sh)
export TM_REALISTIC_CACHE="$PWD/build/realistic-cache"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON -DTONEMON_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONEMON_SANITIZE=ON -DBUILD_TESTING=ON -DTONEMON_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
   UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

bash scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
