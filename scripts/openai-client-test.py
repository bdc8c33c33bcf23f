#!/usr/bin/env python3
"""Drives a running `sensevoice serve` with the official `openai` Python package.

  transcribe-stream  POST /v1/audio/transcriptions with stream=True: prints each event as a JSON
                     line, then a summary line {"ok", "deltas", "text"}; ok when every event is a
                     delta but the last, which is transcript.text.done whose text is the deltas joined.
  realtime           a transcription session over /v1/realtime?intent=transcription
                     (client.realtime.connect): session.update (with near_field noise reduction and
                     beam decoding, which session.updated must echo), then the file as base64 PCM16 24 kHz
                     in 100 ms appends paced --speed times real time, then waits for the completed
                     transcriptions; prints every server event type and a summary line
                     {"ok", "completed", "transcripts"}.

Exit status: 0 when ok, 1 on a failure, 77 when the openai package is missing or too old for the
mode (the calling test is skipped).
"""

import argparse
import base64
import json
import sys
import time
import wave

SKIP = 77


def read_pcm16(path, rate):
    """Mono 16-bit samples of a 16-bit PCM WAV, linearly resampled to `rate` (enough for a client test)."""
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2, "16-bit WAV expected"
        channels, source_rate = w.getnchannels(), w.getframerate()
        raw = w.readframes(w.getnframes())
    import array
    samples = array.array("h")
    samples.frombytes(raw)
    if channels > 1:
        samples = array.array("h", samples[::channels])
    if source_rate == rate:
        return samples.tobytes()
    n = int(len(samples) * rate / source_rate)
    out = array.array("h", bytes(2 * n))
    for i in range(n):
        x = i * source_rate / rate
        j = int(x)
        f = x - j
        a = samples[j]
        b = samples[j + 1] if j + 1 < len(samples) else a
        out[i] = int(round(a + (b - a) * f))
    return out.tobytes()


def transcribe_stream(args, openai):
    client = openai.OpenAI(base_url=args.base_url, api_key=args.api_key)
    deltas, done = [], None
    with open(args.file, "rb") as f:
        stream = client.audio.transcriptions.create(model="sensevoice-small", file=f, stream=True)
        for event in stream:
            data = event.model_dump() if hasattr(event, "model_dump") else dict(event)
            print(json.dumps(data, ensure_ascii=False))
            if event.type == "transcript.text.delta":
                if done is not None:
                    print("FAIL: a delta after the done event")
                    return 1
                deltas.append(event.delta)
            elif event.type == "transcript.text.done":
                done = event.text
    ok = done is not None and "".join(deltas) == done and len(deltas) > 0
    print(json.dumps({"ok": ok, "deltas": len(deltas), "text": done}, ensure_ascii=False))
    return 0 if ok else 1


def realtime(args, openai):
    import threading
    client = openai.OpenAI(base_url=args.base_url, api_key=args.api_key)
    realtime_resource = getattr(client, "realtime", None)
    if realtime_resource is None or not hasattr(realtime_resource, "connect"):
        print(f"SKIP: openai {openai.__version__} has no client.realtime.connect")
        return SKIP
    pcm = read_pcm16(args.file, 24000)
    chunk = 2 * 2400  # 100 ms at 24 kHz
    types, completed, updated = [], [], []
    lock = threading.Condition()
    with realtime_resource.connect(extra_query={"intent": "transcription"}) as connection:
        def read():
            try:
                for event in connection:
                    with lock:
                        types.append(event.type)
                        if event.type == "conversation.item.input_audio_transcription.completed":
                            completed.append(event.transcript)
                        if event.type == "session.updated":
                            updated.append(event.model_dump() if hasattr(event, "model_dump") else dict(event))
                        if event.type == "error":
                            print("server error:", event.model_dump() if hasattr(event, "model_dump") else event)
                        lock.notify_all()
            except Exception as e:  # noqa: BLE001 - the connection closing ends the reader
                print("reader stopped:", type(e).__name__, e)
            with lock:
                types.append("<closed>")
                lock.notify_all()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        connection.send({"type": "session.update", "session": {
            "type": "transcription",
            "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000},
                                # decoding/beam_size are this server's extension fields
                                "transcription": {"model": "sensevoice-small", "language": "en",
                                                  "decoding": "beam", "beam_size": 4},
                                "noise_reduction": {"type": "near_field"},
                                "turn_detection": {"type": "server_vad"}}}}})
        start = time.monotonic()
        for i, offset in enumerate(range(0, len(pcm), chunk)):
            connection.send({"type": "input_audio_buffer.append",
                             "audio": base64.b64encode(pcm[offset:offset + chunk]).decode()})
            time.sleep(max(0.0, start + (i + 1) * 0.1 / args.speed - time.monotonic()))
        connection.send({"type": "input_audio_buffer.commit"})
        deadline = time.monotonic() + args.timeout
        with lock:
            # Every committed item (VAD segments and the final commit) gets its completed event.
            while time.monotonic() < deadline and "<closed>" not in types:
                committed = types.count("input_audio_buffer.committed")
                if committed > 0 and len(completed) >= committed and types[-1] != "input_audio_buffer.committed":
                    break
                lock.wait(timeout=0.2)
    reader.join(timeout=5)
    for t in types:
        print(t)
    echoed = (updated[0].get("session") or {}).get("audio", {}).get("input", {}) if updated else {}
    print("session.updated audio.input:", json.dumps(echoed, ensure_ascii=False))
    ok = (types[:1] == ["transcription_session.created"] and "session.updated" in types
          and (echoed.get("noise_reduction") or {}).get("type") == "near_field"
          and (echoed.get("transcription") or {}).get("decoding") == "beam"
          and len(completed) > 0 and len(completed) == types.count("input_audio_buffer.committed")
          and "input_audio_buffer.speech_started" in types and "error" not in types)
    print(json.dumps({"ok": ok, "completed": len(completed), "transcripts": completed, "openai": openai.__version__},
                     ensure_ascii=False))
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["transcribe-stream", "realtime"])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:6006/v1")
    parser.add_argument("--api-key", default="unused")
    parser.add_argument("--file", required=True)
    parser.add_argument("--speed", type=float, default=8.0, help="pace of the realtime audio (× real time)")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    try:
        import openai
    except ImportError:
        print("SKIP: the openai package is missing (pip install openai)")
        return SKIP
    return transcribe_stream(args, openai) if args.mode == "transcribe-stream" else realtime(args, openai)


if __name__ == "__main__":
    sys.exit(main())
