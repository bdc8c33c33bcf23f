#!/usr/bin/env bash
# Diarization cost on a long file: builds the engine in release, links scripts/diarization-bench.swift
# against it, and diarizes two_speakers.wav tiled to MINUTES with a CAM++ of the real widths and random
# weights (scripts/make-campplus-bench-model.py; random weights cost what real ones do).
# Usage: scripts/diarization-bench.sh [MINUTES=60] [THREADS=2]
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-60}; THREADS=${2:-2}
WAV=../shared/fixtures/golden/diarization/two_speakers.wav
MODEL=${TMPDIR:-/tmp}/campplus-real-widths
OUT=${TMPDIR:-/tmp}/diarization-bench
[ -f "$MODEL/campplus_cn_common.bin" ] || python3 scripts/make-campplus-bench-model.py "$MODEL"
swift build -c release --target SenseVoiceEngine
R=$(swift build -c release --show-bin-path); S=Sources
MM=""
for m in $S/CBLAS/module.modulemap $S/CFFmpeg/module.modulemap .build/checkouts/Yams/Sources/CYaml/include/module.modulemap; do
  MM="$MM -Xcc -fmodule-map-file=$m"; done
for d in CKernels CDNNL CFFmpegShim; do MM="$MM -Xcc -fmodule-map-file=$R/$d.build/module.modulemap -Xcc -I$S/$d/include"; done
OBJS=$(find "$R"/{SenseVoiceEngine,SenseVoiceTensor,SenseVoiceAudio,Yams,CYaml,CKernels,CDNNL,CFFmpegShim}.build -name '*.o')
swiftc -O scripts/diarization-bench.swift -o "$OUT" -I "$R/Modules" -Xcc -I.build/checkouts/Yams/Sources/CYaml/include $MM $OBJS \
  -lopenblas -ldnnl -lgomp -lavformat -lavcodec -lavutil -lswresample
/usr/bin/time -v "$OUT" "$MODEL" "$WAV" "$MINUTES" "$THREADS" 2>&1 | grep -E "audio|diarization|peak|User time|Elapsed|Maximum resident"
