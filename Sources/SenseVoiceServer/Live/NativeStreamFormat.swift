// `GET /api/v1/stream`'s events: speech_started, partial, final, done, error.

import SenseVoiceEngine

/// The events of `/api/v1/stream`, one JSON text frame each:
/// `{"type":"speech_started","start_ms"}`, `{"type":"partial","start_ms","end_ms","text",…}`
/// and `{"type":"final", …}` (a segment of the JSON result: start_ms, end_ms, language, emotion,
/// events, itn, raw, text, words — plus `rich`), `{"type":"done","duration_ms"}`,
/// `{"type":"error","error":{"code","message"}}`.
struct NativeStreamFormat: LiveWireFormat {
    var name: String { "stream" }
    /// `timing=true`: finals carry `vad_decided_at_ms`, the Unix time (ms) at which the VAD closed
    /// the segment, so a client on the same clock measures the final's latency (scripts/stream-bench.sh).
    var timing = false

    struct SpeechStarted: Encodable {
        var type = "speech_started"
        var start_ms: Int
    }

    /// A segment with its event type in front.
    struct SegmentEvent: Encodable {
        var type: String
        var segment: SegmentResult
        var decidedAtMs: Int64? = nil

        enum Keys: String, CodingKey { case type, rich, vad_decided_at_ms }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(type, forKey: .type)
            try container.encode(RichTranscription.postprocess(segment.raw), forKey: .rich)
            try container.encodeIfPresent(decidedAtMs, forKey: .vad_decided_at_ms)
            try segment.encode(to: encoder)
        }
    }

    struct Done: Encodable {
        var type = "done"
        var duration_ms: Int
    }

    struct ErrorEvent: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var type = "error"
        var error: Detail
    }

    func speechStarted(ms: Int, item: Int) throws -> [String] { [try json(SpeechStarted(start_ms: ms))] }
    func speechStopped(startMs: Int, endMs: Int, item: Int) throws -> [String] { [] }
    func partial(_ segment: SegmentResult, item: Int) throws -> [String] { [try json(SegmentEvent(type: "partial", segment: segment))] }
    func final(_ segment: SegmentResult, item: Int, decidedAtMs: Int64?) throws -> [String] {
        [try json(SegmentEvent(type: "final", segment: segment, decidedAtMs: timing ? decidedAtMs : nil))]
    }
    func done(durationMs: Int) throws -> [String] { [try json(Done(duration_ms: durationMs))] }

    func error(code: String, message: String, eventID: String?) -> String {
        (try? json(ErrorEvent(error: .init(code: code, message: message))))
            ?? #"{"type":"error","error":{"code":"internal_error","message":"error"}}"#
    }
}
