#!/usr/bin/env bash
# scripts/bench_index.sh [CALLS] [RECORDS] -- archive throughput on this machine: calls/s of
# `tonemon analyze --out-dir` (events, summary, report and index record per call) with 1, 2, ...
# workers up to the number of cores, on CALLS synthesized 60 s stereo calls (default 40); then the
# time `tonemon index` takes to merge RECORDS synthetic per-call records (default 100000, made by
# scripts/fake_records.py) and, when the browser test's playwright-core is installed
# (build/browser/node_modules), how long chromium takes to open that index. Prints; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
n=${1:-40}
nrec=${2:-100000}
TM=$(realpath build/tonemon)
W=$(mktemp -d /tmp/tonemon-bench-index.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/calls"
for i in $(seq "$n"); do "$TM" synth --seed $((700 + i)) --duration 60 --snr 25 "$W/calls/c$i.wav" >/dev/null; done
cores=$(nproc)
for j in $(seq 1 "$cores"); do
  rm -rf "$W/out"
  start=$(date +%s.%N)
  "$TM" analyze -j "$j" --quiet --out-dir "$W/out" "$W"/calls/*.wav
  end=$(date +%s.%N)
  python3 -c "s = $end - $start; print(f'analyze -j $j: $n calls of 60 s in {s:.2f} s = {$n / s:.1f} calls/s ({$n * 60 / s:.0f}x real time)')"
done
start=$(date +%s.%N)
python3 scripts/fake_records.py "$nrec" "$W/records"
end=$(date +%s.%N)
python3 -c "print(f'{$nrec} synthetic records written in {$end - $start:.1f} s')"
start=$(date +%s.%N)
"$TM" index --quiet --out-dir "$W/merged" "$W/records"
end=$(date +%s.%N)
python3 -c "print(f'tonemon index: merge of $nrec records in {$end - $start:.2f} s')"
du -sh "$W/merged/index.html" "$W/merged/index_files" "$W/merged/index.csv" | sed 's/^/  /'
if [ -d build/browser/node_modules/playwright-core ] && [ -x /usr/bin/chromium ]; then
  cp scripts/bench_index_open.mjs build/browser/
  (cd build/browser && node bench_index_open.mjs "$W/merged/index.html")
  rm -f build/browser/bench_index_open.mjs
else
  echo "chromium timing skipped: run the report_browser test once to install playwright-core in build/browser"
fi
