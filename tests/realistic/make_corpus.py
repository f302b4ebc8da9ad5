#!/usr/bin/python3
"""tests/realistic/make_corpus.py OUT_DIR [--calls N] [--stress N] [--room N] [--seed S] [--jobs J] [--only NAME,...]
                                   [--subset smoke] [--duration S] [--cache DIR] [--tonemon BIN]

The realistic test corpus: two-party calls with exact truth under the conditions contact centres
have (babble at the agent's desk, office noise, street and car noise, mains hum, line and
speakerphone echo, AGC pumping, packet loss, G.711 / GSM 06.10 / Opus round trips, hold music,
DTMF, coughs, laughs and breaths, 8/16/44.1/48 kHz). See tests/realistic/README.md.

Voices are speech tonemon did not make: espeak-ng (many voices and variants, pitch, speed),
flite (kal16, awb, rms, slt) and festival's diphone voices (kal, ked: concatenated recordings of a
human speaker); a minority of calls take their two voices from `tonemon synth` (--tonemon BIN).

Each call draws one primary condition and some secondary ones; every parameter comes from a
seeded RNG, so the same seed gives the same calls. Writes NAME.wav (stereo, agent = left,
caller = right, 16-bit) and NAME.truth.json (docs/labels.md) with two extra keys:
  "holds":      [{"start":..,"end":..,"channel":"caller"}]  music/tones on hold, per channel
  "conditions": {"primary":..,"tags":[..],..parameters..}    what was done to the call
Truth definitions are those of tools/lab/synth.c: a speech interval runs from the first to the last
5 ms block within 30 dB of the phrase's RMS; echo, babble, noise, music, DTMF, coughs, laughs and
breaths are never speech; dead air is a gap of >= 5 s in the union of speech and hold.
Renders of the voices are cached (--cache, default OUT_DIR/.cache) by engine, voice and text."""
import argparse, hashlib, json, math, os, random, subprocess, sys, tempfile
import numpy as np

PRIMARY = ["clean", "babble", "office", "street", "line_echo", "speaker_echo", "codec",
           "packet_loss", "hold_dtmf", "nonverbal"]
# one call per major condition, for the ctest smoke run (indices into the plan)
SMOKE = ["clean", "babble", "office", "speaker_echo", "codec", "hold_dtmf"]
# codec twice: G.711, GSM and Opus each get >= 6 calls
SECONDARY = ["hum", "agc", "nonverbal", "dtmf", "codec", "codec", "packet_loss", "line_echo", "street"]
RATES = [8000, 16000, 44100, 48000]

AGENT_LINES = [
    "Thank you for calling my name is Sam how can I help you today",
    "I can see your account here",
    "Let me check the last invoice for you",
    "The charge on the fifth was for the premium plan",
    "It started at the beginning of last month",
    "I understand how frustrating that is",
    "I can look into a refund for the difference",
    "It will take three to five working days to show on your statement",
    "Is there anything else I can help you with today",
    "Let me explain how the billing cycle works on this plan",
    "Your contract renews every month on the same date",
    "Could you confirm the postcode on the account please",
    "I have made a note of that on your file",
    "The engineer can come out on Thursday morning",
    "That option is not available on your current tariff",
    "I will send you an email with the details straight away",
    "Can I ask when you first noticed the problem",
    "The payment went through on the twelfth of March",
    "We changed the prices for all customers in April",
    "I am sorry that nobody explained this to you before",
    "Our system shows the router was reset yesterday",
    "I can offer you a discount for the next three months",
    "The reference number for this call is four seven two nine",
    "You should receive a text message within the hour",
]
CALLER_LINES = [
    "Hi I have a question about my bill from last week",
    "I never asked for the premium plan",
    "Nobody told me about it",
    "So what are you going to do about it then",
    "Okay and how long will that take",
    "Fine I just want this sorted out properly",
    "No I think that is everything thank you",
    "I have been a customer for six years",
    "The internet keeps dropping every evening",
    "I called last Tuesday and nothing happened",
    "My postcode is the same as it always was",
    "Can you just cancel the whole thing",
    "I want to speak to somebody who can actually help",
    "That is not what the man on the phone said",
    "Thursday is no good for me I am at work",
    "Why was I charged twice this month",
    "I did not get any email from you",
    "It has been like this for three weeks now",
    "Right and what happens after that",
    "I do not understand why this is so difficult",
    "Can you put that in writing for me",
    "The light on the box is flashing orange",
]
BACKCHANNELS = ["uh-huh", "right", "okay", "mm-hmm", "yes", "sure", "yeah", "I see"]
BABBLE_LINES = [
    "Good morning how can I help you", "Can you spell that for me please",
    "Let me just bring that up on the screen", "The delivery is booked for Monday",
    "I will transfer you to the right department", "Your balance is forty two pounds",
    "We can do that for you today", "Is that the address we have on file",
    "One moment while I check with my manager", "The order was dispatched yesterday",
    "I can see the payment has been received", "Would you like me to arrange a callback",
    "There is a fault reported in your area", "Can I take your date of birth please",
    "The new card should arrive in five days", "I have updated your details now",
    "That has been cancelled for you", "Thank you for your patience today",
    "You can also do this online", "The store closes at eight this evening",
]
HOLD_PHRASES = ["Let me put you on hold for a moment while I check",
                "Thank you for holding I have the answer now"]

ESPEAK_BASE = ["en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-029", "en-us-nyc", "en-gb-x-gbclan",
               "en-gb-x-gbcwmd"]
ESPEAK_M = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "klatt", "klatt4", "Andy", "Michael"]
ESPEAK_F = ["f1", "f2", "f3", "f4", "f5", "klatt3", "Annie", "Linda", "belinda"]
FLITE = ["kal16", "awb", "rms", "slt"]
FESTIVAL = ["kal_diphone", "ked_diphone"]


# ---- small DSP helpers (whole-signal, numpy only) ------------------------------------------

def db(x):
    return 20.0 * math.log10(max(x, 1e-12))


def rms(x):
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def fft_shape(x, fs, gain):
    """Zero-phase filter of the whole signal by a gain curve gain(freqs_hz)."""
    n = len(x)
    if n == 0:
        return x
    m = fast_len(n + int(0.05 * fs))        # padded: a prime length would be slow, and wrap around
    X = np.fft.rfft(x, m)
    f = np.fft.rfftfreq(m, 1.0 / fs)
    return np.fft.irfft(X * gain(f), m)[:n]


def fast_len(n):
    """The smallest 2^a 3^b 5^c >= n (lengths pocketfft does fast)."""
    best = 1 << (n - 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            v = p35
            while v < n:
                v *= 2
            best = min(best, v)
            p35 *= 3
        p5 *= 5
    return best


def bandpass(x, fs, lo, hi, order=4):
    def g(f):
        f = np.maximum(f, 1e-3)
        h = 1.0 / np.sqrt(1.0 + (lo / f) ** (2 * order)) if lo > 0 else 1.0
        l = 1.0 / np.sqrt(1.0 + (f / hi) ** (2 * order)) if hi else 1.0
        return h * l
    return fft_shape(x, fs, g)


def convolve(x, h):
    n = len(x) + len(h) - 1
    m = fast_len(n)
    return np.fft.irfft(np.fft.rfft(x, m) * np.fft.rfft(h, m), m)[:len(x)]


def room_ir(rng, fs, t60, drr_db, delay_s=0.0):
    """Exponentially decaying noise tail with a direct path: energy normalised to 1."""
    n = int(fs * t60 * 1.2) + 1
    t = np.arange(n) / fs
    tail = rng.standard_normal(n) * np.exp(-6.9078 * t / t60)
    tail[: int(0.003 * fs)] = 0.0          # the first reflections come a few ms after the direct path
    tail = bandpass(tail, fs, 80.0, min(7000.0, 0.45 * fs), 2)
    tail /= np.sqrt(np.sum(tail * tail)) + 1e-12
    h = tail * 10 ** (-drr_db / 20.0)
    h[0] += 1.0
    h /= np.sqrt(np.sum(h * h))
    d = int(delay_s * fs)
    return np.concatenate([np.zeros(d), h]) if d else h


def slow_walk(rng, n, fs, depth_db, corner_hz):
    """A smooth random gain curve in dB within +-depth_db (changes over seconds)."""
    hops = n // int(fs * 0.05) + 3
    w = rng.standard_normal(hops)
    w = fft_shape(w, 20.0, lambda f: 1.0 / np.sqrt(1.0 + (f / corner_hz) ** 4))
    w = w / (np.max(np.abs(w)) + 1e-9) * depth_db
    return np.interp(np.arange(n) / fs, np.arange(hops) * 0.05, w)


def pink(rng, n, fs, slope=1.0):
    """1/f^slope noise; long signals repeat a 2^20-sample block (cheap, and no detector cares)."""
    m = min(n, 1 << 20)
    x = fft_shape(rng.standard_normal(m), fs, lambda f: 1.0 / np.maximum(f, 20.0) ** (slope / 2.0))
    return np.tile(x, n // m + 1)[:n]


def norm_to(x, level_db):
    r = rms(x)
    return x * (10 ** (level_db / 20.0) / r) if r > 0 else x


# ---- tools ---------------------------------------------------------------------------------

def run(cmd, inp=None):
    p = subprocess.run(cmd, input=inp, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd[:4]), p.stderr.decode(errors="replace")[-300:]))
    return p.stdout


def sox_read(path, fs, effects=()):
    raw = run(["sox", "-D", path, "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(fs), "-"]
              + list(effects))
    return np.frombuffer(raw, np.float32).astype(np.float64)


def sox_filter(x, fs, args_out, fs_back, effects=()):
    """Round trip through sox: float at fs in, the format in args_out, back to float at fs_back."""
    with tempfile.TemporaryDirectory(prefix="tm-corpus-") as d:
        mid = os.path.join(d, "mid" + args_out[-1])
        run(["sox", "-D", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(fs), "-"]
            + args_out[:-1] + [mid] + list(effects), np.clip(x, -1, 1).astype(np.float32).tobytes())
        return sox_read(mid, fs_back)


class Renderer:
    """Voices rendered to float at the working rate, trimmed, cached on disk by content."""

    def __init__(self, cache, fs):
        self.cache, self.fs = cache, fs
        os.makedirs(cache, exist_ok=True)

    def key(self, v, text, raised):
        k = json.dumps([v, text, raised, self.fs, 2], sort_keys=True)
        return os.path.join(self.cache, hashlib.sha1(k.encode()).hexdigest() + ".f32")

    def _engine_wav(self, v, text, path, raised):
        eng = v["engine"]
        if eng == "espeak":
            pitch = v["pitch"] + (25 if raised else 0)
            speed = int(v["speed"] * (1.1 if raised else 1.0))
            run(["espeak-ng", "-v", v["voice"], "-p", str(pitch), "-s", str(speed), "-w", path, text])
        elif eng == "flite":
            run(["flite", "-voice", v["voice"], "--setf", "duration_stretch=%.3f" % (v["stretch"] / (1.1 if raised else 1.0)),
                 "-t", text, "-o", path])
        elif eng == "festival":
            run(["text2wave", "-eval", "(voice_%s)" % v["voice"],
                 "-eval", "(Parameter.set 'Duration_Stretch %.3f)" % (v["stretch"] / (1.1 if raised else 1.0)),
                 "-o", path], text.encode())
        else:
            raise ValueError(eng)

    def render(self, v, text, raised=False):
        path = self.key(v, text, raised)
        if os.path.exists(path):
            return np.fromfile(path, np.float32).astype(np.float64)
        with tempfile.TemporaryDirectory(prefix="tm-voice-") as d:
            wav = os.path.join(d, "v.wav")
            self._engine_wav(v, text, wav, raised)
            # espeak carries pitch itself; the other engines get it from sox on raised turns
            eff = ["pitch", "300"] if raised and v["engine"] != "espeak" else []
            x = sox_read(wav, self.fs, ["highpass", "60"] + eff)
        x = trim(x, self.fs)
        tmp = path + ".%d.tmp" % os.getpid()
        x.astype(np.float32).tofile(tmp)
        os.replace(tmp, path)
        return x


def block_energy(x, fs):
    blk = int(0.005 * fs)
    nb = len(x) // blk
    return (x[: nb * blk].reshape(nb, blk) ** 2).mean(axis=1), blk


def trim(x, fs):
    """Drops the leading and trailing silence (blocks 60 dB under the loudest) of a render."""
    e, blk = block_energy(x, fs)
    if not len(e) or e.max() <= 0:
        return x[:0]
    on = np.nonzero(e >= e.max() * 1e-6)[0]
    return x[on[0] * blk: (on[-1] + 1) * blk].copy()


def audible(y, fs, ref_rms):
    """First and last sample of the 5 ms blocks within 30 dB of the phrase RMS (docs/labels.md)."""
    e, blk = block_energy(y, fs)
    on = np.nonzero(e >= ref_rms * ref_rms * 1e-3)[0]
    if not len(on):
        return None
    return on[0] * blk, (on[-1] + 1) * blk


# ---- voices --------------------------------------------------------------------------------

def pick_voice(rng, engine, female=None):
    if female is None:
        female = rng.random() < 0.5
    if engine == "espeak":
        var = rng.choice(ESPEAK_F if female else ESPEAK_M)
        return {"engine": "espeak", "voice": rng.choice(ESPEAK_BASE) + "+" + var,
                "pitch": rng.choice([55, 65, 75] if female else [25, 35, 45, 55]),
                "speed": rng.choice([145, 160, 175, 190])}
    if engine == "flite":
        return {"engine": "flite", "voice": rng.choice(["slt"] if female else ["kal16", "awb", "rms"]),
                "stretch": rng.choice([0.9, 1.0, 1.1])}
    return {"engine": "festival", "voice": rng.choice(FESTIVAL), "stretch": rng.choice([0.9, 1.0, 1.1])}


# ---- the conversation ------------------------------------------------------------------------

AGENT, CALLER = 0, 1
NAMES = ["agent", "caller"]


class Conversation:
    """Places phrases on two tracks and keeps the exact truth (the rules of tools/lab/synth.c)."""

    def __init__(self, rnd, render, voices, levels, fs, dur):
        self.r, self.render, self.voices, self.levels, self.fs, self.dur = rnd, render, voices, levels, fs, dur
        self.n = int(dur * fs)
        self.track = [np.zeros(self.n), np.zeros(self.n)]
        self.speech = [[], []]       # [start, end, sample0, ref_rms] per phrase
        self.last_end = [0.0, 0.0]
        self.t = {"interruptions": [], "backchannels": [], "raised_voice": [], "not_raised": [],
                  "monologues": [], "holds": []}
        self.gaps = []               # (start, end) of pauses meant for DTMF

    def u(self, a, b):
        return self.r.uniform(a, b)

    def line(self, s, min_dur=0.0, lines=None):
        lines = lines or (AGENT_LINES if s == AGENT else CALLER_LINES)
        best = None
        for _ in range(10):
            text = self.r.choice(lines)
            x = self.render(self.voices[s], text)
            if best is None or len(x) > len(best[1]):
                best = (text, x)
            if len(x) >= min_dur * self.fs:
                return text
        if len(best[1]) < min_dur * self.fs:     # two lines said as one phrase
            return best[0] + " and " + self.r.choice(lines).lower()
        return best[0]

    def phrase(self, s, t0, text, gain_db=0.0, raised=False):
        """Places a phrase whose audible start is t0; returns its audible [start, end, ...] or None
        when it does not fit."""
        x = self.render(self.voices[s], text, raised)
        if len(x) < int(0.05 * self.fs):
            return None
        r0 = rms(x)
        on = audible(x, self.fs, r0)
        a = max(0, int(round(t0 * self.fs)) - on[0])
        if a + len(x) > self.n - int(0.2 * self.fs):
            return None
        g = 10 ** ((self.levels[s] + gain_db) / 20.0) / r0
        self.track[s][a: a + len(x)] += x * g
        iv = [(a + on[0]) / self.fs, (a + on[1]) / self.fs, a, r0 * g, len(x), (text, raised, g)]
        self.speech[s].append(iv)
        self.last_end[s] = max(self.last_end[s], iv[1])
        return iv

    def unplace(self, s, iv):
        text, raised, g = iv[5]
        x = self.render(self.voices[s], text, raised)
        self.track[s][iv[2]: iv[2] + len(x)] -= x * g
        self.speech[s].remove(iv)
        self.last_end[s] = max([v[1] for v in self.speech[s]] + [0.0])

    def interrupt(self, s):
        """The other party comes in 1-3 s before the end of s's last phrase and s stops 0.45-1.5 s
        later: the overlap of the audible speech is >= 0.45 s (never a hand-over's <= 0.3 s)."""
        last = self.speech[s][-1]
        if last[1] - last[0] < 2.3:
            return None
        lead = self.u(1.0, min(3.0, last[1] - last[0] - 1.2))   # s has held the floor >= 1.2 s
        ts = last[1] - lead
        first = self.phrase(1 - s, ts, self.line(1 - s, 2.0))
        if not first:
            return None
        a, m = last[2], last[4]
        save, saved_iv = self.track[s][a: a + m].copy(), list(last)
        stop = ts + self.u(0.45, min(1.5, lead - 0.1))
        while stop < saved_iv[1] - 0.05:
            self.track[s][a: a + m] = save
            self.speech[s][-1] = list(saved_iv)
            self.cut(s, stop)
            if self.speech[s] and self.speech[s][-1][2] == a and self.speech[s][-1][1] - first[0] >= 0.45:
                return first
            stop += 0.15
        self.track[s][a: a + m] = save
        if not self.speech[s] or self.speech[s][-1][2] != a:
            self.speech[s].append(list(saved_iv))
        else:
            self.speech[s][-1] = list(saved_iv)
        self.last_end[s] = max(v[1] for v in self.speech[s])
        self.unplace(1 - s, first)
        return None

    def cut(self, s, t):
        """The interrupted holder stops at t (20 ms fade); truth ends at the last audible block."""
        c = int(t * self.fs)
        ramp = int(0.02 * self.fs)
        tr = self.track[s]
        k = np.arange(min(ramp, self.n - c))
        tr[c: c + len(k)] *= 0.5 + 0.5 * np.cos(np.pi * k / ramp)
        tr[c + len(k):] = 0.0
        keep = []
        for iv in self.speech[s]:
            if iv[0] >= t:
                continue
            if iv[1] > t:
                seg = tr[iv[2]: min(iv[2] + iv[4], c + ramp)]
                on = audible(seg, self.fs, iv[3])
                if not on:
                    continue
                iv[1] = (iv[2] + on[1]) / self.fs
            keep.append(iv)
        self.speech[s] = keep
        self.last_end[s] = max([iv[1] for iv in keep] + [0.0])

    def backchannel(self, s, ps, pe):
        """s's uh-huh inside the other's phrase [ps, pe]."""
        for _ in range(4):
            text = self.r.choice(BACKCHANNELS)
            x = self.render(self.voices[s], text)
            bd = len(x) / self.fs
            if bd < 0.9 and pe - ps > bd + 0.8:
                bs = self.u(ps + 0.4, pe - bd - 0.4)
                iv = self.phrase(s, bs, text, -3.0)
                if iv:
                    self.t["backchannels"].append({"start": iv[0], "end": iv[1], "by": NAMES[s]})
                return

    def turn(self, s, t, kind="normal", want_bc=False, min_last=0.0):
        nphr = 1 + int(self.r.random() * 3)
        gain, raised = self.u(-1.0, 1.0), False
        if kind == "raised":
            gain, raised = self.u(8.0, 12.0), True
        elif kind == "louder":
            gain = self.u(3.0, 5.0)
        start, end = None, t
        bc_phrase = int(self.r.random() * nphr) if want_bc else -1
        for p in range(nphr):
            need = max(min_last if p == nphr - 1 else 0.0, 2.4 if p == bc_phrase else 0.0)
            iv = self.phrase(s, t, self.line(s, need), gain, raised)
            if not iv:
                break
            start = iv[0] if start is None else start
            end = iv[1]
            if p == bc_phrase:
                self.backchannel(1 - s, iv[0], iv[1])
            t = end + (self.u(0.3, 0.7) if p < nphr - 1 else 0.0)
        if start is not None and end - start > 0.5 and kind in ("raised", "louder"):
            key = "raised_voice" if kind == "raised" else "not_raised"
            self.t[key].append({"start": start, "end": end, "speaker": NAMES[s], "gain_db": round(gain, 1)})
        return end

    def monologue(self, s, t):
        start, stop = None, t + self.u(46.0, 55.0)
        end = t
        while end < stop:
            iv = self.phrase(s, end, self.line(s), self.u(-1.0, 1.0))
            if not iv:
                break
            start = iv[0] if start is None else start
            if self.r.random() < 0.3 and iv[1] - iv[0] > 2.0:
                self.backchannel(1 - s, iv[0], iv[1])
            end = iv[1] + self.u(0.3, 0.7)
        if start is not None:
            self.t["monologues"].append({"start": start, "end": self.last_end[s], "speaker": NAMES[s]})
        return self.last_end[s]

    def script(self, want_mono, hold_spec, dtmf_count):
        """The call: turns with hand-overs, specials spread over the call (as tools/lab/synth.c)."""
        specials = ["bc_c", "bc_a", "int_c", "int_a", "raised_c", "louder_c", "louder_a", "silence", "raised_a"]
        todo = set(specials)
        t = self.u(0.3, 0.8)
        s = AGENT
        mono_done = not want_mono
        hold_done = hold_spec is None
        dtmf_left = dtmf_count
        while t < self.dur - 4.0:
            remaining = self.dur - t
            settled = t > 25.0
            if not mono_done and s == AGENT and t > 15.0 and remaining > 60.0:
                t = self.monologue(s, t) + self.u(0.3, 1.0)
                mono_done, s = True, CALLER
                continue
            if not hold_done and s == AGENT and t > hold_spec["after"] and remaining > hold_spec["len"] + 10:
                iv = self.phrase(AGENT, t, HOLD_PHRASES[0])
                if iv:
                    hs = iv[1] + self.u(0.6, 1.5)
                    he = hs + hold_spec["len"]
                    self.t["holds"].append({"start": hs, "end": he, "channel": hold_spec["channel"]})
                    iv2 = self.phrase(AGENT, he + self.u(0.6, 1.5), HOLD_PHRASES[1])
                    t = (iv2[1] if iv2 else he) + self.u(0.3, 1.0)
                    hold_done, s = True, CALLER
                    continue
                hold_done = True
            ok = {"silence"}
            if s == AGENT:
                ok |= {"bc_c", "int_c"} | ({"raised_a", "louder_a"} if settled else set())
            else:
                ok |= {"bc_a", "int_a"} | ({"raised_c", "louder_c"} if settled else set())
            comp = sorted(todo & ok)
            turns_left = max((remaining - 4.0) / 5.0, 1.0)
            pick = None
            u = self.r.random()
            if comp and u < (len(todo) + 0.5) / turns_left:
                pick = self.r.choice(comp)
            elif u > 0.85:
                pick = self.r.choice(sorted(ok))
            todo.discard(pick)
            kind = "raised" if pick in ("raised_a", "raised_c") else "louder" if pick in ("louder_a", "louder_c") else "normal"
            intr = pick in ("int_a", "int_c")
            end = self.turn(s, t, kind, pick in ("bc_a", "bc_c"), 3.4 if intr else 0.0)
            if end <= t:
                break
            if intr:
                first = self.interrupt(s)
                if first:
                    self.t["interruptions"].append({"start": first[0], "end": first[1], "by": NAMES[1 - s], "of": NAMES[s]})
                    ne = first[1]
                    if self.r.random() < 0.5:
                        iv = self.phrase(1 - s, ne + self.u(0.3, 0.7), self.line(1 - s))
                        ne = iv[1] if iv else ne
                    t = ne + self.u(0.2, 1.5)
                    continue       # the old holder speaks next
                end = self.last_end[s]
            if pick == "silence":
                gap = self.u(5.5, 12.0)
            elif dtmf_left and (self.r.random() < 0.5 or remaining < 45) and remaining > 15:
                gap = self.u(3.2, 4.4)          # a pause filled by key presses (< 5 s: not dead air)
                self.gaps.append((end, end + gap))
                dtmf_left -= 1
            elif self.r.random() < 0.2:
                gap = -self.u(0.0, 0.05) if self.r.random() < 0.5 else -self.u(0.15, 0.25)
            else:
                gap = self.u(0.2, 1.5)
            t = end + gap
            s = 1 - s

    def truth(self):
        sp = [[[round(iv[0], 3), round(iv[1], 3)] for iv in sorted(self.speech[c]) if iv[1] - iv[0] > 0.05] for c in (0, 1)]
        return derive_truth(sp, self.t, self.dur)


def derive_truth(sp, t, dur):
    """Overlaps and dead air from the speech (and hold) intervals, as tools/lab/synth.c does."""
    out = {"speech": {"agent": sp[0], "caller": sp[1]}, "overlaps": []}
    for a in sp[0]:
        for c in sp[1]:
            s, e = max(a[0], c[0]), min(a[1], c[1])
            if e - s >= 0.1:
                out["overlaps"].append([round(s, 3), round(e, 3)])
    busy = sorted([tuple(v) for v in sp[0] + sp[1]] + [(h["start"], h["end"]) for h in t.get("holds", [])])
    sil, cur = [], 0.0
    for s, e in busy + [(dur, dur)]:
        if s - cur >= 5.0:
            sil.append([round(cur, 3), round(s, 3)])
        cur = max(cur, e)
    out["silences"] = sil
    for k in ("interruptions", "backchannels", "raised_voice", "not_raised", "monologues", "holds"):
        out[k] = [{kk: (round(vv, 3) if isinstance(vv, float) else vv) for kk, vv in d.items()} for d in sorted(t.get(k, []), key=lambda d: d["start"])]
    return out


# ---- sounds that are not speech ---------------------------------------------------------------

def tone_burst(fs, freqs, dur, amps=None):
    t = np.arange(int(dur * fs)) / fs
    x = sum((amps[i] if amps else 1.0) * np.sin(2 * np.pi * f * t) for i, f in enumerate(freqs))
    r = max(1, int(0.005 * fs))
    env = np.ones(len(t))
    env[:r] = np.linspace(0, 1, r)
    env[-r:] = np.linspace(1, 0, r)
    return x * env


def hold_music(rng, fs, dur):
    """Chords (I V vi IV) with a melody on top: plucked harmonic notes with exponential decay."""
    n = int(dur * fs)
    x = np.zeros(n)
    root = 220.0 * 2 ** (rng.integers(-5, 5) / 12.0)
    prog = [[0, 4, 7], [7, 11, 14], [9, 12, 16], [5, 9, 12]]
    bar = rng.uniform(1.6, 2.4)

    def note(f, d, amp, start):
        a = int(start * fs)
        m = min(int(d * fs), n - a)
        if m <= 0:
            return
        t = np.arange(m) / fs
        v = sum((0.6 ** h) * np.sin(2 * np.pi * f * (h + 1) * t) for h in range(5))
        v *= np.exp(-t * rng.uniform(1.5, 3.5)) * np.minimum(1.0, t / 0.01)
        x[a: a + m] += amp * v
    t0, k = 0.0, 0
    while t0 < dur:
        for semi in prog[k % 4]:
            note(root * 2 ** (semi / 12.0), bar, 0.3, t0)
        note(root / 2 * 2 ** (prog[k % 4][0] / 12.0), bar, 0.4, t0)
        tm = t0
        scale = [0, 2, 4, 5, 7, 9, 11, 12]
        while tm < t0 + bar - 0.1:
            d = rng.choice([0.25, 0.5, 0.5, 0.75]) * bar / 2
            note(root * 2 * 2 ** (scale[rng.integers(0, 8)] / 12.0), d * 1.3, 0.5, tm)
            tm += d
        t0 += bar
        k += 1
    return x


def hold_tones(rng, fs, dur):
    x = np.zeros(int(dur * fs))
    f = rng.choice([425.0, 440.0, 620.0])
    period = rng.uniform(2.0, 4.0)
    t = 0.3
    while t < dur - 0.5:
        b = tone_burst(fs, [f], 0.4)
        a = int(t * fs)
        x[a: a + len(b)] += b[: len(x) - a]
        t += period
    return x


DTMF = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
        "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "0": (941, 1336),
        "*": (941, 1209), "#": (941, 1477)}


def dtmf(rng, fs, max_dur):
    out, t = [], 0.0
    while True:
        on, off = rng.uniform(0.07, 0.12), rng.uniform(0.06, 0.12)
        if t + on > max_dur:
            break
        out.append((t, tone_burst(fs, DTMF[rng.choice(list(DTMF))], on)))
        t += on + off
    return out


def cough(rng, fs):
    parts = []
    for _ in range(rng.integers(1, 3)):
        d = rng.uniform(0.18, 0.35)
        m = int(d * fs)
        t = np.arange(m) / fs
        env = np.minimum(1.0, t / 0.008) * np.exp(-t / (d * 0.35))
        v = bandpass(rng.standard_normal(m), fs, rng.uniform(300, 600), rng.uniform(2500, 4000), 2) * env
        parts.append(v)
        parts.append(np.zeros(int(rng.uniform(0.1, 0.25) * fs)))
    return np.concatenate(parts)


def laugh(rng, fs):
    """Ha-ha: 3-7 breathy voiced pulses around 200-320 Hz."""
    f0 = rng.uniform(180, 320)
    parts = []
    for _ in range(rng.integers(3, 8)):
        d = rng.uniform(0.09, 0.16)
        m = int(d * fs)
        t = np.arange(m) / fs
        env = np.sin(np.pi * t / d) ** 2
        voiced = sum((0.7 ** h) * np.sin(2 * np.pi * f0 * (h + 1) * t) for h in range(8))
        breath = bandpass(rng.standard_normal(m), fs, 500, 3000, 2)
        parts.append(env * (voiced / 2.5 + 0.6 * breath))
        parts.append(np.zeros(int(rng.uniform(0.06, 0.12) * fs)))
        f0 *= rng.uniform(0.95, 1.02)
    return np.concatenate(parts)


def breath(rng, fs):
    d = rng.uniform(0.3, 0.7)
    m = int(d * fs)
    t = np.arange(m) / fs
    return bandpass(rng.standard_normal(m), fs, 400, 2500, 2) * np.sin(np.pi * t / d) ** 2


# ---- environments ---------------------------------------------------------------------------

def babble(rng, rnd, render, fs, n, talkers):
    """Distant talkers: other voices saying other things with pauses, in a reverberant room."""
    out = np.zeros(n)
    for k in range(talkers):
        v = pick_voice(rnd, rnd.choice(["espeak", "espeak", "espeak", "flite", "festival"]))
        track = np.zeros(n)
        t = rng.uniform(0.0, 2.0)
        while t < n / fs:
            x = render(v, rnd.choice(BABBLE_LINES))
            a = int(t * fs)
            m = min(len(x), n - a)
            track[a: a + m] += x[:m] / (rms(x) + 1e-12) * rng.uniform(0.5, 1.0)
            t += len(x) / fs + rng.uniform(0.2, 2.0)
        out += track
    h = room_ir(rng, fs, rng.uniform(0.4, 0.8), rng.uniform(3.0, 10.0))
    return convolve(out, h)


def office(rng, fs, n, ring_hz=None):
    """Keyboard typing bouts, desk phones ringing, a door slamming, ventilation."""
    x = 0.02 * pink(rng, n, fs, 1.2)
    x = norm_to(x, -40.0)
    clicks = np.zeros(n)
    t = rng.uniform(0.0, 5.0)
    while t < n / fs:
        bout = rng.uniform(2.0, 10.0)
        te = t + bout
        while t < te and t < n / fs - 0.1:
            for dt in (0.0, rng.uniform(0.06, 0.11)):     # key down, key up
                a = int((t + dt) * fs)
                m = int(rng.uniform(0.003, 0.008) * fs)
                if a + m < n:
                    clicks[a: a + m] += rng.standard_normal(m) * np.exp(-np.arange(m) / (0.0015 * fs)) * rng.uniform(0.5, 1.0)
            t += rng.uniform(0.1, 0.3)
        t += rng.uniform(3.0, 15.0)
    clicks = bandpass(clicks, fs, 800.0, min(8000.0, 0.45 * fs), 2)
    x += clicks / (np.max(np.abs(clicks)) + 1e-9) * 10 ** (-14 / 20.0)
    rings = np.zeros(n)
    for _ in range(rng.integers(1, 4)):
        t = rng.uniform(0.0, n / fs - 10.0)
        f1, f2 = (1000.0, 1300.0) if rng.random() < 0.5 else (440.0, 480.0)
        for _c in range(rng.integers(2, 5)):
            d = 1.5
            m = int(d * fs)
            tt = np.arange(m) / fs
            sq = (np.sin(2 * np.pi * 16 * tt) > 0)
            b = np.where(sq, np.sin(2 * np.pi * f1 * tt), np.sin(2 * np.pi * f2 * tt))
            a = int(t * fs)
            gain = rng.uniform(0.5, 1.0)   # drawn even for a ring past the end: same stream
            if a < n:
                rings[a: a + min(m, n - a)] += b[: n - a] * gain
            t += 4.0
    x += convolve(rings, room_ir(rng, fs, 0.5, 0.0)) * 10 ** (-30 / 20.0)
    for _ in range(rng.integers(0, 3)):
        a = int(rng.uniform(0.0, n / fs - 1.0) * fs)
        m = int(0.25 * fs)
        slam = bandpass(rng.standard_normal(m), fs, 40.0, 600.0, 2) * np.exp(-np.arange(m) / (0.04 * fs))
        door = np.zeros(n)
        door[a: a + m] = slam
        x += convolve(door, room_ir(rng, fs, 0.7, -3.0)) * 10 ** (-12 / 20.0) / (rms(slam) + 1e-9) * 0.3
    return x


def street(rng, fs, n):
    """Traffic: low-pass noise swelling as vehicles pass, a horn now and then."""
    base = bandpass(pink(rng, n, fs, 1.5), fs, 40.0, 2500.0, 2)
    t = np.arange(n) / fs
    env = np.ones(n) * 0.5
    for _ in range(int(n / fs / rng.uniform(4.0, 8.0))):
        c, w = rng.uniform(0, n / fs), rng.uniform(1.5, 4.0)
        env += rng.uniform(0.5, 2.0) * np.exp(-0.5 * ((t - c) / w) ** 2)
    x = norm_to(base * env, 0.0)
    for _ in range(rng.integers(0, 3)):
        a = int(rng.uniform(0, n / fs - 1) * fs)
        h = tone_burst(fs, [400.0, 800.0, 1200.0, 500.0], rng.uniform(0.3, 0.8), [1, 0.5, 0.3, 0.8])
        x[a: a + len(h)] += h[: n - a] * 0.5
    return x


def car(rng, fs, n):
    """Inside a car: engine harmonics that drift, road rumble, the indicator ticking."""
    t = np.arange(n) / fs
    rpm = 35.0 + 15.0 * np.cumsum(rng.standard_normal(n)) / np.sqrt(n) / 3
    ph = 2 * np.pi * np.cumsum(rpm) / fs
    eng = sum((0.8 ** h) * np.sin((h + 1) * ph) for h in range(6))
    road = bandpass(pink(rng, n, fs, 2.0), fs, 20.0, 500.0, 2)
    x = norm_to(eng, -6.0) + norm_to(road, 0.0)
    ind = np.zeros(n)
    if rng.random() < 0.5:
        a0 = rng.uniform(0, n / fs - 12)
        for k in range(16):
            a = int((a0 + k * 0.7) * fs)
            m = int(0.004 * fs)
            ind[a: a + m] = rng.standard_normal(m)
    return norm_to(x, 0.0) + ind * 0.1 + 0 * t


def hum(fs, n, mains, phase):
    t = np.arange(n) / fs
    amps = [1.0, 0.4, 0.6, 0.15, 0.3, 0.08, 0.15]
    return sum(a * np.sin(2 * np.pi * mains * (k + 1) * t + phase * k) for k, a in enumerate(amps) if mains * (k + 1) < 0.45 * fs)


def agc(x, fs, target_db, max_gain_db, release_db_s):
    """Phone AGC: fast attack, slow release (pumps the noise up in pauses)."""
    hop = int(0.01 * fs)
    nh = len(x) // hop
    lev = 10 * np.log10((x[: nh * hop].reshape(nh, hop) ** 2).mean(axis=1) + 1e-12)
    g = np.zeros(nh)
    cur = 0.0
    for i in range(nh):
        want = min(max_gain_db, max(-6.0, target_db - lev[i]))
        cur = want if want < cur else min(want, cur + release_db_s * 0.01)
        g[i] = cur
    gs = np.interp(np.arange(len(x)), np.arange(nh) * hop + hop / 2, g)
    return x * 10 ** (gs / 20.0)


def packet_loss(rng, x, fs, rate, mode):
    """20 ms packets lost in bursts (Gilbert model): zeroed or the last packet repeated."""
    p = int(0.02 * fs)
    npk = len(x) // p
    y = x.copy()
    lost, bad = 0, False
    for k in range(1, npk):
        bad = rng.random() < (0.5 if bad else rate / (1.0 - rate) * 0.5)
        if bad:
            lost += 1
            y[k * p:(k + 1) * p] = 0.0 if mode == "zero" else y[(k - 1) * p: k * p]
    return y, lost / max(npk, 1)


def codec(x, fs, kind, rng):
    if kind in ("mu-law", "a-law"):
        y = sox_filter(x, fs, ["-r", "8000", "-e", kind, "-b", "8", ".wav"], fs, ["sinc", "300-3400"])
        return y, {}
    if kind == "gsm":
        return sox_filter(x, fs, ["-r", "8000", ".gsm"], fs, ["sinc", "300-3400"]), {}
    br = int(rng.integers(8, 13))
    with tempfile.TemporaryDirectory(prefix="tm-opus-") as d:
        src, enc, dec = (os.path.join(d, n) for n in ("a.wav", "a.opus", "b.wav"))
        run(["sox", "-D", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(fs), "-",
             "-b", "16", "-r", "16000", src], np.clip(x, -1, 1).astype(np.float32).tobytes())
        run(["opusenc", "--quiet", "--serial", "1", "--bitrate", str(br), "--speech", src, enc])
        run(["opusdec", "--quiet", "--no-dither", "--rate", "16000", enc, dec])
        y = sox_read(dec, fs)
    m = min(len(x), len(y))
    out = np.zeros(len(x))
    out[:m] = y[:m]
    return out, {"bitrate_kbps": br}


# ---- the plan: which call gets what -------------------------------------------------------------

def plan(seed, ncalls):
    rnd = random.Random("plan:%d" % seed)
    specs = []
    rates = [RATES[i % 4] for i in range(ncalls)]
    rnd.shuffle(rates)
    bag = []
    while len(bag) < ncalls * 2:
        b = SECONDARY[:]
        rnd.shuffle(b)
        bag += b
    synth_groups = {"babble", "office", "street", "line_echo", "speaker_echo", "codec"}
    synth_done = set()
    codecs = ["mu-law", "gsm", "opus", "a-law", "opus", "gsm"]
    for i in range(ncalls):
        prim = PRIMARY[i % len(PRIMARY)]
        sec = []
        if prim != "clean":
            for _ in range(rnd.choice([0, 1, 1, 2])):
                cand = [c for c in bag if c != prim and c not in sec]
                if cand:
                    c = cand[0]
                    bag.remove(c)
                    sec.append(c)
        engine = "script"
        if prim in synth_groups and prim not in synth_done and (i // len(PRIMARY)) >= 1:
            engine, _ = "synth", synth_done.add(prim)
        specs.append({"index": i, "name": "c%02d_%s" % (i, prim), "primary": prim, "secondary": sorted(sec),
                      "rate": rates[i], "engine": engine, "seed": seed})
    k = 0
    for sp in specs:       # the codec calls take the codecs in turn
        sp["codec"] = codecs[k % len(codecs)]
        k += "codec" in [sp["primary"]] + sp["secondary"]
    return specs


# The operating points issue 12's acceptance names: babble 15 dB under the agent, speakerphone
# echo at -6 dB; six calls each, planned apart so the 60 calls above do not change.
STRESS = [("babble_15dB", "babble", {"babble_db": 15.0}), ("speakerphone_6dB", "speaker_echo", {"echo_db": -6.0})]


# A talker on a speakerphone in a room: their own voice reaches their microphone through the
# room (the other conditions put a room only on the babble, the office and the other party's
# echo). Every other one with babble of other voices on that channel too, where the babble rules
# must not take the talker's slow-falling voice for the babble. Planned apart (--room N, none by
# default), so the corpora above do not change.
def room_plan(seed, n):
    return [{"index": 2000 + k, "name": "r%02d_near_room%s" % (k, "_babble" if k % 2 else ""), "primary": "clean",
             "group": "near_room_babble" if k % 2 else "near_room", "fixed": {"near_room": True},
             "secondary": ["babble"] if k % 2 else [], "rate": [8000, 16000][(k // 2) % 2], "engine": "script",
             "codec": "mu-law", "seed": seed} for k in range(n)]


def stress_plan(seed, n):
    return [{"index": 1000 + k, "name": "s%02d_%s" % (k, STRESS[k % 2][0]), "primary": STRESS[k % 2][1],
             "group": STRESS[k % 2][0], "fixed": STRESS[k % 2][2], "secondary": [], "rate": [8000, 16000][(k // 2) % 2],
             "engine": "script", "codec": "mu-law", "seed": seed} for k in range(n)]


def make_call(spec, out_dir, cache, tonemon, duration=None):
    i, seed = spec["index"], spec["seed"]
    rnd = random.Random("call:%d:%d" % (seed, i))
    rng = np.random.default_rng([seed, i])
    rate = spec["rate"]
    fs = 16000 if rate <= 16000 else 48000
    dur = duration or round(rnd.uniform(60.0, 120.0), 1)
    prim, tags = spec["primary"], [spec["primary"]] + spec["secondary"]
    has = lambda c: c in tags
    cond = {"primary": spec.get("group", prim), "secondary": spec["secondary"], "sample_rate": rate, "duration": dur, "seed": seed}
    if "group" in spec:
        cond["condition"] = prim         # the condition the group is an operating point of
    fixed = spec.get("fixed", {})
    R = Renderer(cache, fs)

    levels = [rnd.uniform(-32.0, -24.0), rnd.uniform(-32.0, -22.0)]
    hold_spec = None
    if prim == "hold_dtmf":
        hold_spec = {"after": rnd.uniform(10.0, max(12.0, dur * 0.35)), "len": round(rnd.uniform(8.0, min(25.0, dur / 4)), 2),
                     "channel": "caller" if rnd.random() < 0.7 else "agent", "kind": "music" if rnd.random() < 0.7 else "tones"}
    if spec["engine"] == "synth" and tonemon:
        with tempfile.TemporaryDirectory(prefix="tm-synth-") as d:
            wav, tj = os.path.join(d, "s.wav"), os.path.join(d, "s.json")
            run([tonemon, "synth", "--seed", str(seed * 1000 + i), "--duration", str(dur), "--rate", str(fs),
                 "--truth", tj, wav])
            both = np.frombuffer(run(["sox", "-D", wav, "-t", "raw", "-e", "floating-point", "-b", "32", "-"]), np.float32)
            tracks = [both[0::2].astype(np.float64), both[1::2].astype(np.float64)]
            st = json.load(open(tj))
        truth = {k: st[k] for k in ("speech", "overlaps", "interruptions", "backchannels", "raised_voice",
                                    "not_raised", "silences", "monologues")}
        truth["holds"] = []
        sp = [truth["speech"]["agent"], truth["speech"]["caller"]]
        for c in (0, 1):
            seg = np.concatenate([tracks[c][int(a * fs): int(b * fs)] for a, b in sp[c]] or [np.zeros(1)])
            levels[c] = db(rms(seg))
        voices = {"agent": {"engine": "tonemon-synth"}, "caller": {"engine": "tonemon-synth"}}
        gaps, n = [], len(tracks[0])
    else:
        female = rnd.random() < 0.5
        engines = ["espeak", "espeak", "espeak", "flite", "festival"]
        va = pick_voice(rnd, rnd.choice(engines), female)
        vc = pick_voice(rnd, rnd.choice(engines), not female if rnd.random() < 0.7 else female)
        if va == vc:
            vc = pick_voice(rnd, "espeak", not female)
        conv = Conversation(rnd, R.render, [va, vc], levels, fs, dur)
        conv.script(want_mono=dur >= 90 and rnd.random() < 0.4, hold_spec=hold_spec,
                    dtmf_count=2 if (prim == "hold_dtmf" or has("dtmf")) else 0)
        truth = conv.truth()
        tracks, gaps, n = conv.track, conv.gaps, conv.n
        voices = {"agent": va, "caller": vc}
    cond["voices"] = voices
    cond["levels_dbfs"] = [round(levels[0], 1), round(levels[1], 1)]
    chans = [tracks[0].copy(), tracks[1].copy()]
    sp = [truth["speech"]["agent"], truth["speech"]["caller"]]
    if fixed.get("near_room"):
        c = 1 if rnd.random() < 0.8 else 0
        t60, drr = rnd.uniform(0.3, 0.7), rnd.uniform(-3.0, 6.0)   # a small room, 0.5-1.5 m away
        chans[c] = convolve(chans[c], room_ir(rng, fs, t60, drr))[: len(chans[c])]
        cond["near_room"] = {"channel": NAMES[c], "t60_s": round(t60, 2), "drr_db": round(drr, 1)}

    def free_spot(c, dlen, allow_other):
        """A time where channel c's party is silent (0.3 s margin) and nothing else is placed."""
        for _ in range(60):
            t0 = rnd.uniform(1.0, dur - dlen - 1.0)
            busy = [iv for iv in sp[c]] + ([] if allow_other else sp[1 - c]) + placed
            busy += [[h["start"], h["end"]] for h in truth["holds"]]
            if all(t0 + dlen + 0.3 <= a or t0 >= b + 0.3 for a, b in busy):
                return t0
        return None
    placed = []

    # hold music or tones, DTMF in pauses
    for h in truth["holds"]:
        c = NAMES.index(h["channel"])
        L = h["end"] - h["start"]
        m = (hold_music if hold_spec["kind"] == "music" else hold_tones)(rng, fs, L)
        m = norm_to(m, levels[c] + rnd.uniform(-8.0, -2.0)) if hold_spec["kind"] == "music" else norm_to(m, levels[c] - 12.0) * 2
        a = int(h["start"] * fs)
        chans[c][a: a + len(m)] += m[: n - a]
        cond["hold"] = {"kind": hold_spec["kind"], "channel": h["channel"], "length_s": round(L, 2)}
    dt = []
    want = 2 if (prim == "hold_dtmf" or has("dtmf")) else 0
    if len(gaps) < want:
        # pauses of 1.6-4.9 s between anybody's speech (not dead air): key presses fit there
        busy = sorted([tuple(v) for v in sp[0] + sp[1]] + [(h["start"], h["end"]) for h in truth["holds"]])
        cur, found, dead = 0.5, [], []
        for a, b in busy:
            if 1.6 <= a - cur < 4.9:
                found.append((cur, a))
            elif a - cur >= 4.9:          # or in dead air, which tones do not break
                dead.append((cur, cur + 4.0))
            cur = max(cur, b)
        rnd.shuffle(found)
        gaps = list(gaps) + (found + dead)[: want - len(gaps)]
    for gs, ge in gaps[:want]:
        c = 1 if rnd.random() < 0.7 else 0
        t0 = gs + rnd.uniform(0.4, 0.8)
        lvl = levels[c] + rnd.uniform(-10.0, -3.0)
        te = t0
        for off, b in dtmf(rng, fs, ge - t0 - 0.4):
            a = int((t0 + off) * fs)
            chans[c][a: a + len(b)] += norm_to(b, lvl)
            te = t0 + off + len(b) / fs
        dt.append({"channel": NAMES[c], "start": round(t0, 3), "end": round(te, 3)})
        placed.append([t0, ge])
    if dt:
        cond["dtmf"] = dt

    # coughs, laughs, breaths (not speech)
    if has("nonverbal"):
        evs = []
        for _ in range(rnd.randint(4, 9)):
            kind = rnd.choice(["cough", "cough", "laugh", "breath"])
            c = 1 if rnd.random() < 0.6 else 0
            snd = {"cough": cough, "laugh": laugh, "breath": breath}[kind](rng, fs)
            t0 = free_spot(c, len(snd) / fs, allow_other=rnd.random() < 0.4)
            if t0 is None:
                continue
            gain = {"cough": rnd.uniform(-3.0, 4.0), "laugh": rnd.uniform(-6.0, 0.0), "breath": rnd.uniform(-22.0, -14.0)}[kind]
            y = norm_to(snd, levels[c] + gain)
            a = int(t0 * fs)
            chans[c][a: a + len(y)] += y[: n - a]
            placed.append([t0, t0 + len(snd) / fs])
            evs.append({"type": kind, "channel": NAMES[c], "start": round(t0, 3), "end": round(t0 + len(snd) / fs, 3),
                        "level_db": round(gain, 1)})
        cond["nonverbal"] = sorted(evs, key=lambda e: e["start"])

    # the environment at each desk
    if has("babble"):
        c = 0 if rnd.random() < 0.8 else 1
        k = rnd.randint(3, 8)
        rel = rnd.uniform(10.0, 25.0)
        if "babble_db" in fixed:
            c, rel = 0, fixed["babble_db"]
        if fixed.get("near_room"):
            c = NAMES.index(cond["near_room"]["channel"])
        b = babble(rng, rnd, R.render, fs, n, k)
        chans[c] += norm_to(b, levels[c] - rel)
        cond["babble"] = {"channel": NAMES[c], "talkers": k, "below_speech_db": round(rel, 1)}
    if has("office"):
        c = 0 if rnd.random() < 0.85 else 1
        rel = rnd.uniform(12.0, 25.0)
        o = office(rng, fs, n)
        chans[c] += o * 10 ** ((levels[c] - rel) / 20.0) / (rms(o) + 1e-12)
        cond["office"] = {"channel": NAMES[c], "below_speech_db": round(rel, 1)}
    if has("street"):
        c = 1 if rnd.random() < 0.8 else 0
        kind = "street" if rnd.random() < 0.5 else "car"
        rel = rnd.uniform(8.0, 20.0) if prim == "street" else rnd.uniform(15.0, 25.0)
        x = (street if kind == "street" else car)(rng, fs, n)
        chans[c] += norm_to(x, levels[c] - rel)
        cond["street"] = {"channel": NAMES[c], "kind": kind, "below_speech_db": round(rel, 1)}
    for c in (0, 1):    # a little room and line noise everywhere
        floor = rnd.uniform(35.0, 45.0) if prim == "clean" else rnd.uniform(35.0, 50.0)
        chans[c] += norm_to(pink(rng, n, fs, 1.0), levels[c] - floor)

    # echo of the other party: line (hybrid) or acoustic (speakerphone)
    near = [chans[0].copy(), chans[1].copy()]
    for kind in ("line_echo", "speaker_echo"):
        if not has(kind):
            continue
        c = 1 if rnd.random() < 0.75 else 0
        o = 1 - c
        strong = prim == kind
        e_db = rnd.uniform(-20.0, -6.0) if strong else rnd.uniform(-30.0, -20.0)
        if "echo_db" in fixed:
            c, o, e_db = 1, 0, fixed["echo_db"]
        delay = rnd.uniform(0.02, 0.2)
        src = near[o]
        if kind == "line_echo":
            m = int(0.008 * fs)
            h = rng.standard_normal(m) * np.exp(-np.arange(m) / (0.002 * fs))
            h /= np.sqrt(np.sum(h * h))
            h = np.concatenate([np.zeros(int(delay * fs)), h])
            e = convolve(src, h)
            p = {"channel": NAMES[c], "of": NAMES[o], "level_db": round(e_db, 1), "delay_ms": round(delay * 1000)}
        else:
            t60 = rnd.uniform(0.3, 0.8)
            drive = rnd.uniform(1.0, 4.0)
            pk = np.max(np.abs(src)) + 1e-9
            clipped = np.tanh(drive * src / pk) / np.tanh(drive) * pk
            h = room_ir(rng, fs, t60, rnd.uniform(-3.0, 6.0), delay)
            e = convolve(bandpass(clipped, fs, 250.0, min(6000.0, 0.45 * fs), 2), h)
            p = {"channel": NAMES[c], "of": NAMES[o], "level_db": round(e_db, 1), "delay_ms": round(delay * 1000),
                 "t60_s": round(t60, 2), "clip_drive": round(drive, 2)}
        wander = slow_walk(rng, n, fs, 3.0, 0.3)
        e = e * 10 ** ((e_db + wander) / 20.0) * (10 ** (levels[o] / 20.0) / (rms(np.concatenate([src[int(a * fs): int(b * fs)] for a, b in sp[o]] or [src])) + 1e-12))
        chans[c] += e
        p["wander_db"] = 3.0
        cond[kind] = p
    if prim == "clean" or not (has("line_echo") or has("speaker_echo")):
        # headset crosstalk, as on every real recording
        xt = rnd.uniform(-60.0, -50.0) if prim == "clean" else rnd.uniform(-45.0, -30.0)
        d = int(rnd.uniform(0.01, 0.05) * fs)
        for c in (0, 1):
            chans[c][d:] += near[1 - c][: n - d] * 10 ** (xt / 20.0)
        cond["crosstalk_db"] = round(xt, 1)
    if has("hum"):
        mains = rnd.choice([50.0, 60.0])
        which = rnd.choice([[0], [1], [0, 1]])
        rel = rnd.uniform(20.0, 35.0)
        for c in which:
            chans[c] += norm_to(hum(fs, n, mains, rnd.uniform(0, 6.28)), levels[c] - rel)
        cond["hum"] = {"mains_hz": mains, "channels": [NAMES[c] for c in which], "below_speech_db": round(rel, 1)}
    if has("agc"):
        which = rnd.choice([[1], [0, 1]])
        p = {"channels": [NAMES[c] for c in which], "max_gain_db": round(rnd.uniform(10.0, 20.0), 1),
             "release_db_s": round(rnd.uniform(3.0, 10.0), 1)}
        for c in which:
            chans[c] = agc(chans[c], fs, levels[c], p["max_gain_db"], p["release_db_s"])
        cond["agc"] = p
    if has("codec"):
        kind = spec["codec"]
        extra = {}
        for c in (0, 1):
            chans[c], extra = codec(chans[c], fs, kind, rng)
        cond["codec"] = dict({"kind": kind}, **extra)
    if has("packet_loss"):
        which = rnd.choice([[1], [0, 1]])
        rate_l = rnd.uniform(0.03, 0.12) if prim == "packet_loss" else rnd.uniform(0.01, 0.04)
        mode = rnd.choice(["zero", "repeat"])
        got = []
        for c in which:
            chans[c], lost = packet_loss(rng, chans[c], fs, rate_l, mode)
            got.append(round(lost, 3))
        cond["packet_loss"] = {"channels": [NAMES[c] for c in which], "mode": mode, "loss": got}

    tags_all = sorted(set(tags) | ({"echo"} if has("line_echo") or has("speaker_echo") else set()))
    cond["tags"] = tags_all
    cond["engine"] = spec["engine"] if spec["engine"] == "synth" and tonemon else voices["agent"]["engine"]
    peak = max(np.max(np.abs(chans[0])), np.max(np.abs(chans[1])))
    if peak > 0.99:
        cond["clipped_samples"] = int(np.sum(np.abs(chans[0]) > 1) + np.sum(np.abs(chans[1]) > 1))
    st = np.clip(np.stack(chans, axis=1), -1.0, 1.0).astype(np.float32)
    wav = os.path.join(out_dir, spec["name"] + ".wav")
    run(["sox", "-D", "-t", "raw", "-e", "floating-point", "-b", "32", "-c", "2", "-r", str(fs), "-",
         "-b", "16", "-e", "signed-integer", "-r", str(rate), wav], st.tobytes())
    truth = dict({"sample_rate": rate, "duration": round(n / fs, 3)}, **truth)
    truth["conditions"] = cond
    with open(os.path.join(out_dir, spec["name"] + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=None, separators=(",", ":"))
    return spec["name"], prim


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--calls", type=int, default=60)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--stress", type=int, default=12, help="calls at the acceptance's operating points (babble 15 dB, speakerphone -6 dB)")
    ap.add_argument("--room", type=int, default=0, help="calls of a talker on a speakerphone in a room (their own voice reverberant)")
    ap.add_argument("--only", default="", help="comma-separated call names or indices")
    ap.add_argument("--subset", choices=["smoke"], help="smoke: one call per major condition")
    ap.add_argument("--duration", type=float, help="every call this long (s) instead of 60-120")
    ap.add_argument("--cache", help="render cache (default OUT/.cache)")
    ap.add_argument("--tonemon", help="the tonemon binary, for the calls voiced by its synthesizer")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    cache = a.cache or os.path.join(a.out, ".cache")
    specs = plan(a.seed, a.calls) + stress_plan(a.seed, a.stress) + room_plan(a.seed, a.room)
    if a.subset == "smoke":
        specs = [next(s for s in specs if s["primary"] == p and s["engine"] == "script") for p in SMOKE]
    if a.only:
        want = set(a.only.split(","))
        specs = [s for s in specs if s["name"] in want or str(s["index"]) in want]
    if not a.tonemon:
        for s in specs:
            s["engine"] = "script"
    args = [(s, a.out, cache, a.tonemon and os.path.abspath(a.tonemon), a.duration) for s in specs]
    if a.jobs > 1 and len(args) > 1:
        from multiprocessing import Pool
        with Pool(a.jobs) as p:
            done = p.starmap(make_call, args, chunksize=1)
    else:
        done = [make_call(*x) for x in args]
    print("make_corpus: %d calls in %s" % (len(done), a.out))


if __name__ == "__main__":
    main()
