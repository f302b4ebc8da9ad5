#!/usr/bin/python3
"""tests/realistic/compare_calls.py --tonemon BIN [--profile P] --out RUN.json CORPUS_DIR...
   tests/realistic/compare_calls.py --diff A.json B.json

A development tool for the realistic corpus (make_corpus.py): what a change did, call by call.
The first form analyses every call of the corpus folders and writes, per call, found / false /
missed of each event type (score_corpus.py's matching, 1 s onset tolerance; holds by channel),
the speech frames per channel and the false prompts. The second form prints both runs' totals
per primary condition, then every call whose figures differ. Not a test: score_corpus.py gives
the figures to report."""
import argparse, json, os, shutil, subprocess, sys, tempfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score_corpus as sc  # noqa: E402

TYPES = ["interruption", "overlap", "backchannel", "silence", "raised_voice"]
SHOWN = TYPES + ["hold"]


def run(a):
    work = tempfile.mkdtemp(prefix="tm-compare-")
    out = {}
    try:
        for d in a.corpus:
            tag = os.path.basename(os.path.normpath(d))
            calls = sc.load_corpus(d)
            od = os.path.join(work, tag)
            cmd = [a.tonemon, "analyze", "--quiet", "-j", str(a.jobs), "--out-dir", od]
            cmd += ["--profile", a.profile] if a.profile else []
            subprocess.run(cmd + [c["wav"] for c in calls], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for c in calls:
                p = os.path.join(od, c["name"] + ".events.jsonl")
                c["events"] = [json.loads(l) for l in open(p)] if os.path.exists(p) else []
                t = sc.Tally()
                t.add_call(c, 1.0)
                r = {"primary": c["truth"].get("conditions", {}).get("primary", "?"),
                     "minutes": c["truth"]["duration"] / 60.0, "hold": t.hold, "speech": t.sp,
                     "false_prompts": t.false_prompts}
                for typ in TYPES:
                    det = sc.det_events(c["events"], typ)
                    tru = sc.truth_events(c["truth"], typ)
                    if typ == "overlap":
                        tru = [(s, e, None, None) for s, e, _, _ in tru]
                    ud, ut = sc.match(det, tru, 1.0)
                    r[typ] = [len(ud), len(det) - len(ud), len(tru) - len(ut)]
                    r[typ + "_false"] = [d[:2] for i, d in enumerate(det) if i not in ud]
                    r[typ + "_missed"] = [x[:2] for j, x in enumerate(tru) if j not in ut]
                out[tag + "/" + c["name"]] = r
    finally:
        shutil.rmtree(work, ignore_errors=True)
    json.dump(out, open(a.out, "w"))
    print("compare_calls: %d calls -> %s" % (len(out), a.out))


def f1(x):
    return 2 * x[0] / max(1, 2 * x[0] + x[1] + x[2])


def totals(r):
    s = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for c in r.values():
        for k in (c["primary"], "all"):
            for t in SHOWN:
                for i in range(3):
                    s[k][t][i] += c[t][i]
            for ch in ("agent", "caller"):
                for i in range(3):
                    s[k]["speech_" + ch][i] += c["speech"][ch][i]
            s[k]["false_prompts"][0] += c["false_prompts"]
            s[k]["minutes"][0] += c["minutes"]
    return s


def line(t):
    return " ".join("%s %d/%d/%d" % (k[:5], *t[k]) for k in SHOWN) + "  speech %.4f/%.4f  false prompts %d (%.3f/min)" % (
        f1(t["speech_agent"]), f1(t["speech_caller"]), t["false_prompts"][0],
        t["false_prompts"][0] / max(t["minutes"][0], 1e-9))


def diff(a, b):
    ra, rb = json.load(open(a)), json.load(open(b))
    ta, tb = totals(ra), totals(rb)
    print("found/false/missed per type; A = %s, B = %s" % (a, b))
    for k in sorted(ta, key=lambda x: (x == "all", x)):
        print("%-18s A %s" % (k, line(ta[k])))
        print("%-18s B %s" % ("", line(tb[k])))
    for n in sorted(ra):
        if n not in rb:
            continue
        d = ["%s %s->%s" % (t, ra[n][t], rb[n][t]) for t in SHOWN if ra[n][t] != rb[n][t]]
        if ra[n]["false_prompts"] != rb[n]["false_prompts"]:
            d.append("false prompts %d->%d" % (ra[n]["false_prompts"], rb[n]["false_prompts"]))
        if d:
            print("%s (%s): %s" % (n, ra[n]["primary"], "; ".join(d)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="*")
    ap.add_argument("--tonemon")
    ap.add_argument("--profile")
    ap.add_argument("--out")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--diff", nargs=2, metavar=("A", "B"))
    a = ap.parse_args()
    if a.diff:
        diff(*a.diff)
    elif a.tonemon and a.out and a.corpus:
        run(a)
    else:
        ap.error("give --tonemon, --out and corpus folders, or --diff A B")


if __name__ == "__main__":
    main()
