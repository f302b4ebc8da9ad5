#!/usr/bin/env bash
# tests/espeak/pitch_codec_test.sh TONEMON -- F0 of low voices through a GSM 06.10 round trip with
# street rumble under them, against Praat's track of the same voices before the codec.
#
# Three low espeak-ng voices (about 70-130 Hz) say one sentence. Each is band-limited to
# 300-3400 Hz at 8 kHz, coded and decoded as GSM 06.10 by sox, and gets brown noise low-passed at
# 150 Hz (traffic, a car's road noise) 15 dB under it. Through the codec a harmonic that dominates
# the first formant (the 4th-7th) is nearly as periodic as F0, and the rumble keeps the hop from
# counting as band-limited: before the multiples check (src/pitch.c, MULT_*) tonemon took that
# harmonic for F0 on 24 % of the first voice's hops voiced in both, 12 % of all three voices'
# (with it: 10 % and 4 %); the realistic corpus showed it first (seed 29 c26, 15 % of a
# 70-100 Hz voice's hops at 400-500 Hz).
# Truth: Praat's autocorrelation track of the clean rendering (an independent tracker), on the
# hops Praat calls voiced. Asserted: of the hops voiced in both, at most 15 % per voice and 5 %
# of the three together off by more than 20 %; at least half of Praat's voiced hops voiced (an
# F0 is not right by being left out).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 TONEMON" >&2; exit 2; }
TM=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v praat >/dev/null || { echo "pitch_codec: praat is not installed (scripts/deps.sh --test)"; exit 77; }
W=$(mktemp -d "${TMPDIR:-/tmp}/tonemon-pitch-codec.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
TEXT="I have been waiting on this line for forty minutes and nobody has called me back. Could you
please tell me what is going on with my order? It was supposed to arrive last Tuesday."
fail=0
echo "pitch_codec: $(espeak-ng --version | head -1); praat $(praat --version | head -1); $(sox --version)"
for v in "en-gb-x-gbcwmd+Michael 25 145" "en+m1 35 150" "en-gb+m2 20 150"; do
  read -r voice pitch speed <<< "$v"
  espeak-ng -v "$voice" -p "$pitch" -s "$speed" -w clean.wav "$TEXT"
  praat --run "$HERE/../../scripts/pitch/track.praat" "$W/clean.wav" "$W/truth.txt"
  sox -R -D clean.wav -r 8000 band.wav sinc 300-3400
  sox -R -D band.wav coded.gsm
  sox -R -D coded.gsm -e signed -b 16 coded.wav
  sox -R -D -n -r 8000 -b 16 rumble.wav synth "$(soxi -D coded.wav)" brownnoise lowpass 150 lowpass 150 gain -n -3
  gain=$(python3 - coded.wav rumble.wav <<'PY'
import sys, wave, array, math
def rms(p):
    w = wave.open(p)
    a = array.array('h', w.readframes(w.getnframes()))
    return math.sqrt(sum(x * x for x in a) / len(a))
print('%.2f' % (20 * math.log10(rms(sys.argv[1]) / rms(sys.argv[2])) - 15.0))
PY
)
  sox -R -D -m -v 1 coded.wav -v 1 "|sox -R -D rumble.wav -p vol ${gain}dB" call.wav
  "$TM" analyze --frames frames.csv call.wav 2> analyze.err || { cat analyze.err; exit 1; }
  python3 - "$voice" truth.txt frames.csv <<'PY' || fail=1
import csv, sys
name, truth, frames = sys.argv[1:]
# a frame's window is centred on its hop (time + 5 ms); Praat's frame time is its window's centre
fr = {}
for r in csv.DictReader(open(frames)):
    fr[round((float(r['time']) + 0.005) * 1000)] = float(r['f0_hz'])
voiced = both = gross = 0
for line in open(truth):
    t, f = (float(x) for x in line.split())
    if f <= 0:
        continue
    voiced += 1
    ms = round(t * 1000)
    near = [fr[k] for k in range(ms - 5, ms + 6) if k in fr]
    est = near[len(near) // 2] if near else 0.0   # the frame centred nearest (the later of two)
    if est <= 0:
        continue
    both += 1
    if abs(est / f - 1) > 0.2:
        gross += 1
ok = voiced > 300 and both >= 0.5 * voiced and gross <= 0.15 * both
with open('pooled.txt', 'a') as p:
    p.write('%d %d\n' % (both, gross))
print('pitch_codec %-24s Praat voiced %d, voiced in both %d, gross %d (%.1f %%): %s'
      % (name, voiced, both, gross, 100.0 * gross / max(both, 1), 'ok' if ok else 'FAIL'))
sys.exit(0 if ok else 1)
PY
done
read -r both gross < <(awk '{b += $1; g += $2} END {print b, g}' pooled.txt)
echo "pitch_codec all three: voiced in both $both, gross $gross"
[ $((gross * 20)) -le "$both" ] || { echo "pitch_codec: more than 5 % gross errors over the three voices"; fail=1; }
exit $fail
