#!/usr/bin/env bash
# Installs the Debian packages sensevoice needs to build and run (idempotent; skips what is present).
# Usage: scripts/install-deps.sh [--test | --runtime]
#   (none)     the libraries and headers to build (also what deploy/Dockerfile's build stage runs)
#   --test     build + what the test suite needs (shellcheck and curl: DeployFilesTests)
#   --runtime  only the shared libraries the built binary loads (deploy/Dockerfile's runtime stage)
set -euo pipefail

build_packages=(pkg-config libopenblas-dev libdnnl-dev libavformat-dev libavcodec-dev libavutil-dev libavfilter-dev libswresample-dev libsqlite3-dev
                zlib1g-dev)
# Debian 12 (bookworm) runtime names of the same libraries; curl for health checks, libcurl4 and
# ca-certificates for `sensevoice models pull` over HTTPS.
runtime_packages=(libopenblas0 libdnnl2 libgomp1 libavformat59 libavcodec59 libavutil57 libavfilter8 libswresample4 libsqlite3-0 zlib1g
                  libcurl4 ca-certificates curl tzdata)

case "${1:-}" in
    "") packages=("${build_packages[@]}") ;;
    # postgresql: the server for the PostgreSQL job-store tests (scripts/with-test-postgres.sh).
    --test) packages=("${build_packages[@]}" ffmpeg python3-pip unzip shellcheck curl postgresql) ;;
    --runtime) packages=("${runtime_packages[@]}") ;;
    *) echo "usage: $0 [--test | --runtime]" >&2; exit 2 ;;
esac

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
