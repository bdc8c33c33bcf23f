// OpenAI Realtime transcription events (`/v1/realtime?intent=transcription`), plus our fields.

import SenseVoiceEngine
import Synchronization

/// The server events of OpenAI's Realtime API in a transcription session:
/// `input_audio_buffer.speech_started|speech_stopped|committed`,
/// `conversation.item.input_audio_transcription.delta|completed` (with our `emotion`, `events`,
/// `language`, `start_ms`, `end_ms`) and `error`; the session events come from
/// ``RealtimeHandler``.
///
/// Deltas only ever append (as OpenAI's do): a partial whose text extends what was sent for its
/// item sends the rest; a partial that revised earlier words sends nothing, and the final's
/// `completed` event always carries the whole transcript.
final class RealtimeFormat: LiveWireFormat {
    var name: String { "realtime" }
    private let eventCounter = Atomic<Int>(0)
    /// Text sent in deltas per item.
    private let sent = Mutex<[Int: String]>([:])

    func eventID() -> String { "event_\(eventCounter.add(1, ordering: .relaxed).newValue)" }
    static func itemID(_ item: Int) -> String { "item_\(item)" }

    struct SpeechStarted: Encodable {
        var event_id: String
        var type = "input_audio_buffer.speech_started"
        var audio_start_ms: Int
        var item_id: String
    }

    struct SpeechStopped: Encodable {
        var event_id: String
        var type = "input_audio_buffer.speech_stopped"
        var audio_end_ms: Int
        var item_id: String
    }

    struct Committed: Encodable {
        var event_id: String
        var type = "input_audio_buffer.committed"
        var previous_item_id: String?
        var item_id: String

        func encode(to encoder: any Encoder) throws {
            // OpenAI sends previous_item_id as null for the first item.
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(event_id, forKey: .event_id)
            try c.encode(type, forKey: .type)
            try c.encode(previous_item_id, forKey: .previous_item_id)
            try c.encode(item_id, forKey: .item_id)
        }

        enum CodingKeys: String, CodingKey { case event_id, type, previous_item_id, item_id }
    }

    struct Delta: Encodable {
        var event_id: String
        var type = "conversation.item.input_audio_transcription.delta"
        var item_id: String
        var content_index = 0
        var delta: String
    }

    struct Completed: Encodable {
        var event_id: String
        var type = "conversation.item.input_audio_transcription.completed"
        var item_id: String
        var content_index = 0
        var transcript: String
        var language: String?
        var emotion: String?
        var events: [String]
        var start_ms: Int
        var end_ms: Int
    }

    struct RealtimeError: Encodable {
        struct Detail: Encodable {
            var type = "invalid_request_error"
            var code: String
            var message: String
            var param: String?
            var event_id: String?
        }
        var event_id: String
        var type = "error"
        var error: Detail
    }

    func speechStarted(ms: Int, item: Int) throws -> [String] {
        [try json(SpeechStarted(event_id: eventID(), audio_start_ms: ms, item_id: Self.itemID(item)))]
    }

    func speechStopped(startMs: Int, endMs: Int, item: Int) throws -> [String] {
        [try json(SpeechStopped(event_id: eventID(), audio_end_ms: endMs, item_id: Self.itemID(item))), try committed(item: item)]
    }

    /// `input_audio_buffer.committed` for `item`.
    func committed(item: Int) throws -> String {
        try json(Committed(event_id: eventID(), previous_item_id: item > 1 ? Self.itemID(item - 1) : nil, item_id: Self.itemID(item)))
    }

    func partial(_ segment: SegmentResult, item: Int) throws -> [String] {
        guard let delta = appended(segment.text, item: item, final: false), !delta.isEmpty else { return [] }
        return [try json(Delta(event_id: eventID(), item_id: Self.itemID(item), delta: delta))]
    }

    func final(_ segment: SegmentResult, item: Int, decidedAtMs: Int64?) throws -> [String] {
        var out: [String] = []
        if let delta = appended(segment.text, item: item, final: true), !delta.isEmpty {
            out.append(try json(Delta(event_id: eventID(), item_id: Self.itemID(item), delta: delta)))
        }
        out.append(try json(Completed(event_id: eventID(), item_id: Self.itemID(item), transcript: segment.text,
                                      language: segment.language, emotion: segment.emotion, events: segment.events,
                                      start_ms: segment.startMs, end_ms: segment.endMs)))
        return out
    }

    func done(durationMs: Int) throws -> [String] { [] }

    func error(code: String, message: String, eventID clientEventID: String?) -> String {
        error(code: code, message: message, param: nil, eventID: clientEventID)
    }

    /// An `error` event whose `param` names the field of the client event that was refused.
    func error(code: String, message: String, param: String?, eventID clientEventID: String?) -> String {
        (try? json(RealtimeError(event_id: eventID(), error: .init(code: code, message: message, param: param, event_id: clientEventID))))
            ?? #"{"type":"error","error":{"type":"server_error","code":"internal_error","message":"error"}}"#
    }

    /// What `text` adds to the text already sent for `item`, or nil when it does not extend it.
    private func appended(_ text: String, item: Int, final: Bool) -> String? {
        sent.withLock { sent in
            let before = sent[item] ?? ""
            defer { if final { sent[item] = nil } }
            guard text.hasPrefix(before) else { return nil }
            if !final { sent[item] = text }
            return String(text.dropFirst(before.count))
        }
    }
}
