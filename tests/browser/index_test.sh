#!/usr/bin/env bash
# tests/browser/index_test.sh TONEMON BUILD_DIR -- the archive index and a 60-minute report in
# headless chromium (playwright-core, as report_test.sh):
#  1. a manifest batch (agents, teams, dates, one mono call): worst-first order and every severity
#     against the README's weights applied by Python to the summaries and events (not to the
#     index's own numbers), sorting, each filter against counts from the manifest and summaries,
#     the totals row, the agent rollup, and a deep link landing at the first moment minus 2 s;
#  2. an index of 6000 synthetic records: the page starts with the worst 500 and loads the rest
#     on demand;
#  3. hostile file names: no dialog, every link opens its own report, index.csv reads back (Python
#     csv) to exactly the names given;
#  4. a 60-minute report: zoom, time label spacing, lane labels in view, moment rows, playhead.
# Screenshots (index.png, agents.png, report60.png) are left in BUILD_DIR/browser.
set -euo pipefail
TM=$(realpath "$1")
OUT=$(realpath -m "$2")/browser
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
mkdir -p "$OUT"
if [ ! -x /usr/bin/chromium ]; then echo "chromium is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; fi
if [ ! -d "$OUT/node_modules/playwright-core" ]; then
  cp "$HERE/package.json" "$OUT/"
  (cd "$OUT" && npm install --no-audit --no-fund --silent >/dev/null)
fi
cp "$HERE"/index_test.mjs "$OUT/"
W=$(mktemp -d /tmp/tm-index-browser.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"

# 1. a batch from a manifest
mkdir -p batch/calls
{
  echo "path,call_id,agent,team,date"
  for i in $(seq 1 12); do
    printf 'calls/c%02d.wav,CALL-%02d,%s,%s,2026-11-%02d\n' "$i" "$i" "$(echo ann bob cyd dee | cut -d' ' -f$((1 + i % 4)))" \
      "$( [ $((i % 3)) -eq 0 ] && echo north || echo south)" $((10 + i % 5))
  done
} > batch/calls.csv
for i in $(seq 1 12); do "$TM" synth --seed $((30 + i)) --duration $((40 + 7 * i)) "$(printf 'batch/calls/c%02d.wav' "$i")" >/dev/null; done
sox batch/calls/c05.wav -c 1 batch/calls/mono.wav remix 1,2
mv batch/calls/mono.wav batch/calls/c05.wav
mkdir -p batch/out
(cd batch/out && "$TM" analyze --quiet -j 2 --manifest ../calls.csv --out-dir .)
python3 - batch <<'PY' > expect.json
# The truth for the browser: severities from the summaries and events by the README's weights.
import csv, json, os, sys
d = sys.argv[1]
calls = []
for row in csv.DictReader(open(os.path.join(d, 'calls.csv'))):
    cid = row['call_id']
    s = json.load(open(os.path.join(d, 'out', cid + '.summary.json')))
    mono = s['channels'] == 'mix'
    sp = s['speakers']
    ev = [json.loads(l) for l in open(os.path.join(d, 'out', cid + '.events.jsonl'))]
    moments = [e for e in ev if e['type'] == 'deescalation']
    sev = 10 * len(moments) + 10 * sum(1 for m in moments if m['severity'] >= 2) + 0.5 * s['silence_s']
    if mono:
        raised = sp['mix']['raised_voice_s']
        sev += 2 * raised
    else:
        raised = sp['agent']['raised_voice_s'] + sp['caller']['raised_voice_s']
        sev += 5 * s['interruptions']['agent_of_caller'] + 2 * s['interruptions']['caller_of_agent']
        sev += 2 * sp['agent']['raised_voice_s'] + 1 * sp['caller']['raised_voice_s'] + 100 * s['overlap_share']
    calls.append(dict(id=cid, agent=row['agent'], team=row['team'], date=row['date'], sev=sev, raised=raised > 0,
                      mono=mono, first=max(0, moments[0]['start'] - 2) if moments else None, dur=s['duration_s']))
json.dump(calls, sys.stdout)
PY

# 2. a large index from synthetic records
python3 "$ROOT/scripts/fake_records.py" 6000 big/records 3
"$TM" index --quiet --out-dir big/merged big/records

# 3. hostile names (a newline too)
mkdir -p hostile/in
names=('<img src=x onerror=alert(1)>' 'javascript:alert(1)' '=HYPERLINK("x")' 'say "hi"' "it's" 'a,b' 'a#b' 'what?x=1' '100%25 sure' 'two words' $'new\nline' '+2-3' '@sum' "'quoted")
i=0
for nm in "${names[@]}"; do i=$((i + 1)); "$TM" synth --seed $((60 + i)) --duration 20 "hostile/in/$nm.wav" >/dev/null; done
(cd hostile/in && "$TM" analyze --quiet -j 2 --out-dir ../out *.wav)
python3 - hostile <<'PY'
# index.csv back through Python's csv: the file column is exactly the names given (a leading '
# that neutralises a formula-looking cell is the one documented change, and is taken off here).
import csv, json, os, sys
d = sys.argv[1]
names = sorted(os.listdir(os.path.join(d, 'in')))
json.dump(names, open(os.path.join(d, 'names.json'), 'w'))
rows = list(csv.DictReader(open(os.path.join(d, 'out', 'index.csv'), newline='')))
got = sorted(r['file'][1:] if r['file'][:1] == "'" else r['file'] for r in rows)
guarded = [r['file'] for r in rows if r['file'][:1] == "'"]
if got != names or sorted(guarded) != sorted("'" + n for n in names if n[0] in "=+-@'"):
    print('FAIL: index.csv names', got, 'expected', names, 'guarded', guarded)
    sys.exit(1)
for r in csv.DictReader(open(os.path.join(d, 'out', 'moments.csv'), newline='')):
    if r['call'][:1] in '=+-@' or not r['link'].startswith('./'):
        print('FAIL: moments.csv row', r)
        sys.exit(1)
print('ok: index.csv reads back to the', len(names), 'names; formula-looking cells neutralised')
PY

# 4. a 60-minute call
"$TM" synth --seed 5 --duration 3600 long.wav >/dev/null
"$TM" analyze --events long.jsonl --report long.html long.wav

cd "$OUT"
node index_test.mjs "$W"
