#!/usr/bin/env bash
# tests/live/live_test.sh TONEMON JACK_FEEDER -- `tonemon live` end to end through real PortAudio:
# a JACK dummy server at 16 kHz, a feeder client playing a synthesized call with known truth at
# real-time pace, tonemon capturing it as a device. Asserts that live finds what analyze finds
# in the file (same types and speakers, onsets within 0.1 s), that nothing overflowed, and
# measures the alert latency beyond each event's own definition (wall clock of the alert minus
# the moment the audio reached the point where the event became knowable) and the CPU used.
# The servers run with a 2 s client timeout (500 ms by default) where a machine busy with other
# work would otherwise have the server drop a client as dead, which is not what is tested here;
# not the stall test's, whose frozen feeder the server must drop.
# Also: two devices, the caller's stalls mid-call (its feeder frozen) while its audio carries Inf
# and NaN: the stall is named, the call ends with its outputs, the bad samples are counted as
# silence. Runs in its own mount namespace with a private /dev/shm (jackd maps ~100 MB there),
# on a JACK server of its own name, so that other test runs on the machine do not meet it.
set -eu
TM=$(realpath "$1"); FEED=$(realpath "$2")
W=$(mktemp -d /tmp/tonemon-live.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
DUR=60
"$TM" synth --seed 31 --duration $DUR call.wav --truth call.json >/dev/null
"$TM" analyze --events file.jsonl call.wav
# tonemon live hears the file from some JACK cycle of 256 frames on, so its hops (160 frames) lie
# at one of five phases of the file's: an onset between two syllables may move by a syllable from
# one phase to another (a hop of the gap just over or under the floor). Live must find what
# analyze finds in the same samples: the file analyzed at each phase.
for k in 1 2 3 4; do
    sox call.wav "phase$k.wav" pad $((256 * k))s 0
    "$TM" analyze --events "file$k.jsonl" "phase$k.wav"
done
cp file.jsonl file0.jsonl
sox call.wav part.wav trim 0 30
# part.wav as 32-bit float with 0.5 s of +Inf, -Inf and NaN in the caller's channel at 2 s
sox part.wav -e floating-point -b 32 inf.wav
python3 - <<'PY'
import struct
b = bytearray(open("inf.wav", "rb").read())
i = b.find(b"data") + 8
bad = [float("inf"), float("-inf"), float("nan")]
for k, f in enumerate(range(32000, 40000)):
    struct.pack_into("<f", b, i + 8 * f + 4, bad[k % 3])
open("inf.wav", "wb").write(b)
PY
unshare -m bash -s "$TM" "$FEED" "$DUR" "tonemon-live-$$" <<'INNER'
set -eu
TM=$1 FEED=$2 DUR=$3
mount -t tmpfs -o size=512m none /dev/shm
export JACK_NO_AUDIO_RESERVATION=1 JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=$4
jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -t 2000 -d dummy -r 16000 -p 256 -C 0 -P 0 >jackd.log 2>&1 & jpid=$!
for i in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
"$FEED" call.wav tonemon-feeder t0.txt >feeder.log 2>&1 & fpid=$!
for i in $(seq 100); do jack_lsp 2>/dev/null | grep -q tonemon-feeder && break; sleep 0.1; done
"$TM" devices > devices.txt
python3 - "$TM" "$DUR" <<'PY'
import os, subprocess, sys
tm, dur = sys.argv[1], float(sys.argv[2])
p = subprocess.Popen([tm, "live", "--device", "tonemon-feeder", "--duration", str(dur), "--quiet",
                      "--events", "live.jsonl", "--alerts", "alerts.jsonl", "--summary", "live.json"],
                     stderr=open("live.err", "w"))
_, status, ru = os.wait4(p.pid, 0)
open("live.rc", "w").write(str(os.waitstatus_to_exitcode(status)))
open("live.cpu", "w").write(str(ru.ru_utime + ru.ru_stime))
PY
# a rate the device refuses: one clear line, exit 1
"$TM" live --device tonemon-feeder --rate 44100 --duration 1 --quiet 2> rate.err && echo 0 > rate.rc || echo $? > rate.rc
# no such device
"$TM" live --device no-such-device --duration 1 --quiet 2> nodev.err && echo 0 > nodev.rc || echo $? > nodev.rc
# the device disappears mid-call (the JACK server dies): error, exit 1, the call so far kept
"$TM" live --device tonemon-feeder --duration 30 --quiet --events gone.jsonl --summary gone.json 2> gone.err &
lpid=$!
sleep 3
kill -9 $jpid 2>/dev/null || true
wait $lpid && echo 0 > gone.rc || echo $? > gone.rc
kill $fpid 2>/dev/null || true
wait 2>/dev/null || true
# two devices: the agent's side from one client, the caller's from another (30 s), in cycles of
# 1024 frames: tonemon gets blocks of 64 ms, and a busy machine makes a client late for a cycle
# (an xrun: it never hears that cycle, and the test's truth of when is lost from there) far less
# often than in cycles of 16 ms
jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -t 2000 -d dummy -r 16000 -p 1024 -C 0 -P 0 >jackd2.log 2>&1 & jpid=$!
for i in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
# one feeder plays both on the server's frame clock, from the cycle after both have a listener:
# tonemon opens the two one after the other, and must pair what was said at the same moment;
# pair.txt: the frames each device had heard when the file started, and the xruns after
"$FEED" --pair part.wav agent-feed caller-feed pair.txt >feedp.log 2>&1 & fp=$!
for i in $(seq 100); do [ "$(jack_lsp 2>/dev/null | grep -c -- '-feed:')" -ge 4 ] && break; sleep 0.1; done
# ... serving the agent's web view, read with curl meanwhile: the page, the state and 4 s of the
# event stream (so the sanitizer build, which leaves the browser test live_web out, runs the
# server under a live call too)
"$TM" live --agent-device agent-feed --caller-device caller-feed --duration 30 --quiet --web 127.0.0.1:0 \
    --events two.jsonl 2> two.err && echo 0 > two.rc || echo $? > two.rc &
lpid=$!
for i in $(seq 100); do grep -q 'http://127.0.0.1:[0-9]' two.err 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' two.err | head -1)
sleep 8
curl -s -o page.html -w '%{http_code}' "$url/" > page.code || true
curl -s -o state.json "$url/state" || true
curl -s -N --max-time 4 "$url/events" > sse.txt || true
wait $lpid
kill $fp $jpid 2>/dev/null || true
wait 2>/dev/null || true
# two devices, the caller's feeder frozen 6 s into the call
jackd -n "$JACK_DEFAULT_SERVER" --no-realtime -d dummy -r 16000 -p 256 -C 0 -P 0 >jackd3.log 2>&1 & jpid=$!
for i in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
"$FEED" inf.wav agent-feed3 t0c.txt >feedc.log 2>&1 & fa=$!
"$FEED" inf.wav caller-feed3 t0d.txt swap >feedd.log 2>&1 & fb=$!
for i in $(seq 100); do [ "$(jack_lsp 2>/dev/null | grep -c -- '-feed3:')" -ge 4 ] && break; sleep 0.1; done
"$TM" live --agent-device agent-feed3 --caller-device caller-feed3 --duration 30 --quiet \
    --events stall.jsonl --summary stall.json 2> stall.err & lpid=$!
for i in $(seq 100); do [ -s t0d.txt ] && break; sleep 0.1; done
sleep 6
date +%s.%N > stop.txt
kill -STOP $fb
wait $lpid && echo 0 > stall.rc || echo $? > stall.rc
date +%s.%N > end.txt
kill -CONT $fb 2>/dev/null || true
kill $fa $fb $jpid 2>/dev/null || true
wait 2>/dev/null || true
INNER
python3 - "$DUR" "$TM" <<'PY'
import json, os, re, subprocess, sys
dur, tm = float(sys.argv[1]), sys.argv[2]
passed = failed = 0
def check(what, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else: failed += 1; print("FAIL:", what, detail, file=sys.stderr)
print(open("devices.txt").read().strip().splitlines()[-1])
check("live exits 0", open("live.rc").read().strip() == "0", open("live.err").read())
err = open("live.err").read()
check("no overflow", " 0 overflows" in err, err)
live = [json.loads(l) for l in open("live.jsonl")]
key = lambda e: (e["type"], e.get("speaker", e.get("by", "")))
kinds = ("speech", "overlap", "interruption", "backchannel", "raised_voice", "silence", "deescalation")
def compare(k):
    """live against the file analyzed at hop phase k (k cycles of 256 frames of silence first,
    taken off again: the two differ in where the hops fall, not when the call is)"""
    shift = 256 * k / 16000
    ref = [dict(e, start=e["start"] - shift) for e in map(json.loads, open(f"file{k}.jsonl")) if e["type"] in kinds]
    lost = [e for e in ref if not any(key(l) == key(e) and abs(l["start"] - e["start"]) <= 0.1 for l in live)]
    extra = [l for l in live if l["type"] in kinds and not any(key(l) == key(e) and abs(l["start"] - e["start"]) <= 0.1 for e in ref)]
    return len(ref), lost, extra
ref = [e for e in map(json.loads, open("file.jsonl")) if e["type"] in kinds]
best = min(range(5), key=lambda k: len(compare(k)[1]) + len(compare(k)[2]))
n, lost, extra = compare(best)
for e in lost: print("  not found live:", e, file=sys.stderr)
for e in extra: print("  found live only:", e, file=sys.stderr)
print(f"live vs analyze at hop phase {best}: {n - len(lost)} of {n} events found, {len(extra)} extra")
check("live finds what analyze finds", not lost and not extra)
check("the call has alerts", any(e["type"] in ("interruption", "raised_voice") for e in ref))
t0 = float(open("t0.txt").read())
alerts = [json.loads(l) for l in open("alerts.jsonl")]
# When did the audio reach the moment the alert became knowable? The wall clock of the JACK cycle
# that delivered that frame (the feeder logs each cycle): a loaded machine slows the dummy
# server's clock, and t0 + detected would count that against tonemon.
cyc = [tuple(map(float, l.split())) for l in open("t0.txt.tl")]
def reached(sec):
    f = sec * 16000
    for wall, pos in cyc:
        if pos >= f: return wall
    return cyc[-1][0]
lat = [a["wall"] - reached(a["detected"]) for a in alerts]
lag = max(w - (t0 + p / 16000) for w, p in cyc)
print(f"JACK dummy clock: at most {1000 * lag:.0f} ms behind the wall clock")
check("alerts were raised", len(lat) > 0)
if lat:
    print(f"alert latency beyond definition: mean {1000*sum(lat)/len(lat):.0f} ms, max {1000*max(lat):.0f} ms over {len(lat)} alerts")
    # Each alert within 500 ms (an alert held back to a block's or the call's end is seconds
    # late), the median within 100 ms: one alert that a loaded machine (ASan, a busy CI host)
    # delays a little must not fail the suite; speed itself is the benchmark's to report.
    med_lat = sorted(lat)[len(lat) // 2]
    check("every alert within 500 ms of its moment", max(lat) <= 0.500)
    check("alert latency beyond definition: median <= 100 ms", med_lat <= 0.100)
cpu = float(open("live.cpu").read())
print(f"CPU of tonemon live: {cpu:.2f} s for {dur:.0f} s of call = {100*cpu/dur:.2f}% of one core")
check("CPU under 5% of a core", cpu / dur < 0.05)
check("summary written", json.load(open("live.json"))["duration_s"] > dur - 1)
check("refused rate: exit non-zero", open("rate.rc").read().strip() not in ("", "0"), open("rate.rc").read() + open("rate.err").read())
check("refused rate: one clear line", "cannot capture at 44100 Hz" in open("rate.err").read(), open("rate.err").read())
check("no device: exit 1", open("nodev.rc").read().strip() == "1")
check("no device: named", "no input device 'no-such-device'" in open("nodev.err").read(), open("nodev.err").read())
check("device gone: exit 1", open("gone.rc").read().strip() == "1", open("gone.err").read())
check("device gone: said so", "stopped" in open("gone.err").read(), open("gone.err").read())
check("device gone: summary of the call so far", json.load(open("gone.json"))["duration_s"] > 1.0)
check("two devices: exit 0", open("two.rc").read().strip() == "0",
      open("two.err").read() + "jackd: " + open("jackd2.log").read()[-600:])
two = [json.loads(l) for l in open("two.jsonl")]
check("two devices, web view: the page", open("page.code").read() == "200" and "<html" in open("page.html").read().lower())
try: state = json.load(open("state.json"))
except (OSError, ValueError): state = None
check("two devices, web view: the state is JSON", isinstance(state, dict), open("state.json").read()[:300])
sse = open("sse.txt").read()
check("two devices, web view: the event stream says hello and goes on",
      '"type":"hello"' in sse and sse.count("data:") >= 3, sse[:600])
# tonemon's second 0 is the frame the device that listened last captured first (what the other
# one heard before has no partner and is dropped), so what was said at the file's second s is at
# tonemon's s + shift, and the frames tonemon drops at the start are those the first one heard
# before the other listened.
# An event of either side found at its own moment of the file, within two hops,
# says the two sides were paired as they were said; a side misplaced by 50 ms would not be. A
# client late for a cycle on a busy machine hears nothing of it (the server reports an xrun):
# events the file had played before the first xrun are held to their exact moment, later ones
# to 0.1 s as in the one-device check, plus a cycle (64 ms) for each xrun.
try: heard_a, heard_b, xruns, xrun_at = map(int, open("pair.txt").read().split())
except (OSError, ValueError): heard_a = heard_b = xruns = xrun_at = 0   # no file: the check below fails
check("two devices: the feeder says when the file started", os.path.exists("pair.txt"), open("feedp.log").read())
shift, late = min(heard_a, heard_b) / 16000, abs(heard_a - heard_b)
# what tonemon heard: the file after about `shift` of silence (the frames dropped to align the
# devices move it by up to a hop), so its hops lie at some phase of the file's; at another phase
# an onset may move by a syllable (as in the one-device check). The file is analyzed after shift
# plus 0, 16, ..., 144 frames of silence; an event counts at its moment when live has it within
# TOL2 of where one of those analyses has it (the events back in the file's time).
def at_phase(d):
    pad = min(heard_a, heard_b) + d
    subprocess.run(["sox", "part.wav", "phase2.wav", "pad", f"{pad}s", "0"], check=True)
    subprocess.run([tm, "analyze", "--events", "part2.jsonl", "phase2.wav"], check=True)
    return [dict(e, start=e["start"] - pad / 16000) for e in map(json.loads, open("part2.jsonl")) if e["type"] in kinds]
phases = [at_phase(d) for d in range(0, 160, 16)]
ref2 = phases[0]
def moments(e):
    """where each phase's analysis has event e (the file's time)"""
    out = []
    for ph in phases:
        c = [x["start"] for x in ph if key(x) == key(e) and abs(x["start"] - e["start"]) <= 0.1]
        if c: out.append(min(c, key=lambda t: abs(t - e["start"])))
    return out or [e["start"]]
exact_until = xrun_at / 16000 if xrun_at >= 0 else float("inf")
TOL2 = 0.02
offs = {}
found = held = 0
for e in ref2:
    exact = e["start"] + 0.1 < exact_until
    held += exact
    near = [l["start"] - (m + shift) for l in two if key(l) == key(e) for m in moments(e)]
    near = min(near, key=abs, default=None)
    if near is not None and abs(near) <= (TOL2 if exact else 0.1 + xruns * 1024 / 16000):
        found += 1
        if exact: offs.setdefault(key(e)[1] or "both", []).append(near)
    else: print("  two devices, not found at its moment:", e, "nearest", near, file=sys.stderr)
med = {k: sorted(v)[len(v) // 2] for k, v in offs.items()}
print(f"two devices: the file started {1000 * shift:.0f} ms into the call, the devices listened {1000 * late / 16000:.0f} ms apart; "
      f"{found} of {len(ref2)} events of the file found, {held} held to their moment (within {1000 * TOL2:.0f} ms: "
      + (f"{xruns} xruns, the first {xrun_at / 16000:.2f} s into the file" if xruns else "no xrun")
      + "); median offsets " + ", ".join(f"{k} {1000 * v:+.0f} ms ({len(offs[k])})" for k, v in sorted(med.items()))
      + f"; {open('two.err').read().strip().splitlines()[-1]}")
m = re.search(r"(\d+) frames dropped to keep the two devices aligned", open("two.err").read())
dropped = int(m.group(1)) if m else -1
if xrun_at != 0:   # no cycle lost before the file started
    check("two devices: the first device's lead dropped, nothing else (within 16 ms)", abs(dropped - late) <= 256,
          f"{dropped} dropped, the devices listened {late} frames apart")
check("two devices find what analyze finds, at its moment", found >= len(ref2) - 1 and len(ref2) > 5)
if "agent" in med and "caller" in med:
    check("two devices: agent and caller paired as said", abs(med["agent"] - med["caller"]) <= 0.015, str(med))
err = open("stall.err").read()
check("caller stalls: exit 1", open("stall.rc").read().strip() == "1", err)
check("caller stalls: the caller's device is named", "caller-feed3 (caller) stopped delivering audio" in err, err)
waited = float(open("end.txt").read()) - float(open("stop.txt").read())
check("caller stalls: the call ends within 3 s", waited < 3.0, f"{waited:.2f} s")
st = json.load(open("stall.json"))
m = re.search(r"(\d+) frames dropped to keep the two devices aligned", err)
print(f"caller stalls: ended {waited:.2f} s after the stall, {st['duration_s']} s of call kept, "
      f"{st['input']['nonfinite_samples']} non-finite samples counted, {m.group(1) if m else '?'} frames dropped to align")
check("caller stalls: the call so far is kept", 5.0 <= st["duration_s"] <= 7.5, str(st["duration_s"]))
check("caller stalls: events kept", len(open("stall.jsonl").read().splitlines()) > 3)
check("live: Inf and NaN counted", st["input"]["nonfinite_samples"] == 8000, str(st["input"]))
check("live: Inf is not loud", st["speakers"]["caller"]["level_dbfs"]["p90"] < -3.0, str(st["speakers"]["caller"]))
print(f"live: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
