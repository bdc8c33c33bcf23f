#!/usr/bin/env bash
# One command from a fresh Debian/Ubuntu machine to a transcript: installs the system packages,
# builds the release binary once, then runs `sensevoice` with your arguments.
#   scripts/sensevoice.sh transcribe Tests/Fixtures/audio/en.wav --model Tests/Fixtures/tiny-sensevoice
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [[ ! -x .build/release/sensevoice ]] || [[ -n "$(find Sources Package.swift -newer .build/release/sensevoice -print -quit)" ]]; then
    swift build -c release --product sensevoice >&2
fi
exec .build/release/sensevoice "$@"
