#!/usr/bin/env bash
# Times the CTC decoding stage at release optimisation (issue #16): greedy vs beam 8 with 0, 100 and
# 1,000 hotwords per 30 s of full-size logits. Compiles the engine's decoding, tokenizer and kernel
# sources with scripts/bench-ctc-decoding/main.swift into one program (no SwiftPM release build needed).
# Usage: scripts/bench-ctc-decoding.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/CKernels"
cp "$root/Sources/CKernels/include/CKernels.h" "$work/CKernels/"
printf 'module CKernels {\n  header "CKernels.h"\n  export *\n}\n' > "$work/CKernels/module.modulemap"
for f in FastKernels FastMath Parallel KernelHelpers KernelLane DomainError SenseVoiceError LinearEpilogue "FastKernels+LogSumExp"; do
    cp "$root/Sources/SenseVoiceTensor/$f.swift" "$work/"
done
cp "$root"/Sources/SenseVoiceEngine/Decoding/*.swift "$root"/Sources/SenseVoiceEngine/Checkpoint/SentencePiece*.swift "$work/"
rm -f "$work/TokenTimestamps.swift"
sed -i '/^import SenseVoiceTensor/d' "$work"/*.swift
cp "$root/scripts/bench-ctc-decoding/main.swift" "$work/main.swift"
clang -O3 -c "$root/Sources/CKernels/kernels.c" -I "$work/CKernels" -o "$work/kernels.o"
swiftc -Ounchecked -wmo -I "$work/CKernels" "$work"/*.swift "$work/kernels.o" -o "$work/bench"
"$work/bench" "$root/Tests/Fixtures/tiny-sensevoice/chn_jpn_yue_eng_ko_spectok.bpe.model" \
    "$root/Tests/Fixtures/sentencepiece/bpe_goldens.json"
