#!/usr/bin/env bash
# Reproduces the README's performance table: RTF of the full-size synthetic model for 10 s, 30 s and
# 10 min of audio, at 1 and 2 threads, for each precision. Needs a release build and the VAD model:
#   swift build -c release --product sensevoice && scripts/fetch-test-models.sh
#   scripts/perf-table.sh [PRECISIONS="fp32 bf16 int8"] [THREADS="1 2"]
# 10 s / 30 s: `bench --seconds N` (median of 3 after a warm-up: fbank → encoder → CTC).
# 10 min: `bench --audio long_mixed.wav --repeat-audio-to-s 600` (decode + VAD + batched ASR, once).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/sensevoice
vad=${SENSEVOICE_TEST_VAD_MODEL:-.cache/models/fsmn-vad}
precisions=${1:-"fp32 bf16 int8"}
threads_list=${2:-"1 2"}
[[ -x $bin ]] || { echo "build first: swift build -c release --product sensevoice" >&2; exit 2; }
[[ -f $vad/model.pt ]] || { echo "no VAD model in $vad: run scripts/fetch-test-models.sh" >&2; exit 2; }
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"; }
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| precision | threads | 10 s RTF | 30 s RTF | 10 min RTF | 10 min wall | 10 min peak RSS |"
echo "|---|---|---|---|---|---|---|"
for p in $precisions; do
    for t in $threads_list; do
        r10=$("$bin" bench --synthetic full --seconds 10 --threads "$t" --precision "$p" | field rtf)
        r30=$("$bin" bench --synthetic full --seconds 30 --threads "$t" --precision "$p" | field rtf)
        long=$("$bin" bench --synthetic full --threads "$t" --precision "$p" --audio Tests/Fixtures/audio/long_mixed.wav \
                 --vad-model "$vad" --repeat-audio-to-s 600)
        echo "| $p | $t | $r10 | $r30 | $(field rtf <<<"$long") | $(field total_seconds <<<"$long") s | $(field peak_rss_mb <<<"$long") MB |"
    done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
