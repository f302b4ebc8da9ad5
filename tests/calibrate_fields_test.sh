#!/usr/bin/env bash
# tests/calibrate_fields_test.sh TONEMON -- calibrate's search reaches the fields added after its
# first knobs. On synthetic calls every voice speaks at its own level and every backchannel is
# the talker's own (the truth says so), so a start profile that asks an interrupter to come
# within 1 dB of their loudest hop (interrupt_rel_db) and takes back every short segment not
# within 1 dB of the talker's level (speech_weak_rel_db) loses true interruptions and
# backchannels; calibrate must move both to values that keep them, and the calls it did not see
# must show it. Eight calls to fit on: on six, a fit could tie on every value of interrupt_rel_db
# once a longer backchannel_max_s had been chosen (one event apart), keep the start value and
# lose a held-out interruption.
set -u
TM=$(realpath "$1")
W=$(mktemp -d /tmp/tonemon-calf.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi; }
mkdir -p train held
for s in 21 22 23 24 25 26 27 28; do "$TM" synth --seed $s --duration 90 --snr 25 --bleed -22 train/c$s.wav --truth train/c$s.truth.json; done
for s in 29 30; do "$TM" synth --seed $s --duration 90 --snr 25 --bleed -22 held/c$s.wav --truth held/c$s.truth.json; done
printf '{"profile":"tight","thresholds":{"interrupt_rel_db":1,"speech_weak_rel_db":1}}\n' > tight.json

"$TM" calibrate --profile tight.json --folds 2 --out fitted.json train > cal.txt; rc=$?
check "calibrate runs" test $rc -eq 0
check "the sweep table shows the new fields" grep -Eq '^ +interrupt_rel_db +1 ' cal.txt
check "fitted profile loads" "$TM" profile --check fitted.json
check "interrupt_rel_db and speech_weak_rel_db moved to values that keep the talkers' own speech" python3 -c '
import json; t = json.load(open("fitted.json"))["thresholds"]
print("fitted interrupt_rel_db %g, speech_weak_rel_db %g" % (t["interrupt_rel_db"], t["speech_weak_rel_db"]))
assert t["interrupt_rel_db"] == 0 or t["interrupt_rel_db"] >= 3
assert t["speech_weak_rel_db"] == 0 or t["speech_weak_rel_db"] >= 6'
"$TM" eval --json --profile tight.json held > tight-score.json
"$TM" eval --json --profile fitted.json held > fitted-score.json
check "held-out interruptions and backchannels recovered" python3 -c '
import json
b = json.load(open("tight-score.json"))["events"]; f = json.load(open("fitted-score.json"))["events"]
for k in ("interruption", "backchannel"):
    print("held-out %s recall: start %.3f, fitted %.3f" % (k, b[k]["recall"], f[k]["recall"]))
assert f["backchannel"]["recall"] >= b["backchannel"]["recall"] + 0.3
assert f["interruption"]["recall"] >= b["interruption"]["recall"]
assert f["interruption"]["f1"] >= b["interruption"]["f1"]'
echo "calibrate_fields: $pass passed, $fail failed"
[ $fail -eq 0 ]
