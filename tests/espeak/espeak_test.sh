#!/usr/bin/env bash
# tests/espeak/espeak_test.sh TONEMON -- speech that is not tonemon's own synthesizer: calls voiced
# by espeak-ng (two different voices), mixed by sox with echo, noise and a telephone band
# (make_call.py), scored by `tonemon eval` against their scripts.
set -eu
TM=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/tonemon-espeak.XXXXXX)
trap 'rm -rf "$W"' EXIT
python3 "$HERE/make_call.py" "$W" wide1 --seed 1
python3 "$HERE/make_call.py" "$W" wide2 --seed 2 --bleed -20 --snr 20
python3 "$HERE/make_call.py" "$W" tel3 --seed 3 --telephone --bleed -18 --snr 22
python3 "$HERE/make_call.py" "$W" tel4 --seed 4 --telephone --bleed -30 --snr 30
"$TM" eval "$W"
"$TM" eval --json "$W" > "$W/score.json"
python3 - "$W/score.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
ev = s["events"]
ok = (s["macro_f1"] >= 0.9 and all(ev[k]["f1"] >= 0.8 for k in ("interruption", "raised_voice", "silence"))
      and ev["interruption"]["tp"] >= 4 and ev["raised_voice"]["tp"] >= 6 and s["louder_turns_flagged"] == 0
      and min(s["speech_frames_f1"].values()) >= 0.93)
print(f"espeak: {int(ok)} passed, {int(not ok)} failed")
sys.exit(0 if ok else 1)
PY
