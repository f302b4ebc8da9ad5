#!/usr/bin/env bash
# models/make_corpus.sh KIND DIR -- the synthetic labelled corpora the shipped profiles are
# calibrated on (see models/README.md). KIND is wideband or telephony. Deterministic.
set -euo pipefail
kind=$1 dir=$2 tm=${TONEMON:-build/tonemon}
mkdir -p "$dir"
for i in $(seq 1 12); do
  seed=$((100 + i))
  snr=$((15 + (i * 7) % 25))                 # 15..39 dB
  bleed=$((-14 - (i * 5) % 26))              # -14..-39 dB
  delay=$(((i * 37) % 120 + 5))              # 5..124 ms
  mono=""; [ $((i % 4)) -eq 0 ] && mono="--monologue"
  if [ "$kind" = telephony ]; then
    "$tm" synth --seed $seed --duration 150 --rate 8000 --telephone --snr $snr --bleed $bleed \
        --bleed-delay $delay $mono "$dir/t$seed.wav" --truth "$dir/t$seed.truth.json"
  else
    "$tm" synth --seed $seed --duration 150 --rate 16000 --snr $snr --bleed $bleed \
        --bleed-delay $delay $mono "$dir/w$seed.wav" --truth "$dir/w$seed.truth.json"
  fi
done
