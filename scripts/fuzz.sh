#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS] -- builds the libFuzzer targets with clang (ASan + UBSan) and runs each
# for SECONDS (default 30) from the seed corpus in tests/fuzz/corpus, as many at once as there are
# cores (each fuzzer is one process on one core, so each still gets its SECONDS). CI runs it with
# 30; for a long run: bash scripts/fuzz.sh 3600. A crash leaves its input as build-fuzz/crash-*:
# add it to tests/fuzz/corpus/<target>/ as a regression case once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTONEMON_FUZZ=ON \
    -DBUILD_TESTING=OFF -DTONEMON_BUILD_TOOLS=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_analyzer fuzz_profile fuzz_labels fuzz_audio >/dev/null
run() {
  local t=$1
  mkdir -p "build-fuzz/corpus-$t"
  (cd build-fuzz && exec ./tests/fuzz/fuzz_$t -max_total_time="$secs" -max_len=65536 -timeout=20 \
      -rss_limit_mb=2048 -print_final_stats=1 "corpus-$t" "../tests/fuzz/corpus/$t" >"fuzz-$t.log" 2>&1)
}
# a failure is reported once every fuzzer has ended, so each one's log is whole
targets=(analyzer profile labels audio)
declare -A pid rc
slots=$(nproc)
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$slots" ]; then wait -n || true; running=$((running - 1)); fi
  echo "fuzz_$t: ${secs}s"
  run "$t" & pid[$t]=$!
  running=$((running + 1))
done
failed=0
for t in "${targets[@]}"; do
  if wait "${pid[$t]}"; then rc[$t]=0; else rc[$t]=$?; fi
  if [ "${rc[$t]}" -ne 0 ]; then
    failed=$((failed + 1))
    echo "fuzz_$t found a failure (build-fuzz/fuzz-$t.log):" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "build-fuzz/fuzz-$t.log" >&2 || tail -20 "build-fuzz/fuzz-$t.log" >&2
  else
    grep -E 'stat::number_of_executed_units' "build-fuzz/fuzz-$t.log" | sed "s/^/fuzz_$t: /" || true
  fi
done
echo "fuzz: $((${#targets[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
