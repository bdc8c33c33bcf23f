#!/usr/bin/env bash
# Live-stream load test on loopback: for each N, N simultaneous /api/v1/stream WebSockets of
# long_mixed.wav paced at real time (each from its own random offset, connecting at its own random
# moment in the first --spread-s seconds) into the full-size synthetic
# model; reports p50/p95 final latency (VAD end decision → final event at the client), partials
# received and skipped, early finals used (finals sent from a recognition run before the VAD
# decided) out of those run, and the server's CPU use. Bounded: each run lasts --seconds plus a drain.
#
# Usage: scripts/stream-bench.sh [--precision int8|fp32|bf16] [--streams "8 16 32 48"]
#            [--partial-ms 1000|0] [--max-segment-ms 30000] [--spread-s 10] [--seconds 60] [--workers 2] [--model DIR]
# Needs: the release binary (swift build -c release --product sensevoice, or $SENSEVOICE_BIN), the
# FSMN-VAD model (.cache/models/fsmn-vad or $SENSEVOICE_TEST_VAD_MODEL), python3 with numpy (the
# full-size model is written once to $SV_FULL_MODEL, default /tmp/sv-full) and websockets
# ($PYTHON, default python3). Output: one Markdown table row per N on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

precision=int8 streams="8 16 32 48" partial_ms=1000 max_segment_ms=30000 spread_s=10 seconds=60 workers=2 model="${SV_FULL_MODEL:-/tmp/sv-full}"
while [[ $# -gt 0 ]]; do
    case $1 in
        --precision) precision=$2; shift 2 ;;
        --streams) streams=$2; shift 2 ;;
        --partial-ms) partial_ms=$2; shift 2 ;;
        --max-segment-ms) max_segment_ms=$2; shift 2 ;;
        --spread-s) spread_s=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        --model) model=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
bin=${SENSEVOICE_BIN:-.build/release/sensevoice}
vad=${SENSEVOICE_TEST_VAD_MODEL:-.cache/models/fsmn-vad}
python=${PYTHON:-python3}
audio=Tests/Fixtures/audio/long_mixed.wav
[[ -x $bin ]] || { echo "no binary at $bin: swift build -c release --product sensevoice" >&2; exit 1; }
[[ -f $vad/model.pt ]] || { echo "no FSMN-VAD model in $vad: scripts/fetch-test-models.sh" >&2; exit 1; }
"$python" -c "import websockets" 2>/dev/null || { echo "$python lacks websockets: pip install websockets" >&2; exit 1; }
if [[ ! -f $model/model.pt ]]; then
    echo "writing the full-size synthetic model to $model" >&2
    python3 scripts/make_full_size_model.py "$model" >&2
fi

log=$(mktemp) data=$(mktemp -d)
"$bin" serve --model "$model" --vad-model "$vad" --precision "$precision" --workers "$workers" --blas-threads 1 \
    --port 0 --data-dir "$data" --max-streams 256 --stream-backlog-s 600 --log-level notice 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data" "$log"' EXIT
port=
for _ in $(seq 600); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    [[ -n $port ]] && curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { cat "$log" >&2; echo "server not ready" >&2; exit 1; }

metric() { curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2; f=1} END {if (!f) print 0}'; }
early() { metric "sensevoice_live_early_finals_total{outcome=\"$1\"}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

echo "| precision | partials | max segment | streams | finals | p50 ms | p95 ms | max ms | finals cut at the maximum | p95 ms of the others | partials sent | partials skipped | early finals used / run | server CPU (of 2 cores) | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $streams; do
    skipped0=$(metric sensevoice_live_partials_skipped_total) used0=$(early used) unused0=$(early unused)
    ticks0=$(cpu_ticks) t0=$(date +%s.%N)
    result=$("$python" scripts/stream-bench-client.py --port "$port" --streams "$n" --seconds "$seconds" \
        --partial-interval-ms "$partial_ms" --max-segment-ms "$max_segment_ms" --spread-s "$spread_s" --audio "$audio")
    ticks1=$(cpu_ticks) t1=$(date +%s.%N)
    skipped1=$(metric sensevoice_live_partials_skipped_total) used1=$(early used) unused1=$(early unused)
    "$python" - "$result" "$precision" "$partial_ms" "$skipped0" "$skipped1" "$ticks0" "$ticks1" "$t0" "$t1" "$hz" \
        "$used0" "$used1" "$unused0" "$unused1" "$max_segment_ms" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); precision, partial_ms = sys.argv[2], int(sys.argv[3])
skipped = float(sys.argv[5]) - float(sys.argv[4])
cpu = (float(sys.argv[7]) - float(sys.argv[6])) / float(sys.argv[10]) / (float(sys.argv[9]) - float(sys.argv[8])) / 2
used = float(sys.argv[12]) - float(sys.argv[11])
run = used + float(sys.argv[14]) - float(sys.argv[13])
errors = ", ".join(r["errors"]) + (f" ({r['late_streams']} streams late)" if r["late_streams"] else "")
print(f"| {precision} | {'every %d ms' % partial_ms if partial_ms else 'off'} | {int(sys.argv[15]) / 1000:g} s | {r['streams']} | {r['finals']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {r['cut_finals']} | {r['p95_foreseeable_ms']} | {r['partials']} | {int(skipped)} | {int(used)} / {int(run)} | {cpu:.0%} | {errors or '—'} |")
PY
done
