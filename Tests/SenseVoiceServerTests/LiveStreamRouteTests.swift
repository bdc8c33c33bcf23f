// GET /api/v1/stream over a real WebSocket: events, finals equal offline recognition, auth, limits, bad input.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import NIOCore
import NIOWebSocket
import SenseVoiceEngine
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("GET /api/v1/stream (WebSocket)", .serialized)
struct LiveStreamRouteTests {
    /// The first `seconds` of long_mixed.wav as 16-bit PCM.
    static func audio(seconds: Double) throws -> [UInt8] {
        let pcm = LiveClient.pcm16(try TestServer.clip("long_mixed.wav"))
        return Array(pcm.prefix(Int(seconds * 16_000) * 2))
    }

    static let end = #"{"type":"end"}"#

    /// Streams `pcm` to `/api/v1/stream?query`, then ends the stream; what the client received.
    static func stream(_ pcm: [UInt8], port: Int, query: String) async throws -> LiveSessionRecord {
        try await LiveClient.session(port: port, path: "/api/v1/stream?\(query)") { out in
            try await LiveClient.sendAudio(pcm, to: out)
            try await out.write(.text(Self.end))
        }
    }

    /// Offline recognition of the samples of `pcm` that `final` covers.
    static func offline(_ final: [String: Any], of pcm: [UInt8],
                        options: TranscriptionOptions = TranscriptionOptions()) async throws -> SegmentRecognition {
        let samples = pcm.withUnsafeBytes { raw in raw.bindMemory(to: Int16.self).map { Float(Int16(littleEndian: $0)) / 32768 } }
        let start = try #require(final["start_ms"] as? Int), end = try #require(final["end_ms"] as? Int)
        let cut = Array(samples[min(samples.count, start * 16)..<min(samples.count, end * 16)])
        return try await LiveTestServer.requirePool().run { session, _ in try session.recognize(cut, options: options) }
    }

    /// Runs `body` against a live (port-bound) test server on the VAD pool.
    static func withServer(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                           _ body: @escaping @Sendable (Int, ServerEnvironment) async throws -> Void) async throws {
        let env = try LiveTestServer.environment(configure)
        try await TestServer.application(env, workers: false).test(.live) { client in
            try await body(try #require(client.port), env)
        }
    }

    @Test("speech_started, finals in order and done; each final's text is the offline recognition of its cut")
    func finalsMatchOffline() async throws {
        let pcm = try Self.audio(seconds: 50)
        try await Self.withServer { port, env in
            let record = try await Self.stream(pcm, port: port, query: "language=auto&partial_interval_ms=0")
            #expect(record.closeCode == .normalClosure, "\(record.types)")
            #expect(record.types.last == "done")
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let finals = record.events("final")
            #expect(finals.count >= 2)
            #expect(record.events("speech_started").count == finals.count)
            #expect(record.events("partial").isEmpty)
            var previousEnd = 0
            for final in finals {
                let start = try #require(final["start_ms"] as? Int), end = try #require(final["end_ms"] as? Int)
                #expect(start >= previousEnd && end > start)
                previousEnd = end
                let offline = try await Self.offline(final, of: pcm)
                #expect(final["raw"] as? String == offline.raw, "segment \(start)–\(end) ms")
                #expect(final["text"] as? String == offline.parsed.text)
                #expect(final["events"] is [String])
                #expect(final["rich"] is String)
            }
            #expect((record.events("done").first?["duration_ms"] as? Int) == 50_000)
            // The VAD closed the first two segments while audio still came: their latency is recorded.
            let metrics = await env.metrics.render(host: env.host, store: env.store, pendingRequests: 0)
            let count = metrics.split(separator: "\n").first { $0.hasPrefix("sensevoice_live_final_latency_seconds_count") }
            #expect(count.flatMap { Double($0.split(separator: " ").last ?? "") } == Double(finals.count - 1), "\(count ?? "no latency histogram")")
        }
    }

    @Test("hotwords in the query bias the finals: each equals offline beam search with them, and they differ from greedy")
    func hotwords() async throws {
        let pcm = LiveClient.pcm16(try TestServer.clip("zh.wav"))
        let query = "hotwords=" + "涷嶬:5".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        try await Self.withServer { port, _ in
            let record = try await Self.stream(pcm, port: port, query: "partial_interval_ms=0&\(query)")
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let finals = record.events("final")
            #expect(!finals.isEmpty)
            var biasedOptions = TranscriptionOptions()
            biasedOptions.beamSearch = try BeamSearchOptions.resolve(decoding: nil, beamSize: nil, hotwords: try Hotword.parse("涷嶬:5"),
                                                                     hotwordScore: nil)
            var changed = false
            for final in finals {
                let biased = try await Self.offline(final, of: pcm, options: biasedOptions)
                let greedy = try await Self.offline(final, of: pcm)
                #expect(final["raw"] as? String == biased.raw, "segment \(final["start_ms"] ?? "?")–\(final["end_ms"] ?? "?") ms")
                changed = changed || biased.raw != greedy.raw
            }
            #expect(changed, "the hotword changed no final")
        }
    }

    @Test("max_segment_ms cuts long speech there, and each final still equals offline recognition of its cut")
    func maxSegment() async throws {
        let pcm = try Self.audio(seconds: 30)
        try await Self.withServer { port, _ in
            let record = try await Self.stream(pcm, port: port, query: "partial_interval_ms=0&max_segment_ms=6000")
            #expect(record.events("error").isEmpty, "\(record.texts)")
            let finals = record.events("final")
            var longest = 0
            for final in finals {
                let start = try #require(final["start_ms"] as? Int), end = try #require(final["end_ms"] as? Int)
                longest = max(longest, end - start)
                let offline = try await Self.offline(final, of: pcm)
                #expect(final["raw"] as? String == offline.raw, "segment \(start)–\(end) ms")
            }
            // The first 30 s hold an 18.7 s segment (0.9–19.6 s): cut into pieces of at most 6 s.
            #expect(finals.count >= 4, "\(finals.map { ($0["start_ms"] ?? 0, $0["end_ms"] ?? 0) })")
            #expect(longest > 5_000 && longest <= 6_020, "longest final \(longest) ms")
        }
    }

    @Test("partial_interval_ms sends partials of the open segment while it is open")
    func partials() async throws {
        let pcm = try Self.audio(seconds: 8)
        try await Self.withServer { port, _ in
            // 0.9 s to 8 s is one open segment (it closes at 19.6 s): only partials can come.
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream?partial_interval_ms=500",
                                                      closeWhen: { $0.events("partial").count >= 2 }, timeout: .seconds(120)) { out in
                for chunk in stride(from: 0, to: pcm.count, by: 6400) {
                    try await LiveClient.sendAudio(Array(pcm[chunk..<min(pcm.count, chunk + 6400)]), to: out)
                    try await Task.sleep(for: .milliseconds(40))
                }
            }
            #expect(record.events("final").isEmpty)
            let partials = record.events("partial")
            #expect(partials.count >= 2, "\(record.types)")
            #expect(partials.allSatisfy { $0["text"] is String && $0["start_ms"] as? Int == partials.first?["start_ms"] as? Int })
            let ends = partials.compactMap { $0["end_ms"] as? Int }
            #expect(ends == ends.sorted() && Set(ends).count == ends.count, "each partial covers more of the segment: \(ends)")
        }
    }

    @Test("API key: refused without it (error + close 1008), accepted in the header and as the subprotocol")
    func auth() async throws {
        let pcm = try Self.audio(seconds: 3)
        try await Self.withServer({ $0.apiKey = "s3cret" }) { port, _ in
            let denied = try await LiveClient.session(port: port, path: "/api/v1/stream") { _ in }
            #expect(denied.closeCode == .policyViolation)
            #expect(denied.events("error").first.flatMap { ($0["error"] as? [String: Any])?["code"] as? String } == "unauthorized")

            let wrong = try await LiveClient.session(port: port, path: "/api/v1/stream", headers: [.authorization: "Bearer nope"]) { _ in }
            #expect(wrong.closeCode == .policyViolation)

            let header = try await LiveClient.session(port: port, path: "/api/v1/stream", headers: [.authorization: "Bearer s3cret"]) { out in
                try await LiveClient.sendAudio(pcm, to: out)
                try await out.write(.text(Self.end))
            }
            #expect(header.types.last == "done", "\(header.texts)")

            let subprotocol = try await LiveClient.session(port: port, path: "/api/v1/stream",
                                                           headers: [.secWebSocketProtocol: "realtime, openai-insecure-api-key.s3cret"]) { out in
                try await LiveClient.sendAudio(pcm, to: out)
                try await out.write(.text(Self.end))
            }
            #expect(subprotocol.types.last == "done", "\(subprotocol.texts)")
        }
    }

    @Test("--max-streams: one stream over the limit gets error too_many_streams and close 1013; the slot frees on disconnect")
    func maxStreams() async throws {
        try await Self.withServer({ $0.live.maxStreams = 1 }) { port, env in
            let opened = AsyncStream.makeStream(of: Void.self)
            let release = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    _ = try await LiveClient.session(port: port, path: "/api/v1/stream", closeAfterSend: true) { out in
                        try await LiveClient.sendAudio(try Self.audio(seconds: 1), to: out)
                        opened.continuation.yield()
                        for await _ in release.stream { break }
                    }
                }
                for await _ in opened.stream { break }
                try await Self.waitFor { await Self.activeStreams(env) == 1 }
                let refused = try await LiveClient.session(port: port, path: "/api/v1/stream") { _ in }
                #expect(refused.closeCode == .unknown(1013))
                #expect(refused.events("error").first.flatMap { ($0["error"] as? [String: Any])?["code"] as? String } == "too_many_streams")
                release.continuation.yield()
                try await group.waitForAll()
            }
            try await Self.waitFor { await Self.activeStreams(env) == 0 }
            let again = try await LiveClient.session(port: port, path: "/api/v1/stream") { out in
                try await out.write(.text(Self.end))
            }
            #expect(again.types == ["done"])
        }
    }

    @Test("idle timeout closes a silent stream with error idle_timeout and code 1001")
    func idle() async throws {
        try await Self.withServer({ $0.live.idleTimeout = .milliseconds(400) }) { port, _ in
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream") { _ in
                try await Task.sleep(for: .seconds(30))
            }
            #expect(record.closeCode == .goingAway)
            #expect(record.events("error").first.flatMap { ($0["error"] as? [String: Any])?["code"] as? String } == "idle_timeout")
        }
    }

    @Test("a frame over the size limit closes the stream with 1009; the server stays healthy")
    func frameTooLarge() async throws {
        try await Self.withServer({ $0.live.maxFrameBytes = 4096 }) { port, env in
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream") { out in
                try await out.write(.binary(ByteBuffer(bytes: [UInt8](repeating: 0, count: 64 * 1024))))
                try await Task.sleep(for: .seconds(30))
            }
            #expect(record.closeCode == .messageTooLarge, "\(String(describing: record.closeCode))")
            try await Self.waitFor { await Self.activeStreams(env) == 0 }
            try await Self.expectHealthy(port: port)
        }
    }

    @Test("max stream length: the stream is ended with stream_too_long, its finals and done")
    func tooLong() async throws {
        let pcm = try Self.audio(seconds: 6)
        try await Self.withServer({ $0.live.maxStreamSeconds = 3 }) { port, _ in
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream") { out in
                try await LiveClient.sendAudio(pcm, to: out)
                try await Task.sleep(for: .seconds(30))
            }
            #expect(record.events("error").first.flatMap { ($0["error"] as? [String: Any])?["code"] as? String } == "stream_too_long")
            #expect(record.types.last == "done")
            #expect(record.closeCode == .normalClosure)
        }
    }

    @Test("malformed input: odd byte count and unknown events get an error and the stream goes on; sample_rate=0 closes with 1008")
    func malformed() async throws {
        let pcm = try Self.audio(seconds: 3)
        try await Self.withServer { port, env in
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream") { out in
                try await out.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                try await out.write(.text(#"{"type":"pause"}"#))
                try await out.write(.text("not json"))
                try await LiveClient.sendAudio(pcm, to: out)
                try await out.write(.text(Self.end))
            }
            let codes = record.events("error").compactMap { ($0["error"] as? [String: Any])?["code"] as? String }
            #expect(codes == ["audio_truncated", "unknown_event", "unknown_event"], "\(record.texts)")
            #expect(record.types.last == "done")
            #expect(!record.events("final").isEmpty)

            for query in ["sample_rate=0", "sample_rate=96000", "encoding=mp3", "language=klingon", "partial_interval_ms=-5", "decoding=viterbi",
                          "hotwords=%F0%9F%A4%96", "max_segment_ms=10", "max_segment_ms=ten"] {
                let bad = try await LiveClient.session(port: port, path: "/api/v1/stream?\(query)") { _ in }
                #expect(bad.closeCode == .policyViolation, "\(query)")
                #expect(bad.types == ["error"], "\(query): \(bad.texts)")
            }
            #expect(await Self.activeStreams(env) == 0)
            try await Self.expectHealthy(port: port)
        }
    }

    @Test("a disconnect mid-segment frees the stream at once; pcm_f32le at 48 kHz streams too")
    func disconnectAndFloat() async throws {
        let pcm = try Self.audio(seconds: 4)
        try await Self.withServer { port, env in
            _ = try await LiveClient.session(port: port, path: "/api/v1/stream", closeAfterSend: true) { out in
                try await LiveClient.sendAudio(Array(pcm.prefix(24_000)), to: out)
            }
            try await Self.waitFor { await Self.activeStreams(env) == 0 }
            let text = await env.metrics.render(host: env.host, store: env.store, pendingRequests: 0)
            #expect(text.contains(#"sensevoice_live_streams_total{protocol="stream",outcome="disconnected"} 1"#), "\(text.split(separator: "\n").filter { $0.contains("live") })")

            // Each 16 kHz sample three times: 48 kHz float.
            var floats: [UInt8] = []
            for i in stride(from: 0, to: pcm.count, by: 2) {
                let v = Float(Int16(bitPattern: UInt16(pcm[i]) | UInt16(pcm[i + 1]) << 8)) / 32768
                for _ in 0..<3 { withUnsafeBytes(of: v.bitPattern.littleEndian) { floats += $0 } }
            }
            let floatBytes = floats
            let record = try await LiveClient.session(port: port, path: "/api/v1/stream?sample_rate=48000&encoding=pcm_f32le") { out in
                try await LiveClient.sendAudio(floatBytes, frameBytes: 19_200, to: out)
                try await out.write(.text(Self.end))
            }
            #expect(record.types.last == "done")
            #expect(!record.events("final").isEmpty)
            #expect(record.events("error").isEmpty, "\(record.texts)")
            try await Self.expectHealthy(port: port)
        }
    }

    // MARK: - Helpers

    static func activeStreams(_ env: ServerEnvironment) async -> Int {
        let text = await env.metrics.render(host: env.host, store: env.store, pendingRequests: 0)
        let line = text.split(separator: "\n").first { $0.hasPrefix("sensevoice_live_streams_active{") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? 0
    }

    /// Polls `condition` for up to 30 s.
    static func waitFor(_ condition: () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("condition not met within 30 s", sourceLocation: sourceLocation)
    }

    /// A fresh stream still runs to its end.
    static func expectHealthy(port: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let record = try await LiveClient.session(port: port, path: "/api/v1/stream") { out in
            try await LiveClient.sendAudio(try audio(seconds: 2), to: out)
            try await out.write(.text(end))
        }
        #expect(record.types.last == "done", "a fresh stream after the test: \(record.texts)", sourceLocation: sourceLocation)
    }
}
