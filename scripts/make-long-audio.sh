#!/usr/bin/env bash
# Makes a long speech WAV for the long-audio benchmark by concatenating a speech recording until it
# lasts the requested number of seconds (the last copy is cut).
#
#   scripts/make-long-audio.sh OUT.wav [SECONDS=600] [SOURCE=Tests/Fixtures/audio/long_mixed.wav]
#   .build/release/sensevoice bench --synthetic full --audio OUT.wav --vad-model .cache/models/fsmn-vad --threads 2
set -euo pipefail
out=${1:?usage: make-long-audio.sh OUT.wav [SECONDS] [SOURCE.wav]}
seconds=${2:-600}
src=${3:-"$(dirname "$0")/../Tests/Fixtures/audio/long_mixed.wav"}
python3 - "$src" "$out" "$seconds" <<'PY'
import sys, wave
src, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
with wave.open(src, "rb") as w:
    params = w.getparams()
    frames = w.readframes(w.getnframes())
need = int(seconds * params.framerate)
per = params.nframes
copies = -(-need // per)
data = (frames * copies)[:need * params.sampwidth * params.nchannels]
with wave.open(out, "wb") as w:
    w.setparams(params)
    w.writeframes(data)
print(f"{out}: {need / params.framerate:.1f} s from {copies} copies of {per / params.framerate:.1f} s")
PY
