#!/usr/bin/env python3
"""Reference CTC prefix beam search (issue #16) → Tests/Fixtures/golden/beam_search.json.

Run in a throwaway virtualenv with numpy (never in CI):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy
    /tmp/venv/bin/python scripts/ctc_beam_reference.py

Input: funasr's encoder output of every golden clip and prompt (Tests/Fixtures/golden/<clip>/
encoder_out_<tag>.npy), through the fixture model's CTC head (ctc.ctc_lo of
Tests/Fixtures/tiny-sensevoice/model.pt, read here without torch), log-softmax in float64. The
goldens store only funasr's top-5 log-probabilities, so the full rows are recomputed this way; the
script checks that they agree with funasr's top-5 (ids equal where the gap allows, values within
1e-4) before using them.

The algorithm, exactly as the issue states it: over all frames (prompts included), per frame the
candidates are the N best tokens plus blank (0); each prefix keeps log P(ending in blank) and
log P(ending in non-blank); blank keeps the prefix; the prefix's last token extends it only from
blank-ending paths and otherwise keeps it; any other token extends it; after each frame the N
prefixes with the highest total survive (ties: shorter, then smaller ids); the best total wins.

Output per clip/tag and beam size: the token ids, and the margins that say whether a float32
implementation must agree: `min_survivor_gap` (over frames, the gap between the N-th surviving
total and the best one cut), `min_candidate_gap` (over frames, the gap between the N-th and
(N+1)-th token log-probability), `final_gap` (best vs second-best final total).
"""
import json
import os
import pickle
import zipfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
GOLDEN = os.path.join(ROOT, "Tests", "Fixtures", "golden")
MODEL = os.path.join(ROOT, "Tests", "Fixtures", "tiny-sensevoice", "model.pt")
CLIPS = ["en", "zh", "yue", "ja", "ko", "silence_2s", "long_mixed"]
TAGS = ["auto_itn", "zh_noitn", "en_itn"]
BEAMS = [1, 8]
BLANK = 0


def load_tensors(path, names):
    """Reads float32 tensors from a PyTorch zip checkpoint without torch."""
    archive = zipfile.ZipFile(path)
    prefix = archive.namelist()[0].split("/")[0]

    class Dict(dict):
        pass  # takes the `_metadata` attribute PyTorch sets on its OrderedDict

    class Storage:
        def __init__(self, key):
            self.key = key

    def rebuild(storage, offset, size, stride, *rest):
        data = np.frombuffer(archive.read(f"{prefix}/data/{storage.key}"), dtype="<f4")
        return np.lib.stride_tricks.as_strided(data[offset:], shape=size,
                                               strides=[s * 4 for s in stride]).copy()

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if name == "_rebuild_tensor_v2":
                return rebuild
            if name == "OrderedDict":
                return Dict
            if name == "FloatStorage":
                return "float"
            return super().find_class(module, name)

        def persistent_load(self, pid):
            return Storage(pid[2])

    state = Unpickler(archive.open(f"{prefix}/data.pkl")).load()
    return [state[n] for n in names]


def log_softmax(x):
    m = x.max(axis=1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=1, keepdims=True))


def logaddexp(*xs):
    return np.logaddexp.reduce(np.array(xs, dtype=np.float64))


def beam_search(logp, beam):
    """Returns (ids, min_survivor_gap, min_candidate_gap, final_gap)."""
    frames, vocab = logp.shape
    beams = {(): (0.0, -np.inf)}  # prefix -> (log P blank-ending, log P non-blank-ending)
    survivor_gap = np.inf
    candidate_gap = np.inf
    for t in range(frames):
        row = logp[t]
        order = np.argsort(-row, kind="stable")
        top = [int(c) for c in order[:beam]]
        candidate_gap = min(candidate_gap, float(row[order[beam - 1]] - row[order[beam]]))
        candidates = top if BLANK in top else top + [BLANK]
        nxt = {}

        def add(prefix, pb, pnb):
            ob, onb = nxt.get(prefix, (-np.inf, -np.inf))
            nxt[prefix] = (logaddexp(ob, pb), logaddexp(onb, pnb))

        for prefix, (pb, pnb) in beams.items():
            total = logaddexp(pb, pnb)
            for c in candidates:
                p = float(row[c])
                if c == BLANK:
                    add(prefix, total + p, -np.inf)
                elif prefix and prefix[-1] == c:
                    add(prefix, -np.inf, pnb + p)
                    add(prefix + (c,), -np.inf, pb + p)
                else:
                    add(prefix + (c,), -np.inf, total + p)
        ranked = sorted(nxt.items(), key=lambda kv: (-logaddexp(*kv[1]), len(kv[0]), kv[0]))
        if len(ranked) > beam:
            survivor_gap = min(survivor_gap, logaddexp(*ranked[beam - 1][1]) - logaddexp(*ranked[beam][1]))
        beams = dict(ranked[:beam])
    final = sorted(beams.items(), key=lambda kv: (-logaddexp(*kv[1]), len(kv[0]), kv[0]))
    final_gap = logaddexp(*final[0][1]) - logaddexp(*final[1][1]) if len(final) > 1 else np.inf
    return list(final[0][0]), survivor_gap, candidate_gap, final_gap


def finite(x):
    return float(x) if np.isfinite(x) else 1e9


def main():
    weight, bias = load_tensors(MODEL, ["ctc.ctc_lo.weight", "ctc.ctc_lo.bias"])
    weight = weight.astype(np.float64)
    bias = bias.astype(np.float64)
    out = {}
    for clip in CLIPS:
        for tag in TAGS:
            enc = np.load(os.path.join(GOLDEN, clip, f"encoder_out_{tag}.npy")).astype(np.float64)
            logp = log_softmax(enc @ weight.T + bias)
            # Agreement with funasr's own top-5 log-probabilities.
            top_ids = np.load(os.path.join(GOLDEN, clip, f"top5_ids_{tag}.npy"))
            top_lp = np.load(os.path.join(GOLDEN, clip, f"top5_logp_{tag}.npy"))
            mine = np.take_along_axis(logp, top_ids.astype(np.int64), axis=1)
            assert np.abs(mine - top_lp).max() < 1e-4, (clip, tag, np.abs(mine - top_lp).max())
            entry = {"frames": int(logp.shape[0])}
            for beam in BEAMS:
                ids, sgap, cgap, fgap = beam_search(logp, beam)
                entry[f"beam_{beam}"] = {"token_ids": ids, "min_survivor_gap": finite(sgap),
                                         "min_candidate_gap": finite(cgap), "final_gap": finite(fgap)}
            greedy = [int(i) for i in np.argmax(logp, axis=1)]
            collapsed = [c for i, c in enumerate(greedy) if c != BLANK and (i == 0 or greedy[i - 1] != c)]
            entry["greedy_token_ids"] = collapsed
            out[f"{clip}/{tag}"] = entry
            print(clip, tag, {b: (len(entry[f'beam_{b}']['token_ids']), round(entry[f'beam_{b}']['min_survivor_gap'], 5),
                                  round(entry[f'beam_{b}']['min_candidate_gap'], 5)) for b in BEAMS},
                  "beam1==greedy:", entry["beam_1"]["token_ids"] == collapsed)
    with open(os.path.join(GOLDEN, "beam_search.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
