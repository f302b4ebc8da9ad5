#!/usr/bin/env bash
# tests/live/web_test.sh TONEMON JACK_FEEDER BUILD_DIR -- the agent's live web view end to end: a
# JACK dummy server of its own (unique name), a feeder client playing a synthesized call at
# real-time pace, `tonemon live --web 127.0.0.1:0` capturing it, and headless Chromium on the
# page (web_test.mjs). Checks against the call's own analysis (`tonemon analyze` of the file):
# every prompt appears in the page within 250 ms of its `detected` time on the feeder's clock,
# live shows the same prompts as analyze, the meters move while a party talks and fall when it
# stops, a reload mid-call brings the call so far back, no console error, nothing fetched from
# elsewhere, and after the call the page follows a new run on the same port by itself. Prints the CPU of the live process (browser connected). Keeps BUILD_DIR/web/agent.png.
set -eu
TM=$(realpath "$1"); FEED=$(realpath "$2"); OUT=$(realpath -m "$3")/web
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then echo "chromium is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; fi
mkdir -p "$OUT"
if [ ! -d "$OUT/node_modules/playwright-core" ]; then
  cp "$HERE/../browser/package.json" "$OUT/"
  (cd "$OUT" && npm install --no-audit --no-fund --silent >/dev/null)
fi
cp "$HERE/web_test.mjs" "$OUT/"
W=$(mktemp -d /tmp/tonemon-web.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
cd "$W"
DUR=90 RELOAD_AT=56 END_AT=88
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (timings need a machine that is not starved)"
"$TM" synth --seed 12 --duration $DUR call.wav >/dev/null
"$TM" analyze --events file.jsonl call.wav
"$TM" replay --no-audio --speed 50 --quiet --events replay.jsonl call.wav
sox call.wav next.wav trim 0 25
unshare -m bash -s "$TM" "$FEED" "$DUR" "$OUT" "$RELOAD_AT" "$END_AT" <<'INNER'
set -eu
TM=$1 FEED=$2 DUR=$3 OUT=$4 RELOAD_AT=$5 END_AT=$6
mount -t tmpfs -o size=512m none /dev/shm
export JACK_NO_AUDIO_RESERVATION=1 JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=tmweb$$
jackd --no-realtime -t 2000 -n "$JACK_DEFAULT_SERVER" -d dummy -r 16000 -p 256 -C 0 -P 0 >jackd.log 2>&1 & jpid=$!
trap 'kill $jpid 2>/dev/null || true' EXIT
for i in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
"$FEED" call.wav tonemon-feeder clock.txt >feeder.log 2>&1 & fpid=$!
for i in $(seq 100); do jack_lsp 2>/dev/null | grep -q tonemon-feeder && break; sleep 0.1; done
node "$OUT/web_test.mjs" live.err clock.txt "$RELOAD_AT" "$END_AT" browser.json "$OUT/agent.png" > node.log 2>&1 & npid=$!
python3 - "$TM" "$DUR" <<'PY'
import os, subprocess, sys
tm, dur = sys.argv[1], float(sys.argv[2])
p = subprocess.Popen([tm, "live", "--device", "tonemon-feeder", "--duration", str(dur), "--quiet", "--web", "127.0.0.1:0",
                      "--events", "live.jsonl", "--alerts", "alerts.jsonl", "--summary", "live.json"],
                     stderr=open("live.err", "w"))
_, status, ru = os.wait4(p.pid, 0)
open("live.rc", "w").write(str(os.waitstatus_to_exitcode(status)))
open("live.cpu", "w").write(str(ru.ru_utime + ru.ru_stime))
PY
# a restart: another run on the same port (the page must reconnect to it by itself)
PORT=$(grep -o 'http://127.0.0.1:[0-9]*' live.err | head -1); PORT=${PORT##*:}
"$TM" replay --no-audio --quiet --web "127.0.0.1:$PORT" next.wav 2> next.err && echo 0 > next.rc || echo $? > next.rc
wait $npid && echo 0 > node.rc || echo $? > node.rc
kill $fpid 2>/dev/null || true
INNER
python3 - "$DUR" "$END_AT" <<'PY'
import json, statistics, sys
dur, end_at = float(sys.argv[1]), float(sys.argv[2])
passed = failed = 0
def check(what, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else: failed += 1; print("FAIL:", what, detail, file=sys.stderr)
check("the browser script ran", open("node.rc").read().strip() == "0", open("node.log").read())
check("live exits 0", open("live.rc").read().strip() == "0", open("live.err").read())
b = json.load(open("browser.json"))
clock = [tuple(map(float, l.split())) for l in open("clock.txt")]
t0 = clock[0][0]
def wall_of(s):
    """the wall-clock moment the feeder sent stream time s out"""
    f = s * 16000
    w, p = clock[0]
    for cw, cp in clock:
        if cp > f: break
        w, p = cw, cp
    return w + (f - p) / 16000
late = (clock[-1][0] - clock[0][0]) - (clock[-1][1] - clock[0][1]) / 16000
print(f"JACK dummy clock: {1000*late:.0f} ms behind the wall clock after {(clock[-1][1])/16000:.0f} s of call")
inv = [(cw, cp / 16000) for cw, cp in clock]
def stream_of(wall):
    """how far the feeder had played at a wall-clock moment"""
    w, p = inv[0]
    for cw, cp in inv:
        if cw > wall: break
        w, p = cw, cp
    return p + (wall - w)
# each alert of the live run (--alerts: its stream time and when it was shown) against how far the
# feeder had played then: whatever the capture missed so far, plus the alert's own delay
offs = [stream_of(e["wall"]) - e["detected"] for e in map(json.loads, open("alerts.jsonl"))]
skipped = min(offs[-3:]) if offs else 0.0
print(f"audio the capture missed, at most (JACK skips a starved client's cycles): {1000*max(0, skipped):.0f} ms")
ref = [json.loads(l) for l in open("file.jsonl")]
prompts = [e for e in ref if e["type"] == "deescalation"]
live = [json.loads(l) for l in open("live.jsonl")]
live_prompts = [e for e in live if e["type"] == "deescalation"]
sig = lambda e: (e["code"], e["severity"], e["count"])
# analyze and replay run the same library on the same file: the same prompts, exactly
rep = [json.loads(l) for l in open("replay.jsonl")]
rep_prompts = [e for e in rep if e["type"] == "deescalation"]
check("replay of the file gives exactly the prompts analyze gives", [(sig(e), e["start"]) for e in prompts] == [(sig(e), e["start"]) for e in rep_prompts],
      f"analyze {[(sig(e), e['start']) for e in prompts]} replay {[(sig(e), e['start']) for e in rep_prompts]}")
# live hears the file through JACK: the same audio, so the same prompts (starts within a JACK
# period or two) -- unless a dummy server on a starved machine skipped the capture's cycles
# (0.1-0.7 s of a 90 s call seen under load): then it is not the same audio, and only said
same_live = [sig(e) for e in prompts] == [sig(e) for e in live_prompts] and all(abs(a["start"] - l["start"]) <= 0.1 for a, l in zip(prompts, live_prompts))
detail = f"analyze {[(sig(e), e['start']) for e in prompts]} live {[(sig(e), e['start']) for e in live_prompts]}"
if skipped <= 0.05: check("live shows the prompts analyze finds in the file", same_live, detail)
elif not same_live: print(f"WARNING: not judged: the capture missed {1000*skipped:.0f} ms of the call; {detail}")
check("the call has prompts", len(prompts) >= 3, str(len(prompts)))
# what the agent was shown is the call's record: the page's prompts are the live run's, exactly
shown = [e for e in live_prompts if e["detected"] < end_at - 1.5]
hist = {h["key"]: h for h in b["history"]}
# (a prompt's count can still grow for alert_repeat_min_s after it is shown: counts of the last ones are not final)
settled = lambda start: start < end_at - 1.5 - 20
page = sorted((k.split("@")[0], float(k.split("@")[1]), h["count"] if settled(float(k.split("@")[1])) else 0)
              for k, h in hist.items() if float(k.split("@")[1]) < end_at - 1.5)
rec = sorted((e["code"], e["start"], e["count"] if settled(e["start"]) else 0) for e in shown)
check("the page shows the prompts of the call's record (code, start, count)", page == rec, f"page {page} record {rec}")
# when tonemon itself showed each prompt (its --alerts file: the terminal line), to tell the web
# view's share of the delay from a starved machine's
alerts = {(e["code"], e["start"]): e["wall"] for e in map(json.loads, open("alerts.jsonl")) if e["type"] == "deescalation" and e.get("count", 1) == 1}
lat, own = [], []
for e in shown:
    keys = [k for k in b["seen"] if k.split("@")[0] == e["code"] and abs(float(k.split("@")[1]) - e["start"]) < 1e-6]
    if not keys or (e["code"], e["start"]) not in alerts:
        check(f"prompt {e['code']} at {e['start']} appears in the page and in the alerts", False); continue
    l = b["seen"][keys[0]] - wall_of(e["detected"])
    o = alerts[(e["code"], e["start"])] - wall_of(e["detected"])
    lat.append(l)
    own.append(o)
    # the page's own share: a push shows within a few ms; a page that polled or batched would lag
    # by its period. One prompt on a loaded machine (ASan beside a browser) can miss 100 ms by
    # scheduling alone, so each is held to 500 ms (no polling) and their median to 100 ms.
    check(f"prompt {e['code']} at {e['detected']} s: the page within 500 ms of tonemon's own alert", l - o <= 0.500, f"{1000*(l-o):.0f} ms")
    if o > 0.200:
        print(f"WARNING: not judged: tonemon's own alert came {1000*o:.0f} ms after the audio (a starved machine); the page {1000*l:.0f} ms")
if lat:
    share = statistics.median(a - b for a, b in zip(lat, own))
    check("the page's median delay after tonemon's own alert within 100 ms", share <= 0.100, f"{1000*share:.0f} ms")
    judged = [a for a, b in zip(lat, own) if b <= 0.200]
    if judged:
        check("the page's median delay after the audio within 250 ms", statistics.median(judged) <= 0.250, f"{1000*statistics.median(judged):.0f} ms")
if lat: print(f"prompt on the page after its detected time (feeder's clock): mean {1000*sum(lat)/len(lat):.0f} ms, max {1000*max(lat):.0f} ms "
              f"over {len(lat)} prompts; tonemon's own alert: mean {1000*sum(own)/len(own):.0f} ms")
r = b["reload"]
check("reload mid-call: the prompts so far come back", len(r["before"]) >= 1 and set(r["before"]) <= set(r["after"]), json.dumps(r))
print(f"reload at {r['at']:.1f} s: {len(r['after'])} prompts back, page live again in {r['resumed_s']:.2f} s")
check("no console error during the call", not b["errors"][:b["errors_before_end"]], " | ".join(b["errors"]))
check("after a restart on the same port the page reconnects by itself", b["restart"]["ok"] and open("next.rc").read().strip() == "0",
      json.dumps(b["restart"]) + open("next.err").read())
if b["restart"]["ok"]: print(f"server restarted: the page was live on the new run {b['restart']['s']:.1f} s after the call ended")
check("nothing fetched from elsewhere", all(u.startswith(b["requests"][0].split("/", 3)[0] + "//" + b["requests"][0].split("/", 3)[2]) for u in b["requests"]), str(set(b["requests"])))
# meters: the page's bar widths against the analysis' speech segments of each party
lag = 0.35   # audio to the analyzer, state at 10 Hz, the stream: the bar follows within this
for c, name in ((1, "agent"), (2, "caller")):
    segs = [(e["start"], e["end"]) for e in ref if e["type"] == "speech" and e["speaker"] == name]
    talk, quiet = [], []
    for m in b["meters"]:
        t = stream_of(m[0] - lag)
        if t < 1 or t > end_at - 1: continue
        inside = any(s + 0.3 <= t <= e - 0.3 for s, e in segs)
        near = any(s - 0.6 <= t <= e + 0.6 for s, e in segs)
        if inside: talk.append(m[c])
        elif not near: quiet.append(m[c])
    if not talk or not quiet:
        check(f"{name} meter sampled", False, f"{len(talk)} talking, {len(quiet)} quiet samples"); continue
    mt, mq = statistics.median(talk), statistics.median(quiet)
    print(f"{name} meter: median {mt:.0f}% of full scale while talking ({len(talk)} samples), {mq:.0f}% when not ({len(quiet)})")
    check(f"{name} meter moves while talking", mt >= 30, f"{mt}")
    check(f"{name} meter falls when not talking", mq <= 10 and mt - mq >= 25, f"{mq}")
st = b["state"]
check("GET /state answers with the call so far", st["type"] == "state" and st["t"] > end_at - 3 and st["counts"]["prompts"] == len(hist), json.dumps(st)[:300])
cpu = float(open("live.cpu").read())
print(f"CPU of tonemon live with the web view and a browser connected: {cpu:.2f} s for {dur:.0f} s of call = {100*cpu/dur:.2f}% of one core")
check("CPU well under a core", cpu / dur < 0.10)
print(f"load average at the end: {' '.join(open('/proc/loadavg').read().split()[:3])}")
print(f"web view: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
