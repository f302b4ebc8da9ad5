#!/usr/bin/env bash
# tests/eval_test.sh TONEMON -- `tonemon eval` on awkward labels: truth files with keys it does
# not know (skipped with one warning), runs that score nothing (exit 1, no table), control
# characters in labels and profile names (shown escaped, never sent raw to the terminal), and a
# rate whose hop is not 10 ms (11025 Hz: the pitch truth must not drift against the hops).
set -u
TM=$(realpath "${1:?usage: eval_test.sh path/to/tonemon}")
W=$(mktemp -d /tmp/tonemon-eval.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
pass=0 fail=0
check() { local what=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what" >&2; fi; }
has()  { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }
raw_ctl() { LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$1"; }   # any control byte but \t and \n

"$TM" synth --seed 3 --duration 60 a.wav --truth a.truth.json >/dev/null

# 1. unknown keys: skipped with one warning naming them; the call is scored; exit 0
python3 - <<'PY'
import json
t = json.load(open("a.truth.json"))
t["notes"] = "checked by A"; t["labeller"] = {"name": "x"}
json.dump(t, open("b.truth.json", "w")); json.dump(t, open("c.truth.json", "w"))
json.dump({"notes": "only notes", "tool": "praat"}, open("d.truth.json", "w"))
PY
cp a.wav b.wav; cp a.wav c.wav; cp a.wav d.wav
"$TM" eval b.wav c.wav > u.out 2> u.err; rc=$?
check "unknown keys: exit 0 (got $rc: $(cat u.err))" [ "$rc" = 0 ]
check "unknown keys: one warning" [ "$(grep -c warning u.err)" = 1 ]
check "unknown keys: named" has u.err "(notes, labeller)"
check "unknown keys: scored" has u.out "2 calls"
check "unknown keys: interruptions scored" has u.out "interruption"

# 2. nothing to score: exit 1 and no table that reads as a result
"$TM" eval d.wav > n.out 2> n.err; rc=$?
check "nothing scored: exit 1 (got $rc)" [ "$rc" = 1 ]
check "nothing scored: said so" has n.err "nothing was scored"
check "nothing scored: no macro F1 printed" hasnt n.out "macro F1"
mkdir empty; cp a.wav empty/x.wav
"$TM" eval empty > e.out 2> e.err; rc=$?
check "no labels at all: exit 1 (got $rc)" [ "$rc" = 1 ]
check "no labels at all: no table" hasnt e.out "macro F1"

# 3. control characters from a labels file and a profile name reach the terminal escaped
printf '0.5\t1.0\tspeech:agent\n1.0\t2.0\tbogus\033]0;pwned\a\r\n' > esc.labels.txt
cp a.wav esc.wav
"$TM" eval esc.wav > esc.out 2> esc.err
check "labels: no raw control bytes on stderr" eval '! raw_ctl esc.err'
check "labels: shown escaped" has esc.err 'bogus\x1b]0;pwned\x07'
printf '{"profile": "p\\u001b[2J\\r\\nq"}\n' > esc.json
"$TM" eval --profile esc.json a.wav > pn.out 2> pn.err
check "profile name: no raw control bytes on stdout" eval '! raw_ctl pn.out'
check "profile name: shown escaped" has pn.out 'profile "p\x1b[2J\r\nq"'

# 4. 11025 Hz: hops of 110 samples (9.977 ms); scored against the 10 ms pitch truth, no drift
"$TM" synth --seed 3 --rate 11025 --duration 120 r.wav --truth r.truth.json --pitch-truth r.f0.csv >/dev/null
"$TM" eval --json r.wav > r.json 2> r.err
python3 - r.json <<'PY' > r.txt
import json, sys
p = json.load(open(sys.argv[1]))["pitch"]
print(p["voicing_error"], p["fine_error_cents"], p["gross_error"])
PY
read -r verr fine gross < r.txt
echo "11025 Hz pitch: voicing error $verr, fine error $fine cents, gross error $gross"
check "11025 Hz: voicing error under 3 % (got $verr)" python3 -c "import sys; sys.exit(not $verr < 0.03)"
check "11025 Hz: fine error under 10 cents (got $fine)" python3 -c "import sys; sys.exit(not $fine < 10)"

# 5. false prompts per minute: against the synthesizer's truth a prompt comes from a true event;
# with the interruptions taken out of the labels every "you interrupted" prompt is false, and
# each of them is counted (the events file says how many there were)
"$TM" analyze a.wav --events a.events.jsonl >/dev/null 2>&1
nint=$(grep -c '"code":"agent_interrupts"' a.events.jsonl)
python3 - <<'PY'
import json
t = json.load(open("a.truth.json")); t["interruptions"] = []
json.dump(t, open("f.truth.json", "w"))
PY
cp a.wav f.wav
"$TM" eval --json a.wav > fa.json 2>/dev/null
"$TM" eval --json f.wav > ff.json 2>/dev/null
"$TM" eval f.wav > ff.out 2>/dev/null
fp() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['false_prompts'], j['prompts'], j['false_prompts_per_min'])" "$1"; }
read -r fa_false fa_all fa_rate < <(fp fa.json)
read -r ff_false ff_all ff_rate < <(fp ff.json)
echo "false prompts: $fa_false of $fa_all with the true labels, $ff_false of $ff_all without the interruptions ($nint agent_interrupts prompts)"
check "false prompts: the synthesizer's call has agent_interrupts prompts ($nint)" [ "$nint" -gt 0 ]
check "false prompts: none against the true labels ($fa_false)" [ "$fa_false" = 0 ]
check "false prompts: every agent_interrupts prompt false without the labels" [ "$ff_false" = "$nint" ]
check "false prompts: per minute of the 60 s call" python3 -c "import sys; sys.exit(abs($ff_rate - $nint) > 0.01)"
check "false prompts: in the text table" has ff.out "false prompts/min"

echo "eval: $pass passed, $fail failed"
[ "$fail" = 0 ]
