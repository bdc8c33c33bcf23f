// What a live protocol sends for each thing a stream has to say (JSON text frames).

import SenseVoiceEngine

/// Encodes a live stream's events in one protocol's vocabulary: `/api/v1/stream`'s own
/// (``NativeStreamFormat``) or OpenAI Realtime's (``RealtimeFormat``).
///
/// Each method returns the JSON texts to send, in order (none when the protocol has no such
/// event). Methods are called from one task at a time per stream.
protocol LiveWireFormat: Sendable {
    /// Metric label of the protocol.
    var name: String { get }
    /// Speech began at `ms` (stream time); `item` numbers the segment.
    func speechStarted(ms: Int, item: Int) throws -> [String]
    /// The VAD closed segment `item` at `endMs`; its final follows once recognised.
    func speechStopped(startMs: Int, endMs: Int, item: Int) throws -> [String]
    /// The open segment recognised so far (a droppable preview).
    func partial(_ segment: SegmentResult, item: Int) throws -> [String]
    /// The closed segment's result; `decidedAtMs` is when the VAD closed it (Unix time in ms).
    func final(_ segment: SegmentResult, item: Int, decidedAtMs: Int64?) throws -> [String]
    /// The stream ended normally after its last final.
    func done(durationMs: Int) throws -> [String]
    /// A problem the client should hear about; the stream goes on unless the caller closes it.
    func error(code: String, message: String, eventID: String?) -> String
}

extension LiveWireFormat {
    /// The JSON text of a value, as every JSON body of the API is spelt.
    func json(_ value: some Encodable) throws -> String {
        String(decoding: try APIResponse.encode(value), as: UTF8.self)
    }
}
