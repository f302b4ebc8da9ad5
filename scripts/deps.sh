#!/usr/bin/env bash
# scripts/deps.sh -- installs what tonemon needs on Debian 12 (as root, or with sudo if present).
# Build: cmake, pkg-config, KissFFT, speexdsp (the echo canceller cue), libsndfile, libsoxr, cJSON,
# PortAudio, libmicrohttpd and libcurl (the live views and the wall). Tests: cmocka,
# libebur128 (the loudness reference), sox and python3 (file checks), espeak-ng (real speech), praat
# (the pitch truth of espeak's voices).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libkissfft-dev libsndfile1-dev libsoxr-dev libcjson-dev
      portaudio19-dev libasound2-dev libjack-jackd2-dev libmicrohttpd-dev libcurl4-openssl-dev
      libspeexdsp-dev)   # speexdsp: the echo canceller cue of the leak stage
if [ "${1:-}" = "--test" ]; then
  pkgs+=(python3-numpy flite festival festvox-kallpc16k festvox-kdlpc16k opus-tools libwebrtc-audio-processing-dev)  # tests/realistic, scripts/vad_peer
  pkgs+=(praat)   # tests/espeak/pitch_codec_test.sh: Praat's track is the pitch truth of espeak's voices
  pkgs+=(libcmocka-dev libebur128-dev sox python3 espeak-ng clang valgrind chromium jackd2 curl
         slurm-wlm munge)   # slurm: the cluster test starts a private single-node Slurm
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)   # the report test drives chromium with playwright-core
fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
