#!/usr/bin/env bash
# scripts/bench_batch.sh [CALLS] -- batch throughput of `tonemon analyze` with events, summary and
# HTML report written, on CALLS synthesized 2-minute stereo 16 kHz calls (default 30 = 1 hour),
# with -j 1 and -j 2. Prints the figures; it asserts nothing (speed depends on the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30}
TM=$(realpath build/tonemon)
W=$(mktemp -d /tmp/tonemon-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
for i in $(seq "$n"); do "$TM" synth --seed $((500 + i)) --duration 120 --snr 25 --bleed -25 "$W/call$i.wav"; done
hours=$(python3 -c "print($n * 120 / 3600)")
for j in 1 2; do
  rm -rf "$W/out"
  start=$(date +%s.%N)
  "$TM" analyze -j $j --quiet --out-dir "$W/out" "$W"/call*.wav
  end=$(date +%s.%N)
  python3 -c "
s = $end - $start; h = $hours
print(f'-j $j: {h:.2f} h of audio in {s:.2f} s wall = {h * 3600 / s:.0f}x real time ({h * 3600 / s / $j:.0f}x per core)')"
done
