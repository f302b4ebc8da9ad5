#!/usr/bin/env bash
# tests/calibrate_test.sh TONEMON -- a deliberately bad profile is improved by `tonemon calibrate`
# on labelled calls, the improvement shows on held-out calls scored by `tonemon eval`, and a
# label file with an error is refused with its line named.
set -u
TM=$(realpath "$1")
W=$(mktemp -d /tmp/tonemon-cal.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi; }
mkdir -p train held bad-labels
for s in 21 22 23 24; do "$TM" synth --seed $s --duration 90 --snr 25 --bleed -22 train/c$s.wav --truth train/c$s.truth.json; done
for s in 25 26; do "$TM" synth --seed $s --duration 90 --snr 25 --bleed -22 held/c$s.wav --truth held/c$s.truth.json --pitch-truth held/c$s.f0.csv; done
printf '{"profile":"bad","thresholds":{"backchannel_max_s":0.4,"raised_min_db":12,"speech_margin_db":14}}\n' > bad.json

"$TM" calibrate --profile bad.json --folds 2 --out fixed.json --plot plots train > cal.txt; rc=$?
check "calibrate runs" test $rc -eq 0
check "calibrate reports held-out scores" grep -q 'held out (2-fold by call)' cal.txt
check "calibrate writes a loadable profile" "$TM" profile --check fixed.json
check "the profile records where it came from" python3 -c '
import json; p = json.load(open("fixed.json"))["provenance"]
assert p["objective"] == "macro" and len(p["calls"]) == 4 and p["kept_start_thresholds"] is False'
check "curves drawn" test -s plots/raised_min_db.svg
"$TM" eval --json --profile bad.json train > bad-train.json
"$TM" eval --json --profile fixed.json train > fixed-train.json
check "the fit flags no more louder turns than its start" python3 -c '
import json; b = json.load(open("bad-train.json")); f = json.load(open("fixed-train.json"))
print("louder turns flagged on the training calls: start %d, calibrated %d of %d" % (b["louder_turns_flagged"], f["louder_turns_flagged"], f["louder_turns"]))
assert f["louder_turns"] > 0 and f["louder_turns_flagged"] <= b["louder_turns_flagged"]'
"$TM" eval --json --profile bad.json held > bad-score.json
"$TM" eval --json --profile fixed.json held > fixed-score.json
check "held-out calls gain" python3 -c '
import json; b = json.load(open("bad-score.json"))["macro_f1"]; f = json.load(open("fixed-score.json"))["macro_f1"]
print(f"held-out macro F1: bad profile {b:.3f}, calibrated {f:.3f}"); assert f > b + 0.05'
check "eval reads the pitch truth" python3 -c '
import json; p = json.load(open("fixed-score.json"))["pitch"]; assert p["gross_error"] < 0.02'
"$TM" eval held > table.txt
check "eval prints a table" grep -q 'interruption' table.txt
cp held/c25.wav bad-labels/x.wav
printf '1.0\t2.0\tspeech:agent\n3.0\tfour\tspeech:caller\n' > bad-labels/x.labels.txt
"$TM" eval bad-labels > /dev/null 2> err.txt; rc=$?
check "bad labels: exit 1" test $rc -eq 1
check "bad labels: line named" grep -q 'x.labels.txt: bad labels: line 2: start and end must be numbers' err.txt
"$TM" eval nowhere.wav > /dev/null 2> err2.txt; rc=$?
check "no labels: exit 1" test $rc -eq 1
echo "calibrate: $pass passed, $fail failed"
[ $fail -eq 0 ]
