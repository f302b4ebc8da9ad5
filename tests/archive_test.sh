#!/usr/bin/env bash
# tests/archive_test.sh TONEMON -- the archive options of `tonemon analyze` and `tonemon index`,
# checked against truth written here (the manifest, the file names, Python's csv module):
# manifest rows and their errors, outputs named by call_id, extra columns carried through, shards
# that split a list exactly, --resume doing only what is missing, merges of several folders with
# working relative links, RFC 4180 CSV with formula-looking cells neutralised.
set -uo pipefail
TM=$(realpath "$1")
T=$(mktemp -d /tmp/tm-archive.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi; }
cd "$T"
mkdir -p arc/audio elsewhere
for i in 1 2 3 4 5 6; do "$TM" synth --seed $((80 + i)) --duration 40 "arc/audio/c$i.wav" >/dev/null; done
cat > arc/calls.csv <<'CSV'
path,call_id,agent,team,date,queue,note
audio/c1.wav,ID-1,ann,red,2026-11-01,billing,"said ""hi"", then left"
audio/c2.wav,ID/2,=cmd|' /C calc'!A0,red,2026-11-02,sales,"two
lines"
audio/c3.wav,ID-3,bob,blue,2026-11-02,"a,b",plain
audio/missing.wav,ID-9,bob,blue,2026-11-03,x,y
only,three,fields
audio/c4.wav,ID-4,cyd,blue,2026-11-03,x,"unclosed
CSV
# rows: 2 ok, 3 ok (2 lines), 5 ok, 6 missing file, 7 bad count, 8 unclosed quote

# 1. manifest: bad rows named by file and line, the rest analysed, exit 1
(cd elsewhere && "$TM" analyze --quiet --manifest ../arc/calls.csv --out-dir ../out1) 2> err1.txt
rc=$?
cat err1.txt
check "manifest run exits 1 (bad rows and a missing file)" test $rc -eq 1
check "wrong field count named with its line" grep -q '^tonemon: ../arc/calls.csv:7: 3 fields where the header has 7' err1.txt
check "unclosed quote named with its line" grep -q '^tonemon: ../arc/calls.csv:8: a quoted field is not closed' err1.txt
check "missing audio named" grep -q 'missing.wav' err1.txt
check "each problem is one line" test "$(wc -l < err1.txt)" -eq 3
check "paths relative to the manifest's folder" test -s out1/ID-1.html -a -s out1/ID-3.summary.json
check "call_id with a slash stays inside the folder" test -s out1/ID_2.html
python3 - out1 <<'PY' || fails=$((fails + 1))
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + '/index.csv', newline='')))
by = {r['call_id']: r for r in rows}
want = {'ID-1': ('ann', 'billing', 'said "hi", then left'), 'ID/2': ("'=cmd|' /C calc'!A0", 'sales', 'two\nlines'),
        'ID-3': ('bob', 'a,b', 'plain')}
ok = set(by) == {'ID-1', 'ID/2', 'ID-3', 'ID-9'} and by['ID-9']['status'] == 'failed'
for k, (agent, queue, note) in want.items():
    r = by.get(k, {})
    ok &= (r.get('agent'), r.get('queue'), r.get('note'), r.get('status')) == (agent, queue, note, 'ok')
ok &= by['ID-1']['report'] == './ID-1.html' and by['ID/2']['report'] == './ID_2.html'
ok &= by['ID-1']['file'] == '../arc/audio/c1.wav'
m = list(csv.DictReader(open(d + '/moments.csv', newline='')))
ok &= all(x['link'].startswith('./ID') and '#t=' in x['link'] for x in m) and len(m) > 0
print('ok' if ok else 'FAIL', ': index.csv carries the manifest (quotes, commas, newlines, formula neutralised)')
sys.exit(0 if ok else 1)
PY

"$TM" analyze --quiet --manifest nosuch.csv --out-dir x 2> err1b.txt
check "unreadable manifest: exit 1, one line naming it" test $? -eq 1 -a "$(grep -c '^tonemon: nosuch.csv: cannot read the manifest' err1b.txt)" -eq 1
printf 'file,agent\nx.wav,a\n' > nopath.csv
"$TM" analyze --quiet --manifest nopath.csv --out-dir x 2> err1c.txt
check "manifest without a path column: exit 1, named" test $? -eq 1 -a "$(grep -c '^tonemon: nopath.csv:1: no `path` column' err1c.txt)" -eq 1

# 2. shards: disjoint, complete, deterministic
ls arc/audio/c*.wav > files.txt
for k in 1 2 3; do "$TM" analyze --quiet --shard $k/3 --out-dir sh$k $(cat files.txt) 2>/dev/null; done
python3 - <<'PY' || fails=$((fails + 1))
import csv
files = open('files.txt').read().split()
seen = []
for k in (1, 2, 3):
    got = sorted(r['file'] for r in csv.DictReader(open(f'sh{k}/index.csv', newline='')))
    want = sorted(f for i, f in enumerate(files) if i % 3 == k - 1)
    if got != want:
        print('FAIL: shard', k, got, want); raise SystemExit(1)
    seen += got
ok = sorted(seen) == sorted(files)
print('ok' if ok else 'FAIL', ': shards 1..3 of 3 split the list exactly (item i in shard i mod 3 + 1)')
raise SystemExit(0 if ok else 1)
PY
"$TM" analyze --quiet --shard 4/3 --out-dir x arc/audio/c1.wav 2>/dev/null
check "--shard 4/3 is bad usage" test $? -eq 2
"$TM" analyze --quiet --shard 0/3 --out-dir x arc/audio/c1.wav 2>/dev/null
check "--shard 0/3 is bad usage" test $? -eq 2
"$TM" analyze --quiet --resume arc/audio/c1.wav 2>/dev/null
check "--resume without --out-dir is bad usage" test $? -eq 2

# 3. resume: nothing redone when complete; a call with a lost output is redone, alone
"$TM" analyze --quiet --out-dir r arc/audio/c*.wav
stamp() { stat -c '%n %y' r/*.index.json | sort; }
before=$(stamp)
"$TM" analyze --quiet --resume --out-dir r arc/audio/c*.wav 2> err3.txt
check "resume: all 6 complete, none analysed" grep -q -- '--resume: 6 of 6 calls already complete' err3.txt
check "resume: no record rewritten" test "$(stamp)" = "$before"
rm r/c3.events.jsonl
"$TM" analyze --quiet --resume --out-dir r arc/audio/c*.wav 2> err3.txt
check "resume: a call missing an output is redone" grep -q -- '--resume: 5 of 6 calls already complete in r, 1 to analyse' err3.txt
check "resume: its output is back" test -s r/c3.events.jsonl
check "resume: the others untouched" test "$(comm -12 <(echo "$before") <(stamp) | wc -l)" -eq 5
check "resume: the index still lists all 6" test "$(python3 -c 'import csv; print(len(list(csv.DictReader(open("r/index.csv")))))')" -eq 6

# 4. merge: shards into one index, links relative to the merged folder
"$TM" index --quiet --out-dir merged sh1 sh2 sh3
check "merge exits 0" test $? -eq 0
python3 - <<'PY' || fails=$((fails + 1))
import csv, os, urllib.parse
rows = list(csv.DictReader(open('merged/index.csv', newline='')))
one = list(csv.DictReader(open('r/index.csv', newline='')))
strip = lambda rs: sorted(tuple((k, v) for k, v in r.items() if k != 'report') for r in rs)
ok = len(rows) == 6 and strip(rows) == strip(one)
ok &= all(r['report'].startswith('./../sh') for r in rows)
ok &= all(os.path.isfile(os.path.join('merged', urllib.parse.unquote(r['report']))) for r in rows)
print('ok' if ok else 'FAIL', ': merged index = one-folder index, and every report link opens a file')
raise SystemExit(0 if ok else 1)
PY
mkdir -p all && mv sh1 sh2 sh3 all/
"$TM" index --quiet --out-dir merged2 all all/sh2 all/sh1/ all
check "merge: a folder inside another one given is not counted twice" \
  test "$(python3 -c 'import csv; print(len(list(csv.DictReader(open("merged2/index.csv")))))')" -eq 6
"$TM" index --out-dir m2 nosuchdir 2> err4.txt
check "index of a missing folder: exit 1, one line naming it" test $? -eq 1 -a "$(wc -l < err4.txt)" -eq 1
grep -q nosuchdir err4.txt || { echo "FAIL: folder not named"; fails=$((fails + 1)); }
mkdir bad && echo '{"v":1,' > bad/x.index.json
"$TM" index --out-dir m3 bad 2> err5.txt
check "a broken record: exit 1, named" test $? -eq 1 -a "$(grep -c 'bad/x.index.json' err5.txt)" -eq 1
"$TM" index --out-dir m4 2>/dev/null
check "index without folders is bad usage" test $? -eq 2

echo "archive: $fails failed"
[ "$fails" -eq 0 ]
