#!/usr/bin/env python3
"""Makes Tests/Fixtures/alt-sensevoice: a SenseVoiceSmall-architecture model of OTHER dimensions.

Why: the engine must read every size from config.yaml. The funasr goldens cover one shape (the tiny
fixture); this script adds a second, stored in float16, with goldens from an independent numpy
implementation of the encoder written from docs/sensevoice-spec.md §3. Before writing anything, the
numpy implementation is checked against the funasr goldens of the tiny model (encoder output within
2e-4), so the alt goldens inherit that trust.

Needs numpy. Run from the package root:  python3 scripts/make_alt_model.py
"""
import collections
import importlib.util
import json
import os
import pickle
import shutil
import sys
import zipfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIX = os.path.join(ROOT, "Tests", "Fixtures")
TINY = os.path.join(FIX, "tiny-sensevoice")
OUT = os.path.join(FIX, "alt-sensevoice")
GOLD = os.path.join(FIX, "alt-golden")

spec = importlib.util.spec_from_file_location("ckpt", os.path.join(ROOT, "scripts", "make_test_checkpoints.py"))
ckpt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ckpt)


# --- reading a torch zip checkpoint without torch ---------------------------------------------

def read_checkpoint(path):
    z = zipfile.ZipFile(path)
    pkl = next(n for n in z.namelist() if n.endswith("data.pkl"))
    prefix = pkl[: -len("data.pkl")]
    dtypes = {"FloatStorage": "<f4", "HalfStorage": "<f2"}

    def rebuild(storage, offset, size, stride, *rest):
        item = storage.itemsize
        return np.lib.stride_tricks.as_strided(storage[offset:], tuple(size), tuple(s * item for s in stride)).astype(np.float32)

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if name == "_rebuild_tensor_v2":
                return rebuild
            if name == "_rebuild_parameter":
                return lambda t, *a: t
            if module == "collections" and name == "OrderedDict":
                return collections.OrderedDict
            if name.endswith("Storage"):
                return name
            raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

        def persistent_load(self, pid):
            _, typ, key, _, numel = pid
            return np.frombuffer(z.read(prefix + "data/" + key), dtype=dtypes[typ])[:numel]

    return dict(Unpickler(z.open(pkl)).load())


# --- the encoder, from the spec -----------------------------------------------------------------

def layer_norm(x, w, b):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return ((x - m) / np.sqrt(v + 1e-5) * w + b).astype(np.float32)


def sanm_layer(x, p, pre, d, heads, kernel, shift):
    t = x.shape[0]
    a = layer_norm(x, p[pre + ".norm1.weight"], p[pre + ".norm1.bias"])
    qkv = a @ p[pre + ".self_attn.linear_q_k_v.weight"].T + p[pre + ".self_attn.linear_q_k_v.bias"]
    q, k, v = qkv[:, :d], qkv[:, d:2 * d], qkv[:, 2 * d:]
    dk = d // heads
    ctx = np.zeros((t, d), np.float32)
    for h in range(heads):
        s = (q[:, h * dk:(h + 1) * dk] * dk ** -0.5) @ k[:, h * dk:(h + 1) * dk].T
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx[:, h * dk:(h + 1) * dk] = s @ v[:, h * dk:(h + 1) * dk]
    att = ctx @ p[pre + ".self_attn.linear_out.weight"].T + p[pre + ".self_attn.linear_out.bias"]
    w = p[pre + ".self_attn.fsmn_block.weight"][:, 0, :]          # [d, K]
    left = (kernel - 1) // 2 + shift
    padded = np.concatenate([np.zeros((left, d), np.float32), v, np.zeros((kernel - 1 - left, d), np.float32)])
    mem = sum(padded[j:j + t] * w[:, j] for j in range(kernel)) + v
    att = att + mem
    x = x + att if x.shape[1] == d else att
    f = layer_norm(x, p[pre + ".norm2.weight"], p[pre + ".norm2.bias"])
    f = np.maximum(f @ p[pre + ".feed_forward.w_1.weight"].T + p[pre + ".feed_forward.w_1.bias"], 0)
    return (x + f @ p[pre + ".feed_forward.w_2.weight"].T + p[pre + ".feed_forward.w_2.bias"]).astype(np.float32)


def encode(p, conf, feats, lang_row, itn_row):
    d, heads = conf["output_size"], conf["attention_heads"]
    kernel, shift = conf["kernel_size"], conf.get("sanm_shfit", 0)
    e = p["embed.weight"]
    x = np.concatenate([e[[lang_row, 1, 2, itn_row]], feats]).astype(np.float32)
    x = x * np.float32(d ** 0.5)
    depth = x.shape[1]
    half = depth // 2
    inc = np.log(np.float32(10000)) / np.float32(half - 1)
    inv = np.exp(np.arange(half, dtype=np.float32) * -inc)
    pos = np.arange(1, x.shape[0] + 1, dtype=np.float32)[:, None] * inv[None, :]
    x = x + np.concatenate([np.sin(pos), np.cos(pos)], 1)
    x = sanm_layer(x, p, "encoder.encoders0.0", d, heads, kernel, shift)
    for i in range(conf["num_blocks"] - 1):
        x = sanm_layer(x, p, f"encoder.encoders.{i}", d, heads, kernel, shift)
    x = layer_norm(x, p["encoder.after_norm.weight"], p["encoder.after_norm.bias"])
    for i in range(conf["tp_blocks"]):
        x = sanm_layer(x, p, f"encoder.tp_encoders.{i}", d, heads, kernel, shift)
    x = layer_norm(x, p["encoder.tp_norm.weight"], p["encoder.tp_norm.bias"])
    logits = x @ p["ctc.ctc_lo.weight"].T + p["ctc.ctc_lo.bias"]
    m = logits.max(-1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(-1, keepdims=True))
    return x, logp.astype(np.float32)


TINY_CONF = dict(output_size=64, attention_heads=4, linear_units=192, num_blocks=3, tp_blocks=2, kernel_size=11)
ALT_CONF = dict(output_size=48, attention_heads=3, linear_units=80, num_blocks=2, tp_blocks=1, kernel_size=7)
CASES = {"auto_itn": (0, 14), "zh_noitn": (3, 15), "en_itn": (4, 14)}


def check_reference():
    p = read_checkpoint(os.path.join(TINY, "model.pt"))
    worst = 0.0
    for clip in ["en", "ko"]:
        feats = np.load(os.path.join(FIX, "golden", clip, "features.npy"))
        for tag, (lang, itn) in CASES.items():
            out, _ = encode(p, TINY_CONF, feats, lang, itn)
            gold = np.load(os.path.join(FIX, "golden", clip, f"encoder_out_{tag}.npy"))
            worst = max(worst, float(np.abs(out - gold).max()))
    print(f"numpy reference vs funasr goldens: max |diff| {worst:.2e}")
    assert worst < 2e-4, "the numpy reference does not reproduce funasr; fix it before making goldens"


def alt_state_dict(conf, rng):
    d, u, k, inp = conf["output_size"], conf["linear_units"], conf["kernel_size"], 560
    shapes = [("embed.weight", (16, inp))]

    def layer(pre, n_in):
        return [(f"{pre}.self_attn.linear_q_k_v.weight", (3 * d, n_in)), (f"{pre}.self_attn.linear_q_k_v.bias", (3 * d,)),
                (f"{pre}.self_attn.linear_out.weight", (d, d)), (f"{pre}.self_attn.linear_out.bias", (d,)),
                (f"{pre}.self_attn.fsmn_block.weight", (d, 1, k)),
                (f"{pre}.feed_forward.w_1.weight", (u, d)), (f"{pre}.feed_forward.w_1.bias", (u,)),
                (f"{pre}.feed_forward.w_2.weight", (d, u)), (f"{pre}.feed_forward.w_2.bias", (d,)),
                (f"{pre}.norm1.weight", (n_in,)), (f"{pre}.norm1.bias", (n_in,)),
                (f"{pre}.norm2.weight", (d,)), (f"{pre}.norm2.bias", (d,))]

    shapes += layer("encoder.encoders0.0", inp)
    for i in range(conf["num_blocks"] - 1):
        shapes += layer(f"encoder.encoders.{i}", d)
    shapes += [("encoder.after_norm.weight", (d,)), ("encoder.after_norm.bias", (d,))]
    for i in range(conf["tp_blocks"]):
        shapes += layer(f"encoder.tp_encoders.{i}", d)
    shapes += [("encoder.tp_norm.weight", (d,)), ("encoder.tp_norm.bias", (d,)),
               ("ctc.ctc_lo.weight", (25055, d)), ("ctc.ctc_lo.bias", (25055,))]
    sd = collections.OrderedDict()
    for name, shape in shapes:
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name.endswith("_norm.weight"):
            a = 1 + 0.2 * rng.standard_normal(shape)
        elif name.endswith(".bias"):
            a = 0.1 * rng.standard_normal(shape)
        elif name == "ctc.ctc_lo.weight":
            a = 2.5 * rng.standard_normal(shape) / np.sqrt(fan_in)
        else:
            a = rng.standard_normal(shape) / np.sqrt(fan_in)
        sd[name] = a.astype(np.float16)   # stored as float16: the loader must convert
    return sd


def write_checkpoint(path, sd):
    storages, objs = [], collections.OrderedDict()
    for i, (name, a) in enumerate(sd.items()):
        raw = np.ascontiguousarray(a).astype("<f2").tobytes()
        s = ckpt.Storage(str(i), "HalfStorage", [], numel=a.size, raw=raw)
        storages.append(s)
        stride = [int(np.prod(a.shape[j + 1:])) for j in range(a.ndim)]
        objs[name] = ckpt.Tensor(s, 0, list(a.shape), stride)
    ckpt.torch_like_zip(path, ckpt.archive("model/", ckpt.dumps(objs, 2), storages), force_zip64_extra=False)


def main():
    check_reference()
    rng = np.random.default_rng(20261124)
    sd = alt_state_dict(ALT_CONF, rng)
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(GOLD, exist_ok=True)
    write_checkpoint(os.path.join(OUT, "model.pt"), sd)
    for f in ["am.mvn", "chn_jpn_yue_eng_ko_spectok.bpe.model", "configuration.json"]:
        shutil.copy(os.path.join(TINY, f), os.path.join(OUT, f))
    with open(os.path.join(TINY, "config.yaml")) as f:
        text = f.read()
    for key in ["output_size", "attention_heads", "linear_units", "num_blocks", "tp_blocks", "kernel_size"]:
        text = text.replace(f"  {key}: {TINY_CONF[key]}\n", f"  {key}: {ALT_CONF[key]}\n")
    with open(os.path.join(OUT, "config.yaml"), "w") as f:
        f.write(text)
    p = {k: v.astype(np.float32) for k, v in sd.items()}
    summary = {}
    for clip in ["en", "ko"]:
        feats = np.load(os.path.join(FIX, "golden", clip, "features.npy"))
        for tag, (lang, itn) in CASES.items():
            out, logp = encode(p, ALT_CONF, feats, lang, itn)
            np.save(os.path.join(GOLD, f"{clip}_encoder_out_{tag}.npy"), out)
            np.save(os.path.join(GOLD, f"{clip}_argmax_{tag}.npy"), logp.argmax(-1).astype(np.int32))
            top2 = np.sort(logp, -1)[:, -2:]
            np.save(os.path.join(GOLD, f"{clip}_gap_{tag}.npy"), (top2[:, 1] - top2[:, 0]).astype(np.float32))
            summary[f"{clip}_{tag}"] = {"min_top2_margin": float((top2[:, 1] - top2[:, 0]).min())}
    with open(os.path.join(GOLD, "summary.json"), "w") as f:
        json.dump({"config": ALT_CONF, "cases": summary}, f, indent=2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
