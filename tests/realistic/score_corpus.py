#!/usr/bin/python3
"""tests/realistic/score_corpus.py --tonemon BIN CORPUS_DIR [--profile P] [--kfold K] [--by primary|tag]
                                   [--json OUT] [--tolerance S] [--jobs J] [--quiet]

Scores tonemon on the realistic corpus (make_corpus.py), per condition and overall, and prints
Markdown tables:
  - per event type precision / recall / F1 from `tonemon eval --json` (interruption, overlap,
    backchannel, silence, raised voice, monologue), pooled over the calls of a condition;
  - hold precision / recall / F1 (hold events of `tonemon analyze` against the truth's "holds",
    same channel, intervals overlap, onsets within the tolerance), until eval scores holds itself;
  - speech frame F1 per channel (10 ms hops, as tools/lab/score.c counts them), from the speech events;
  - FALSE PROMPTS PER MINUTE: alert-worthy events (interruption, raised voice, silence, monologue)
    that match no truth event of their type and speaker(s) (score.c's matching), per minute of
    call; and the same for the de-escalation prompts the agent would actually see.
--kfold K: every figure is held out: the calls are split into K folds by call (stratified by
primary condition); for each fold `tonemon calibrate` fits a profile on the other folds and the
fold is scored with it. Without --kfold the profile (default: built in) is scored as it is.
--by tag: one row per condition tag (a call counts in every condition it has, primary or
secondary) instead of one row per primary condition."""
import argparse, json, os, shutil, subprocess, sys, tempfile
from collections import defaultdict

ALERTS = ["interruption", "raised_voice", "silence", "monologue"]
EVAL_TYPES = ["interruption", "overlap", "backchannel", "silence", "raised_voice", "monologue"]
CODE_SOURCE = {"caller_raised": ("raised_voice", "caller", None), "agent_raised": ("raised_voice", "agent", None),
               "agent_interrupts": ("interruption", "agent", "caller"), "agent_monologue": ("monologue", "agent", None),
               "silence": ("silence", None, None)}
TRUTH_KEY = {"interruption": "interruptions", "raised_voice": "raised_voice", "silence": "silences",
             "monologue": "monologues", "overlap": "overlaps", "backchannel": "backchannels"}


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in ok:
        sys.exit("score_corpus: %s failed (%d): %s" % (" ".join(cmd[:3]), p.returncode, p.stderr[-600:]))
    return p


def truth_events(truth, typ):
    """[(start, end, speaker, other)] of a truth key."""
    out = []
    for v in truth.get(TRUTH_KEY[typ], []):
        if isinstance(v, list):
            out.append((v[0], v[1], None, None))
        else:
            out.append((v["start"], v["end"], v.get("by", v.get("speaker")), v.get("of")))
    return out


def det_events(events, typ):
    out = []
    for e in events:
        if e["type"] != typ:
            continue
        spk = e.get("by", e.get("speaker")) if typ != "silence" and typ != "overlap" else None
        out.append((e["start"], e["end"], spk, e.get("of") if typ == "interruption" else None))
    return out


def match(det, tru, tol):
    """score.c's matching: same speaker(s), intervals overlap, onsets within tol, nearest first."""
    pairs = []
    for i, d in enumerate(det):
        for j, t in enumerate(tru):
            if d[2] != t[2] or d[3] != t[3]:
                continue
            if not (d[0] < t[1] and t[0] < d[1]) and not (d[1] <= d[0] and t[0] <= d[0] <= t[1]):
                continue
            if abs(d[0] - t[0]) <= tol:
                pairs.append((abs(d[0] - t[0]), i, j))
    pairs.sort()
    ud, ut = set(), set()
    for _, i, j in pairs:
        if i not in ud and j not in ut:
            ud.add(i)
            ut.add(j)
    return ud, ut


def speech_frames(truth, events, dur):
    """(tp, fp, fn) per channel over 10 ms hops, exactly as tools/lab/score.c counts them."""
    hops = int(dur * 100.0)
    out = {}
    for c in ("agent", "caller"):
        m = bytearray(hops + 1)
        for s, e in truth["speech"][c]:
            for h in range(int(s * 100.0 + 0.5), min(hops, int(e * 100.0 + 0.5))):
                m[h] |= 1
        for ev in events:
            if ev["type"] == "speech" and ev["speaker"] == c:
                for h in range(int(round(ev["start"] * 100, 6)), min(hops, int(round(ev["end"] * 100, 6)))):
                    m[h] |= 2
        out[c] = (m.count(3), m.count(2), m.count(1))
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else (0.0 if fn else 1.0)
    r = tp / (tp + fn) if tp + fn else (0.0 if fp else 1.0)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Tally:
    def __init__(self):
        self.ev = defaultdict(lambda: [0, 0, 0])     # type -> tp, fp, fn (from eval)
        self.hold = [0, 0, 0]
        self.sp = {"agent": [0, 0, 0], "caller": [0, 0, 0]}
        self.false_alerts = 0
        self.false_prompts = 0
        self.prompts = 0
        self.minutes = 0.0
        self.calls = 0
        self.louder, self.louder_flagged = 0, 0

    def add_eval(self, j):
        for k, v in j.get("events", {}).items():
            t = self.ev[k]
            t[0] += v["tp"]; t[1] += v["fp"]; t[2] += v["fn"]
        self.louder += j.get("louder_turns", 0)
        self.louder_flagged += j.get("louder_turns_flagged", 0)

    def add_call(self, c, tol):
        ev, truth = c["events"], c["truth"]
        self.calls += 1
        self.minutes += truth["duration"] / 60.0
        for typ in ALERTS:
            det = det_events(ev, typ)
            tru = truth_events(truth, typ)
            ud, ut = match(det, tru, tol)
            self.false_alerts += len(det) - len(ud)
            c.setdefault("matched", {})[typ] = (det, ud)
            c.setdefault("details", {})[typ] = ([d for i, d in enumerate(det) if i not in ud],
                                                [t for j, t in enumerate(tru) if j not in ut])
        for e in ev:
            if e["type"] != "deescalation":
                continue
            self.prompts += 1
            typ, spk, oth = CODE_SOURCE.get(e.get("code"), (None, None, None))
            if typ is None:
                self.false_prompts += 1
                continue
            det, ud = c["matched"][typ]
            # the source event: same type and speaker(s), known when the prompt came, same end
            src = [i for i, d in enumerate(det) if d[2] == spk and d[3] == oth and d[0] <= e["start"] + 1e-6 and abs(d[1] - e["end"]) < 0.02]
            if not src:
                src = [i for i, d in enumerate(det) if d[2] == spk and d[3] == oth and d[0] <= e["start"] + 1e-6 <= d[1] + 1e-6]
            if not any(i in ud for i in src):
                self.false_prompts += 1
        hd = [(e["start"], e["end"], e.get("channel", e.get("speaker")), None) for e in ev if e["type"] == "hold"]
        ht = [(h["start"], h["end"], h["channel"], None) for h in truth.get("holds", [])]
        ud, ut = match(hd, ht, tol)
        self.hold[0] += len(ud); self.hold[1] += len(hd) - len(ud); self.hold[2] += len(ht) - len(ut)
        for ch, (tp, fp, fn) in speech_frames(truth, ev, truth["duration"]).items():
            s = self.sp[ch]
            s[0] += tp; s[1] += fp; s[2] += fn

    def row(self):
        r = {"calls": self.calls, "minutes": round(self.minutes, 1)}
        for k in EVAL_TYPES:
            p, rc, f = prf(*self.ev[k])
            r[k] = {"precision": round(p, 3), "recall": round(rc, 3), "f1": round(f, 3),
                    "tp": self.ev[k][0], "fp": self.ev[k][1], "fn": self.ev[k][2]}
        if "hold" in self.ev:          # eval scores hold itself: take its figures
            self.hold = self.ev["hold"]
        p, rc, f = prf(*self.hold)
        r["hold"] = {"precision": round(p, 3), "recall": round(rc, 3), "f1": round(f, 3),
                     "tp": self.hold[0], "fp": self.hold[1], "fn": self.hold[2]}
        r["speech_f1"] = {c: round(prf(*self.sp[c])[2], 4) for c in self.sp}
        r["speech_pr"] = {c: [round(x, 4) for x in prf(*self.sp[c])[:2]] for c in self.sp}
        m = max(self.minutes, 1e-9)
        r["false_alerts_per_min"] = round(self.false_alerts / m, 2)
        r["false_prompts_per_min"] = round(self.false_prompts / m, 2)
        r["prompts_per_min"] = round(self.prompts / m, 2)
        r["louder_turns_flagged"] = [self.louder_flagged, self.louder]
        return r


def load_corpus(d):
    calls = []
    for f in sorted(os.listdir(d)):
        if f.endswith(".truth.json"):
            name = f[: -len(".truth.json")]
            wav = os.path.join(d, name + ".wav")
            if os.path.exists(wav):
                calls.append({"name": name, "wav": os.path.abspath(wav), "truth": json.load(open(os.path.join(d, f)))})
    return calls


def eval_dir(tm, calls, work):
    """A folder eval can read: the truth files without the keys this tonemon does not know yet."""
    probe = os.path.join(work, "probe")
    os.makedirs(probe, exist_ok=True)
    drop = set()
    c0 = calls[0]
    for _ in range(4):
        t = {k: v for k, v in c0["truth"].items() if k not in drop}
        json.dump(t, open(os.path.join(probe, "p.truth.json"), "w"))
        p = subprocess.run([tm, "eval", "--truth", os.path.join(probe, "p.truth.json"), c0["wav"]],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if "unknown key" not in p.stderr:
            break
        key = p.stderr.split("bad labels: ")[-1].split(":")[0].strip()
        drop.add(key)
    ev = os.path.join(work, "eval")
    os.makedirs(ev, exist_ok=True)
    for c in calls:
        link = os.path.join(ev, c["name"] + ".wav")
        if os.path.lexists(link):   # a --keep folder used before
            os.remove(link)
        os.symlink(c["wav"], link)
        json.dump({k: v for k, v in c["truth"].items() if k not in drop}, open(os.path.join(ev, c["name"] + ".truth.json"), "w"))
        c["eval_wav"] = os.path.join(ev, c["name"] + ".wav")
    return sorted(drop)


def analyze(tm, calls, profile, out, jobs):
    cmd = [tm, "analyze", "--quiet", "-j", str(jobs), "--out-dir", out] + (["--profile", profile] if profile else [])
    run(cmd + [c["eval_wav"] for c in calls], ok=(0, 1))
    for c in calls:
        path = os.path.join(out, c["name"] + ".events.jsonl")
        c["events"] = [json.loads(l) for l in open(path)] if os.path.exists(path) else []


def eval_json(tm, calls, profile, tol):
    if not calls:
        return {}
    p = run([tm, "eval", "--json", "--tolerance", str(tol)] + (["--profile", profile] if profile else [])
            + [c["eval_wav"] for c in calls], ok=(0, 1))
    return json.loads(p.stdout)


def groups_of(c, by):
    cond = c["truth"].get("conditions", {})
    if by == "tag":
        # the conditions' own tags, plus the sample rate, the voices' engines and the codec
        tags = list(cond.get("tags", [cond.get("primary", "unknown")]))
        tags.append("rate_%d" % c["truth"].get("sample_rate", 0))
        for v in cond.get("voices", {}).values():
            tags.append("voice_" + v.get("engine", "?"))
        # severity bins of the conditions with a level
        for key, field, edges in (("babble", "below_speech_db", (10, 15, 20, 25)), ("line_echo", "level_db", (-30, -20, -12, -6)),
                                  ("speaker_echo", "level_db", (-30, -20, -12, -6))):
            v = cond.get(key, {}).get(field)
            if v is not None:
                for lo, hi in zip(edges, edges[1:]):
                    if lo <= v <= hi:
                        tags.append("%s_%g..%g_dB" % (key, lo, hi))
                        break
        if "codec" in cond:
            tags.append("codec_" + cond["codec"]["kind"])
            if cond["codec"]["kind"] in ("mu-law", "a-law"):
                tags.append("codec_g711")
        return sorted(set(tags))
    return [cond.get("primary", "unknown")]


def f(x):
    return "%.2f" % x


def markdown(rows, title):
    out = ["", "### " + title, "",
           "| condition | calls | min | intr P | intr R | overlap F1 | backch F1 | silence F1 | raised F1 | hold F1 | speech F1 agent | speech F1 caller | louder turns flagged | false alerts/min | false prompts/min |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, r in rows:
        hold = f(r["hold"]["f1"]) if r["hold"]["tp"] + r["hold"]["fn"] + r["hold"]["fp"] else "–"
        out.append("| %s | %d | %.1f | %s | %s | %s | %s | %s | %s | %s | %.3f | %.3f | %d/%d | %.2f | %.2f |" % (
            name, r["calls"], r["minutes"], f(r["interruption"]["precision"]), f(r["interruption"]["recall"]),
            f(r["overlap"]["f1"]), f(r["backchannel"]["f1"]), f(r["silence"]["f1"]), f(r["raised_voice"]["f1"]), hold,
            r["speech_f1"]["agent"], r["speech_f1"]["caller"], r["louder_turns_flagged"][0], r["louder_turns_flagged"][1],
            r["false_alerts_per_min"], r["false_prompts_per_min"]))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--tonemon", required=True)
    ap.add_argument("--profile")
    ap.add_argument("--kfold", type=int, default=0)
    ap.add_argument("--by", choices=["primary", "tag"], default="primary")
    ap.add_argument("--json")
    ap.add_argument("--tolerance", type=float, default=1.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--objective", help="calibrate's --objective in --kfold mode")
    ap.add_argument("--details", action="store_true", help="list each call's false alerts and misses")
    ap.add_argument("--keep", help="keep the work folder here (events, fold profiles)")
    a = ap.parse_args()
    tm = os.path.abspath(a.tonemon)
    calls = load_corpus(a.corpus)
    if not calls:
        sys.exit("score_corpus: %s: no calls (NAME.wav + NAME.truth.json)" % a.corpus)
    work = a.keep or tempfile.mkdtemp(prefix="tm-score-")
    os.makedirs(work, exist_ok=True)
    try:
        dropped = eval_dir(tm, calls, work)
        group_names = sorted({g for c in calls for g in groups_of(c, a.by)})
        tallies = defaultdict(Tally)
        folds_info = []
        if a.kfold:
            # stratified by primary condition: the j-th call of each condition goes to fold j % K
            seen = defaultdict(int)
            for c in calls:
                p = groups_of(c, "primary")[0]
                c["fold"] = seen[p] % a.kfold
                seen[p] += 1
            for k in range(a.kfold):
                train = [c for c in calls if c["fold"] != k]
                test = [c for c in calls if c["fold"] == k]
                prof = os.path.join(work, "fold%d.json" % k)
                cmd = [tm, "calibrate", "--out", prof] + (["--profile", a.profile] if a.profile else []) \
                    + (["--objective", a.objective] if a.objective else []) + [c["eval_wav"] for c in train]
                p = run(cmd, ok=(0, 1))
                held = [l.strip() for l in p.stdout.splitlines() if "held out" in l]
                folds_info.append({"fold": k, "train": len(train), "test": len(test), "calibrate": held})
                analyze(tm, test, prof, os.path.join(work, "events%d" % k), a.jobs)
                for g in group_names + ["all"]:
                    sub = [c for c in test if g == "all" or g in groups_of(c, a.by)]
                    if sub:
                        tallies[g].add_eval(eval_json(tm, sub, prof, a.tolerance))
                        for c in sub:
                            tallies[g].add_call(c, a.tolerance)
        else:
            analyze(tm, calls, a.profile, os.path.join(work, "events"), a.jobs)
            for g in group_names + ["all"]:
                sub = [c for c in calls if g == "all" or g in groups_of(c, a.by)]
                tallies[g].add_eval(eval_json(tm, sub, a.profile, a.tolerance))
                for c in sub:
                    tallies[g].add_call(c, a.tolerance)
        if a.details:
            print("false alerts (detected, no truth) and misses (truth, not detected) per call:")
            for c in calls:
                for typ, (fa, miss) in sorted(c.get("details", {}).items()):
                    for d in fa:
                        print("  %-24s false  %-12s %7.2f-%7.2f %s" % (c["name"], typ, d[0], d[1], ">".join(x for x in d[2:] if x)))
                    for t in miss:
                        print("  %-24s missed %-12s %7.2f-%7.2f %s" % (c["name"], typ, t[0], t[1], ">".join(x for x in t[2:] if x)))
        rows = [(g, tallies[g].row()) for g in group_names] + [("**all**", tallies["all"].row())]
        title = "tonemon %s on %d calls (%.0f min), by %s condition%s" % (
            "held out, %d-fold by call" % a.kfold if a.kfold else ("profile " + os.path.basename(a.profile) if a.profile else "built-in profile"),
            len(calls), sum(c["truth"]["duration"] for c in calls) / 60.0, a.by,
            "; truth keys not known to this eval: " + ", ".join(dropped) if dropped else "")
        print(markdown(rows, title))
        if folds_info:
            print("\nfolds: " + "; ".join("fold %d (%d train / %d test): %s" % (x["fold"], x["train"], x["test"], " ".join(x["calibrate"])) for x in folds_info))
        if a.json:
            json.dump({"rows": dict(rows), "kfold": a.kfold, "folds": folds_info, "dropped_truth_keys": dropped,
                       "calls": [{"name": c["name"], "primary": groups_of(c, "primary")[0]} for c in calls]},
                      open(a.json, "w"), indent=1)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
