#!/usr/bin/env python3
"""Stage-by-stage goldens for FunASR's SenseVoice word timestamps (issue #16 item 5).

Run in a throwaway virtualenv with funasr 1.4.16 and torch (never in CI):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install torch funasr==1.4.16 sentencepiece numpy
    /tmp/venv/bin/python scripts/make_timestamp_goldens.py

Everything comes from funasr's own `SenseVoiceSmall.inference(..., output_timestamp=True)` on the
fixture model (Tests/Fixtures/tiny-sensevoice), fed each golden clip's `features.npy` (funasr's own
frontend output, so this environment's fbank backend plays no part), language auto, ITN on.
The script only watches it: `ctc_forced_align` is wrapped to record its inputs and output (the
real function still computes the result), and funasr's own tokenizer gives the re-tokenisation.

Two kinds of case per clip, in Tests/Fixtures/golden/timestamps/<clip>_<case>.{json,npy}:
- `text`: the plain run. With the fixture's tokenizer every piece re-encodes to two ids (the
  dummy prefix), so the targets outnumber the frames: no alignment fits and funasr gives one word
  over the whole clip (as in golden/<clip>/result.json `timestamps_auto_itn`).
- `greedy`, `every_other`, `repeats`, `spelled`: the same run with the re-tokenisation replaced
  (only `text2tokens`/`tokens2ids` of the tokenizer) so the targets are one id per piece: the
  greedy tokens of the speech frames; every other one of them; those with every fifth one doubled
  (equal neighbours need a blank between them); and those with ASCII-letter pieces and lone `▁`
  pieces put in (first piece included), which `post` joins and drops. These alignments fit, so
  funasr's alignment, span and `post` code run on real choices.

Per case the JSON holds the decoded `text`, the `pieces` (funasr's `tokens`), the target `ids`,
the emission `labels` (blank first, then the distinct targets) whose columns are in the .npy
(`[frames, labels]` float32, the log-probabilities funasr aligned, blank set to 0 where it was the
frame's best), the per-frame `alignment`, and funasr's result `timestamp` / `words`.
"""
import json
import os

import numpy as np
import torch

import funasr.models.sense_voice.model as sv_model
from funasr import AutoModel

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
MODEL = os.path.join(FIXTURES, "tiny-sensevoice")
OUT = os.path.join(FIXTURES, "golden", "timestamps")
CLIPS = ["en", "zh", "yue", "ja", "ko", "silence_2s"]
SPACE = 13  # the fixture tokenizer's "▁" piece

recorded = {}
real_align = sv_model.ctc_forced_align


def recording_align(log_probs, targets, input_lengths, target_lengths, **kwargs):
    recorded["log_probs"] = log_probs[0].clone().numpy()
    recorded["targets"] = targets[0].clone().tolist()
    alignment = real_align(log_probs, targets, input_lengths, target_lengths, **kwargs)
    recorded["alignment"] = alignment[0].tolist()
    return alignment


sv_model.ctc_forced_align = recording_align


def run(model, clip):
    """funasr's SenseVoiceSmall.inference on the clip's golden features (features.npy, funasr's own
    fbank + LFR + CMVN output), so the frontend of this environment plays no part."""
    recorded.clear()
    features = torch.from_numpy(np.load(os.path.join(FIXTURES, "golden", clip, "features.npy")))
    with torch.no_grad():
        results, _ = model.model.inference(
            data_in=features, data_lengths=torch.tensor([features.shape[0]]), key=[clip],
            tokenizer=model.kwargs["tokenizer"], frontend=model.kwargs["frontend"], data_type="fbank",
            language="auto", use_itn=True, output_timestamp=True, device="cpu")
    return results[0]


def save(name, result, pieces):
    targets = recorded["targets"]
    labels = [0] + sorted(set(t for t in targets if t != 0))
    emissions = np.ascontiguousarray(recorded["log_probs"][:, labels], dtype="<f4")
    np.save(os.path.join(OUT, f"{name}.npy"), emissions)
    entry = {
        "text": result["text"],
        "pieces": pieces,
        "ids": targets,
        "labels": labels,
        "frames": int(emissions.shape[0]),
        "alignment": recorded["alignment"],
        "timestamp": result.get("timestamp"),
        "words": result.get("words"),
    }
    with open(os.path.join(OUT, f"{name}.json"), "w", encoding="utf-8") as f:
        json.dump(entry, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    model = AutoModel(model=MODEL, device="cpu", disable_update=True, disable_log=True)
    tokenizer = model.kwargs["tokenizer"]
    sp = tokenizer.sp
    plain_text2tokens = tokenizer.text2tokens
    plain_tokens2ids = tokenizer.tokens2ids
    # ASCII-letter pieces (joined into words by `post`) and the lone "▁" piece (dropped by it).
    letters = [i for i in range(sp.GetPieceSize())
               if sp.IdToPiece(i).isascii() and sp.IdToPiece(i).isalpha() and not sp.IsControl(i)][:6]
    assert len(letters) == 6 and sp.IdToPiece(SPACE) == "\u2581"
    summary = {}
    drift = {}
    text_equal = {}
    for clip in CLIPS:
        tokenizer.text2tokens, tokenizer.tokens2ids = plain_text2tokens, plain_tokens2ids
        result = run(model, clip)
        pieces = plain_text2tokens(result["text"])[4:]
        save(f"{clip}_text", result, pieces)
        with open(os.path.join(FIXTURES, "golden", clip, "result.json"), encoding="utf-8") as f:
            reference = json.load(f)["timestamps_auto_itn"]
        # This run's torch may flip a near-tie token of the text (golden README margins); the
        # words and times must still be the golden ones.
        assert (result["timestamp"], result["words"]) == (reference["timestamp"], reference["words"]), \
            f"{clip}: differs from timestamps_auto_itn"
        golden_out = torch.from_numpy(np.load(os.path.join(FIXTURES, "golden", clip, "encoder_out_auto_itn.npy")))
        with torch.no_grad():
            golden_lp = model.model.ctc.log_softmax(golden_out.unsqueeze(0))[0, 4:].numpy()
        mask = np.ones_like(golden_lp, dtype=bool)
        mask[:, 0] = False  # blank is zeroed where best
        drift[clip] = float(np.abs(golden_lp - recorded["log_probs"])[mask].max())
        text_equal[clip] = result["text"] == reference["text"]
        summary[f"{clip}_text"] = len(result.get("words") or [])

        # The greedy tokens of the speech frames (after the 4 prompt frames).
        log_probs = recorded["log_probs"]
        best = log_probs.argmax(-1).tolist()
        greedy = [t for i, t in enumerate(best) if t != 0 and (i == 0 or best[i - 1] != t)]
        half = greedy[::2]
        spelled = [SPACE if i == 0 or i % 7 == 3 else letters[i % len(letters)] if i % 4 == 1 else t
                   for i, t in enumerate(half)]
        variants = {
            "greedy": greedy,
            "every_other": half,
            "repeats": [t for i, g in enumerate(half) for t in ([g, g] if i % 5 == 2 else [g])],
            "spelled": spelled,
        }
        for case, ids in variants.items():
            chosen = [sp.IdToPiece(i) for i in ids]
            # Four stand-in pieces in front, which inference drops ([4:]), then one piece per id.
            tokenizer.text2tokens = lambda _text, chosen=chosen: ["<a>", "<b>", "<c>", "<d>"] + chosen
            tokenizer.tokens2ids = lambda tokens: [[sp.PieceToId(p)] for p in tokens]
            result = run(model, clip)
            save(f"{clip}_{case}", result, chosen)
            summary[f"{clip}_{case}"] = len(result.get("words") or [])
    tokenizer.text2tokens, tokenizer.tokens2ids = plain_text2tokens, plain_tokens2ids
    print(json.dumps({"words": summary, "text_equals_golden": text_equal,
                      "max_logprob_diff_vs_golden_encoder_out": drift}, indent=1))


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
