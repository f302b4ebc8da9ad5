#!/usr/bin/python3
"""scripts/vad_peer/compare_vad.py --tonemon BIN [--peer webrtc_vad] [--likelihood L] [--json OUT] CORPUS_DIR

Speech activity, channel by channel, against the corpus truth (tests/realistic/make_corpus.py):
the WebRTC VAD peer (webrtc_vad, built by `make -C scripts/vad_peer`) and tonemon's frame speech
flags (`tonemon analyze --frames`), both scored per 10 ms hop exactly as tools/lab/score.c scores
speech (a hop is truth speech when it lies in [round(start*100), round(end*100)) of an interval).
Prints a Markdown table per primary condition and channel: precision, recall, F1 of each.
Files at 44.1 kHz are resampled to 48 kHz for the peer (AudioProcessing takes 8/16/32/48 kHz)."""
import argparse, csv, json, os, shutil, subprocess, sys, tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, out=None):
    p = subprocess.run(cmd, stdout=out or subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.exit("compare_vad: %s failed: %s" % (" ".join(cmd[:3]), p.stderr[-400:]))
    return p


def truth_mask(iv, hops):
    m = bytearray(hops)
    for s, e in iv:
        for h in range(int(s * 100.0 + 0.5), min(hops, int(e * 100.0 + 0.5))):
            m[h] = 1
    return m


def read_flags(path, hops, column="speech"):
    out = {"agent": bytearray(hops), "caller": bytearray(hops)}
    with open(path) as f:
        for row in csv.DictReader(f):
            h = int(float(row["time"]) * 100.0 + 0.5)
            if h < hops and row["channel"] in out:
                out[row["channel"]][h] = 1 if int(float(row[column])) else 0
    return out


def affected(cond):
    """The channels the call's primary condition is on (babble at the agent's desk, echo on the
    speakerphone's side, music on hold...)."""
    p = cond.get("condition", cond.get("primary"))
    c = cond.get("hold" if p == "hold_dtmf" else p)
    if isinstance(c, dict):
        if "channel" in c:
            return {c["channel"]}
        if "channels" in c:
            return set(c["channels"])
    if p == "nonverbal":
        return {e["channel"] for e in cond.get("nonverbal", [])}
    return set()


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--tonemon", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--peer", default=os.path.join(HERE, "webrtc_vad"))
    ap.add_argument("--likelihood", default="very_low")
    ap.add_argument("--json")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    if not os.access(a.peer, os.X_OK):
        sys.exit("compare_vad: %s: not built (make -C %s)" % (a.peer, HERE))
    names = sorted(f[:-11] for f in os.listdir(a.corpus) if f.endswith(".truth.json")
                   and os.path.exists(os.path.join(a.corpus, f[:-11] + ".wav")))
    if not names:
        sys.exit("compare_vad: %s: no calls" % a.corpus)
    work = tempfile.mkdtemp(prefix="tm-vad-")
    try:
        run([a.tonemon, "analyze", "--quiet", "-j", str(a.jobs), "--out-dir", work, "--frames-too"]
            + (["--profile", a.profile] if a.profile else []) + [os.path.join(a.corpus, n + ".wav") for n in names])
        tally = defaultdict(lambda: [0] * 6)     # (group, channel) -> webrtc tp fp fn, tonemon tp fp fn
        for n in names:
            truth = json.load(open(os.path.join(a.corpus, n + ".truth.json")))
            prim = truth.get("conditions", {}).get("primary", "unknown")
            hops = int(truth["duration"] * 100.0)
            wav = os.path.join(a.corpus, n + ".wav")
            if truth.get("sample_rate") not in (8000, 16000, 32000, 48000):
                conv = os.path.join(work, n + ".48k.wav")
                run(["sox", "-D", wav, "-r", "48000", conv])
                wav = conv
            peer_csv = os.path.join(work, n + ".webrtc.csv")
            with open(peer_csv, "w") as f:
                run([a.peer, "--likelihood", a.likelihood, wav], out=f)
            flags = [read_flags(peer_csv, hops), read_flags(os.path.join(work, n + ".frames.csv"), hops)]
            hit = affected(truth.get("conditions", {}))
            for ch in ("agent", "caller"):
                t = truth_mask(truth["speech"][ch], hops)
                for g in (prim, "all") + ((prim + " (its channel)",) if ch in hit else ()):
                    row = tally[(g, ch)]
                    for k, fl in enumerate(flags):
                        d = fl[ch]
                        row[3 * k] += sum(1 for h in range(hops) if d[h] and t[h])
                        row[3 * k + 1] += sum(1 for h in range(hops) if d[h] and not t[h])
                        row[3 * k + 2] += sum(1 for h in range(hops) if t[h] and not d[h])
        groups = sorted({g for g, _ in tally if g != "all"}) + ["all"]
        print("\n(a row \"X (its channel)\" pools the channels that carry condition X: babble at that desk, the echo's side...)")
        print("\n### Speech frames: WebRTC VAD (likelihood %s, 10 ms) vs tonemon (analyze --frames), %d calls\n" % (a.likelihood, len(names)))
        print("| condition | channel | WebRTC P | WebRTC R | WebRTC F1 | tonemon P | tonemon R | tonemon F1 | better F1 |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        res = {}
        for g in groups:
            for ch in ("agent", "caller"):
                if (g, ch) not in tally:
                    continue
                r = tally[(g, ch)]
                w, t = prf(*r[:3]), prf(*r[3:])
                res["%s/%s" % (g, ch)] = {"webrtc": [round(x, 4) for x in w], "tonemon": [round(x, 4) for x in t]}
                print("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |" % (
                    "**all**" if g == "all" else g, ch, *w, *t, "tonemon" if t[2] > w[2] else "WebRTC"))
        if a.json:
            json.dump(res, open(a.json, "w"), indent=1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
