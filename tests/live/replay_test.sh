#!/usr/bin/env bash
# tests/live/replay_test.sh TONEMON -- `tonemon replay` (the live loop on a file, no sound card):
# every alert it shows is in what `analyze` records of the same file and every alerting event
# analyze records was shown (a noisy call with a strong leak, where the turn-taking stage once
# replaced an alerted interruption); --events - keeps stdout pure JSON Lines with the alerts on
# stderr; profile texts with control characters print escaped; one file at a time; Inf and NaN
# samples counted in the summary.
set -u
TM=$(realpath "${1:?usage: replay_test.sh path/to/tonemon}")
W=$(mktemp -d /tmp/tonemon-replay.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi; }
raw_ctl() { LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }

# 1. live and post-call agree (seed 6, leak -3 dB, 180 s)
"$TM" synth --seed 6 --duration 180 --bleed -3 leak.wav >/dev/null
"$TM" analyze --events file.jsonl leak.wav
"$TM" replay --no-audio --speed 1000 --quiet --alerts alerts.jsonl leak.wav 2>/dev/null
python3 - > agree.txt <<'PY'
import json
ev = [json.loads(l) for l in open("file.jsonl")]
al = [json.loads(l) for l in open("alerts.jsonl")]
key = lambda e: (e["type"], e.get("speaker", e.get("by")), e.get("of"), round(e["start"], 2), e.get("severity"))
kinds = ("interruption", "raised_voice", "silence", "monologue", "deescalation")
rec, shown = {key(e) for e in ev}, {key(a) for a in al}
lost = [a for a in al if key(a) not in rec]
unshown = [e for e in ev if e["type"] in kinds and key(e) not in shown]
print(len(al), len(lost), len(unshown))
for a in lost: print("  shown but not recorded:", a["type"], a.get("speaker", a.get("by")), a["start"])
for e in unshown: print("  recorded but never shown:", e["type"], e.get("speaker", e.get("by")), e["start"])
PY
read -r n_alerts n_lost n_unshown < agree.txt
echo "replay vs analyze: $n_alerts alerts, $n_lost not in the record, $n_unshown recorded alerting events never shown"
tail -n +2 agree.txt
# (the echo canceller, on by default, takes most of this leak's false alerts away: 9 remain)
check "alerts shown" [ "$n_alerts" -gt 5 ]
check "every alert shown is in the record" [ "$n_lost" = 0 ]
check "every alerting event recorded was shown" [ "$n_unshown" = 0 ]

# 2. --events -: JSON Lines on stdout, the alert text on stderr
"$TM" synth --seed 31 --duration 40 call.wav >/dev/null
"$TM" replay --no-audio --speed 1000 --events - call.wav > ev.out 2> ev.err
check "events -: every stdout line is JSON" python3 -c "
import json, sys
n = sum(1 for l in open('ev.out') if json.loads(l)['type'])
sys.exit(n < 5)"
check "events -: alerts on stderr" grep -qE '^\[00:[0-9.]+\] ' ev.err

# 3. profile texts with CR, LF and ESC are shown escaped
cat > esc.json <<'JSON'
{"suggestions": {"agent_interrupts": {"reason": "Stop\r\n[00:00.0] FAKE ALERT", "suggestion": "x\u001b[2Jy\u0007", "suggestion_high": "z\u009bq"}},
 "thresholds": {}}
JSON
"$TM" replay --no-audio --speed 1000 --profile esc.json call.wav > esc.out 2> esc.err
check "profile texts: a de-escalation was shown" grep -q 'Stop' esc.out
check "profile texts: no raw control bytes" eval '! raw_ctl esc.out'
check "profile texts: no raw C1 control" eval '! LC_ALL=C grep -q $'"'"'\xc2\x9b'"'"' esc.out'
check "profile texts: no forged line" eval '! grep -q "^\[00:00.0\] FAKE" esc.out'
check "profile texts: shown escaped" grep -qF 'Stop\r\n[00:00.0] FAKE ALERT' esc.out

# 4. one call at a time
"$TM" replay --no-audio --speed 1000 call.wav leak.wav > two.out 2> two.err; rc=$?
check "two files: exit 2 (got $rc)" [ "$rc" = 2 ]
check "two files: said so" grep -q "one call at a time" two.err

# 5. Inf and NaN samples: counted in the summary as analyze counts them
sox call.wav -e floating-point -b 32 inf.wav
python3 - <<'PY'
import struct
b = bytearray(open("inf.wav", "rb").read())
i = b.find(b"data") + 8
bad = [float("inf"), float("-inf"), float("nan")]
for k, f in enumerate(range(32000, 33000)):
    struct.pack_into("<f", b, i + 8 * f + 4, bad[k % 3])
open("inf.wav", "wb").write(b)
PY
"$TM" replay --no-audio --speed 1000 --quiet --summary inf.json inf.wav 2>/dev/null
"$TM" analyze --summary inf_a.json inf.wav 2>/dev/null
check "Inf: counted by replay as by analyze" python3 -c "
import json, sys
r, a = json.load(open('inf.json'))['input'], json.load(open('inf_a.json'))['input']
print('replay', r['nonfinite_samples'], 'analyze', a['nonfinite_samples'])
sys.exit(not (r['nonfinite_samples'] == a['nonfinite_samples'] == 1000))"

echo "replay: $pass passed, $fail failed"
[ "$fail" = 0 ]
