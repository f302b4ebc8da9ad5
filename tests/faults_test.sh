#!/usr/bin/env bash
# tests/faults_test.sh -- where analyze's outputs go when they are not plain files, and what
# happens when writing fails or the program is stopped (issue 11, items 1-4): every output option
# and --out-dir contents to a private null device node, a private /dev/full node, a FIFO, a UNIX
# socket, symlinks, '-' and /dev/stdout, a read-only folder; calls with the same name in
# different folders; SIGTERM/SIGINT while a worker is blocked. The truth is what the same call
# gives when written to plain files, and what the file system shows afterwards (a device stays a
# device, a link stays a link). Runs as root: never touches the real /dev (device nodes are made
# with mknod in a private folder; /dev/stdout is tried in a private mount namespace).
# Usage: faults_test.sh path/to/tonemon
set -u
TM=$(realpath "${1:?usage: faults_test.sh path/to/tonemon}")
T=$(mktemp -d /tmp/tonemon-faults.XXXXXX)
BG=()
cleanup() { for p in "${BG[@]}"; do { kill -KILL "$p" && wait "$p"; } 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# run CODE what -- command...: runs with a time limit (a hang is a failure, exit 124)
run() {
  local code=$1 what=$2; shift 2
  timeout -k 2 20 "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" -eq "$code" ]; then ok; else bad "$what: exit $rc, want $code ($(head -c 300 "$T/err" | tr '\n' ' '))"; fi
}
no_temporaries() { test -z "$(find "$1" -name '*.tmp.*' 2>/dev/null)"; }
# waits up to $2 seconds for process $1 to end; its exit status goes to $T/rc
ends_within() {
  local pid=$1 limit=$2 i
  for i in $(seq $((limit * 20))); do
    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; echo $? > "$T/rc"; return 0; fi
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; echo killed > "$T/rc"; return 1
}

cd "$T" || exit 1
"$TM" synth --seed 1 --duration 30 call.wav >/dev/null
"$TM" synth --seed 2 --duration 40 other.wav >/dev/null
sox call.wav tiny.wav trim 0 0.5
"$TM" analyze --events ref.jsonl --frames ref.csv --summary ref.json --report ref.html call.wav
# device nodes made afresh before each use: a program that replaced one by a file must not
# turn the later checks into checks of a plain file
fresh() { rm -f "$T/null" "$T/full"; mknod "$T/null" c 1 3; mknod "$T/full" c 1 7; }
declare -A EXT=([events]=jsonl [frames]=csv [summary]=json [report]=html)
same_as_ref() {   # same_as_ref OPTION FILE: the content a plain file gets
  if [ "$1" = report ]; then grep -q '</html>' "$2" && grep -q '<svg' "$2"; else cmp -s "ref.${EXT[$1]}" "$2"; fi
}

# --- a character device: written in place, never replaced ----------------------------------------
for opt in events frames summary report; do
  fresh
  run 0 "--$opt to a null device" "$TM" analyze --"$opt" "$T/null" call.wav
  check "--$opt: the null device is still a device" test -c "$T/null"
done
fresh
run 0 "all outputs to one null device" "$TM" analyze --events null --frames null --summary null --report null call.wav
check "all outputs: still a device" test -c "$T/null"
mkdir outdev
for s in events.jsonl summary.json html frames.csv; do mknod "outdev/call.$s" c 1 3; done
run 0 "--out-dir whose outputs are null devices" "$TM" analyze --quiet --frames-too --out-dir outdev call.wav
for s in events.jsonl summary.json html frames.csv; do check "--out-dir: call.$s still a device" test -c "outdev/call.$s"; done
check "--out-dir: index written" test -f outdev/index.html
check "devices: no temporaries" no_temporaries "$T"

# --- a full device: every output failure is an error naming the output --------------------------
for opt in events frames summary report; do
  fresh
  run 1 "--$opt to a full device" "$TM" analyze --"$opt" "$T/full" call.wav
  check "--$opt to a full device: named" grep -q "$T/full: No space left on device" "$T/err"
  check "--$opt: the full device is still a device" test -c "$T/full"
done
for opt in events frames summary report; do
  fresh
  run 1 "--$opt - to a full stdout" bash -c "'$TM' analyze --$opt - call.wav > '$T/full'"
  check "--$opt - to a full stdout: said" grep -q 'cannot write to standard output: No space left on device' "$T/err"
  # a short call's output fits the buffer and fails only when flushed: no deadlock there
  fresh
  run 1 "--$opt - of a short call to a full stdout" bash -c "'$TM' analyze --$opt - tiny.wav > '$T/full'"
  check "--$opt - short call: said" grep -q 'cannot write to standard output' "$T/err"
done
fresh
run 1 "timeline to a full stdout" bash -c "'$TM' analyze call.wav > '$T/full'"
check "timeline to a full stdout: said" grep -q 'cannot write to standard output' "$T/err"
fresh
run 1 "-j 2, two calls, frames to a full stdout" bash -c "'$TM' analyze -j 2 --frames - call.wav tiny.wav > '$T/full'"
check "-j 2 full stdout: both calls said" test "$(grep -c 'cannot write to standard output' "$T/err")" -eq 2

# --- a FIFO: written in place (a reader gets the content), never replaced --------------------
mkfifo fifo
for opt in events frames summary report; do
  timeout 30 cat fifo > got & BG+=($!)
  run 0 "--$opt to a FIFO" "$TM" analyze --"$opt" fifo call.wav
  wait "${BG[-1]}" 2>/dev/null
  check "--$opt to a FIFO: the reader got it" same_as_ref "$opt" got
  check "--$opt: the FIFO is still a FIFO" test -p fifo
done

# --- a UNIX socket: connected to and written --------------------------------------------------
python3 - "$T/sock" "$T/sockgot" <<'PY' & BG+=($!)
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1); s.settimeout(60)
c, _ = s.accept(); data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open(sys.argv[2], "wb").write(data)
PY
for i in $(seq 100); do [ -S sock ] && break; sleep 0.05; done
run 0 "--events to a socket" "$TM" analyze --events sock call.wav
wait "${BG[-1]}" 2>/dev/null
check "--events to a socket: the listener got it" cmp -s ref.jsonl sockgot
check "the socket is still a socket" test -S sock

# --- symlinks: followed; the link stays a link, its target gets the content --------------------
for opt in events frames summary report; do
  ln -s "target.$opt" "link.$opt"                       # dangling: the target is created
  run 0 "--$opt to a dangling symlink" "$TM" analyze --"$opt" "link.$opt" call.wav
  check "--$opt: the dangling link is still a link" test -L "link.$opt"
  check "--$opt: its target got the content" same_as_ref "$opt" "target.$opt"
  echo old > "old.$opt"; ln -s "old.$opt" "link2.$opt"  # to an existing file: replaced whole
  run 0 "--$opt to a symlink to a file" "$TM" analyze --"$opt" "link2.$opt" call.wav
  check "--$opt: the link is still a link" test -L "link2.$opt"
  check "--$opt: the old target got the content" same_as_ref "$opt" "old.$opt"
done
mkdir -p sub; ln -s ../reltarget.jsonl sub/rel.jsonl           # relative to the link's own folder
run 0 "--events to a relative symlink in a folder" "$TM" analyze --events sub/rel.jsonl call.wav
check "relative link: still a link" test -L sub/rel.jsonl
check "relative link: ../reltarget.jsonl got it" cmp -s ref.jsonl reltarget.jsonl
fresh
ln -s null nulllink
run 0 "--events to a symlink to a null device" "$TM" analyze --events nulllink --summary nulllink call.wav
check "link to a device: link kept" test -L nulllink
check "link to a device: device kept" test -c null
mkdir outlink; ln -s ../linked.summary.json outlink/call.summary.json
run 0 "--out-dir with a symlinked output" "$TM" analyze --quiet --out-dir outlink call.wav
check "--out-dir symlink kept" test -L outlink/call.summary.json
check "--out-dir symlink target written" cmp -s ref.json linked.summary.json
check "symlinks: no temporaries" no_temporaries "$T"

# --- '-' and /dev/stdout: the process's own descriptor, appended to, never reopened -------------
run 0 "--events -" "$TM" analyze --events - call.wav
check "--events -: the events" cmp -s ref.jsonl "$T/out"
"$TM" analyze --events ref2.jsonl other.wav
run 0 "-j 2, two calls to stdout" "$TM" analyze -j 2 --events - call.wav other.wav
check "-j 2 stdout: each call's events whole, not interleaved" bash -c \
  "cat ref.jsonl ref2.jsonl | cmp -s - '$T/out' || cat ref2.jsonl ref.jsonl | cmp -s - '$T/out'"
if unshare -m true 2>/dev/null; then
  # a private /dev in a private mount namespace: a program that replaced /dev/stdout by a file
  # would do it there, not on this machine
  unshare -m bash -c "
    mount -t tmpfs none /dev && ln -s /proc/self/fd/1 /dev/stdout && ln -s /proc/self/fd /dev/fd &&
    mknod -m 666 /dev/null c 1 3 &&
    { echo first; timeout -k 2 20 '$TM' analyze --events /dev/stdout --summary /dev/fd/3 call.wav 3>sum.out; echo \$? > devrc; } > app.out &&
    test -L /dev/stdout && echo kept > devkept" 2> deverr
  check "/dev/stdout: exit 0" test "$(cat devrc 2>/dev/null)" = 0
  check "/dev/stdout: the link in /dev is still a link" test -f devkept
  check "/dev/stdout: appended after what was there" bash -c "{ echo first; cat ref.jsonl; } | cmp -s - app.out"
  check "/dev/fd/3: the summary" cmp -s ref.json sum.out
else
  echo "note: no mount namespace here; /dev/stdout is not tried" >&2
fi

# --- a read-only folder (root ignores permissions: a tmpfs mounted read-only) --------------------
if unshare -m true 2>/dev/null; then
  mkdir -p ro
  unshare -m bash -c "
    mount -t tmpfs -o size=1m none ro && mkdir ro/out && echo old > ro/ev.jsonl && mount -o remount,ro ro &&
    { timeout -k 2 20 '$TM' analyze --events ro/ev.jsonl call.wav; echo \$? > ro-rc1; } 2> ro-err1;
    { timeout -k 2 20 '$TM' analyze --quiet --out-dir ro/out call.wav other.wav; echo \$? > ro-rc2; } 2> ro-err2;
    { timeout -k 2 20 '$TM' analyze --quiet --out-dir ro/new call.wav; echo \$? > ro-rc3; } 2> ro-err3;
    cat ro/ev.jsonl > ro-kept; ls -A ro/out > ro-ls"
  check "read-only: --events exit 1" test "$(cat ro-rc1)" = 1
  check "read-only: --events named" grep -q 'ro/ev.jsonl: Read-only file system' ro-err1
  check "read-only: the old file untouched" test "$(cat ro-kept)" = old
  check "read-only: --out-dir exit 1" test "$(cat ro-rc2)" = 1
  check "read-only: each call named" bash -c "grep -q 'call.wav: cannot write ro/out/call' ro-err2 && grep -q 'other.wav: cannot write ro/out/other' ro-err2"
  check "read-only: the index failure named" grep -q 'ro/out/index' ro-err2
  check "read-only: nothing created" test ! -s ro-ls
  check "read-only: new --out-dir exit 1" test "$(cat ro-rc3)" = 1
  check "read-only: new --out-dir named" grep -q 'ro/new: cannot create the output folder: Read-only file system' ro-err3
else
  echo "note: no mount namespace here; the read-only folder is not tried" >&2
fi

# --- calls with the same name in different folders ---------------------------------------------
mkdir -p a b
cp call.wav a/call01.wav; cp other.wav b/call01.wav; cp call.wav index.wav
names() { ls "$1" | grep -v '^index\.\(html\|csv\)$' | sort; }
run 0 "same names, -j 2" "$TM" analyze -j 2 --quiet --out-dir same a/call01.wav b/call01.wav
check "same names: two summaries" test "$(ls same/*.summary.json | wc -l)" -eq 2
check "same names: each call's own outputs" python3 - same <<'PY'
import json, glob, sys
want = {"a/call01.wav": [l for l in open("ref.jsonl")], "b/call01.wav": [l for l in open("ref2.jsonl")]}
seen = set()
for s in glob.glob(sys.argv[1] + "/*.summary.json"):
    f = json.load(open(s))["file"]
    seen.add(f)
    assert open(s[:-len(".summary.json")] + ".events.jsonl").readlines() == want[f], s
    assert f.split("/")[-1] in open(s[:-len(".summary.json")] + ".html").read(), s
assert seen == set(want), seen
PY
check "same names: said on stderr" test "$(grep -c 'same name' "$T/err")" -eq 2
check "same names: the index links two reports" test "$(grep -o 'call01[^,"]*\.html' same/index.csv | sort -u | wc -l)" -eq 2
run 0 "same names again, other order, -j 1" "$TM" analyze -j 1 --quiet --out-dir same2 b/call01.wav a/call01.wav
check "same names: stable from run to run" test -n "$(names same)" -a "$(names same)" = "$(names same2)"
run 0 "the same file twice" "$TM" analyze -j 2 --quiet --out-dir twice a/call01.wav a/call01.wav
check "the same file twice: two output sets" test "$(ls twice/*.summary.json | wc -l)" -eq 2
run 0 "a call named index" "$TM" analyze --quiet --out-dir idx index.wav
check "a call named index: the index is the index" grep -q 'Calls analysed' idx/index.html
check "a call named index: its report elsewhere" test "$(ls idx/*.html | wc -l)" -eq 2
check "same names: no temporaries" no_temporaries "$T"
cp call.wav victim.wav; ln -s victim.wav victimlink.jsonl
run 2 "an output that is the input" "$TM" analyze --report victim.wav victim.wav
run 2 "an output linked to the input" "$TM" analyze --events victimlink.jsonl victim.wav
check "the input is untouched" cmp -s call.wav victim.wav
run 2 "two options, one file" "$TM" analyze --events both.out --summary both.out call.wav
check "two options, one file: nothing written" test ! -e both.out

# --- stopped while blocked: SIGTERM/SIGINT end the program within a second --------------------
# (2 s allowed for a loaded machine; the old code never ended)
mkfifo stuck
sleep 120 < stuck & BG+=($!)                  # a reader that never reads: the pipe fills, writes block
"$TM" analyze --frames - --summary stuck.json call.wav > stuck 2> stuck-err & pid=$!; BG+=($pid)
sleep 1
kill -TERM "$pid"
check "SIGTERM while writing to a full pipe: ended" ends_within "$pid" 2
check "SIGTERM while writing: exit 1" test "$(cat rc)" = 1
check "SIGTERM while writing: no summary of the call given up" test ! -e stuck.json
check "SIGTERM while writing: no temporaries" no_temporaries "$T"
mkfifo noreader
"$TM" analyze --events noreader call.wav 2> nr-err & pid=$!; BG+=($pid)
sleep 1                                         # analysed by now; opening the FIFO waits for a reader
kill -INT "$pid"
check "SIGINT while opening a FIFO nobody reads: ended" ends_within "$pid" 2
check "SIGINT while opening a FIFO: exit 1" test "$(cat rc)" = 1
check "SIGINT: the FIFO is still a FIFO" test -p noreader
# an input that arrives slowly (a growing recording): stopped in the middle of a call
mkfifo slow.wav
python3 - slow.wav <<'PY' & BG+=($!)
import struct, sys, time
rate, n = 8000, 8000 * 3600
try:
    with open(sys.argv[1], "wb") as out:
        out.write(b"RIFF" + struct.pack("<I", 36 + n * 2) + b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16))
        out.write(b"data" + struct.pack("<I", n * 2))
        for _ in range(1200):
            out.write(b"\x10\x00" * (rate // 10)); out.flush(); time.sleep(0.1)
except BrokenPipeError:
    pass
PY
"$TM" analyze --summary slow.json --events slow.jsonl slow.wav 2> slow-err & pid=$!; BG+=($pid)
sleep 1.5
kill -TERM "$pid"
check "SIGTERM in the middle of a call: ended" ends_within "$pid" 2
check "SIGTERM in the middle of a call: exit 1" test "$(cat rc)" = 1
check "SIGTERM in the middle of a call: nothing written" test ! -e slow.json -a ! -e slow.jsonl
check "SIGTERM: no temporaries" no_temporaries "$T"

echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
