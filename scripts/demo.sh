#!/usr/bin/env bash
# scripts/demo.sh -- the README's first command: install, build, and analyse a demo call.
# The demo call is a 2-minute telephone call (8 kHz, noise, headset echo) made by
# `tonemon synth --seed 7`, so it is the same on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
mkdir -p demo
./build/tonemon synth --seed 7 --duration 120 --rate 8000 --telephone --snr 25 --bleed -20 \
    --bleed-delay 60 demo/call.wav --truth demo/call.truth.json
./build/tonemon analyze --profile models/telephony.json --events demo/call.events.jsonl \
    --summary demo/call.summary.json --report demo/call.html demo/call.wav
./build/tonemon analyze --profile models/telephony.json demo/call.wav
echo
echo "Events: demo/call.events.jsonl  Summary: demo/call.summary.json  Report: demo/call.html"
