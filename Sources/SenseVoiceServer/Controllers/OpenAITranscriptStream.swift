// `stream=true` on OpenAI's `POST /v1/audio/transcriptions`: Server-Sent Events as segments finish.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs

/// Streams one upload's transcription as OpenAI's transcription stream events.
///
/// The upload is decoded first (so bad audio still answers 415/413 with the usual error body);
/// then the response is `text/event-stream`: one `transcript.text.delta` per recognised segment,
/// sent as its batch finishes, and `transcript.text.done` with the whole text. The deltas
/// concatenate to the done event's text (segments are joined as the JSON result joins them).
/// Our extra fields: `start`/`end` (seconds), `emotion` and `events` on each delta; `language`,
/// `emotion`, `events` on the done event. A failure after the stream started is sent as
/// `{"type":"error","error":{code,message}}` (OpenAI's clients raise it) and ends the stream.
/// A client that disconnects cancels the recognition at its next batch.
struct OpenAITranscriptStream: Sendable {
    let pool: InferencePool
    let limiter: RequestLimiter
    let metrics: ServerMetrics
    let decoding: AudioDecodingOptions

    /// Decodes `file` on the pool, then answers with the event stream.
    /// - Throws: `SenseVoiceError` from decoding (answered with its HTTP status).
    func response(file: UploadedFile, options: TranscriptionOptions) async throws -> Response {
        let decoder = AudioDecoder(options: decoding)
        let clock = ContinuousClock.now
        let audio: AudioBuffer
        do {
            audio = try await pool.run { _, _ in try decoder.decode(path: file.url.path, displayName: file.displayName) }
        } catch let error as SenseVoiceError {
            metrics.transcription.recordFailure(code: error.code.rawValue, source: "stream")
            throw error
        }
        let decodeSeconds = Double((ContinuousClock.now - clock).nanoseconds) / 1e9
        let pool = pool, limiter = limiter, metrics = metrics
        let name = file.displayName
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            // The stream counts as a synchronous request while it runs (--max-pending).
            limiter.enter()
            defer { limiter.leave() }
            let (segments, sink) = AsyncStream.makeStream(of: [SegmentResult].self, bufferingPolicy: .unbounded)
            do {
                let result = try await withThrowingTaskGroup(of: TranscriptionResult?.self) { group in
                    group.addTask {
                        defer { sink.finish() }
                        return try await pool.run { session, token in
                            try session.transcribe(audio, file: name, options: options, decodeSeconds: decodeSeconds,
                                                   segmentsFinished: { sink.yield($0) }, isCancelled: { token.isCancelled })
                        }
                    }
                    var raws: [String] = []
                    var sentText = ""
                    for await batch in segments {
                        for segment in batch {
                            raws.append(segment.raw)
                            let text = TranscriptTags.cleanJoin(raws)
                            let delta = String(text.unicodeScalars.dropFirst(sentText.unicodeScalars.count))
                            sentText = text
                            try await writer.write(Self.event(Delta(segment, delta: delta)))
                        }
                    }
                    var result: TranscriptionResult?
                    for try await r in group { if let r { result = r } }
                    return result
                }
                if let result {
                    metrics.transcription.recordSuccess(result, source: "stream")
                    try await writer.write(Self.event(Done(result)))
                }
            } catch let error as SenseVoiceError {
                metrics.transcription.recordFailure(code: error.code.rawValue, source: "stream")
                try? await writer.write(Self.event(ErrorEvent(code: error.code.rawValue, message: error.message)))
            } catch {
                // The client went away (a failed write): nothing left to tell it.
                metrics.transcription.recordFailure(code: "disconnected", source: "stream")
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// One `data:` event.
    static func event(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(string: "data: " + String(decoding: try APIResponse.encode(value), as: UTF8.self) + "\n\n")
    }

    /// `transcript.text.delta`, with the segment's times, emotion and events.
    struct Delta: Encodable {
        var type = "transcript.text.delta"
        var delta: String
        var start: Double
        var end: Double
        var emotion: String?
        var events: [String]

        init(_ segment: SegmentResult, delta: String) {
            self.delta = delta
            start = Double(segment.startMs) / 1000
            end = Double(segment.endMs) / 1000
            emotion = segment.emotion
            events = segment.events
        }
    }

    /// `transcript.text.done`.
    struct Done: Encodable {
        struct Usage: Encodable {
            var type = "duration"
            var seconds: Double
        }
        var type = "transcript.text.done"
        var text: String
        var language: String?
        var emotion: String?
        var events: [String]
        var usage: Usage

        init(_ result: TranscriptionResult) {
            text = result.text
            language = result.language
            emotion = result.emotion
            events = result.events
            usage = Usage(seconds: Double(result.durationMs) / 1000)
        }
    }
}
