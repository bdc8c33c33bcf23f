// `denoise` on the REST, OpenAI, jobs and live routes, and `serve --denoise` as the default.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import NIOWebSocket
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("denoise (server)", .serialized)
struct DenoiseRouteTests {
    static let uri = "/api/v1/transcriptions"

    /// The `raw` text the tiny model gives `clip` after `method` (computed in-process, no route).
    static func expectedRaw(_ clip: String, _ method: DenoiseMethod) async throws -> String {
        let samples = try TestWAV.readPCM16(Fixtures.audio(clip)).samples
        let input = try Denoiser.apply(method, to: samples, sampleRate: 16_000)
        return try await TestServer.sharedPool.run { session, _ in
            try session.transcribe(AudioBuffer(samples: input, sampleRate: 16_000), file: nil, options: TranscriptionOptions()).raw
        }
    }

    static func post(_ client: some TestClientProtocol, uri: String = uri, _ fields: [(String, String)]) async throws -> TestResponse {
        let body = MultipartBody.with(file: try TestServer.clip("zh.wav"), filename: "zh.wav", fields: fields)
        return try await client.execute(uri: uri, method: .post, headers: body.headers, body: body.buffer)
    }

    static func raw(_ response: TestResponse) throws -> String? {
        try response.json()["raw"] as? String
    }

    @Test("per request: off is today's result, afftdn is recognition of the denoised samples; bad values are 400s naming the field")
    func perRequest() async throws {
        let plain = try await Self.expectedRaw("zh.wav", .off), denoised = try await Self.expectedRaw("zh.wav", .afftdn)
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            #expect(try Self.raw(try await Self.post(client, [])) == plain)
            #expect(try Self.raw(try await Self.post(client, [("denoise", "off")])) == plain)
            let afftdn = try await Self.post(client, [("denoise", "afftdn")])
            #expect(afftdn.status == .ok)
            #expect(try Self.raw(afftdn) == denoised)
            let openAI = try await Self.post(client, uri: "/v1/audio/transcriptions", [("denoise", "afftdn"), ("response_format", "text")])
            #expect(openAI.status == .ok, "\(openAI.text)")
            for (value, needle) in [("wiener", "use off, afftdn or rnnoise"), ("rnnoise", "no RNNoise model"),
                                    ("rnnoise:/etc/passwd", "cannot name a file")] {
                for uri in [Self.uri, "/v1/audio/transcriptions"] {
                    let response = try await Self.post(client, uri: uri, [("denoise", value)])
                    try expectError(response, .badRequest, code: "invalid_option")
                    #expect(response.text.contains("denoise") && response.text.contains(needle), "\(response.text)")
                }
            }
        }
    }

    @Test("serve --denoise is the default of requests without the field; a request's off wins; rnnoise uses the server's model")
    func serverDefault() async throws {
        let plain = try await Self.expectedRaw("zh.wav", .off), denoised = try await Self.expectedRaw("zh.wav", .afftdn)
        let byDefault = try TestServer.environment { $0.engine.denoise = .afftdn }
        try await TestServer.application(byDefault, workers: false).test(.router) { client in
            let implicit = try await Self.post(client, []), off = try await Self.post(client, [("denoise", "off")])
            #expect(try Self.raw(implicit) == denoised)
            #expect(try Self.raw(off) == plain)
        }
        let model = try RNNoiseTestModel.makeFile()
        defer { try? FileManager.default.removeItem(at: model) }
        let method = DenoiseMethod.rnnoise(modelFile: model.path)
        let expected = try await Self.expectedRaw("zh.wav", method)
        let withModel = try TestServer.environment { $0.engine.denoise = method }
        try await TestServer.application(withModel, workers: false).test(.router) { client in
            let response = try await Self.post(client, [("denoise", "rnnoise")])
            #expect(response.status == .ok, "\(response.text)")
            #expect(try Self.raw(response) == expected)
            // The model file vanished after start: a clear 400 naming it, the server goes on.
            try FileManager.default.removeItem(at: model)
            let gone = try await Self.post(client, [("denoise", "rnnoise")])
            try expectError(gone, .badRequest, code: "invalid_option")
            #expect(gone.text.contains(model.lastPathComponent), "\(gone.text)")
            #expect(try Self.raw(try await Self.post(client, [("denoise", "afftdn")])) == denoised)
        }
    }

    @Test("jobs: denoise is kept with the job and applied; a bad value refuses the submission")
    func jobs() async throws {
        let denoised = try await Self.expectedRaw("zh.wav", .afftdn)
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let submission = try await JobsRouteTests.submit(client, files: [("zh.wav", try TestServer.clip("zh.wav"))],
                                                             fields: [("denoise", "afftdn")])
            let id = try #require(JobsRouteTests.ids(submission).first)
            let job = try await JobsRouteTests.waitFinished(client, id: id)
            #expect(job["state"] as? String == "succeeded")
            let result = try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get)
            #expect(try Self.raw(result) == denoised)
            var body = MultipartBody()
            body.field("denoise", "loud")
            body.file(filename: "zh.wav", try TestServer.clip("zh.wav"))
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            try expectError(refused, .badRequest, code: "invalid_option")
        }
    }

    @Test("GET /api/v1/stream?denoise=afftdn: finals are offline recognition of the denoised stream's cuts; a bad value is refused")
    func liveStream() async throws {
        let pcm = try LiveStreamRouteTests.audio(seconds: 30)
        let samples = pcm.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 } }
        let denoised = try Denoiser.apply(.afftdn, to: samples, sampleRate: 16_000)
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream?partial_interval_ms=0&denoise=afftdn") { out in
                for chunk in stride(from: 0, to: pcm.count, by: 5000) {  // odd sizes: the filter carries its state
                    try await LiveClient.sendAudio(Array(pcm[chunk..<min(pcm.count, chunk + 5000)]), to: out)
                }
                try await out.write(.text(LiveStreamRouteTests.end))
            }
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let finals = record.events("final")
            #expect(!finals.isEmpty)
            let pool = try LiveTestServer.requirePool()
            for final in finals {
                let start = try #require(final["start_ms"] as? Int), end = try #require(final["end_ms"] as? Int)
                let cut = Array(denoised[min(denoised.count, start * 16)..<min(denoised.count, end * 16)])
                let offline = try await pool.run { session, _ in try session.recognize(cut, options: TranscriptionOptions()) }
                #expect(final["raw"] as? String == offline.raw, "segment \(start)–\(end) ms")
            }
            let refused = try await LiveClient.session(port: port, path: "/api/v1/stream?denoise=wiener") { _ in }
            #expect(refused.closeCode == .policyViolation)
            let message = (refused.events("error").first?["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("denoise"), "\(refused.texts)")
        }
    }

    @Test("realtime: session.denoise is accepted and echoed; an unknown one gets an error event and the session goes on")
    func realtime() async throws {
        let pcm = try RealtimeRouteTests.pcm16(seconds: 3)
        try await LiveStreamRouteTests.withServer { port, _ in
            let record = try await LiveClient.session(port: port, path: RealtimeRouteTests.path, closeWhen: RealtimeRouteTests.allCompleted(items: 1),
                                                      timeout: .seconds(120)) { out in
                try await out.write(.text(#"{"type":"transcription_session.update","session":{"denoise":"wiener"}}"#))
                try await out.write(.text(#"{"type":"transcription_session.update","session":{"denoise":"afftdn","turn_detection":null}}"#))
                try await RealtimeRouteTests.sendAppends(pcm, to: out)
                try await out.write(.text(#"{"type":"transcription_session.update","session":{"denoise":"off"}}"#))
                try await out.write(.text(#"{"type":"input_audio_buffer.commit"}"#))
            }
            let errors = record.events("error").compactMap { ($0["error"] as? [String: Any])?["message"] as? String }
            #expect(errors.count == 2, "\(errors)")
            #expect(errors.first?.contains("session.denoise") == true)
            #expect(errors.last?.contains("cannot change once audio was sent") == true)
            let updated = record.events("transcription_session.updated").compactMap { ($0["session"] as? [String: Any])?["denoise"] as? String }
            #expect(updated == ["afftdn"])
            #expect(record.events("conversation.item.input_audio_transcription.completed").count == 1)
        }
    }
}
