#!/usr/bin/env bash
# tests/wall/wall_test.sh TONEMON BUILD_DIR -- the supervisor's wall end to end: `tonemon wall`
# on a free port, 50 agents at once as `replay --no-audio --speed 20 --report-to` over ten
# synthesized calls, the wall killed (SIGKILL) for 5 s mid-run and restarted on the same port.
# Checks in headless Chromium (wall_test.mjs) that the wall shows 50 tiles whose counts equal
# each agent's own call summary (so no event was lost, or the loss is counted on the tile and
# said by the agent), that the prompts equal those `analyze` finds in the same file; and with
# curl that a post without the token gets 401, a wrong token 401, an oversized body 413, a burst
# 429, and that texts posted with markup stay text. Keeps BUILD_DIR/wall/wall.png.
set -eu
TM=$(realpath "$1"); OUT=$(realpath -m "$2")/wall
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -x /usr/bin/chromium ]; then echo "chromium is not installed (scripts/deps.sh --test installs it)" >&2; exit 1; fi
mkdir -p "$OUT"
if [ ! -d "$OUT/node_modules/playwright-core" ]; then
  cp "$HERE/../browser/package.json" "$OUT/"
  (cd "$OUT" && npm install --no-audit --no-fund --silent >/dev/null)
fi
cp "$HERE/wall_test.mjs" "$OUT/"
W=$(mktemp -d /tmp/tonemon-wall.XXXXXX)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP:-}" ] || rm -rf "$W"; }
trap cleanup EXIT
cd "$W"
head -c 24 /dev/urandom | base64 | tr -d '/+=' > token
N=50 CALLS=10 DUR=180
for k in $(seq $CALLS); do
  "$TM" synth --seed $((100 + k)) --duration $DUR call$k.wav >/dev/null
  "$TM" analyze --summary ref$k.json call$k.wav
done
start_wall() {
  "$TM" wall --listen "127.0.0.1:$1" --token-file token 2>> wall.err & wpid=$!
  pids="$pids $wpid"
  for i in $(seq 100); do grep -q "wall on http" wall.err 2>/dev/null && break; sleep 0.05; done
}
start_wall 0
URL=$(grep -o 'http://[^ ]*' wall.err | head -1); URL=${URL%/}
PORT=${URL##*:}
agents=""
for i in $(seq -w 1 $N); do
  k=$(( (10#$i - 1) % CALLS + 1 ))
  "$TM" replay --no-audio --speed 20 --quiet --report-to "$URL" --agent-id "agent$i" --token-file token \
      --summary s$i.json --events e$i.jsonl call$k.wav 2> a$i.err & agents="$agents $!"
  echo "$k" > call_of_$i
done
sleep 3
kill -9 $wpid; echo "wall killed at $(date +%s.%N)" > outage.txt
sleep 5
start_wall "$PORT"
echo "wall back at $(date +%s.%N)" >> outage.txt
rc=0
for p in $agents; do wait "$p" || rc=1; done
echo $rc > agents.rc
# the refusals
curl -s -o /dev/null -w "%{http_code}\n" -X POST -H 'Content-Type: application/json' -d '{"agent":"x","call":"c","seq":0,"events":[]}' "$URL/report" > no_token.code
curl -s -o /dev/null -w "%{http_code}\n" -X POST -H 'Authorization: Bearer wrong' -d '{"agent":"x","call":"c","seq":0,"events":[]}' "$URL/report" > bad_token.code
head -c 400000 /dev/zero | tr '\0' ' ' > big.json
curl -s -o /dev/null -w "%{http_code}\n" -X POST -H "Authorization: Bearer $(cat token)" --data-binary @big.json "$URL/report" > big.code
python3 - "$URL" "$(cat token)" <<'PY'
import json, sys, urllib.request
url, token = sys.argv[1], sys.argv[2]
def post(body):
    req = urllib.request.Request(url + "/report", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r: return r.status
    except urllib.error.HTTPError as e: return e.code
codes = [post({"agent": "burst", "call": "c1", "seq": 0, "events": []}) for _ in range(80)]
open("burst.codes", "w").write(json.dumps(codes))
evil = "<img src=x onerror=\"window.pwned=1\"><b id=pwn>bold</b><script>window.pwned=2</script>"
code = post({"agent": "evil", "call": "c1", "seq": 0, "state": {"t": 12, "talking": [1, 0], "talk_share": [0.5, 0.5]},
             "events": [{"type": "deescalation", "start": 3, "end": 3, "detected": 3, "code": "silence", "severity": 1,
                         "count": 1, "reason": evil, "suggestion": evil, "alert": True}]})
open("evil.code", "w").write(str(code))
bad = post({"agent": "<script>", "call": "c1", "seq": 0, "events": []})
open("badid.code", "w").write(str(bad))
PY
node "$OUT/wall_test.mjs" "$URL/" browser.json "$OUT/wall.png" agent01 $((N + 2)) > node.log 2>&1 && echo 0 > node.rc || echo $? > node.rc
kill -TERM $wpid; wait $wpid 2>/dev/null || true
python3 - "$N" <<'PY'
import glob, json, sys
n = int(sys.argv[1])
passed = failed = 0
def check(what, ok, detail=""):
    global passed, failed
    if ok: passed += 1
    else: failed += 1; print("FAIL:", what, detail, file=sys.stderr)
check("every agent's replay exits 0", open("agents.rc").read().strip() == "0")
check("the browser script ran", open("node.rc").read().strip() == "0", open("node.log").read())
b = json.load(open("browser.json"))
tiles = {t["agent"]: t for t in b["tiles"]}
agents = [f"agent{i:02d}" for i in range(1, n + 1)]
check("the wall shows a tile per agent", all(a in tiles for a in agents), f"{len(tiles)} tiles")
errs = {a: open(f"a{a[5:]}.err").read() for a in agents}
saw_outage = sum("unreachable" in e for e in errs.values())
came_back = sum("reachable again" in e for e in errs.values())
print(f"wall outage: {saw_outage} of {n} agents found the wall unreachable, {came_back} re-sent their backlog after it came back")
check("the outage happened mid-run (agents saw it)", saw_outage >= n // 2)
mismatch = lost_total = 0
for a in agents:
    s = json.load(open(f"s{a[5:]}.json"))
    want = {"prompts": len(s["moments"]), "interruptions_by_agent": s["interruptions"]["agent_of_caller"],
            "interruptions_by_caller": s["interruptions"]["caller_of_agent"],
            "raised_agent": s["speakers"]["agent"]["raised_voice_count"], "raised_caller": s["speakers"]["caller"]["raised_voice_count"],
            "silences": s["silences"]}
    t = tiles.get(a)
    if not t: continue
    got = {k: t["counts"].get(k) for k in want}
    lost = t["lost"]
    if got != want:
        mismatch += 1
        # a loss is allowed only when it is counted on the tile and said by the agent
        check(f"{a}: counts differ only with the loss counted and said", bool(lost) and "not delivered" in errs[a],
              f"tile {got} summary {want} lost '{lost}'")
    lost_total += bool(lost)
print(f"tiles equal to their call's summary: {n - mismatch} of {n}; tiles with a counted loss: {lost_total}")
check("prompts on a call's tile exist", sum(tiles[a]["counts"]["prompts"] for a in agents if a in tiles) > n)
# analyze of the same audio gives the same prompts as each agent's run
key = lambda m: (m["code"], m["start"], m["severity"], m["count"])
same = 0
for a in agents:
    k = open(f"call_of_{a[5:]}").read().strip()
    ref = [key(m) for m in json.load(open(f"ref{k}.json"))["moments"]]
    mine = [key(m) for m in json.load(open(f"s{a[5:]}.json"))["moments"]]
    same += ref == mine
    if ref != mine: print(f"  {a}: analyze {ref} replay {mine}", file=sys.stderr)
check("replay gives the prompts analyze gives, for every agent", same == n, f"{same} of {n}")
d = b["detail"] or {}
s1 = json.load(open("s01.json"))
check("a tile opens the agent's call so far", d.get("prompts") == len(s1["moments"]) and d.get("rects", 0) > 10, json.dumps(d))
check("no console error", not b["errors"], " | ".join(b["errors"]))
origin = "/".join(b["requests"][0].split("/")[:3]) if b["requests"] else ""
check("nothing fetched from elsewhere", all(u.startswith(origin) for u in b["requests"]), str(set(b["requests"])))
check("post without the token: 401", open("no_token.code").read().strip() == "401")
check("post with a wrong token: 401", open("bad_token.code").read().strip() == "401")
check("oversized post: 413", open("big.code").read().strip() == "413")
codes = json.load(open("burst.codes"))
check("a burst of posts from one agent is rate-limited (429)", codes[0] == 200 and 429 in codes, str(sorted(set(codes))))
check("an agent id with markup: 400", open("badid.code").read().strip() == "400")
check("markup posted by an agent is shown as text", open("evil.code").read().strip() == "200" and b["pwned"] is None
      and b["injected"] == 0 and "<img" in tiles.get("evil", {}).get("prompt", ""), json.dumps(tiles.get("evil")))
wall_err = open("wall.err").read()
print(wall_err.strip().splitlines()[-1])
print(f"wall: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
