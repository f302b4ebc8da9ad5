#!/usr/bin/env bash
# tests/browser/report_test.sh TONEMON BUILD_DIR -- the HTML report in a real browser: makes a
# call, writes its report, installs playwright-core (npm, once per build dir) and runs
# report_test.mjs against Debian's chromium. Leaves report.png in BUILD_DIR/browser for people.
set -euo pipefail
TM=$(realpath "$1")
OUT=$(realpath -m "$2")/browser
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
if [ ! -x /usr/bin/chromium ]; then echo "chromium is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; fi
(
  flock 9      # batch_test.sh installs into the same folder
  if [ ! -d "$OUT/node_modules/playwright-core" ]; then
    cp "$HERE/package.json" "$OUT/"
    (cd "$OUT" && npm install --no-audit --no-fund --silent >/dev/null)
  fi
) 9>"$OUT/.npm.lock"
cp "$HERE/report_test.mjs" "$OUT/"
cd "$OUT"
"$TM" synth --seed 7 --duration 120 call.wav >/dev/null
"$TM" analyze --events call.jsonl --report report.html call.wav
moments=$(grep -c '"deescalation"' call.jsonl)
node report_test.mjs report.html "$moments" report.png
