#!/usr/bin/env python3
"""SNR before and after `--denoise`, and its CPU cost per minute of audio (README: "Denoising").

Speech: real_en.mp3 (the SenseVoiceSmall example clip in ../shared/fixtures/audio/real) repeated
to about a minute. Noise: white (seeded), and babble made of the other four example clips (zh,
ja, ko, yue), each scaled to the same power, shifted and repeated, then summed. Each noise is
mixed in at 0, 5 and 10 dB SNR (power of the whole speech signal over power of the noise), the
mix is denoised by `sensevoice denoise` (the same code `--denoise` runs), the output is aligned
to the clean speech by cross-correlation (within ±50 ms; the lag found is printed and should be
0), and SNR = 10·log10(Σ speech² / Σ (speech − output)²).

Usage:
  scripts/denoise-bench.py [--binary .build/release/sensevoice] [--rnnoise MODEL.rnnn]
                           [--level-db -20] [--ffmpeg-afftdn nf=-20 ...]

--level-db scales the whole recording (speech and noise) to show how a method depends on the
recording level; --ffmpeg-afftdn adds rows for FFmpeg's afftdn with fixed options (run by the
ffmpeg command-line tool over the same libavfilter; `floor+K` sets nf to the mix's 10th-percentile
frame power plus K dB), the comparisons docs/decisions.md cites.
Needs numpy. Prints a Markdown table.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RATE = 16_000


def read_wav(path):
    """A mono float32 or 16-bit PCM WAV as float64 samples."""
    data = open(path, "rb").read()
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if chunk == b"fmt ":
            fmt = int.from_bytes(data[pos + 8:pos + 10], "little")
        if chunk == b"data":
            raw = data[pos + 8:pos + 8 + size]
            if fmt == 3:
                return np.frombuffer(raw, dtype="<f4").astype(np.float64)
            return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768
        pos += 8 + size + (size & 1)
    raise ValueError(f"{path}: no data chunk")


def write_wav(path, x):
    x = np.asarray(x, dtype="<f4")
    header = b"RIFF" + (36 + 4 * len(x)).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
    header += (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + RATE.to_bytes(4, "little")
    header += (4 * RATE).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
    header += b"data" + (4 * len(x)).to_bytes(4, "little")
    with open(path, "wb") as f:
        f.write(header + x.tobytes())


def denoise(binary, method, source, out):
    """Runs `sensevoice denoise`; returns (samples, CPU seconds, audio seconds)."""
    line = subprocess.run([binary, "denoise", source, "--denoise", method, "-o", out],
                          check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    info = json.loads(line)
    return read_wav(out), info["denoise_cpu_seconds"], info["audio_seconds"]


def ffmpeg_afftdn(options, source, out):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-af", f"afftdn={options}", "-f", "f32le", out], check=True)
    return np.fromfile(out, dtype="<f4").astype(np.float64)


def floor_db(x, percentile=10):
    """The `percentile` of the 20 ms frame powers of `x`, in dBFS (what NoiseFloorTracker measures)."""
    frames = x[:len(x) // 320 * 320].reshape(-1, 320)
    return float(np.percentile(10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12), percentile))


def afftdn_options(options, mix):
    """`floor+K` → `nf=` the whole mix's noise floor plus K dB, within afftdn's −80…−20 (an offline
    stand-in for the tracked floor, to choose the margin); other strings pass through."""
    if not options.startswith("floor"):
        return options
    return f"nf={min(-20.0, max(-80.0, floor_db(mix) + float(options[5:] or 0))):.1f}"


def align(ref, y, max_lag=RATE // 20):
    """`y` shifted by the lag (within ±max_lag) that best correlates it with `ref`, and the lag."""
    n = len(ref) + len(y)
    cc = np.fft.irfft(np.fft.rfft(y, 2 * n) * np.conj(np.fft.rfft(ref, 2 * n)), 2 * n)
    candidates = np.concatenate([cc[:max_lag + 1], cc[-max_lag:]])
    i = int(np.argmax(candidates))
    lag = i if i <= max_lag else i - len(candidates)
    shifted = np.zeros_like(ref)
    if lag >= 0:
        shifted[:len(ref) - lag] = y[lag:len(ref)]
    else:
        shifted[-lag:] = y[:len(ref) + lag]
    return shifted, lag


def snr(ref, y):
    return 10 * np.log10(np.sum(ref ** 2) / np.sum((ref - y) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/sensevoice"))
    parser.add_argument("--fixtures", default=os.path.join(ROOT, "../shared/fixtures/audio/real"))
    parser.add_argument("--rnnoise", help="an RNNoise model file: adds rnnoise rows")
    parser.add_argument("--level-db", type=float, default=0.0, help="scale the recording (speech and noise) by this many dB")
    parser.add_argument("--ffmpeg-afftdn", nargs="*", default=[], help="afftdn option strings to compare (ffmpeg tool)")
    parser.add_argument("--repeat", type=int, default=8, help="copies of the speech clip (8 ≈ 57 s)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        def decoded(name):
            out = os.path.join(tmp, name + ".wav")
            samples, _, _ = denoise(args.binary, "off", os.path.join(args.fixtures, f"real_{name}.mp3"), out)
            return samples

        clean = np.tile(decoded("en"), args.repeat)
        n = len(clean)
        white = np.random.default_rng(2026).standard_normal(n)
        babble = np.zeros(n)
        for k, name in enumerate(["zh", "ja", "ko", "yue"]):
            talker = decoded(name)
            talker = np.roll(talker / np.sqrt(np.mean(talker ** 2)), -(k * 7919) % len(talker))
            babble += np.tile(talker, n // len(talker) + 1)[:n]
        gain = 10 ** (args.level_db / 20)
        clean *= gain

        methods = ["afftdn"] + ([f"rnnoise:{args.rnnoise}"] if args.rnnoise else [])
        print(f"speech: real_en.mp3 × {args.repeat} ({n / RATE:.1f} s), level {args.level_db:+.0f} dB; "
              f"SNR in dB after alignment (lag in samples)\n")
        print("| noise | SNR in | method | SNR out | gain | lag | CPU s per min of audio |")
        print("|---|---:|---|---:|---:|---:|---:|")
        for noise_name, noise in [("white", white), ("babble", babble)]:
            for target in [0, 5, 10]:
                scale = np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2) / 10 ** (target / 10))
                mix = clean + noise * scale
                source = os.path.join(tmp, "mix.wav")
                write_wav(source, mix)
                before = snr(clean, mix)
                for method in methods:
                    y, cpu, seconds = denoise(args.binary, method, source, os.path.join(tmp, "out.wav"))
                    y, lag = align(clean, y)
                    after = snr(clean, y)
                    label = method.split(":")[0]
                    print(f"| {noise_name} | {before:.1f} | {label} | {after:.1f} | {after - before:+.1f} | {lag} | {cpu / seconds * 60:.2f} |")
                for options in args.ffmpeg_afftdn:
                    y, lag = align(clean, ffmpeg_afftdn(afftdn_options(options, mix), source, os.path.join(tmp, "ff.f32")))
                    after = snr(clean, y)
                    print(f"| {noise_name} | {before:.1f} | ffmpeg afftdn={options} | {after:.1f} | {after - before:+.1f} | {lag} | – |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
