#!/usr/bin/env python3
"""Load client of scripts/stream-bench.sh: N simultaneous /api/v1/stream WebSockets on loopback.

Each stream sends 16 kHz PCM16 of a WAV file (looped) paced at real time in 100 ms frames,
starting at its own random offset and connecting at its own random moment in the first
--spread-s seconds (as independent callers would: streams that all start together and start
mid-speech would all reach the VAD's 30 s cut in the same second), for --seconds, then ends the
stream and waits for its last finals and `done` (bounded by --drain-seconds). Finals carry
`vad_decided_at_ms` (the stream is opened with timing=true), so the latency of each final is
"VAD end decision → final event at this client" on the shared clock; the finals that close what
was still open when a stream ended carry none (no VAD decision) and are not counted. Prints one JSON line:
{streams, finals, p50_ms, p95_ms, max_ms, partials, errors, late_streams, cut_finals, p95_foreseeable_ms}:
cut_finals counts the finals of segments cut at the VAD's maximum length (--max-segment-ms less 0.1 s), whose audio
arrives with the decision so no recognition can start before it; p95_foreseeable_ms is the p95
of the others.

With STREAM_BENCH_FINALS=FILE set, each final is also appended to FILE as a JSON line
(stream, start_ms, end_ms, latency_ms) for a closer look.

Needs the `websockets` package. Bounded: --streams ≤ 256, --seconds ≤ 600; loopback only.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
import wave


def read_pcm16(path):
    with wave.open(path, "rb") as w:
        if w.getframerate() != 16000 or w.getsampwidth() != 2 or w.getnchannels() != 1:
            sys.exit(f"{path}: a 16 kHz 16-bit mono WAV is expected")
        return w.readframes(w.getnframes())


async def one_stream(index, url, pcm, seconds, drain, results, rng, max_segment_ms):
    import websockets
    frame = 3200  # 100 ms
    offset = rng.randrange(0, len(pcm) // frame) * frame
    latencies, partials, errors, cut = [], 0, [], []
    done = asyncio.Event()
    async with websockets.connect(url, max_size=None) as ws:
        async def reader():
            nonlocal partials
            async for message in ws:
                event = json.loads(message)
                kind = event.get("type")
                now = time.time() * 1000
                if kind == "final" and "vad_decided_at_ms" in event:
                    latencies.append(now - event["vad_decided_at_ms"])
                    cut.append(event.get("end_ms", 0) - event.get("start_ms", 0) >= max_segment_ms - 100)
                    if os.environ.get("STREAM_BENCH_FINALS"):  # one line per final, for a closer look
                        with open(os.environ["STREAM_BENCH_FINALS"], "a") as f:
                            f.write(json.dumps({"stream": index, "start_ms": event.get("start_ms"), "end_ms": event.get("end_ms"),
                                                "latency_ms": round(latencies[-1], 1)}) + "\n")
                elif kind == "partial":
                    partials += 1
                elif kind == "error":
                    errors.append(event["error"]["code"])
                elif kind == "done":
                    done.set()
                    return

        task = asyncio.create_task(reader())
        start = time.monotonic()
        sent = 0
        while sent * 0.1 < seconds:
            chunk = pcm[offset:offset + frame]
            if len(chunk) < frame:
                offset = 0
                chunk = pcm[:frame]
            offset += frame
            await ws.send(chunk)
            sent += 1
            delay = start + sent * 0.1 - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        await ws.send(json.dumps({"type": "end"}))
        try:
            await asyncio.wait_for(done.wait(), drain)
            late = False
        except asyncio.TimeoutError:
            late = True
        task.cancel()
    results.append({"latencies": latencies, "partials": partials, "errors": errors, "late": late, "cut": cut})


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def main_async(args):
    pcm = read_pcm16(args.audio)
    rng = random.Random(args.seed)
    results = []
    query = f"partial_interval_ms={args.partial_interval_ms}&timing=true&language={args.language}&max_segment_ms={args.max_segment_ms}"
    url = f"ws://127.0.0.1:{args.port}/api/v1/stream?{query}"
    tasks = []
    # Connect times from their own generator, so that the offsets stay those of the seed.
    starts = sorted(random.Random(args.seed + 1).uniform(0, args.spread_s) for _ in range(args.streams))
    t0 = time.monotonic()
    for i in range(args.streams):
        delay = max(t0 + starts[i] - time.monotonic(), args.stagger if i else 0)
        await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one_stream(i, url, pcm, args.seconds, args.drain_seconds, results, random.Random(rng.random()), args.max_segment_ms)))
    await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), args.seconds + args.drain_seconds + args.spread_s + 60)
    latencies = [x for r in results for x in r["latencies"]]
    foreseeable = [x for r in results for x, c in zip(r["latencies"], r["cut"]) if not c]
    out = {
        "streams": args.streams, "completed_streams": len(results), "finals": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "partials": sum(r["partials"] for r in results),
        "errors": sorted({e for r in results for e in r["errors"]}),
        "late_streams": sum(1 for r in results if r["late"]),
        "cut_finals": sum(1 for r in results for c in r["cut"] if c),
        "p95_foreseeable_ms": round(percentile(foreseeable, 95), 1) if foreseeable else None,
    }
    print(json.dumps(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--drain-seconds", type=float, default=60)
    parser.add_argument("--partial-interval-ms", type=int, default=0)
    parser.add_argument("--language", default="auto")
    parser.add_argument("--max-segment-ms", type=int, default=30000)
    parser.add_argument("--audio", required=True)
    parser.add_argument("--stagger", type=float, default=0.05, help="least gap between two connects")
    parser.add_argument("--spread-s", type=float, default=10, help="connects spread at random over this many seconds")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    if not (1 <= args.streams <= 256) or not (0 < args.seconds <= 600):
        sys.exit("--streams must be 1..256 and --seconds 0..600")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
