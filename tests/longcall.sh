#!/usr/bin/env bash
# tests/longcall.sh TONEMON -- a 4-hour stereo call (a synthesized 4-minute call 60 times over,
# FLAC) is analysed with events, summary and report in bounded memory: peak RSS <= 32 MB and
# within 8 MB of the 4-minute call's (memory does not grow with the call).
set -eu
TM=$(realpath "$1")
W=$(mktemp -d /tmp/tonemon-long.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
"$TM" synth --seed 9 --duration 240 --rate 8000 --telephone --snr 25 seg.wav >/dev/null
args=(); for i in $(seq 60); do args+=(seg.wav); done
sox "${args[@]}" long.flac
python3 - "$TM" <<'PY'
import os, subprocess, sys, time
tm = sys.argv[1]
def peak_mb(f):
    t = time.time()
    p = subprocess.Popen([tm, "analyze", "-j", "1", "--quiet", "--events", f + ".jsonl", "--summary", f + ".json",
                          "--report", f + ".html", f])
    _, status, usage = os.wait4(p.pid, 0)     # this child's own peak resident set
    assert status == 0, status
    return usage.ru_maxrss / 1024.0, time.time() - t
short, ts = peak_mb("seg.wav")
long, tl = peak_mb("long.flac")
print(f"4-minute call: peak {short:.1f} MB; 4-hour call: peak {long:.1f} MB in {tl:.1f} s ({4 * 3600 / tl:.0f}x real time)")
ok = long <= 32.0 and long - short <= 8.0
print(f"longcall: {int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
PY
