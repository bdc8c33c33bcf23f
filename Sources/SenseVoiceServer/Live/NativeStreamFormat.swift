// `GET /api/v1/stream`'s events: the engine's LiveEvent JSON (as `sensevoice stream --format jsonl`), and error.

import SenseVoiceEngine

/// The events of `/api/v1/stream`, one JSON text frame each, spelt by the engine's ``LiveEvent``
/// (the same lines `sensevoice stream --format jsonl` prints): `{"type":"speech_started","start_ms"}`,
/// `partial` and `final` (a segment of the JSON result plus `type` and `rich`),
/// `{"type":"done","duration_ms"}`; plus `{"type":"error","error":{"code","message"}}`.
struct NativeStreamFormat: LiveWireFormat {
    var name: String { "stream" }
    /// `timing=true`: finals carry `vad_decided_at_ms`, the Unix time (ms) at which the VAD closed
    /// the segment, so a client on the same clock measures the final's latency (scripts/stream-bench.sh).
    var timing = false

    /// A live event, with the VAD's decision time on finals when asked.
    struct Event: Encodable {
        var event: LiveEvent
        var decidedAtMs: Int64? = nil

        enum Keys: String, CodingKey { case vad_decided_at_ms }

        func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(decidedAtMs, forKey: .vad_decided_at_ms)
        }
    }

    func speechStarted(ms: Int, item: Int) throws -> [String] { [try json(Event(event: .speechStarted(startMs: ms)))] }
    func speechStopped(startMs: Int, endMs: Int, item: Int) throws -> [String] { [] }
    func partial(_ segment: SegmentResult, item: Int) throws -> [String] { [try json(Event(event: .partial(segment)))] }
    func final(_ segment: SegmentResult, item: Int, decidedAtMs: Int64?) throws -> [String] {
        [try json(Event(event: .final(segment), decidedAtMs: timing ? decidedAtMs : nil))]
    }
    func done(durationMs: Int) throws -> [String] { [try json(Event(event: .done(durationMs: durationMs)))] }

    func error(code: String, message: String, eventID: String?) -> String {
        (try? json(ErrorEvent(code: code, message: message)))
            ?? #"{"type":"error","error":{"code":"internal_error","message":"error"}}"#
    }
}
