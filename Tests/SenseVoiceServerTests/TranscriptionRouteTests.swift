// POST /api/v1/transcriptions: real inference on the tiny model, formats, and every error status.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("POST /api/v1/transcriptions")
struct TranscriptionRouteTests {
    static let uri = "/api/v1/transcriptions"

    @Test("a WAV upload gives the design-doc JSON result")
    func json() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"), filename: "../secret/en.wav",
                                          fields: [("language", "en"), ("use_itn", "false")])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            let result = try JSONDecoder().decode(TranscriptionResult.self, from: Data(response.text.utf8))
            #expect(result.file == "en.wav", "folders in the client's file name are dropped")
            #expect(result.durationMs == 6401)
            #expect(result.segments.count == 1)
            #expect(!result.raw.isEmpty)
            let object = try response.json()
            #expect(Set(object.keys).isSuperset(of: ["file", "duration_ms", "events", "text", "raw", "rich", "segments", "timings"]))
        }
    }

    @Test("format=srt|vtt|tsv|verbose_json", arguments: [
        ("srt", "application/x-subrip", "1\n00:00:00,000 --> "),
        ("vtt", "text/vtt", "WEBVTT\n\n00:00:00.000 --> "),
        ("tsv", "text/tab-separated-values", "start_ms\tend_ms\tlanguage\temotion\tevents\ttext\n0\t11803\t"),
        ("verbose_json", "application/json", "{"),
    ])
    func formats(format: String, type: String, prefix: String) async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("zh.wav"), fields: [("format", format)])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(response.headers[.contentType] ?? "")")
            #expect(response.text.hasPrefix(prefix), "\(response.text.prefix(200))")
        }
    }

    /// The text formats are the golden transcript, one line: zh.wav decoded as zh without ITN, the
    /// clip/tag pair whose top-2 margin (4.4e-3) makes it exact (Tests/Fixtures/golden/README.md).
    /// The golden text has no `<|…|>` tags, so clean text and raw text are the same line; its
    /// emotion is neutral and its only event is speech, which neither emoji nor labels mark.
    @Test("format=text|raw|rich|labels is the golden transcript", arguments: [("text", "text"), ("raw", "text"), ("rich", "rich"), ("labels", "rich")])
    func textFormatsMatchTheGolden(format: String, goldenKey: String) async throws {
        let golden = try #require(try Fixtures.result("zh")["zh_noitn"] as? [String: Any])
        let expected = try #require(golden[goldenKey] as? String)
        #expect(!expected.contains("<|"))
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("zh.wav"),
                                          fields: [("format", format), ("language", "zh"), ("use_itn", "false")])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true, "\(response.headers[.contentType] ?? "")")
            #expect(response.text == expected + "\n", "\(format): \(response.text.prefix(200))")
        }
    }

    @Test("a raw audio body with options in the query string")
    func rawBody() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            var headers = HTTPFields()
            headers[.contentType] = "audio/wav"
            let response = try await client.execute(uri: Self.uri + "?language=zh&format=text&filename=a.wav", method: .post,
                                                    headers: headers, body: ByteBuffer(bytes: try TestServer.clip("zh.wav")))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test("400 for unknown languages, bad booleans, bad formats, missing or repeated files, malformed forms")
    func badRequests() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let clip = try TestServer.clip("en.wav")
            let cases: [(MultipartBody, String)] = [
                (MultipartBody.with(file: clip, fields: [("language", "klingon")]), "unknown_language"),
                (MultipartBody.with(file: clip, fields: [("use_itn", "maybe")]), "invalid_option"),
                (MultipartBody.with(file: clip, fields: [("format", "docx")]), "invalid_option"),
                (MultipartBody.with(file: clip, fields: [("markers", "sparkles")]), "invalid_option"),
            ]
            for (body, code) in cases {
                try expectError(try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer), .badRequest, code: code)
            }
            var noFile = MultipartBody()
            noFile.field("language", "en")
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: noFile.headers, body: noFile.buffer),
                            .badRequest, code: "missing_file")
            var twoFiles = MultipartBody.with(file: clip)
            twoFiles.file(filename: "b.wav", clip)
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: twoFiles.headers, body: twoFiles.buffer),
                            .badRequest, code: "too_many_files")
            var broken = HTTPFields()
            broken[.contentType] = "multipart/form-data; boundary=xyz"
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: broken, body: ByteBuffer(string: "--xyz\r\nno end")),
                            .badRequest, code: "invalid_multipart")
            broken[.contentType] = "multipart/form-data"
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: broken, body: ByteBuffer(string: "x")),
                            .badRequest, code: "invalid_multipart")
        }
    }

    @Test("413 for uploads over --max-upload-mb and audio over --max-duration-s")
    func tooLarge() async throws {
        let env = try TestServer.environment { $0.maxUploadBytes = 300_000; $0.maxDurationSeconds = 5 }
        try await TestServer.application(env, workers: false).test(.router) { client in
            let big = MultipartBody.with(file: try TestServer.clip("zh.wav"))
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: big.headers, body: big.buffer),
                            .contentTooLarge, code: "payload_too_large")
            let long = MultipartBody.with(file: TestServer.noiseWAV(seconds: 6))
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: long.headers, body: long.buffer),
                            .contentTooLarge, code: "audio_too_long")
        }
    }

    @Test("415 for undecodable uploads, whatever their name; 415 for non-form, non-audio bodies")
    func undecodable() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let text = Array("Hello, this is a text file pretending to be audio.\n".utf8)
            let garbage: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }
            var truncated = try TestServer.clip("en.wav")
            truncated.removeLast(truncated.count - 30)
            for (bytes, name) in [(text, "speech.wav"), (garbage, "speech.mp3"), (truncated, "cut.wav"), ([], "empty.wav")] {
                let body = MultipartBody.with(file: bytes, filename: name)
                let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
                #expect(response.status == .unsupportedMediaType, "\(name): \(response.status.code) \(response.text.prefix(200))")
                #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String != nil)
            }
            var json = HTTPFields()
            json[.contentType] = "application/json"
            try expectError(try await client.execute(uri: Self.uri, method: .post, headers: json, body: ByteBuffer(string: "{}")),
                            .unsupportedMediaType, code: "unsupported_media_type")
        }
    }

    @Test("429 with Retry-After when --max-pending requests are already waiting")
    func busy() async throws {
        let pool = InferencePool(transcriber: TestServer.transcriber, threads: 1, name: "test-busy")
        let env = try TestServer.environment(pool: pool) { $0.maxPendingRequests = 1 }
        let gate = Gate()
        // Occupy the only inference thread so that the first request waits in the queue.
        async let blocker: Void = pool.run { _, _ in gate.wait() }
        while pool.runningCount < 1 { try await Task.sleep(for: .milliseconds(10)) }
        try await TestServer.application(env, workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            async let first = client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            while pool.queuedCount < 1 { try await Task.sleep(for: .milliseconds(10)) }
            let second = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            try expectError(second, .tooManyRequests, code: "queue_full")
            #expect(Int(second.headers[.retryAfter] ?? "") ?? 0 >= 1)
            gate.open()
            #expect(try await first.status == .ok)
        }
        try await blocker
        await pool.shutdown()
    }

    /// Eight at once, each the golden raw transcript of ja.wav as zh without ITN (top-2 margin 1.1e-2:
    /// exact; its text holds a `<|FEARFUL|>` tag, which raw keeps).
    @Test("concurrent requests share the model safely and each gives the golden result")
    func concurrent() async throws {
        let golden = try #require(try Fixtures.result("ja")["zh_noitn"] as? [String: Any])
        let expected = try #require(golden["text"] as? String) + "\n"
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("ja.wav"),
                                          fields: [("format", "raw"), ("language", "zh"), ("use_itn", "false")])
            let responses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 8)
            for (i, (status, text)) in responses.enumerated() {
                #expect(status == .ok, "response \(i): \(status) \(text.prefix(200))")
                #expect(text == expected, "response \(i): \(text.prefix(200))")
            }
        }
    }
}

/// A one-shot gate a pool thread waits on.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open() { semaphore.signal() }
}
