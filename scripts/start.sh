#!/usr/bin/env bash
# Container entrypoint and single-host start: fetches missing models, then execs `sensevoice serve`
# (HTTP API, web UI and job workers) or `sensevoice worker` (job workers only).
#
# Usage: scripts/start.sh [serve|worker|pull|health] [sensevoice options…]
#   serve   pull missing models, then exec `sensevoice serve …` (default)
#   worker  pull missing models, then exec `sensevoice worker …` (needs --database / $SENSEVOICE_DATABASE)
#   pull    only pull missing models (Kubernetes init container, compose `models` service)
#   health  exit 0 when this container's process is healthy (Docker HEALTHCHECK)
# The mode is $1 when it is one of those words, else $SENSEVOICE_ROLE, else serve. Every other
# argument goes to sensevoice unchanged; options may also come from SENSEVOICE_<OPTION> variables
# and a --config file (see `sensevoice serve --help`).
#
# Environment (defaults in brackets):
#   SENSEVOICE_MODEL        SenseVoiceSmall directory [$SENSEVOICE_MODEL_CACHE/sensevoice-small]
#   SENSEVOICE_VAD_MODEL    FSMN-VAD directory [$SENSEVOICE_MODEL_CACHE/fsmn-vad]; set it empty, or
#                           SENSEVOICE_NO_VAD=true, to run without VAD (nothing is pulled for it)
#   SENSEVOICE_MODEL_CACHE  where `models pull --cache` puts models [/models if it exists, else
#                           ~/.cache/sensevoice]
#   SENSEVOICE_MODEL_SOURCE modelscope or huggingface [sensevoice's default]
#   SENSEVOICE_PULL         auto: pull what is missing; never: fail if a model is missing [auto]
#   SENSEVOICE_ROLE         the mode when $1 is none: serve or worker [serve]
#   SENSEVOICE_BIN          the sensevoice binary [sensevoice on PATH, else .build/release/sensevoice]
set -euo pipefail

mode="${SENSEVOICE_ROLE:-serve}"
case "${1:-}" in
    serve|worker|pull|health) mode="$1"; shift ;;
esac

if [[ -n "${SENSEVOICE_BIN:-}" ]]; then bin="$SENSEVOICE_BIN"
elif command -v sensevoice >/dev/null 2>&1; then bin="$(command -v sensevoice)"
else bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/release/sensevoice"
fi

if [[ "$mode" == health ]]; then
    # PID 1 of the container: this script while it pulls models, then sensevoice itself.
    main="$(tr '\0' ' ' </proc/1/cmdline 2>/dev/null || true)"
    if [[ "${SENSEVOICE_ROLE:-}" == worker || "$main" == *" worker"* ]]; then
        # A worker has no HTTP port: it is healthy while its process runs.
        [[ "$main" == *worker* ]]
    else
        exec curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:${SENSEVOICE_PORT:-6006}/health"
    fi
    exit
fi

[[ -x "$bin" ]] || { echo "start.sh: no sensevoice binary at $bin; build it (swift build -c release) or set SENSEVOICE_BIN" >&2; exit 1; }

if [[ -z "${SENSEVOICE_MODEL_CACHE:-}" ]]; then
    if [[ -d /models && -w /models ]]; then SENSEVOICE_MODEL_CACHE=/models
    else SENSEVOICE_MODEL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sensevoice"
    fi
fi
cache="$SENSEVOICE_MODEL_CACHE"
export SENSEVOICE_MODEL="${SENSEVOICE_MODEL:-$cache/sensevoice-small}"
# Unset → the cache's fsmn-vad; set but empty → no VAD (sensevoice treats empty as unset).
export SENSEVOICE_VAD_MODEL="${SENSEVOICE_VAD_MODEL-$cache/fsmn-vad}"

wants_vad=1
case "${SENSEVOICE_NO_VAD:-}" in 1|true|TRUE|True|yes|on) wants_vad=0 ;; esac
[[ -n "$SENSEVOICE_VAD_MODEL" ]] || wants_vad=0
for arg in "$@"; do [[ "$arg" == --no-vad ]] && wants_vad=0; done

# ensure NAME DIR: pull NAME into the cache unless DIR already holds a model.
ensure() {
    local name="$1" dir="$2"
    [[ -f "$dir/model.pt" && -f "$dir/config.yaml" ]] && return 0
    if [[ "${SENSEVOICE_PULL:-auto}" == never ]]; then
        echo "start.sh: $name is missing from $dir and SENSEVOICE_PULL=never; pull it with: sensevoice models pull $name --cache $cache" >&2
        return 1
    fi
    mkdir -p "$cache"
    local source_args=()
    [[ -n "${SENSEVOICE_MODEL_SOURCE:-}" ]] && source_args=(--source "$SENSEVOICE_MODEL_SOURCE")
    echo "start.sh: pulling $name into $cache" >&2
    # Several containers may share the cache volume: one pulls, the others wait and find it done.
    (
        flock 9
        [[ -f "$dir/model.pt" && -f "$dir/config.yaml" ]] || "$bin" models pull "$name" --cache "$cache" "${source_args[@]}"
    ) 9>"$cache/.pull-$name.lock"
    if [[ ! -f "$dir/model.pt" ]]; then
        echo "start.sh: $name was pulled but $dir/model.pt is missing; point SENSEVOICE_MODEL / SENSEVOICE_VAD_MODEL at the pulled folder" >&2
        return 1
    fi
}

ensure sensevoice-small "$SENSEVOICE_MODEL"
if (( wants_vad )); then ensure fsmn-vad "$SENSEVOICE_VAD_MODEL"; fi

case "$mode" in
    pull) exit 0 ;;
    serve) exec "$bin" serve "$@" ;;
    worker) exec "$bin" worker "$@" ;;
esac
