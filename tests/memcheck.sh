#!/usr/bin/env bash
# tests/memcheck.sh TONEMON -- `tonemon synth` and `tonemon analyze` with every output under
# valgrind memcheck: no invalid access, no uninitialised read, no leak.
set -eu
TM=$(realpath "$1")
W=$(mktemp -d /tmp/tonemon-memcheck.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W"
vg() { valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
                --errors-for-leak-kinds=definite,indirect,possible "$@"; }
vg "$TM" synth --seed 3 --duration 15 --bleed -20 --snr 25 call.wav --truth call.json
vg "$TM" analyze -j 1 --quiet --events ev.jsonl --frames fr.csv --summary s.json --report r.html call.wav
sox call.wav -r 44100 c44.flac
: > empty.wav
vg "$TM" analyze -j 2 --quiet --out-dir out call.wav c44.flac empty.wav || [ $? -eq 1 ]
echo "memcheck: 3 passed, 0 failed"
