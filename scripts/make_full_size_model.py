#!/usr/bin/env python3
"""Writes a full-size SenseVoiceSmall model directory with random float32 weights (936 MB model.pt).

For measurements that need the real loading path (memory-mapped checkpoint), e.g. peak RSS per
precision (docs/performance.md): 512 wide, 50 + 20 SAN-M layers, vocab 25055, with the tiny
fixture's tokenizer and am.mvn. Not a test fixture; the weights are uniform ±1/sqrt(fan_in).

Needs numpy. Run from the package root:  python3 scripts/make_full_size_model.py /tmp/sv-full
"""
import collections
import importlib.util
import os
import shutil
import sys

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TINY = os.path.join(ROOT, "Tests", "Fixtures", "tiny-sensevoice")
spec = importlib.util.spec_from_file_location("ckpt", os.path.join(ROOT, "scripts", "make_test_checkpoints.py"))
ckpt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ckpt)

D, HEADS, UNITS, BLOCKS, TP, KERNEL, INPUT, VOCAB = 512, 4, 2048, 50, 20, 11, 560, 25055


def layer(prefix, n_in):
    return [(f"{prefix}.self_attn.linear_q_k_v.weight", [3 * D, n_in]), (f"{prefix}.self_attn.linear_q_k_v.bias", [3 * D]),
            (f"{prefix}.self_attn.linear_out.weight", [D, D]), (f"{prefix}.self_attn.linear_out.bias", [D]),
            (f"{prefix}.self_attn.fsmn_block.weight", [D, 1, KERNEL]),
            (f"{prefix}.feed_forward.w_1.weight", [UNITS, D]), (f"{prefix}.feed_forward.w_1.bias", [UNITS]),
            (f"{prefix}.feed_forward.w_2.weight", [D, UNITS]), (f"{prefix}.feed_forward.w_2.bias", [D]),
            (f"{prefix}.norm1.weight", [n_in]), (f"{prefix}.norm1.bias", [n_in]),
            (f"{prefix}.norm2.weight", [D]), (f"{prefix}.norm2.bias", [D])]


def specs():
    out = [("embed.weight", [16, INPUT])] + layer("encoder.encoders0.0", INPUT)
    for i in range(BLOCKS - 1):
        out += layer(f"encoder.encoders.{i}", D)
    out += [("encoder.after_norm.weight", [D]), ("encoder.after_norm.bias", [D])]
    for i in range(TP):
        out += layer(f"encoder.tp_encoders.{i}", D)
    out += [("encoder.tp_norm.weight", [D]), ("encoder.tp_norm.bias", [D]),
            ("ctc.ctc_lo.weight", [VOCAB, D]), ("ctc.ctc_lo.bias", [VOCAB])]
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sv-full"
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(5)
    storages, objs = [], collections.OrderedDict()
    for i, (name, shape) in enumerate(specs()):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("_norm.weight"):
            a = 1 + 0.1 * rng.uniform(-1, 1, shape)
        elif name.endswith(".bias"):
            a = 0.02 * rng.uniform(-1, 1, shape)
        else:
            a = rng.uniform(-1, 1, shape) / np.sqrt(fan_in)
        s = ckpt.Storage(str(i), "FloatStorage", [], numel=a.size, raw=a.astype("<f4").tobytes())
        storages.append(s)
        stride = [int(np.prod(shape[j + 1:])) for j in range(len(shape))]
        objs[name] = ckpt.Tensor(s, 0, shape, stride)
    ckpt.torch_like_zip(os.path.join(out_dir, "model.pt"), ckpt.archive("model/", ckpt.dumps(objs, 2), storages),
                        force_zip64_extra=False)
    with open(os.path.join(TINY, "config.yaml")) as f:
        config = f.read()
    for key, tiny, full in [("output_size", 64, D), ("linear_units", 192, UNITS), ("num_blocks", 3, BLOCKS),
                            ("tp_blocks", 2, TP)]:
        config = config.replace(f"{key}: {tiny}\n", f"{key}: {full}\n")
    with open(os.path.join(out_dir, "config.yaml"), "w") as f:
        f.write(config)
    for name in ["am.mvn", "chn_jpn_yue_eng_ko_spectok.bpe.model"]:
        shutil.copy(os.path.join(TINY, name), out_dir)
    print(out_dir, os.path.getsize(os.path.join(out_dir, "model.pt")) // (1 << 20), "MB")


if __name__ == "__main__":
    main()
