#!/usr/bin/env bash
# Installs what the service tests need beyond the build: headless Chromium, its driver and a CJK font
# (browser tests), wrk (load test), and Python's selenium and openai (OpenAI client tests). Idempotent: skips
# what is present.
# Usage: scripts/install-test-services.sh
set -euo pipefail

# fonts-noto-cjk: the Chinese web UI's screenshots (headless Chromium draws boxes without a CJK font).
packages=(chromium chromium-driver wrk python3-pip fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c "import selenium" 2>/dev/null; then
    echo "installing: selenium (pip)" >&2
    python3 -m pip install --quiet "selenium>=4.20" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "selenium>=4.20"
fi

# The official openai client with its Realtime extra (websockets): tests of stream=true and of
# the Realtime route. A plain `openai` install lacks websockets, so check for both.
if ! python3 -c "import openai, websockets" 2>/dev/null; then
    echo "installing: openai[realtime] (pip)" >&2
    python3 -m pip install --quiet "openai[realtime]>=2.0" 2>/dev/null \
        || python3 -m pip install --quiet --break-system-packages "openai[realtime]>=2.0"
fi
