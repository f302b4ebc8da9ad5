#!/usr/bin/python3
"""tests/realistic/segment_cues.py --tonemon BIN [--profile P] [--audio] CORPUS_DIR...

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
  bgv     voiced share of the hops outside this channel's speech and leak in the 4 s before the
          start (other voices behind the talker, or street noise; nan under 50 such hops)

With --audio (numpy), cues read from the recording itself over the same first second, in 11 bands
from 150 to 3400 Hz (32 ms windows, 10 ms hops):
  flux    mean change of the band levels from one hop to the next, dB (one voice moves between
          phones; a sum of voices less)
  bdepth  median over the bands of each band's level spread (90th - 10th percentile), dB
  svar    spread over time of the level-normalised spectrum of the loud hops, dB
  sdist   distance of the segment's mean normalised spectrum from the talker's own (an oracle:
          learnt from the truth's speech of that channel, its louder half), dB

Then the joint rule of session 30 (spread, fall and bgv together, the distant-voices rule of
src/vad.c) at a few thresholds.
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
AUDIO_CUES = ["flux", "bdepth", "svar", "sdist"]
# the direction in which a cue says "not the talker": low (<) or high (>)
LOW = {"spread": True, "dip": True, "fall": True, "voiced": True, "far": False, "vstr": True,
       "flux": True, "bdepth": True, "svar": True, "sdist": False}


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
                                     float(r["voicing"]), int(r["speech"]), r["bleed"] == "1"))
    for name, d in ch.items():
        spans = truth["speech"].get(name, [])
        true = [any(a <= t < b for a, b in spans) for t, *_ in d]
        tv = [math.log2(f0) for (t, _, f0, _, _, _), y in zip(d, true) if y and f0 > 0]
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
            bg = [x for x in d[max(0, a - 4 * HOPS):a] if not x[4] and not x[5]]
            c["bgv"] = sum(1 for x in bg if x[2] > 0) / float(len(bg)) if len(bg) >= 50 else float("nan")
            c["hops"] = (a, e)
            yield c


EDGES = [150, 300, 450, 600, 800, 1000, 1250, 1550, 1900, 2300, 2800, 3400]


def band_levels(np, x, fs):
    """Per 10 ms hop, the level of each band of EDGES, dB."""
    hop = int(round(0.01 * fs))
    nfft = 1
    while nfft < 0.032 * fs:
        nfft *= 2
    nh = len(x) // hop
    pad = np.concatenate([np.zeros(nfft // 2), x, np.zeros(nfft)])
    fr = pad[np.arange(nh)[:, None] * hop + np.arange(nfft)[None, :]] * np.hanning(nfft)
    p = np.abs(np.fft.rfft(fr, axis=1)) ** 2
    f = np.fft.rfftfreq(nfft, 1.0 / fs)
    return 10 * np.log10(np.stack([p[:, (f >= lo) & (f < hi)].sum(axis=1)
                                   for lo, hi in zip(EDGES[:-1], EDGES[1:])], axis=1) + 1e-10)


def audio_cues(call, segs):
    import numpy as np
    import wave
    w = wave.open(call["wav"])
    fs, nc = w.getframerate(), w.getnchannels()
    x = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float64).reshape(-1, nc) / 32768.0
    bands = {"agent": band_levels(np, x[:, 0], fs), "caller": band_levels(np, x[:, min(1, nc - 1)], fs)}
    model = {}
    for name, b in bands.items():
        m = np.zeros(len(b), bool)
        for lo, hi in call["truth"]["speech"].get(name, []):
            m[int(lo * HOPS):int(hi * HOPS)] = True
        tot = b.max(axis=1)
        sel = m & (tot > np.percentile(tot[m], 50)) if m.sum() > 100 else m
        model[name] = (b - b.mean(axis=1, keepdims=True))[sel].mean(axis=0) if sel.sum() else None
    for c in segs:
        b = bands[c["channel"]]
        a, e = c["hops"]
        seg = b[a:min(e, len(b))]
        for k in ("flux", "bdepth", "svar", "sdist"):
            c[k] = float("nan")
        if len(seg) < 5:
            continue
        tot = 10 * np.log10((10 ** (seg / 10)).sum(axis=1))
        loud = tot > tot.max() - 10
        norm = seg - seg.mean(axis=1, keepdims=True)
        c["flux"] = float(np.abs(np.diff(seg, axis=0)).mean())
        c["bdepth"] = float(np.median(np.percentile(seg, 90, axis=0) - np.percentile(seg, 10, axis=0)))
        if loud.sum() > 3:
            c["svar"] = float(norm[loud].std(axis=0).mean())
        if model[c["channel"]] is not None:
            c["sdist"] = float(np.sqrt(((norm[loud].mean(axis=0) - model[c["channel"]]) ** 2).mean()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tonemon", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--audio", action="store_true", help="cues from the recording too (numpy)")
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
                found = list(segments(os.path.join(od, c["name"] + ".frames.csv"), c["truth"]))
                if a.audio:
                    audio_cues(c, found)
                for s in found:
                    s["primary"] = primary
                    segs.append(s)
    groups = {
        "false, babble rows": [s for s in segs if s["label"] == "false" and s["primary"].startswith("babble")],
        "false, every row": [s for s in segs if s["label"] == "false"],
        "true": [s for s in segs if s["label"] == "true"],
    }
    print("segments: %s" % ", ".join("%s %d" % (k, len(v)) for k, v in groups.items()))
    cues = CUES + ["bgv"] + (AUDIO_CUES if a.audio else [])
    for cue in cues:
        print("%-7s" % cue + "".join("  %s p10/50/90 %s" % (k, "/".join("%.2f" % pct([s[cue] for s in v if math.isfinite(s[cue])], q)
                                                               for q in (10, 50, 90)))
                                     for k, v in groups.items()))
    true_long = [s for s in groups["true"] if s["dur"] >= 0.3]
    for cue in [c for c in cues if c != "bgv"]:
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
    joint(groups)


def joint(groups):
    """The distant-voices rule's cues together: spread < S, fall < F, background voiced >= B."""
    rows = [("false, babble rows", groups["false, babble rows"]), ("false, every row", groups["false, every row"]),
            ("true", groups["true"])]
    for b in (0.0, 0.2, 0.3, 0.4):
        for sp, fa in ((16, 8), (18, 10), (20, 10), (20, 12), (22, 12)):
            def hit(s):
                if not (math.isfinite(s["spread"]) and math.isfinite(s["fall"])):
                    return False
                return s["spread"] < sp and s["fall"] < fa and (b == 0.0 or (math.isfinite(s["bgv"]) and s["bgv"] >= b))
            print("joint spread < %d, fall < %d, background voiced >= %.0f %%: %s; true >= 0.3 s %d" % (
                sp, fa, 100 * b, ", ".join("%s %d of %d" % (k, sum(map(hit, v)), len(v)) for k, v in rows),
                sum(1 for s in groups["true"] if s["dur"] >= 0.3 and hit(s))))


if __name__ == "__main__":
    main()
