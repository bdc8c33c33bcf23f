// /v1/realtime session settings beyond OpenAI's: hotwords and beam search in input_audio_transcription,
// and input_audio_noise_reduction mapped to the denoiser, over a real WebSocket.

import Foundation
import HummingbirdWSClient
import NIOWebSocket
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("GET /v1/realtime: hotwords, decoding and noise reduction in the session", .serialized)
struct RealtimeSessionOptionsTests {
    /// The hotword LiveStreamRouteTests uses: the random tiny model spells it and it changes finals.
    static let hotword = "涷嶬:5"
    static let completedType = "conversation.item.input_audio_transcription.completed"

    /// zh.wav as PCM16 at 16 kHz (the session is told that rate, so the server's samples are these).
    static func zhPCM() throws -> [UInt8] { LiveClient.pcm16(try TestServer.clip("zh.wav")) }

    static func samples(_ pcm: [UInt8]) -> [Float] {
        pcm.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 } }
    }

    static func biasedOptions() throws -> TranscriptionOptions {
        var options = TranscriptionOptions()
        options.beamSearch = try BeamSearchOptions.resolve(decoding: nil, beamSize: nil, hotwords: try Hotword.parse(hotword), hotwordScore: nil)
        return options
    }

    /// Offline recognition of samples `start`–`end` ms of `samples`.
    static func offline(_ samples: [Float], startMs: Int, endMs: Int, options: TranscriptionOptions) async throws -> String {
        try await offline(Array(samples[min(samples.count, startMs * 16)..<min(samples.count, endMs * 16)]), options: options)
    }

    /// Offline recognition of all of `samples` (what a manual commit of the whole buffer recognises).
    static func offline(_ samples: [Float], options: TranscriptionOptions) async throws -> String {
        let pool = try LiveTestServer.requirePool()
        return try await pool.run { session, _ in try session.recognize(samples, options: options) }.parsed.text
    }

    /// Each completed transcript equals offline recognition of its cut with `options`, and at least
    /// one differs from greedy decoding (so the biasing did something).
    static func expectBiased(_ record: LiveSessionRecord, pcm: [UInt8], options: TranscriptionOptions,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let completed = record.events(completedType)
        #expect(!completed.isEmpty, "\(record.types)", sourceLocation: sourceLocation)
        let samples = samples(pcm)
        var changed = false
        for event in completed {
            let start = try #require(event["start_ms"] as? Int, sourceLocation: sourceLocation)
            let end = try #require(event["end_ms"] as? Int, sourceLocation: sourceLocation)
            let biased = try await offline(samples, startMs: start, endMs: end, options: options)
            let greedy = try await offline(samples, startMs: start, endMs: end, options: TranscriptionOptions())
            #expect(event["transcript"] as? String == biased, "item \(start)–\(end) ms", sourceLocation: sourceLocation)
            changed = changed || biased != greedy
        }
        #expect(changed, "the biasing changed no transcript", sourceLocation: sourceLocation)
    }

    static func errors(_ record: LiveSessionRecord) -> [[String: Any]] {
        record.events("error").compactMap { $0["error"] as? [String: Any] }
    }

    /// A realtime session on `port`, closed by the client once `items` items are transcribed.
    static func session(port: Int, items: Int,
                        send: @escaping @Sendable (WebSocketOutboundWriter) async throws -> Void) async throws -> LiveSessionRecord {
        try await LiveClient.session(port: port, path: RealtimeRouteTests.path, closeWhen: RealtimeRouteTests.allCompleted(items: items),
                                     timeout: .seconds(120), send: send)
    }

    /// Appends `pcm` in 150 ms events (at 16 kHz), then commits it.
    static func appendAndCommit(_ pcm: [UInt8], to out: WebSocketOutboundWriter) async throws {
        try await RealtimeRouteTests.sendAppends(pcm, to: out)
        try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
    }

    static func update(_ session: String, eventID: String? = nil) -> String {
        #"{"type":"transcription_session.update","# + (eventID.map { #""event_id":"\#($0)","# } ?? "") + #""session":\#(session)}"#
    }

    @Test("hotwords in input_audio_transcription: echoed, and each completed transcript equals offline beam search with them")
    func hotwords() async throws {
        let pcm = try Self.zhPCM()
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await Self.session(port: port, items: 1) { out in
                try await out.write(.text(Self.update(#"{"input_audio_sample_rate":16000,"input_audio_transcription":{"model":"sensevoice","hotwords":["\#(Self.hotword)"]}}"#)))
                try await Self.appendAndCommit(pcm, to: out)
            }
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let echo = try #require((record.events("transcription_session.updated").first?["session"] as? [String: Any])?["input_audio_transcription"] as? [String: Any])
            #expect(echo["decoding"] as? String == "beam")
            #expect(echo["hotwords"] as? [String] == [Self.hotword])
            #expect(echo["beam_size"] as? Int == BeamSearchOptions.defaultBeamSize)
            #expect(echo["hotword_score"] as? Double == BeamSearchOptions.defaultHotwordScore)

            try await Self.expectBiased(record, pcm: pcm, options: try Self.biasedOptions())
        }
    }

    @Test("OpenAI's keywords (GA session.update) are hotwords with the session's hotword_score; echoed apart from hotwords")
    func keywords() async throws {
        let pcm = try Self.zhPCM()
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await Self.session(port: port, items: 1) { out in
                try await out.write(.text(#"{"type":"session.update","session":{"audio":{"input":{"transcription":{"keywords":["x", ""]}}}}}"#))
                try await out.write(.text(#"{"type":"session.update","session":{"type":"transcription","audio":{"input":{"format":{"type":"audio/pcm","rate":16000},"transcription":{"model":"sensevoice","keywords":["涷嶬"],"hotword_score":5}}}}}"#))
                try await Self.appendAndCommit(pcm, to: out)
            }
            #expect(Self.errors(record).map { $0["param"] as? String } == ["session.audio.input.transcription.keywords"], "\(record.texts)")
            let updated = try #require(record.events("session.updated").first?["session"] as? [String: Any])
            let echo = try #require(((updated["audio"] as? [String: Any])?["input"] as? [String: Any])?["transcription"] as? [String: Any])
            #expect(echo["keywords"] as? [String] == ["涷嶬"])
            #expect(echo["hotwords"] as? [String] == [])
            #expect(echo["decoding"] as? String == "beam")
            #expect(echo["hotword_score"] as? Double == 5)

            var options = TranscriptionOptions()
            options.beamSearch = BeamSearchOptions(hotwords: [Hotword(phrase: "涷嶬")], hotwordScore: 5)
            try await Self.expectBiased(record, pcm: pcm, options: options)
        }
    }

    @Test("refused decoding fields and an unspellable hotword: error events naming the field; the session keeps its settings")
    func refused() async throws {
        let pcm = try Self.zhPCM()
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await Self.session(port: port, items: 1) { out in
                try await out.write(.text(Self.update(#"{"input_audio_sample_rate":16000,"turn_detection":null,"input_audio_transcription":{"hotwords":["\#(Self.hotword)"]}}"#)))
                // Each refused whole: the language en in the first must not stick either.
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"language":"en","hotwords":["🤖"]}}"#, eventID: "evt_robot")))
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"beam_size":0}}"#)))
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"decoding":"viterbi"}}"#)))
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"hotword_score":"lots"}}"#)))
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"hotwords":[7]}}"#)))
                try await out.write(.text(#"{"type":"session.update","session":{"audio":{"input":{"transcription":{"decoding":"greedy"}}}}}"#))
                try await Self.appendAndCommit(pcm, to: out)
            }
            let errors = Self.errors(record)
            let base = "session.input_audio_transcription"
            #expect(errors.map { $0["param"] as? String }
                    == ["\(base).hotwords", "\(base).beam_size", "\(base).decoding", "\(base).hotword_score", "\(base).hotwords",
                        "session.audio.input.transcription.decoding"], "\(record.texts)")
            #expect(errors.allSatisfy { $0["type"] as? String == "invalid_request_error" && $0["code"] as? String == "invalid_option" })
            #expect(errors.first?["event_id"] as? String == "evt_robot")
            #expect((errors.first?["message"] as? String)?.contains("vocabulary") == true, "\(errors.first ?? [:])")
            // Only the first update took effect.
            #expect(record.events("transcription_session.updated").count == 1)
            #expect(record.events("session.updated").isEmpty)

            let completed = try #require(record.events(Self.completedType).first)
            #expect(completed["start_ms"] as? Int == 0)
            let expected = try await Self.offline(Self.samples(pcm), options: try Self.biasedOptions())
            #expect(completed["transcript"] as? String == expected)
            try await LiveStreamRouteTests.expectHealthy(port: port)
        }
    }

    @Test("an update applies to items committed after it (buffered audio included); committed ones keep theirs; omitted fields keep their values")
    func midSession() async throws {
        let pcm = try Self.zhPCM()
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await Self.session(port: port, items: 3) { out in
                try await out.write(.text(Self.update(#"{"input_audio_sample_rate":16000,"turn_detection":null}"#)))
                try await Self.appendAndCommit(pcm, to: out)
                try await Self.appendAndCommit(pcm, to: out)
                // At once, while item 2 waits behind item 1 for recognition: it was committed greedy.
                // Item 3's first half is in the buffer before the update, its second half after.
                let half = pcm.count / 4 * 2
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"hotwords":["\#(Self.hotword)"],"hotword_score":3}}"#)))
                try await RealtimeRouteTests.sendAppends(Array(pcm[..<half]), to: out)
                try await out.write(.text(Self.update(#"{"input_audio_transcription":{"beam_size":8}}"#)))
                try await RealtimeRouteTests.sendAppends(Array(pcm[half...]), to: out)
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let echoes = record.events("transcription_session.updated").compactMap {
                ($0["session"] as? [String: Any])?["input_audio_transcription"] as? [String: Any]
            }
            #expect(echoes.map { $0["decoding"] as? String } == ["greedy", "beam", "beam"])
            #expect(echoes.last?["hotwords"] as? [String] == [Self.hotword], "beam_size alone keeps the hotwords")
            #expect(echoes.last?["hotword_score"] as? Double == 3)

            let completed = record.events(Self.completedType)
            try #require(completed.count == 3, "\(record.types)")
            let samples = Self.samples(pcm)
            let greedy = try await Self.offline(samples, options: TranscriptionOptions())
            var biased = try Self.biasedOptions()
            biased.beamSearch?.hotwordScore = 3
            let withHotword = try await Self.offline(samples, options: biased)
            #expect(greedy != withHotword, "the hotword must change the clip's transcript for this test to tell the items apart")
            let decodedAs = completed.map { event -> String in
                let text = event["transcript"] as? String
                return text == greedy ? "greedy" : text == withHotword ? "hotword" : "neither"
            }
            #expect(decodedAs == ["greedy", "greedy", "hotword"])
        }
    }

    @Test("input_audio_noise_reduction: near/far field run the denoiser and are echoed; null restores the start; an unknown type is refused")
    func noiseReduction() async throws {
        let pcm = try Self.zhPCM()
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await Self.session(port: port, items: 1) { out in
                try await out.write(.text(Self.update(#"{"input_audio_noise_reduction":{"type":"far_field"}}"#)))
                try await out.write(.text(Self.update(#"{"input_audio_noise_reduction":{"type":"studio"}}"#)))
                try await out.write(.text(Self.update(#"{"input_audio_noise_reduction":"loud"}"#)))
                try await out.write(.text(#"{"type":"session.update","session":{"audio":{"input":{"noise_reduction":null}}}}"#))
                try await out.write(.text(#"{"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/pcm","rate":16000},"noise_reduction":{"type":"near_field"},"turn_detection":null}}}}"#))
                try await RealtimeRouteTests.sendAppends(pcm, to: out)
                try await out.write(.text(Self.update(#"{"input_audio_noise_reduction":null}"#)))
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            let errors = Self.errors(record)
            #expect(errors.map { $0["param"] as? String }
                    == ["session.input_audio_noise_reduction.type", "session.input_audio_noise_reduction", nil], "\(record.texts)")
            #expect((errors.last?["message"] as? String)?.contains("cannot change once audio was sent") == true)
            let beta = try #require(record.events("transcription_session.updated").first?["session"] as? [String: Any])
            #expect((beta["input_audio_noise_reduction"] as? [String: Any])?["type"] as? String == "far_field")
            #expect(beta["denoise"] as? String == "afftdn")
            let ga = record.events("session.updated").compactMap { $0["session"] as? [String: Any] }
            #expect(ga.map { $0["denoise"] as? String } == ["off", "afftdn"])
            let inputs = ga.compactMap { ($0["audio"] as? [String: Any])?["input"] as? [String: Any] }
            #expect(inputs.first?["noise_reduction"] is NSNull)
            #expect((inputs.last?["noise_reduction"] as? [String: Any])?["type"] as? String == "near_field")

            // A committed buffer is denoised whole, as offline recognition of the denoised samples.
            let completed = try #require(record.events(Self.completedType).first)
            let denoised = try Denoiser.apply(.afftdn, to: Self.samples(pcm), sampleRate: 16_000)
            #expect(completed["transcript"] as? String == (try await Self.offline(denoised, options: TranscriptionOptions())))
        }
    }

    @Test("on a server with --denoise, input_audio_noise_reduction null keeps the server's denoiser")
    func noiseReductionNullOnDenoisingServer() async throws {
        try await LiveStreamRouteTests.withServer({ $0.engine.denoise = .afftdn }) { port, _ in
            let record = try await LiveClient.session(port: port, path: RealtimeRouteTests.path,
                                                      closeWhen: { $0.events("transcription_session.updated").count >= 2 }) { out in
                try await out.write(.text(Self.update(#"{"input_audio_noise_reduction":null}"#)))
                try await out.write(.text(Self.update(#"{"denoise":"off","input_audio_noise_reduction":{"type":"near_field"}}"#)))
            }
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let created = record.events("transcription_session.created").first?["session"] as? [String: Any]
            #expect(created?["denoise"] as? String == "afftdn")
            #expect(created?["input_audio_noise_reduction"] is NSNull)
            let updated = record.events("transcription_session.updated").compactMap { $0["session"] as? [String: Any] }
            #expect(updated.map { $0["denoise"] as? String } == ["afftdn", "off"], "session.denoise, our exact field, wins over OpenAI's")
        }
    }
}
