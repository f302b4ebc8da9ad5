#!/usr/bin/env bash
# tests/browser/batch_test.sh TONEMON BUILD_DIR -- the per-call reports of an --out-dir batch in
# a real browser (issue 11, items 2, 13, 16): calls in other folders than the reports, two calls
# with the same name in different folders, and hostile file names (markup, a javascript: scheme,
# a spreadsheet formula, quotes, comma, #, ?, %, space, newline). Each input is the same call cut
# to its own length, so the length the browser reads tells which audio a report loaded.
set -euo pipefail
TM=$(realpath "$1")
OUT=$(realpath -m "$2")/browser
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
if [ ! -x /usr/bin/chromium ]; then echo "chromium is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; fi
(
  flock 9      # report_test.sh installs into the same folder
  if [ ! -d "$OUT/node_modules/playwright-core" ]; then
    cp "$HERE/package.json" "$OUT/"
    (cd "$OUT" && npm install --no-audit --no-fund --silent >/dev/null)
  fi
) 9>"$OUT/.npm.lock"
cp "$HERE/batch_test.mjs" "$OUT/"
W="$OUT/batch"
rm -rf "$W"
mkdir -p "$W/in/dir1" "$W/in/dir2"
cd "$W"
"$TM" synth --seed 7 --duration 120 whole.wav >/dev/null
names=('<img src=x onerror=alert(1)>' 'javascript:alert(1)' '=HYPERLINK("x")' 'say "hi"' "it's" 'a,b'
       'part#2' 'why?x=1' '100%25 done' 'two  spaces' $'new\nline' '<script>alert(2)' 'a&amp;b')
i=0
for n in "${names[@]}"; do
  sox whole.wav "in/$n.wav" trim 0 $((50 + 3 * i)); i=$((i + 1))
done
sox whole.wav in/dir1/call.wav trim 0 61.5
sox whole.wav in/dir2/call.wav trim 0 93.5
rc=0
"$TM" analyze -j 2 --quiet --out-dir out in/*.wav in/dir1/call.wav in/dir2/call.wav 2> analyze.err || rc=$?
if [ "$rc" -ne 0 ]; then cat analyze.err >&2; echo "analyze failed: exit $rc" >&2; exit 1; fi
# the manifest: each report found through its summary's "file"; lengths measured here, not by tonemon
python3 - out manifest.json <<'PY'
import glob, json, os, sys, wave
out, dest = sys.argv[1:]
reports = []
for s in sorted(glob.glob(os.path.join(out, "*.summary.json"))):
    summ = json.load(open(s))
    with wave.open(summ["file"]) as w:
        duration = w.getnframes() / w.getframerate()
    reports.append({"report": os.path.abspath(s[:-len(".summary.json")] + ".html"), "name": summ["file"],
                    "duration": duration, "moments": len(summ["moments"])})
assert len(reports) == 15, len(reports)
assert len({r["name"] for r in reports}) == 15
json.dump({"reports": reports}, open(dest, "w"))
PY
# (index.html and index.csv checks, issue 16, go here: they read the same out/ folder)
cd "$OUT"
node batch_test.mjs batch/manifest.json
