#!/usr/bin/env bash
# tests/cli_test.sh -- the tonemon program end to end: the file contracts of docs/design.md,
# every input format, batches, and bad input (one clear line, a non-zero exit, the rest of the
# batch still done). Usage: cli_test.sh path/to/tonemon
set -u
TM=$(realpath "${1:?usage: cli_test.sh path/to/tonemon}")
W=$(mktemp -d /tmp/tonemon-cli.XXXXXX)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
# expect_exit CODE what -- command...
expect_exit() {
  local code=$1 what=$2; shift 2
  "$@" >"$W/out" 2>"$W/err"; local rc=$?
  if [ "$rc" -eq "$code" ]; then ok; else bad "$what: exit $rc, want $code ($(head -c 300 "$W/err"))"; fi
}
# jsonl_ok FILE: every line is a JSON object without NaN/Infinity, with type, start, end, detected
jsonl_ok() {
  python3 - "$1" <<'PY'
import json, sys
def bad(c): raise ValueError("non-finite number " + c)
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line, parse_constant=bad)
    assert isinstance(e, dict) and {"type", "start", "end", "detected"} <= e.keys(), line
    assert e["start"] <= e["end"] and e["detected"] >= e["start"], line
    if e["type"] == "interruption": assert e["by"] in ("agent", "caller") and e["of"] != e["by"], line
    if e["type"] in ("speech", "backchannel", "raised_voice", "monologue"): assert e["speaker"] in ("agent", "caller", "mix"), line
    if e["type"] == "deescalation": assert e["reason"] and e["suggestion"], line
    n += 1
assert n > 0
PY
}
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]), parse_constant=lambda c: 1/0)' "$1"; }

cd "$W" || exit 1

# --- the program itself -------------------------------------------------------------------
expect_exit 0 "--version" "$TM" --version
check "--version prints the version" grep -q '^tonemon [0-9]' out
expect_exit 0 "help" "$TM" help
for c in analyze synth bench profile; do expect_exit 0 "$c --help" "$TM" "$c" --help; done
expect_exit 2 "unknown command" "$TM" frobnicate
expect_exit 2 "analyze without files" "$TM" analyze
expect_exit 2 "unknown option" "$TM" analyze --colour call.wav
# bench takes its options through the one option layer: both forms, ranges, typos named
expect_exit 0 "bench --minutes=0.1 --rate 8000" "$TM" bench --minutes=0.1 --rate 8000 --block=512
check "bench ran at the rate asked" grep -q '8000 Hz call audio.*blocks of 512' out
expect_exit 2 "bench typo" "$TM" bench --minuts 1
check "bench typo: the nearest option named" grep -q 'did you mean --minutes?' err
expect_exit 2 "bench out of range" "$TM" bench --rate=4000
check "bench range said" grep -q -- '--rate needs a number in 8000..48000' err

# --- synth: deterministic, with truth -------------------------------------------------------
"$TM" synth --seed 1 --duration 120 call.wav --truth call.json --pitch-truth pitch.csv
"$TM" synth --seed 1 --duration 120 call2.wav --truth call2.json
check "synth is byte-identical for one seed" cmp -s call.wav call2.wav
check "synth truth is identical for one seed" cmp -s call.json call2.json
check "truth JSON parses" json_ok call.json
check "pitch truth header" grep -qx 'time,channel,f0_hz' <(head -1 pitch.csv)

# --- analyze: the contracts ------------------------------------------------------------------
expect_exit 0 "analyze call.wav" "$TM" analyze --events ev.jsonl --frames fr.csv --summary sum.json --report rep.html call.wav
check "events are valid JSON Lines" jsonl_ok ev.jsonl
check "frames header" grep -qx 'time,channel,level_db,f0_hz,voicing,speech,bleed' <(head -1 fr.csv)
check "frames: one row per 10 ms per channel" test "$(($(wc -l <fr.csv) - 1))" -eq 24000
check "summary parses" json_ok sum.json
check "summary has the talk times" python3 -c '
import json; s = json.load(open("sum.json"))
assert s["speakers"]["agent"]["talk_s"] > 10 and s["speakers"]["caller"]["talk_s"] > 10
assert "agent_of_caller" in s["interruptions"] and "overlap_s" in s and isinstance(s["moments"], list)'
check "events hold an interruption, a raised voice and a moment" python3 -c '
import json; t = [json.loads(l)["type"] for l in open("ev.jsonl")]
assert "interruption" in t and "raised_voice" in t and "deescalation" in t and "silence" in t'
check "report is one self-contained page" python3 -c '
h = open("rep.html").read()
assert "<svg" in h and "<audio" in h and "call.wav" in h and "http://" not in h.replace("http://www.w3.org/2000/svg", "")'
expect_exit 0 "events to stdout" "$TM" analyze --events - call.wav
check "stdout events are JSON Lines" jsonl_ok out
expect_exit 0 "timeline" "$TM" analyze call.wav
check "timeline names what it found" grep -q 'interrupts' out
check "no temporary files left" test -z "$(ls ./*.tmp.* 2>/dev/null)"

# --- formats, rates, channel maps ------------------------------------------------------------
sox call.wav -b 24 c24.wav && sox call.wav c.flac && sox call.wav c.ogg && sox call.wav c.aiff
sox call.wav -e floating-point -b 32 cf.wav && sox call.wav -r 8000 c8k.wav && sox call.wav -r 44100 c44.wav
for f in c24.wav c.flac c.ogg c.aiff cf.wav c8k.wav c44.wav; do
  expect_exit 0 "analyze $f" "$TM" analyze --events "$f.jsonl" "$f"
  check "$f events" jsonl_ok "$f.jsonl"
  check "$f finds the interruption" grep -q '"interruption"' "$f.jsonl"
done
sox call.wav agent.wav remix 1 && sox call.wav caller.wav remix 2
expect_exit 0 "two mono files" "$TM" analyze --events pair.jsonl --agent agent.wav --caller caller.wav
check "two mono files give the stereo events" cmp -s pair.jsonl ev.jsonl
sox call.wav swapped.wav remix 2 1
expect_exit 0 "channel map" "$TM" analyze --events swap.jsonl --agent-channel 1 --caller-channel 0 swapped.wav
check "a channel map undoes a swap" cmp -s swap.jsonl ev.jsonl
sox call.wav mono.wav remix 1,2
expect_exit 0 "mono mix" "$TM" analyze --events mono.jsonl mono.wav
check "mono warns once" test "$(grep -c 'mono recording' err)" -eq 1
check "mono speech is 'mix'" grep -q '"speaker":"mix"' mono.jsonl
check "mono has no interruption" bash -c '! grep -q interruption mono.jsonl'

# --- bad input: one line naming the file, exit 1, the rest still analysed ----------------------
: > empty.wav
head -c 30000 call.wav > truncated.wav
echo "this is not audio" > text.wav
sox -M call.wav agent.wav three.wav
python3 - <<'PY'
import struct, math
n, rate = 16000 * 4, 16000
with open("nan.wav", "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + n * 8) + b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 3, 2, rate, rate * 8, 8, 32))
    f.write(b"data" + struct.pack("<I", n * 8))
    for i in range(n):
        v = 0.3 * math.sin(2 * math.pi * 150 * i / rate)
        f.write(struct.pack("<ff", float("nan") if i % 100 == 0 else v, float("inf") if i % 333 == 0 else v))
PY
sox -D -n -r 16000 -c 2 -b 16 zeros.wav trim 0 3
sox call.wav -b 16 loud.wav gain 30 2>/dev/null
expect_exit 1 "missing file" "$TM" analyze --quiet --out-dir out1 nope.wav
check "missing file named" grep -q '^tonemon: nope.wav: .*missing' err
expect_exit 1 "empty file" "$TM" analyze --out-dir out1 empty.wav
check "empty file: one line" test "$(wc -l <err)" -eq 1
check "empty file named" grep -q 'empty.wav:.*empty' err
expect_exit 1 "text file named .wav" "$TM" analyze --out-dir out1 text.wav
check "not audio named" grep -q 'text.wav: not a readable audio file' err
expect_exit 1 "three channels without a map" "$TM" analyze --out-dir out1 three.wav
check "3 channels explained" grep -q 'three.wav: 3 channels and no channel map' err
expect_exit 1 "channel out of range" "$TM" analyze --agent-channel 0 --caller-channel 5 --events x.jsonl call.wav
check "channel out of range explained" grep -q 'channel 5 out of range' err
expect_exit 0 "NaN samples" "$TM" analyze --events nan.jsonl nan.wav
check "NaN samples warned" grep -q 'nan.wav: warning: .* NaN/Inf samples' err
check "NaN file: no NaN in events" python3 -c '
import json; [json.loads(l, parse_constant=lambda c: 1/0) for l in open("nan.jsonl")]'
expect_exit 0 "all-zero audio" "$TM" analyze --summary zeros.json zeros.wav
check "digital silence warned" grep -q 'zeros.wav: warning: digital silence' err
check "digital silence summary parses" json_ok zeros.json
expect_exit 0 "clipped audio" "$TM" analyze --summary loud.json loud.wav
check "clipping warned" grep -q 'loud.wav: warning: .*clipped' err
expect_exit 1 "unwritable output" "$TM" analyze --events /nonexistent/dir/ev.jsonl call.wav
check "unwritable output named" grep -q '/nonexistent/dir/ev.jsonl' err
expect_exit 2 "malformed profile" "$TM" analyze --profile text.wav call.wav
check "malformed profile named" grep -q 'text.wav: bad profile' err
expect_exit 2 "several files to one path" "$TM" analyze --events one.jsonl call.wav c8k.wav

# a batch with good and bad files: exit 1, every good call written, the index lists all
expect_exit 1 "mixed batch" "$TM" analyze -j 2 --quiet --out-dir batch call.wav empty.wav c8k.wav text.wav c.flac
check "batch: two lines of errors" test "$(grep -c '^tonemon: ' err)" -eq 2
for b in call c8k c; do
  check "batch: $b events" jsonl_ok "batch/$b.events.jsonl"
  check "batch: $b summary" json_ok "batch/$b.summary.json"
  check "batch: $b report" test -s "batch/$b.html"
done
check "batch: index.html" grep -q 'c8k.html' batch/index.html
check "batch: index.csv lists all five" test "$(($(wc -l <batch/index.csv) - 1))" -eq 5
check "batch: failed files marked" grep -q '"empty.wav",failed' batch/index.csv
check "batch: nothing half-written" test -z "$(ls batch/*.tmp.* 2>/dev/null)"

# --- a truncated file: warned (file, promised and actual length), what is there analysed --------
python3 - <<'PY'
import struct
rate = 16000; promised = 111 * rate * 2; held = int(0.09 * rate) * 2
with open("cut.wav", "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + promised) + b"WAVE" + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16))
    f.write(b"data" + struct.pack("<I", promised) + b"\x10\x00" * (held // 2))
PY
expect_exit 0 "truncated WAV" "$TM" analyze --summary cut.json cut.wav
check "truncated WAV: one warning line with both lengths" test "$(grep -c '^tonemon: cut.wav: warning: truncated file: the header promises 111.00 s, the file holds 0.09 s' err)" -eq 1
check "truncated WAV: what is there analysed" python3 -c 'import json; assert abs(json.load(open("cut.json"))["duration_s"] - 0.09) < 0.02'
head -c 400044 call.wav > cut2.wav
expect_exit 0 "truncated stereo WAV" "$TM" analyze --events cut2.jsonl cut2.wav
check "truncated stereo WAV warned" grep -q 'cut2.wav: warning: truncated file: the header promises 120.00 s, the file holds 6.25 s' err
expect_exit 0 "a whole file is not truncated" "$TM" analyze --events whole.jsonl call.wav
check "a whole file: no truncation warning" bash -c '! grep -q truncated err'

# --- one option layer (tools/cli/args.c): --opt=value; a typo is named with the nearest option --------
expect_exit 0 "--events=PATH" "$TM" analyze --quiet --events=eq.jsonl call.wav
check "--events=PATH writes what --events PATH does" cmp -s eq.jsonl ev.jsonl
expect_exit 2 "a typo in an option" "$TM" analyze --event typo.jsonl call.wav
check "a typo: the nearest option suggested" grep -qxF "tonemon analyze: unknown option --event (did you mean --events?)" err
check "a typo: nothing written" test ! -e typo.jsonl
expect_exit 2 "an abbreviation is a typo, not a guess" "$TM" analyze --summ s.json call.wav
check "an abbreviation: the option it shortens suggested" grep -qF "did you mean --summary?" err
expect_exit 2 "a flag given a value" "$TM" analyze --quiet=1 call.wav
check "a flag given a value: said so" grep -qF -- "--quiet takes no value" err
expect_exit 2 "an option without its value" "$TM" analyze call.wav --events
check "an option without its value: said so" grep -qF -- "--events needs a value" err
expect_exit 0 "synth --seed=N --duration=S" "$TM" synth --seed=1 --duration=120 call3.wav
check "synth --seed=1 writes what --seed 1 does" cmp -s call.wav call3.wav
expect_exit 2 "a typo in eval" "$TM" eval --tolerence 1 call.wav
check "eval: the nearest option suggested" grep -qF "did you mean --tolerance?" err

# --- control characters never reach the terminal -------------------------------------------------
esc=$(printf '\033')
expect_exit 1 "file name with escape sequences" "$TM" analyze --events x.jsonl "$(printf 'a\033]0;owned\007\033[31mb\r.wav')"
check "no raw ESC/BEL/CR in the error" bash -c "! grep -q '[$esc$(printf '\007\r')]' err"
check "the name shown escaped" grep -qF 'a\x1b]0;owned\x07\x1b[31mb\r.wav' err
expect_exit 2 "unknown option with escape sequences" "$TM" analyze "$(printf -- '--x\033[2J')" call.wav
check "no raw ESC in the usage error" bash -c "! grep -q '$esc' err"
cp call.wav "$(printf 'nl\nname\033[2J.wav')"
expect_exit 0 "timeline of a file named with a newline and ESC" "$TM" analyze "$(printf 'nl\nname\033[2J.wav')"
check "timeline: the name on one line, escaped" grep -qF 'nl\nname\x1b[2J.wav: 120.0 s' out
check "timeline: no raw ESC" bash -c "! grep -q '$esc' out"
"$TM" profile | python3 -c '
import json, sys; p = json.load(sys.stdin)
for k in p["suggestions"].values():
    for f in k: k[f] = "line one\r\nline two \x1b[31mred\x07"
json.dump(p, open("ctl-profile.json", "w"))'
expect_exit 0 "timeline with profile texts holding CR/LF/ESC" "$TM" analyze --profile ctl-profile.json call.wav
check "timeline: profile texts escaped" grep -qF 'line one\r\nline two \x1b[31mred\x07' out
check "timeline: no raw CR or ESC" bash -c "! grep -q '[$esc$(printf '\r\007')]' out"
printf '{"thresholds": {"\\u001b[31mred": 1}}' > ctl-bad.json
expect_exit 2 "a profile key holding ESC" "$TM" analyze --profile ctl-bad.json call.wav
check "bad profile key shown escaped" grep -qF 'thresholds.\x1b[31mred: unknown key' err
check "bad profile key: no raw ESC" bash -c "! grep -q '$esc' err"

# --- report links: relative, percent-encoded, from the report's own folder -----------------------
# every href/src is "./" + percent-encoded segments, and the audio of an --out-dir report is found
url_ok() {   # url_ok REPORT AUDIO
  python3 - "$1" "$2" <<'PY'
import html.parser, os, sys, urllib.parse
report, audio = sys.argv[1:]
urls = []
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        urls.extend((tag, v) for k, v in attrs if k in ("src", "href"))
P().feed(open(report, encoding="utf-8", errors="surrogateescape").read())
assert urls, "no links"
for tag, u in urls:
    assert u.startswith("./"), (tag, u)
    assert all(c.isalnum() or c in "-._~/%" for c in u), (tag, u)
src = [u for t, u in urls if t == "audio"][0]
path = os.path.join(os.path.dirname(report), urllib.parse.unquote(src))
assert os.path.samefile(path, audio), (src, path, audio)
PY
}
mkdir -p hostile/sub
for n in 'javascript:alert(1)' 'a b#c?d%e' 'q"uo'"'"'te,x' '<img src=x onerror=alert(1)>'; do
  cp call.wav "hostile/sub/$n.wav"
  expect_exit 0 "--report for '$n'" "$TM" analyze --report "hostile/$n.html" "hostile/sub/$n.wav"
  check "report of '$n': links relative and encoded" url_ok "hostile/$n.html" "hostile/sub/$n.wav"
done
expect_exit 0 "--out-dir reports of calls in other folders" "$TM" analyze --quiet --out-dir batchrel hostile/sub/*.wav c.flac
for f in batchrel/*.summary.json; do
  audio=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$f")
  check "--out-dir report of $audio plays its audio" url_ok "${f%.summary.json}.html" "$audio"
done

# --- replay: the live pipeline on a file, paced by the clock ---------------------------------
start=$(date +%s.%N)
expect_exit 0 "replay --no-audio" "$TM" replay --no-audio --speed 40 --quiet --events replay.jsonl --summary replay.json call.wav
elapsed=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || python3 -c "print($(date +%s.%N) - $start)")
check "replay is paced (120 s at 40x takes about 3 s)" python3 -c "import sys; assert 2.5 < float('$elapsed') < 6, '$elapsed'"
check "replay finds what analyze finds" python3 -c '
import json
key = lambda e: (e["type"], e.get("speaker", e.get("by", "")), e["start"], e["end"])
a = sorted(key(json.loads(l)) for l in open("ev.jsonl")); r = sorted(key(json.loads(l)) for l in open("replay.jsonl"))
assert a == r, (len(a), len(r))'
expect_exit 1 "replay without a device" "$TM" replay --quiet call.wav
check "replay without a device says so" grep -q 'no output device' err

# --- progress on a terminal only ------------------------------------------------------------
script -qec "$TM analyze --out-dir prog call.wav c8k.wav" /dev/null > tty.txt 2>&1
check "progress line on a terminal" grep -q 'files, .* h of audio, .*x real time' tty.txt
script -qec "$TM analyze --quiet --out-dir prog call.wav c8k.wav" /dev/null > tty2.txt 2>&1
check "no progress with --quiet" bash -c '! grep -q "real time" tty2.txt'
"$TM" analyze --out-dir prog call.wav c8k.wav 2> notty.txt
check "no progress when stderr is not a terminal" test ! -s notty.txt

# --- faults that lose nothing -----------------------------------------------------------------
expect_exit 1 "full standard output" bash -c "'$TM' analyze --events - call.wav > /dev/full"
check "full stdout named" grep -q 'cannot write to standard output: No space left on device' err
mkdir -p full
if unshare -m true 2>/dev/null; then
  unshare -m bash -c "mount -t tmpfs -o size=48k none full && '$TM' analyze --out-dir full/out call.wav c8k.wav c.flac; echo \$? > full-rc; ls full/out > full-ls" 2> full-err
  check "full disk: exit 1" test "$(cat full-rc)" = 1
  check "full disk: the reason named" grep -q 'No space left on device' full-err
  check "full disk: nothing half-written" bash -c '! grep -q "tmp" full-ls'
else
  echo "note: no mount namespace here; the tmpfs full-disk check is skipped" >&2
fi
# SIGTERM in the middle of a batch: finished calls complete, nothing half-written, exit 1
for i in $(seq 40); do ln -sf call.wav "many$i.wav"; done
"$TM" analyze -j 1 --quiet --out-dir term many*.wav 2> term-err & pid=$!
sleep 1; kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM: exit 1" test "$rc" -eq 1
check "SIGTERM: said so" grep -q 'interrupted after' term-err
check "SIGTERM: stopped early" test "$(ls term/*.events.jsonl | wc -l)" -lt 40
check "SIGTERM: nothing half-written" test -z "$(ls term/*.tmp.* 2>/dev/null)"
for f in term/many*.events.jsonl; do
  [ -e "$f" ] || continue          # a slow (sanitizer) build may not have finished one call
  b=${f%.events.jsonl}
  check "SIGTERM: $b complete" bash -c "test -s $b.summary.json && test -s $b.html && python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' $f"
done

# The report at 11025 Hz (hop 110 samples, 100.227 hops/s): the level and pitch contour spans the
# recording's own length (to one bucket), and a de-escalation prompt that merged repeats shows
# them (x N) in its table row and marker. Seed 15 has a silence prompt repeated twice.
"$TM" synth --seed 15 --duration 90 --rate 11025 r11k.wav >/dev/null
"$TM" analyze --events r11k.jsonl --report r11k.html r11k.wav
check "report 11025 Hz: the contour spans the call" python3 - r11k.wav r11k.html <<'PY'
import json, re, sys, wave
w = wave.open(sys.argv[1]); dur = w.getnframes() / w.getframerate()
html = open(sys.argv[2], encoding="utf-8").read()
d = json.loads(re.search(r'id="tl-data">(.*?)</script>', html, re.S).group(1))
span = d["bucket_s"] * len(d["level"][0])
assert abs(span - dur) <= d["bucket_s"], f"contour spans {span:.3f} s of a {dur:.3f} s call"
PY
check "report: a prompt's repeats are shown" python3 - r11k.jsonl r11k.html <<'PY'
import json, re, sys
html = open(sys.argv[2], encoding="utf-8").read()
d = json.loads(re.search(r'id="tl-data">(.*?)</script>', html, re.S).group(1))
ev = [json.loads(l) for l in open(sys.argv[1])]
counts = [e.get("count", 1) for e in ev if e["type"] == "deescalation"]
assert any(c > 1 for c in counts), "no repeated prompt in this call: pick another seed"
rows = re.findall(r'<tr data-t=.*?</tr>', html)
assert len(rows) == len(counts) == len(d["moments"]), (len(rows), len(counts))
for c, row, m in zip(counts, rows, d["moments"]):
    shown = "\u00d7%d" % c in row and "\u00d7%d" % c in m[2]
    assert shown == (c > 1), f"count {c}: {row}"
PY

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
