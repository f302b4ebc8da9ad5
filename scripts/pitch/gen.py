#!/usr/bin/python3
"""scripts/pitch/gen.py -- synthetic voices with exact pitch truth for the pitch benchmark.

  gen.py OUTDIR SEED      writes OUTDIR/<kind>_s<SEED>.wav (16 kHz mono) and .f0.csv (time,f0_hz
                          every 10 ms, the F0 at that instant, 0 = unvoiced)

Kinds: glide (70-450 Hz both ways), jump (octave and fifth jumps between stretches), creak (~70 Hz,
jitter), vibrato (5-6 Hz, +-50 cents), child (~350 Hz). Voiced stretches are sums of harmonics
with a -6 dB/octave source tilt shaped by four formants of changing vowels, with small jitter
and shimmer; gaps between stretches are silence or a fricative-like noise. The seed draws every
pitch, duration, vowel and noise, so two seeds give disjoint material (tuning vs report).
Conditions (pink noise, telephone band) are made from these files by bench.py with sox.
"""
import os
import sys
import zlib

import numpy as np

FS = 16000
VOWELS = {  # F1..F4 in Hz (adult male; a child's are scaled up by 1.25)
    'a': (730, 1090, 2440, 3400), 'i': (270, 2290, 3010, 3700), 'u': (300, 870, 2240, 3300),
    'e': (530, 1840, 2480, 3500), 'o': (570, 840, 2410, 3400), 'ae': (660, 1720, 2410, 3500)}
BW = (80, 100, 140, 200)


def envelope(f, formants):
    """Magnitude of a cascade of four resonances at frequencies f (analog 2-pole sections)."""
    g = np.ones_like(f)
    for F, B in zip(formants, BW):
        g /= np.sqrt((1 - (f / F) ** 2) ** 2 + (f * B / F ** 2) ** 2)
    return g


def stretch(rng, f0, child=False):
    """One voiced stretch following the F0 contour f0 (per sample); returns samples."""
    n = len(f0)
    jit = 1 + 0.005 * np.interp(np.arange(n), np.linspace(0, n, n // 80 + 2),
                                rng.standard_normal(n // 80 + 2))
    f = f0 * jit
    phase = 2 * np.pi * np.cumsum(f) / FS
    v1, v2 = rng.choice(list(VOWELS), 2)
    k = 1.25 if child else 1.0
    fa, fb = np.array(VOWELS[v1]) * k, np.array(VOWELS[v2]) * k
    mix = np.linspace(0, 1, n)
    out = np.zeros(n)
    kmax = int(7600 / f.min())
    for h in range(1, kmax + 1):
        fh = h * f
        alive = fh < 7600
        if not alive.any():
            break
        # formants glide from one vowel to the next across the stretch
        amp = (1 - mix) * envelope(fh, fa) + mix * envelope(fh, fb)
        amp *= alive / h
        out += amp * np.sin(h * phase + rng.uniform(0, 2 * np.pi))
    shim = 1 + 0.05 * np.interp(np.arange(n), np.linspace(0, n, n // 80 + 2),
                                rng.standard_normal(n // 80 + 2))
    ramp = np.minimum(1, np.minimum(np.arange(n), n - 1 - np.arange(n)) / (0.01 * FS))
    out *= shim * ramp
    return out / (np.abs(out).max() + 1e-9)


def contour(rng, kind, dur, prev):
    t = np.arange(int(dur * FS)) / FS
    if kind == 'glide':
        lo, hi = rng.uniform(70, 110), rng.uniform(330, 450)
        a, b = (lo, hi) if rng.random() < 0.5 else (hi, lo)
        return a * (b / a) ** (t / dur)
    if kind == 'jump':
        if prev is None:
            base = rng.uniform(100, 200)
        else:   # the next stretch an octave or a fifth away, up or down, within 70-450 Hz
            r = rng.choice([2.0, 1.5])
            base = prev * r if prev * r <= 400 and (rng.random() < 0.5 or prev / r < 80) else prev / r
        return base * 2 ** (0.08 * np.sin(2 * np.pi * t / dur * rng.uniform(0.5, 1.5)))
    if kind == 'creak':
        return rng.uniform(65, 80) * (1 + 0.03 * rng.standard_normal(len(t))).clip(0.9, 1.1)
    if kind == 'vibrato':
        base = rng.uniform(170, 300)
        return base * 2 ** (50 / 1200 * np.sin(2 * np.pi * rng.uniform(5, 6.5) * t))
    if kind == 'child':
        base = rng.uniform(320, 380)
        return base * 2 ** (0.25 * np.sin(np.pi * t / dur) - 0.1 * t / dur)
    raise ValueError(kind)


def make(kind, seed, total_s=24.0):
    rng = np.random.default_rng(seed * 100 + zlib.crc32(kind.encode()) % 97)
    x, truth = [], []
    pos = 0
    prev = None
    while pos < total_s * FS:
        gap = int(rng.uniform(0.06, 0.3) * FS)
        g = np.zeros(gap)
        if rng.random() < 0.5:  # a fricative between stretches
            g = 0.05 * rng.standard_normal(gap)
        x.append(g)
        truth.append(np.zeros(gap))
        dur = rng.uniform(0.6, 1.5) if kind != 'glide' else rng.uniform(0.8, 1.6)
        f0 = contour(rng, kind, dur, prev)
        if kind == 'creak':  # creak's period wanders pulse to pulse: hold each draw a period long
            f0 = np.repeat(f0[::200], 200)[:len(f0)]
        prev = f0[-1] if kind == 'jump' else None
        s = stretch(rng, f0, child=(kind == 'child')) * 10 ** (rng.uniform(-6, 0) / 20)
        x.append(s)
        truth.append(f0)
        pos += gap + len(s)
    x = np.concatenate(x)
    tr = np.concatenate(truth)
    return 0.3 * x / np.abs(x).max(), tr


def write_wav(path, x):
    import wave
    with wave.open(path, 'wb') as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(FS)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype('<i2').tobytes())


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: gen.py OUTDIR SEED')
    out, seed = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for kind in ('glide', 'jump', 'creak', 'vibrato', 'child'):
        x, tr = make(kind, seed)
        base = os.path.join(out, '%s_s%d' % (kind, seed))
        write_wav(base + '.wav', x)
        hops = len(x) // 160
        with open(base + '.f0.csv', 'w') as f:
            f.write('time,f0_hz\n')
            for h in range(hops):
                # the F0 at the hop's centre; -1 (not scored) within 20 ms of a stretch's edge,
                # where a 40 ms window holds both voice and gap and no answer is wrong
                c = h * 160 + 80
                lo, hi = max(0, c - 320), min(len(tr), c + 320)
                seg = tr[lo:hi]
                v = tr[c] if seg.min() > 0 else (0.0 if seg.max() == 0 else -1.0)
                f.write('%.3f,%.2f\n' % (c / FS, v))


if __name__ == '__main__':
    main()
