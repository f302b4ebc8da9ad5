#!/usr/bin/env python3
"""tests/espeak/make_call.py OUT_DIR NAME [--telephone] [--bleed DB] [--snr DB] [--seed N]

A two-party call spoken by espeak-ng (not tonemon's synthesizer): the agent and the caller are
different espeak voices, their phrases are placed on a scripted timeline with turn gaps, a
hand-over, backchannels ("uh-huh", "right") inside the other's turn, an interruption, a raised
turn (louder, higher, faster), a merely louder turn and dead air. sox mixes the channels, adds
headset echo, noise and optionally a telephone band with G.711 mu-law. Writes NAME.wav and
NAME.truth.json (docs/labels.md)."""
import json, os, random, subprocess, sys, tempfile

def sh(*a):
    subprocess.run(a, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def dur(path):
    return float(subprocess.run(["soxi", "-D", path], check=True, capture_output=True, text=True).stdout)

AGENT_LINES = ["Thank you for calling, my name is Sam, how can I help you today",
               "I can see your account here, let me check the last invoice for you",
               "The charge on the fifth was for the premium plan that started last month",
               "I understand, I can look into a refund for the difference",
               "It will take three to five working days to show on your statement",
               "Is there anything else I can help you with today",
               "Let me explain how the billing cycle works on this plan",
               "Your contract renews every month on the same date"]
CALLER_LINES = ["Hi, I have a question about my bill from last week",
                "I never asked for the premium plan, nobody told me about it",
                "So what are you going to do about it then",
                "Okay, and how long will that take",
                "Fine, I just want this sorted out properly",
                "No, I think that is everything, thank you",
                "I have been a customer for six years"]
BACKCHANNELS = ["uh-huh", "right", "okay", "mm-hmm", "yes"]

def main():
    out, name = sys.argv[1], sys.argv[2]
    args = sys.argv[3:]
    opt = lambda k, d: float(args[args.index(k) + 1]) if k in args else d
    tel, bleed, snr, seed = "--telephone" in args, opt("--bleed", -25.0), opt("--snr", 30.0), int(opt("--seed", 1))
    rnd = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="tm-espeak-")
    rate = 16000
    voices = {"agent": "en-us", "caller": "en+f3"}
    pitch = {"agent": 40, "caller": 55}
    n = [0]

    def say(who, text, gain_db=0.0, pitch_up=0, speed=165):
        n[0] += 1
        raw, path = f"{tmp}/r{n[0]}.wav", f"{tmp}/p{n[0]}.wav"
        sh("espeak-ng", "-v", voices[who], "-p", str(pitch[who] + pitch_up), "-s", str(speed), "-w", raw, text)
        # trim the leading and trailing silence so the truth is where the voice is
        sh("sox", raw, "-r", str(rate), "-c", "1", path, "silence", "1", "0.02", "0.5%", "reverse",
           "silence", "1", "0.02", "0.5%", "reverse", "norm", str(-8 + gain_db))
        return path, dur(path)

    parts = {"agent": [], "caller": []}
    truth = {"speech": {"agent": [], "caller": []}, "overlaps": [], "interruptions": [], "backchannels": [],
             "raised_voice": [], "not_raised": [], "silences": [], "monologues": []}

    def place(who, path, d, t):
        parts[who].append((path, t))
        truth["speech"][who].append([round(t, 3), round(t + d, 3)])
        return t + d

    t = 0.5
    plan = ["normal"] * 12
    plan[3] = "backchannel"; plan[4] = "interrupt"; plan[6] = "raised"; plan[8] = "louder"
    plan[9] = "silence"; plan[10] = "backchannel"; plan[11] = "raised"
    who = "agent"
    for kind in plan:
        other = "caller" if who == "agent" else "agent"
        lines = AGENT_LINES if who == "agent" else CALLER_LINES
        text = rnd.choice(lines)
        if kind == "raised":
            p, d = say(who, text, gain_db=10.0, pitch_up=25, speed=185)
            start = t
            t = place(who, p, d, t)
            truth["raised_voice"].append({"start": round(start, 3), "end": round(t, 3), "speaker": who, "gain_db": 10})
        elif kind == "louder":
            p, d = say(who, text, gain_db=4.0)
            start = t
            t = place(who, p, d, t)
            truth["not_raised"].append({"start": round(start, 3), "end": round(t, 3), "speaker": who, "gain_db": 4})
        else:
            p, d = say(who, text)
            start = t
            end = place(who, p, d, t)
            if kind == "backchannel" and d > 2.5:
                bp, bd = say(other, rnd.choice(BACKCHANNELS))
                bs = start + d * 0.45
                place(other, bp, bd, bs)
                truth["backchannels"].append({"start": round(bs, 3), "end": round(bs + bd, 3), "by": other})
            if kind == "interrupt" and d > 2.5:
                # the other comes in 1.2 s before the end and the holder is cut 0.6 s later
                ts = end - 1.2
                cut = ts + 0.6
                parts[who][-1] = (p, start, cut - start)
                truth["speech"][who][-1][1] = round(cut, 3)
                ip, idur = say(other, rnd.choice(AGENT_LINES if other == "agent" else CALLER_LINES))
                e2 = place(other, ip, idur, ts)
                truth["interruptions"].append({"start": round(ts, 3), "end": round(e2, 3), "by": other, "of": who})
                t, who = e2, other
                t += rnd.uniform(0.4, 0.9)
                who = "agent" if who == "caller" else "caller"
                continue
            t = end
        t += rnd.uniform(6.0, 8.0) if kind == "silence" else rnd.uniform(0.4, 1.0)
        if kind == "silence":
            truth["silences"].append([round(t - (t - end if kind != "silence" else 0), 3), 0])
        who = other
    total = t + 1.0
    # silences and overlaps from the speech intervals
    truth["silences"] = []
    ivs = sorted(truth["speech"]["agent"] + truth["speech"]["caller"])
    cur = 0.0
    for s, e in ivs:
        if s - cur >= 5.0: truth["silences"].append([round(cur, 3), round(s, 3)])
        cur = max(cur, e)
    for a in truth["speech"]["agent"]:
        for c in truth["speech"]["caller"]:
            s, e = max(a[0], c[0]), min(a[1], c[1])
            if e - s >= 0.1: truth["overlaps"].append([round(s, 3), round(e, 3)])
    truth["sample_rate"], truth["duration"] = rate, round(total, 3)

    tracks = {}
    for who in ("agent", "caller"):
        inputs = []
        for item in parts[who]:
            path, start = item[0], item[1]
            if len(item) == 3:                     # an interrupted phrase, cut short
                cutp = f"{tmp}/cut{len(inputs)}{who}.wav"
                sh("sox", path, cutp, "trim", "0", str(item[2]), "fade", "0", str(item[2]), "0.02")
                path = cutp
            padded = f"{tmp}/{who}{len(inputs)}.wav"
            sh("sox", path, padded, "pad", str(start), "0")
            inputs.append(padded)
        track = f"{tmp}/{who}.wav"
        sh("sox", "-m", *inputs, track, "pad", "0", str(total)) if len(inputs) > 1 else sh("cp", inputs[0], track)
        sh("sox", track, f"{tmp}/{who}t.wav", "trim", "0", str(total))
        tracks[who] = f"{tmp}/{who}t.wav"
    # each side leaks into the other's channel (headset echo) after 50 ms
    g = 10 ** (bleed / 20)
    for who in ("agent", "caller"):
        sh("sox", tracks[who], f"{tmp}/{who}d.wav", "pad", "0.05", "0", "trim", "0", str(total))
    for who, other in (("agent", "caller"), ("caller", "agent")):
        sh("sox", "-m", "-v", "1", tracks[who], "-v", str(g), f"{tmp}/{other}d.wav", f"{tmp}/{who}m.wav")
    # noise at snr below -18 dBFS speech
    for who in ("agent", "caller"):
        sh("sox", "-n", "-r", str(rate), "-c", "1", f"{tmp}/{who}n.wav", "synth", str(total), "pinknoise",
           "vol", str(10 ** ((-24 - snr) / 20)))
        sh("sox", "-m", f"{tmp}/{who}m.wav", f"{tmp}/{who}n.wav", f"{tmp}/{who}f.wav")
    final = os.path.join(out, name + ".wav")
    if tel:
        for who in ("agent", "caller"):
            sh("sox", f"{tmp}/{who}f.wav", "-r", "8000", "-e", "u-law", "-b", "8", f"{tmp}/{who}u.wav", "sinc", "300-3400")
            sh("sox", f"{tmp}/{who}u.wav", "-e", "signed", "-b", "16", f"{tmp}/{who}z.wav")
        sh("sox", "-M", f"{tmp}/agentz.wav", f"{tmp}/callerz.wav", final)
    else:
        sh("sox", "-M", f"{tmp}/agentf.wav", f"{tmp}/callerf.wav", "-b", "16", final)
    json.dump(truth, open(os.path.join(out, name + ".truth.json"), "w"))
    subprocess.run(["rm", "-rf", tmp])

main()
