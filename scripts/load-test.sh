#!/usr/bin/env bash
# Load test of `sensevoice serve` on loopback with wrk: N concurrent clients for D seconds posting a
# fixture to the synchronous API. Fails if any request fails other than with an intended 429.
#
# Usage: scripts/load-test.sh [--binary PATH] [--model DIR] [--clients 50] [--duration 60]
#                             [--clip Tests/Fixtures/audio/en.wav] [--route /api/v1/transcriptions]
#                             [--workers N] [--max-pending N] [--out DIR]
# Needs: wrk (Debian package; scripts/install-test-services.sh installs it). Prints wrk's latency
# distribution, the status counts and a one-line summary; the full report goes to --out.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=""
model="Tests/Fixtures/tiny-sensevoice"
clients=50
duration=60
clip="Tests/Fixtures/audio/en.wav"
route="/api/v1/transcriptions"
workers=""
max_pending=64
out=".build/test-artifacts/load"
while (( $# )); do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --model) model="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --clip) clip="$2"; shift 2 ;;
        --route) route="$2"; shift 2 ;;
        --workers) workers="$2"; shift 2 ;;
        --max-pending) max_pending="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ -z "$binary" ]]; then
    if [[ -x .build/release/sensevoice ]]; then binary=.build/release/sensevoice; else binary=.build/debug/sensevoice; fi
fi
command -v wrk >/dev/null || { echo "SKIP load test: wrk is missing (scripts/install-test-services.sh installs it)"; exit 77; }
[[ -x "$binary" ]] || { echo "no server binary at $binary; run swift build -c release" >&2; exit 1; }
mkdir -p "$out"
cores=$(nproc)
workers="${workers:-$cores}"

data=$(mktemp -d /tmp/sv-load-XXXXXX)
log="$out/server.log"
"$binary" serve --model "$model" --host 127.0.0.1 --port 0 --data-dir "$data" --workers "$workers" \
    --max-pending "$max_pending" --no-vad --log-level notice >"$log" 2>&1 &
server=$!
cleanup() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

# The port: the server logs "listening on http://127.0.0.1:PORT" (notice level).
port=""
for _ in $(seq 1 600); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | head -1 | sed 's/.*://') || true
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || { echo "the server did not start:"; cat "$log"; exit 1; }
url="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
    curl -fsS "$url/ready" >/dev/null 2>&1 && break
    sleep 0.1
done

# A multipart body with the clip, built once; wrk sends it on every request.
boundary="sensevoiceloadtest$$"
body="$out/body.bin"
{
    printf -- '--%s\r\nContent-Disposition: form-data; name="language"\r\n\r\nauto\r\n' "$boundary"
    printf -- '--%s\r\nContent-Disposition: form-data; name="format"\r\n\r\ntext\r\n' "$boundary"
    printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\nContent-Type: audio/wav\r\n\r\n' "$boundary" "$(basename "$clip")"
    cat "$clip"
    printf -- '\r\n--%s--\r\n' "$boundary"
} >"$body"

script="$out/post.lua"
cat >"$script" <<LUA
-- Posts the prepared multipart body and counts response statuses per thread.
local f = assert(io.open("$body", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary=$boundary"

local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local s = t:get("statuses")
        for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
    end
    local line = "statuses:"
    for code, n in pairs(total) do line = line .. " " .. code .. "=" .. n end
    print(line)
    print(string.format("summary: requests=%d duration_s=%.1f rps=%.2f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d",
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA

threads=$(( cores < clients ? cores : clients ))
echo "load test: $clients clients, ${duration}s, $route, $(basename "$clip"), $workers workers, $cores cores, $binary"
wrk --threads "$threads" --connections "$clients" --duration "${duration}s" --timeout 60s --latency \
    --script "$script" "$url$route" | tee "$out/report.txt"

metrics=$(curl -fsS "$url/metrics")
audio=$(echo "$metrics" | awk '/^sensevoice_audio_seconds_total\{source="sync"\}/ {print $2}')
echo "audio seconds transcribed: ${audio:-0}" | tee -a "$out/report.txt"

summary=$(grep '^summary:' "$out/report.txt")
statuses=$(grep '^statuses:' "$out/report.txt")
bad=$(echo "$statuses" | tr ' ' '\n' | grep '=' | grep -v -E '^(200|429)=' || true)
errors=$(echo "$summary" | grep -o 'errors_[a-z]*=[0-9]*' | grep -v '=0$' || true)
if [[ -n "$bad" || -n "$errors" ]]; then
    echo "FAIL: unexpected responses or socket errors: $bad $errors"
    exit 1
fi
echo "PASS: every request succeeded or was refused with 429"
