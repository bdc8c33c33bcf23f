// `GET /v1/realtime?intent=transcription`: OpenAI's Realtime API for transcription sessions.

import Foundation
import NIOCore
import SenseVoiceEngine
import WSCore

/// The reader of a Realtime transcription session.
///
/// Client events: `transcription_session.update` (beta shape: `input_audio_format`,
/// `input_audio_transcription.language`, `turn_detection`) and `session.update` (GA shape:
/// `session.audio.input.format {type: audio/pcm, rate}`, `.transcription.language`,
/// `.turn_detection`), `input_audio_buffer.append` (base64 PCM16 mono, 24 kHz unless the session
/// says otherwise), `input_audio_buffer.commit`, `input_audio_buffer.clear`. With server VAD
/// (the default) the streaming FSMN-VAD cuts the audio into items; `commit` closes the open
/// speech at once. With `turn_detection: null` audio waits in the buffer until `commit`, which
/// makes one item of it. Malformed events get an `error` event and the session goes on.
/// This server's extensions: `session.denoise` (off, afftdn, rnnoise), like the `denoise` query
/// parameter, and OpenAI's `input_audio_noise_reduction` mapped onto it; the denoiser cannot
/// change once audio was sent. The transcription settings take `decoding`, `beam_size`,
/// `hotwords` (an array of `phrase` or `phrase:score`) and `hotword_score`, read as the native
/// route reads them, and OpenAI's `keywords` (phrases favoured with the default score); a
/// hotword the tokenizer cannot spell refuses the update. A refused update gets an `error` event
/// (with `param` naming the field when one is to blame) and changes nothing.
/// Decoding settings apply to every item committed after the update (the open one included);
/// an item already committed keeps the settings it was committed with.
/// Closing the socket ends the session (there is no "end" event in this protocol).
struct RealtimeHandler: Sendable {
    let connection: LiveConnection
    let format: RealtimeFormat
    let vad: FSMNVAD
    let partialIntervalMs: Int
    /// `serve --denoise` (what `session.denoise: "rnnoise"` runs).
    var serverDenoise: DenoiseMethod = .off
    /// The upgrade request's query: its decoding fields are the session's starting ones.
    var query: [String: String] = [:]

    /// The session's settings.
    struct Session {
        var sampleRate = 24_000
        var serverVAD = true
        var language = "auto"
        /// The denoiser (the `denoise` query parameter, else the server's `--denoise`).
        var denoise: DenoiseMethod = .off
        /// What `input_audio_noise_reduction: null` comes back to: the denoiser the session started with.
        var startDenoise: DenoiseMethod = .off
        /// `input_audio_noise_reduction.type` as the client last set it; nil: null.
        var noiseReduction: String?
        /// The decoding fields as last set (``decodingFieldNames``), as request field text.
        var decodingFields: [String: String] = [:]
        /// OpenAI's `keywords`, as last set: hotwords with the default score.
        var keywords: [String] = []
        /// What they resolve to (keywords included); nil: greedy decoding.
        var beamSearch: BeamSearchOptions?
    }

    /// Reads until the client closes or a fatal error.
    func read(_ inbound: WebSocketInboundStream) async throws -> LiveConnection.ReaderEnd {
        var session = Session()
        session.denoise = connection.options.denoise ?? .off
        session.startDenoise = session.denoise
        session.decodingFields = query.filter { Self.decodingFieldNames.contains($0.key) }
        session.beamSearch = connection.options.beamSearch
        var cutter: LiveCutter?
        /// Manual-commit audio at the session rate, and the stream time it started at.
        var buffer: [Float] = []
        var bufferStartMs = 0
        var streamMs = 0.0
        var nextItem = 1
        connection.outbox.send(try sessionEvent("transcription_session.created", session))

        // Deltas extend the item's text, so partials here recognise the whole open segment.
        func newCutter() throws -> LiveCutter {
            try LiveCutter(vad: vad, clientRate: session.sampleRate, options: connection.options, partialIntervalMs: partialIntervalMs,
                           partialWindowMs: 0, startMs: Int(streamMs.rounded()), firstItem: nextItem)
        }
        func closeCutter() throws -> Bool {
            guard var c = cutter else { return true }
            cutter = nil
            let cuts = c.finish()
            nextItem = c.nextItem
            return try connection.dispatch(cuts, atStreamEnd: true)
        }

        for try await message in inbound.messages(maxSize: connection.settings.maxFrameBytes) {
            connection.touch()
            guard case .text(let text) = message else {
                connection.sendError(code: "binary_not_supported", message: "this protocol sends audio as base64 in input_audio_buffer.append events, not as binary frames")
                continue
            }
            guard let event = LiveClientMessage.object(text), let type = event["type"] as? String else {
                connection.sendError(code: "invalid_json", message: "a client event must be a JSON object with a \"type\"")
                continue
            }
            let eventID = event["event_id"] as? String
            switch type {
            case "transcription_session.update", "session.update":
                let hasAudio = cutter.map { $0.receivedMs > 0 } ?? false || !buffer.isEmpty
                do {
                    let updated = try Self.apply(event["session"], to: session, ga: type == "session.update",
                                                 serverDenoise: serverDenoise)
                    if updated.sampleRate != session.sampleRate && hasAudio {
                        throw SenseVoiceError(.invalidOption, "the audio format cannot change once audio was sent; open a new session")
                    }
                    if updated.denoise != session.denoise && hasAudio {
                        throw SenseVoiceError(.invalidOption, "denoise cannot change once audio was sent; open a new session")
                    }
                    var options = connection.options
                    options.language = try Language(parsing: updated.language)
                    options.denoise = updated.denoise
                    options.beamSearch = updated.beamSearch
                    if updated.beamSearch != session.beamSearch {
                        try checkHotwords(options, transcriptionPath: Self.transcriptionPath(ga: type == "session.update"))
                    }
                    if updated.serverVAD != session.serverVAD || updated.sampleRate != session.sampleRate || updated.denoise != session.denoise {
                        guard try closeCutter() else { return .closing }
                    }
                    session = updated
                    connection.options = options
                    connection.outbox.send(try sessionEvent(type == "session.update" ? "session.updated" : "transcription_session.updated", session))
                } catch let error as FieldError {
                    connection.outbox.send(format.error(code: error.error.code.rawValue, message: error.error.message, param: error.param, eventID: eventID))
                } catch let error as SenseVoiceError {
                    connection.sendError(code: error.code.rawValue, message: error.message, eventID: eventID)
                }
            case "input_audio_buffer.append":
                guard let audio = event["audio"] as? String, let bytes = Data(base64Encoded: audio) else {
                    connection.sendError(code: "invalid_base64", message: "input_audio_buffer.append needs \"audio\": base64 of PCM16 little-endian mono samples", eventID: eventID)
                    continue
                }
                let samples: [Float]
                do {
                    samples = try bytes.withUnsafeBytes { try PCMEncoding.s16le.decode($0) }
                } catch let error as SenseVoiceError {
                    connection.sendError(code: error.code.rawValue, message: error.message, eventID: eventID)
                    continue
                }
                guard connection.account(samples: samples.count, rate: session.sampleRate) else {
                    connection.fail(code: "stream_too_long", message: "the session is longer than the server's limit of \(Int(connection.settings.maxStreamSeconds)) s of audio; start a new session",
                                    closeCode: 1008)
                    return .closing
                }
                if session.serverVAD {
                    if cutter == nil { cutter = try newCutter() }
                    guard try connection.dispatch(cutter!.feed(samples)) else { return .closing }
                } else {
                    if buffer.isEmpty { bufferStartMs = Int(streamMs.rounded()) }
                    buffer += samples
                    if Double(buffer.count) / Double(session.sampleRate) > connection.settings.maxBacklogSeconds {
                        connection.fail(code: "buffer_full", message: "the input audio buffer holds more than \(Int(connection.settings.maxBacklogSeconds)) s; commit more often", closeCode: 1009)
                        return .closing
                    }
                }
                streamMs += Double(samples.count) * 1000 / Double(session.sampleRate)
            case "input_audio_buffer.commit":
                if session.serverVAD {
                    let before = nextItem
                    guard try closeCutter() else { return .closing }
                    if nextItem == before {
                        connection.sendError(code: "input_audio_buffer_commit_empty", message: "there is no speech in the buffer to commit", eventID: eventID)
                    }
                } else {
                    guard buffer.count * 10 >= session.sampleRate else {
                        connection.sendError(code: "input_audio_buffer_commit_empty", message: "the buffer holds less than 100 ms of audio; append more before committing", eventID: eventID)
                        continue
                    }
                    let samples = try Denoiser.apply(session.denoise, to: SincResampler.resample(buffer, from: session.sampleRate, to: LiveCutter.modelRate),
                                                     sampleRate: LiveCutter.modelRate)
                    let endMs = bufferStartMs + buffer.count * 1000 / session.sampleRate
                    buffer.removeAll()
                    let item = nextItem
                    nextItem += 1
                    connection.outbox.send(try format.committed(item: item))
                    let audio = LiveAudio(samples: samples, startMs: bufferStartMs, endMs: endMs, streamMs: endMs)
                    guard try connection.dispatch([.closed(audio, item: item, announce: false)]) else {
                        return .closing
                    }
                }
            case "input_audio_buffer.clear":
                buffer.removeAll()
                if let c = cutter {
                    nextItem = c.nextItem
                    cutter = nil
                    connection.queue.clear()
                }
                connection.outbox.send(try format.json(["event_id": format.eventID(), "type": "input_audio_buffer.cleared"]))
            default:
                connection.sendError(code: "unknown_event", message: "'\(type.prefix(60))' is not a client event of a transcription session; use transcription_session.update, session.update, input_audio_buffer.append, .commit or .clear",
                                     eventID: eventID)
            }
        }
        return .disconnected
    }

    // MARK: - Session events

    /// Applies a `transcription_session.update` (beta) or `session.update` (GA) body.
    /// - Throws: `SenseVoiceError(.invalidOption)` for formats and rates this server cannot take;
    ///   ``FieldError`` for bad decoding or noise-reduction fields.
    static func apply(_ body: Any?, to session: Session, ga: Bool, serverDenoise: DenoiseMethod = .off) throws -> Session {
        var s = session
        guard let body = body as? [String: Any] else {
            throw SenseVoiceError(.invalidOption, "\(ga ? "session.update" : "transcription_session.update") needs a \"session\" object")
        }
        var transcription: [String: Any]?
        var noiseReduction: Any?
        var turnDetection: Any?? = .none
        if ga {
            let input = (body["audio"] as? [String: Any])?["input"] as? [String: Any]
            if let format = input?["format"] as? [String: Any] {
                let type = format["type"] as? String ?? "audio/pcm"
                guard type == "audio/pcm" else {
                    throw SenseVoiceError(.invalidOption, "audio format '\(type.prefix(40))' is not supported; use audio/pcm (16-bit mono)")
                }
                if let rate = format["rate"] {
                    s.sampleRate = try rateValue(rate)
                }
            }
            transcription = input?["transcription"] as? [String: Any]
            if let input, input.keys.contains("turn_detection") { turnDetection = .some(input["turn_detection"]) }
            noiseReduction = input?["noise_reduction"]
        } else {
            if let format = body["input_audio_format"] {
                guard format as? String == "pcm16" else {
                    throw SenseVoiceError(.invalidOption, "input_audio_format '\(String(describing: format).prefix(40))' is not supported; use pcm16")
                }
            }
            if let rate = body["input_audio_sample_rate"] { s.sampleRate = try rateValue(rate) }
            transcription = body["input_audio_transcription"] as? [String: Any]
            if body.keys.contains("turn_detection") { turnDetection = .some(body["turn_detection"]) }
            noiseReduction = body["input_audio_noise_reduction"]
        }
        if let noiseReduction {
            try applyNoiseReduction(noiseReduction, to: &s, serverDenoise: serverDenoise, path: noiseReductionPath(ga: ga))
        }
        // Our own field, after OpenAI's: it names the method exactly.
        if let denoise = body["denoise"] {
            guard let name = denoise as? String else {
                throw SenseVoiceError(.invalidOption, "session.denoise must be a string: off, afftdn or rnnoise")
            }
            s.denoise = try DenoiseMethod.request(name, serverDefault: serverDenoise, field: "session.denoise")
        }
        if let transcription {
            try applyDecoding(transcription, to: &s, path: transcriptionPath(ga: ga))
        }
        if let language = transcription?["language"] as? String, !language.isEmpty {
            _ = try Language(parsing: language)
            s.language = language
        }
        if case .some(let detection) = turnDetection {
            if detection == nil || detection is NSNull {
                s.serverVAD = false
            } else if let detection = detection as? [String: Any] {
                let type = detection["type"] as? String ?? "server_vad"
                guard type == "server_vad" else {
                    throw SenseVoiceError(.invalidOption, "turn_detection type '\(type.prefix(40))' is not supported; use server_vad (the FSMN-VAD) or null (commit by hand)")
                }
                s.serverVAD = true
            }
        }
        return s
    }

    private static func rateValue(_ raw: Any) throws -> Int {
        guard let rate = (raw as? NSNumber)?.intValue, (8000...48_000).contains(rate) else {
            throw SenseVoiceError(.invalidOption, "the sample rate must be a whole number of Hz from 8000 to 48000, not \(String(describing: raw).prefix(20))")
        }
        return rate
    }

    /// `transcription_session.created|updated` (beta shape) or `session.updated` (GA shape).
    func sessionEvent(_ type: String, _ session: Session) throws -> String {
        let detection: Any = session.serverVAD ? ["type": "server_vad"] as [String: Any] : NSNull()
        let body: [String: Any]
        if type == "session.updated" {
            body = ["type": "transcription", "id": "sess_\(connection.id)", "object": "realtime.transcription_session",
                    "audio": ["input": ["format": ["type": "audio/pcm", "rate": session.sampleRate],
                                        "transcription": Self.transcriptionEcho(session),
                                        "noise_reduction": Self.noiseReductionEcho(session),
                                        "turn_detection": detection]],
                    "denoise": session.denoise.name]
        } else {
            body = ["id": "sess_\(connection.id)", "object": "realtime.transcription_session", "input_audio_format": "pcm16",
                    "input_audio_sample_rate": session.sampleRate,
                    "input_audio_transcription": Self.transcriptionEcho(session),
                    "input_audio_noise_reduction": Self.noiseReductionEcho(session),
                    "turn_detection": detection, "denoise": session.denoise.name]
        }
        let event: [String: Any] = ["event_id": format.eventID(), "type": type, "session": body]
        return String(decoding: try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}
