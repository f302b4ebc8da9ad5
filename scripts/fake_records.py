#!/usr/bin/env python3
"""scripts/fake_records.py N OUT [SEED] -- N synthetic per-call index records (OUT/callNNNNNN.index.json,
the files `tonemon analyze --out-dir` leaves beside each call) with plausible numbers, agents, teams
and dates, for measuring `tonemon index` and the index page at archive scale without analysing
N calls. The reports they point to do not exist."""
import json, os, random, sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
os.makedirs(out, exist_ok=True)
reasons = [("caller_raised", "The caller raised their voice", "caller"), ("agent_interrupts", "You interrupted the caller", "agent"),
           ("agent_raised", "Your voice is raised", "agent"), ("agent_monologue", "You have been talking for a long time", "agent"),
           ("silence", "Long silence on the line", "")]
for i in range(n):
    base = f"call{i:06d}"
    dur = rng.uniform(60, 900)
    mono = rng.random() < 0.03
    ta, tc = dur * rng.uniform(0.2, 0.5), 0.0 if mono else dur * rng.uniform(0.2, 0.5)
    sil = rng.choice([0, 0, 0, rng.uniform(5, 40)])
    moments = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 5])):
        r = rng.choice(reasons)
        moments.append({"start": round(rng.uniform(0, dur), 2), "speaker": r[2], "reason": r[0], "text": r[1],
                        "severity": rng.choice([1, 1, 1, 2])})
    moments.sort(key=lambda m: m["start"])
    rec = {"v": 1, "status": "ok", "file": f"archive/2026-11-{1 + i % 28:02d}/{base}.wav", "base": base,
           "call_id": f"C{i:06d}", "agent": f"agent{i % 400:03d}", "team": f"team{i % 12:02d}",
           "date": f"2026-11-{1 + i % 28:02d}", "extra": {"queue": rng.choice(["billing", "sales", "support"])},
           "outputs": [f"{base}.events.jsonl", f"{base}.summary.json", f"{base}.html"], "report": f"{base}.html",
           "channels": 1 if mono else 2, "duration_s": round(dur, 3), "talk_agent_s": round(ta, 3), "talk_caller_s": round(tc, 3),
           "overlap_s": 0 if mono else round(rng.uniform(0, 0.05) * dur, 3), "silence_s": round(sil, 3),
           "silences": 1 if sil else 0, "longest_silence_s": round(sil, 3),
           "interruptions_agent": 0 if mono else rng.choice([0, 0, 1, 2, 4]), "interruptions_caller": 0 if mono else rng.choice([0, 1, 2]),
           "raised_agent_s": rng.choice([0, 0, 0, 2.5]), "raised_caller_s": 0 if mono else rng.choice([0, 0, 4.0]),
           "raised_agent_n": 0, "raised_caller_n": 0, "moments": moments}
    rec["raised_agent_n"] = 1 if rec["raised_agent_s"] else 0
    rec["raised_caller_n"] = 1 if rec["raised_caller_s"] else 0
    with open(os.path.join(out, base + ".index.json"), "w") as f:
        json.dump(rec, f, separators=(",", ":"))
