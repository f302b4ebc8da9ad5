#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] -- builds the libFuzzer targets with clang (ASan + UBSan) and runs each
# for SECONDS (default 30) from the seed corpus in tests/fuzz/corpus. CI runs it with 30; for a
# long run: bash scripts/fuzz.sh 3600. A crash leaves its input as build-fuzz/crash-*: add it to
# tests/fuzz/corpus/<target>/ as a regression case once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONEMON_FUZZ=ON \
    -DBUILD_TESTING=OFF -DTONEMON_BUILD_TOOLS=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_analyzer fuzz_profile fuzz_labels fuzz_audio >/dev/null
for t in analyzer profile labels audio; do
  work=build-fuzz/corpus-$t
  mkdir -p "$work"
  echo "fuzz_$t: ${secs}s"
  (cd build-fuzz && ./tests/fuzz/fuzz_$t -max_total_time="$secs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 "corpus-$t" "../tests/fuzz/corpus/$t" >"fuzz-$t.log" 2>&1) || {
    echo "fuzz_$t found a failure (build-fuzz/fuzz-$t.log):" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "build-fuzz/fuzz-$t.log" >&2 || tail -20 "build-fuzz/fuzz-$t.log" >&2
    exit 1
  }
  grep -E 'stat::number_of_executed_units' "build-fuzz/fuzz-$t.log" || true
done
echo "fuzz: 4 passed, 0 failed"
