#!/usr/bin/env bash
# Installs the Debian packages sensevoice needs to build and run (idempotent; skips what is present).
# Usage: scripts/install-deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

packages=(pkg-config libopenblas-dev libdnnl-dev libavformat-dev libavcodec-dev libavutil-dev libswresample-dev)
if [[ "${1:-}" == "--test" ]]; then
    packages+=(ffmpeg python3-pip unzip)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}" >&2
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
