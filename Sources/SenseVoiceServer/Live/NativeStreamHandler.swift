// `GET /api/v1/stream`: raw PCM frames in, speech_started / partial / final / done out.

import Foundation
import NIOCore
import SenseVoiceEngine
import WSCore

/// The reader of `/api/v1/stream`: binary frames are audio in the stream's encoding and rate;
/// the text frame `{"type":"end"}` ends the stream (the rest is recognised, then `done`).
/// Any other text frame, and audio that is not whole samples, get an `error` event and the
/// stream goes on.
struct NativeStreamHandler: Sendable {
    /// The query parameters of the upgrade request.
    struct Parameters: Sendable {
        var options: TranscriptionOptions
        var sampleRate: Int
        var encoding: PCMEncoding
        var partialIntervalMs: Int

        /// Parses `language`, `itn` (or `use_itn`), `ban_emo_unk`, `timestamps`, `sample_rate`
        /// (8000–48000, default 16000), `encoding`, `partial_interval_ms` (0–60000), and
        /// `denoise` (off, afftdn, rnnoise; default: the server's `--denoise`, passed as `denoise`).
        /// - Throws: `SenseVoiceError` `.invalidOption` / `.unknownLanguage` naming the parameter.
        init(query: [String: String], settings: LiveStreamSettings, denoise: DenoiseMethod = .off) throws {
            options = try OptionParsing.transcriptionOptions { query[$0] }
            options.denoise = try OptionParsing.denoise({ query[$0] }, server: denoise)
            sampleRate = try Self.integer(query["sample_rate"], name: "sample_rate", default: 16_000, range: 8000...48_000)
            let name = query["encoding"]?.trimmingSpaces ?? ""
            encoding = name.isEmpty ? .s16le : try PCMEncoding(name: name)
            partialIntervalMs = try Self.integer(query["partial_interval_ms"], name: "partial_interval_ms",
                                                 default: settings.partialIntervalMs, range: 0...60_000)
        }

        static func integer(_ raw: String?, name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            guard let raw = raw?.trimmingSpaces, !raw.isEmpty else { return value }
            guard let n = Int(raw), range.contains(n) else {
                throw SenseVoiceError(.invalidOption, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(raw.prefix(40))'")
            }
            return n
        }
    }

    let connection: LiveConnection
    let parameters: Parameters
    let vad: FSMNVAD

    /// Reads until `end`, a disconnect or a fatal error.
    func read(_ inbound: WebSocketInboundStream) async throws -> LiveConnection.ReaderEnd {
        var cutter = try LiveCutter(vad: vad, clientRate: parameters.sampleRate, options: parameters.options,
                                    partialIntervalMs: parameters.partialIntervalMs, partialWindowMs: connection.settings.partialWindowMs)
        let encoding = parameters.encoding
        for try await message in inbound.messages(maxSize: connection.settings.maxFrameBytes) {
            connection.touch()
            switch message {
            case .binary(let buffer):
                let cuts: [LiveCut]
                do {
                    let samples = try buffer.withUnsafeReadableBytes { try encoding.decode($0) }
                    guard connection.account(samples: samples.count, rate: parameters.sampleRate) else {
                        connection.sendError(code: "stream_too_long", message: "the stream is longer than the server's limit of \(Int(connection.settings.maxStreamSeconds)) s; it was ended — start a new stream to go on")
                        return try finish(&cutter)
                    }
                    cuts = try cutter.feed(samples)
                } catch let error as SenseVoiceError {
                    // Not whole samples, or NaN/infinite ones: the frame is dropped, the stream goes on.
                    connection.sendError(code: error.code.rawValue, message: error.message)
                    continue
                }
                guard try connection.dispatch(cuts) else { return .closing }
            case .text(let text):
                switch LiveClientMessage.type(of: text) {
                case "end":
                    return try finish(&cutter)
                case let type:
                    let what = type.map { "'\($0.prefix(60))'" } ?? "a text frame that is not a JSON object with a \"type\""
                    connection.sendError(code: "unknown_event", message: "\(what) is not an event of this stream; send audio as binary frames and {\"type\":\"end\"} to finish")
                }
            }
        }
        return .disconnected
    }

    private func finish(_ cutter: inout LiveCutter) throws -> LiveConnection.ReaderEnd {
        _ = try connection.dispatch(cutter.finish(), atStreamEnd: true)
        return .finished(durationMs: cutter.receivedMs)
    }
}
