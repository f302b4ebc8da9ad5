#!/usr/bin/env bash
# tests/realistic/realistic_test.sh TONEMON [CACHE_DIR] -- the realistic corpus in small: six calls
# of 60 s, one per major condition (clean, babble, office, speakerphone echo, codec, hold + DTMF),
# generated from a fixed seed by make_corpus.py with exact truth, scored by score_corpus.py
# (tonemon eval + analyze). Asserts floors under today's figures (loose: the detector work of
# issue 12 raises them) and that the clean call is scored near perfectly, which checks the truth
# the generator writes as much as the detector.
set -eu
TM=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/tonemon-realistic.XXXXXX)
trap 'rm -rf "$W"' EXIT
# the voices' renders: TM_REALISTIC_CACHE when set (scripts/test.sh: one cache for the release and
# the sanitizer run, which then renders nothing: 45 s -> 9 s here), else CACHE_DIR
CACHE=${TM_REALISTIC_CACHE:-${2:-$W/cache}}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
"$PY" "$HERE/make_corpus.py" "$W/calls" --subset smoke --duration 60 --seed 12 --jobs 2 --cache "$CACHE"
[ "$(ls "$W"/calls/*.wav | wc -l)" -eq 6 ] || { echo "realistic: expected 6 calls"; exit 1; }
# The library never prints: speexdsp prints a warning on stderr when it resets a canceller that
# adds echo instead of removing it, and src/echo.c resets such a canceller quietly first. This
# call (seed 56 c43: street noise on the agent's channel, the caller's voice as its reference)
# made it print once, when that guard was looser.
"$PY" "$HERE/make_corpus.py" "$W/one" --seed 56 --only c43_street --jobs 1 --cache "$CACHE" --tonemon "$TM"
"$TM" analyze --quiet "$W/one/c43_street.wav" --events "$W/one/c43.jsonl" 2> "$W/one/stderr"
[ -s "$W/one/c43.jsonl" ] && [ ! -s "$W/one/stderr" ] ||
    { echo "realistic: FAIL seed 56 c43: no events, or stderr: $(cat "$W/one/stderr")"; exit 1; }
"$PY" "$HERE/score_corpus.py" --tonemon "$TM" "$W/calls" --json "$W/score.json"
"$PY" - "$W/score.json" "$W/calls" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))["rows"]
fails = []
def need(what, value, lo=None, hi=None):
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    if not ok:
        fails.append("%s = %.3f (floor %s, ceiling %s)" % (what, value, lo, hi))
    return ok
c = s["clean"]
need("clean speech F1 agent", c["speech_f1"]["agent"], lo=0.97)
need("clean speech F1 caller", c["speech_f1"]["caller"], lo=0.97)
need("clean interruption F1", c["interruption"]["f1"], lo=0.8)
need("clean raised voice F1", c["raised_voice"]["f1"], lo=0.8)
need("clean silence F1", c["silence"]["f1"], lo=0.99)
need("clean false prompts/min", c["false_prompts_per_min"], hi=0.5)
need("codec speech F1 agent", s["codec"]["speech_f1"]["agent"], lo=0.9)
need("codec speech F1 caller", s["codec"]["speech_f1"]["caller"], lo=0.9)
a = s["**all**"]
need("all speech F1 agent", a["speech_f1"]["agent"], lo=0.8)
need("all speech F1 caller", a["speech_f1"]["caller"], lo=0.7)
need("all interruption recall", a["interruption"]["recall"], lo=0.5)
need("all overlap F1", a["overlap"]["f1"], lo=0.35)
need("all false prompts/min", a["false_prompts_per_min"], hi=6.0)
need("babble false alerts/min", s["babble"]["false_alerts_per_min"], hi=1.0)
need("babble speech F1 agent", s["babble"]["speech_f1"]["agent"], lo=0.8)
need("speaker echo false alerts/min", s["speaker_echo"]["false_alerts_per_min"], hi=1.0)
need("speaker echo speech F1 caller", s["speaker_echo"]["speech_f1"]["caller"], lo=0.9)
# the detector's figures on these six calls (measured: interruption precision 0.70, overlap F1 0.80,
# false prompts 0.17/min, hold F1 1.00; the code before the noise work: 0.15, 0.47, 2.33, 0.00)
need("all interruption precision", a["interruption"]["precision"], lo=0.6)
need("all overlap F1 (tight)", a["overlap"]["f1"], lo=0.65)
need("all false prompts/min (tight)", a["false_prompts_per_min"], hi=1.0)
need("hold F1", s["hold_dtmf"]["hold"]["f1"], lo=0.99)
# the truth itself: hold music and DTMF are in the hold call and are not speech
t = json.load(open(os.path.join(sys.argv[2], [f for f in os.listdir(sys.argv[2]) if "hold_dtmf" in f and f.endswith(".truth.json")][0])))
holds = t["holds"]
if len(holds) != 1 or holds[0]["end"] - holds[0]["start"] < 5:
    fails.append("hold call: expected one hold interval, got %r" % holds)
if not t["conditions"].get("dtmf"):
    fails.append("hold call: no DTMF")
for h in holds:
    for sp in t["speech"][h["channel"]]:
        if sp[0] < h["end"] and h["start"] < sp[1]:
            fails.append("hold call: speech %r inside the hold %r" % (sp, h))
for f in fails:
    print("realistic: FAIL " + f)
print("realistic: %d passed, %d failed" % (1 if not fails else 0, 1 if fails else 0))
sys.exit(1 if fails else 0)
PY
