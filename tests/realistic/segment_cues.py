#!/usr/bin/python3
"""tests/realistic/segment_cues.py --tonemon BIN [--profile P] CORPUS_DIR...

A development tool for the realistic corpus (make_corpus.py): how well cues that the frame CSV
carries tell the speech segments tonemon keeps that are false (no more than 20 % of their hops in
the truth's speech of that channel) from the true ones (at least half). A cue that separates
them here may be worth a rule in the speech stage; one that does not would cost more true
segments than it removes false ones. Every cue is read as the speech stage could read it: on the
segment's first backchannel_max_s (1 s), the spread also over as long before its start.

Cues (per segment):
  spread  level spread, 90th - 10th percentile, dB, over 1 s either side of the start
  dip     the same over the segment's own first second
  fall    the largest fall of the level within 30 ms, dB (a near voice stops at once; the sum of
          distant voices in a room does not)
  voiced  share of the segment's hops with a pitch
  far     share of those whose pitch lies more than 0.6 octave from the talker's median pitch
          (an oracle: the median over the truth's speech of that channel)
  vstr    median voicing strength of the voiced hops

Prints each cue's 10th/50th/90th percentiles for false segments of the babble rows, false
segments of every row, and true segments, then for each cue the true segments (0.3 s or longer)
and false ones a threshold on it would take."""
import argparse, csv, json, math, os, subprocess, sys, tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score_corpus as sc  # noqa: E402

HOPS = 100          # hops per second of the frame CSV
WIN = 100           # the judgement window, hops (backchannel_max_s)
CUES = ["spread", "dip", "fall", "voiced", "far", "vstr"]
# the direction in which a cue says "not the talker": low (<) or high (>)
LOW = {"spread": True, "dip": True, "fall": True, "voiced": True, "far": False, "vstr": True}


def pct(x, q):
    x = sorted(x)
    return x[min(len(x) - 1, max(0, int(round(q / 100.0 * (len(x) - 1)))))] if x else float("nan")


def runs(flags):
    out, s = [], None
    for i, f in enumerate(flags + [0]):
        if f and s is None:
            s = i
        elif not f and s is not None:
            out.append((s, i))
            s = None
    return out


def segments(frames_csv, truth):
    ch = {"agent": [], "caller": []}
    for r in csv.DictReader(open(frames_csv)):
        if r["channel"] in ch:
            ch[r["channel"]].append((float(r["time"]), float(r["level_db"]), float(r["f0_hz"]),
                                     float(r["voicing"]), int(r["speech"])))
    for name, d in ch.items():
        spans = truth["speech"].get(name, [])
        true = [any(a <= t < b for a, b in spans) for t, *_ in d]
        tv = [math.log2(f0) for (t, _, f0, _, _), y in zip(d, true) if y and f0 > 0]
        reg = pct(tv, 50) if len(tv) >= 100 else None
        lev = [x[1] for x in d]
        for a, b in runs([x[4] for x in d]):
            share = sum(true[a:b]) / float(b - a)
            label = "true" if share >= 0.5 else "false" if share <= 0.2 else None
            if label is None:
                continue
            e = min(b, a + WIN)
            around = [v for v in lev[max(0, a - WIN):min(len(d), a + WIN + 1)] if math.isfinite(v)]
            own = [v for v in lev[a:e] if math.isfinite(v)]
            f0 = [x[2] for x in d[a:e]]
            vs = [x[3] for x in d[a:e] if x[2] > 0]
            c = {"label": label, "channel": name, "start": d[a][0], "dur": (b - a) / float(HOPS)}
            c["spread"] = pct(around, 90) - pct(around, 10)
            c["dip"] = pct(own, 90) - pct(own, 10) if len(own) > 3 else float("nan")
            falls = [own[i] - min(own[i + 1:i + 4]) for i in range(len(own) - 3)]
            c["fall"] = max(falls) if falls else float("nan")
            voiced = [x for x in f0 if x > 0]
            c["voiced"] = len(voiced) / float(len(f0))
            c["far"] = (sum(abs(math.log2(x) - reg) > 0.6 for x in voiced) / float(len(voiced))
                        if voiced and reg is not None else float("nan"))
            c["vstr"] = pct(vs, 50) if vs else float("nan")
            yield c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonemon", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("corpus", nargs="+")
    a = ap.parse_args()
    segs = []
    with tempfile.TemporaryDirectory(prefix="tm-cues-") as work:
        for d in a.corpus:
            calls = sc.load_corpus(d)
            od = os.path.join(work, os.path.basename(os.path.normpath(d)))
            cmd = [a.tonemon, "analyze", "--quiet", "-j", str(a.jobs), "--frames-too", "--out-dir", od]
            cmd += ["--profile", a.profile] if a.profile else []
            subprocess.run(cmd + [c["wav"] for c in calls], stdout=subprocess.DEVNULL, check=True)
            for c in calls:
                primary = c["truth"].get("conditions", {}).get("primary", "?")
                for s in segments(os.path.join(od, c["name"] + ".frames.csv"), c["truth"]):
                    s["primary"] = primary
                    segs.append(s)
    groups = {
        "false, babble rows": [s for s in segs if s["label"] == "false" and s["primary"].startswith("babble")],
        "false, every row": [s for s in segs if s["label"] == "false"],
        "true": [s for s in segs if s["label"] == "true"],
    }
    print("segments: %s" % ", ".join("%s %d" % (k, len(v)) for k, v in groups.items()))
    for cue in CUES:
        print("%-7s" % cue + "".join("  %s p10/50/90 %s" % (k, "/".join("%.2f" % pct([s[cue] for s in v if math.isfinite(s[cue])], q)
                                                               for q in (10, 50, 90)))
                                     for k, v in groups.items()))
    true_long = [s for s in groups["true"] if s["dur"] >= 0.3]
    for cue in CUES:
        vals = sorted(s[cue] for s in groups["false, babble rows"] if math.isfinite(s[cue]))
        for q in (25, 50, 75):
            th = pct(vals, q)
            hit = (lambda x, th=th: x < th) if LOW[cue] else (lambda x, th=th: x > th)
            taken = [s for s in true_long if math.isfinite(s[cue]) and hit(s[cue])]
            print("%-7s %s %.2f: takes %d of %d false babble, %d of %d false, %d of %d true >= 0.3 s (%s)" % (
                cue, "<" if LOW[cue] else ">", th,
                sum(1 for s in groups["false, babble rows"] if math.isfinite(s[cue]) and hit(s[cue])),
                len(groups["false, babble rows"]),
                sum(1 for s in groups["false, every row"] if math.isfinite(s[cue]) and hit(s[cue])),
                len(groups["false, every row"]), len(taken), len(true_long),
                ", ".join("%s %d" % kv for kv in Counter(s["primary"] for s in taken).most_common(4))))


if __name__ == "__main__":
    main()
