// POST /v1/audio/transcriptions: OpenAI's fields and response formats, plus our extra fields.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SenseVoiceServer
import Testing

@Suite("POST /v1/audio/transcriptions (OpenAI-compatible)")
struct OpenAIRouteTests {
    static let uri = "/v1/audio/transcriptions"

    @Test("response_format=json gives {text}")
    func json() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("model", "whisper-1"), ("language", "en")])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok)
            let object = try response.json()
            #expect(object["text"] is String)
            #expect((object["usage"] as? [String: Any])?["seconds"] as? Double == 6.401)
        }
    }

    @Test("response_format=verbose_json carries segments, emotion and events; word granularity adds words")
    func verbose() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            var body = MultipartBody.with(file: try TestServer.clip("zh.wav"), fields: [("model", "sensevoice"), ("response_format", "verbose_json")])
            body.field("timestamp_granularities[]", "segment")
            body.field("timestamp_granularities[]", "word")
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            let object = try response.json()
            #expect(object["task"] as? String == "transcribe")
            #expect(object["duration"] as? Double == 11.803)
            #expect(object["events"] is [Any])
            #expect(object["words"] is [Any])
            let segments = try #require(object["segments"] as? [[String: Any]])
            #expect(segments.count == 1)
            #expect(segments[0]["start"] as? Double == 0)
            #expect(segments[0]["end"] as? Double == 11.803)
            #expect(segments[0]["events"] is [Any])
            #expect(segments[0]["id"] as? Int == 0)
            // Measured, not placeholders: the tokens' mean log-probability and the text's zlib ratio.
            let logprob = try #require(segments[0]["avg_logprob"] as? Double)
            #expect(logprob < 0 && logprob > -50)
            let text = try #require(segments[0]["text"] as? String)
            let ratio = try #require(segments[0]["compression_ratio"] as? Double)
            #expect(text.isEmpty ? ratio == 0 : ratio > 0)
        }
    }

    @Test("response_format=text|srt|vtt", arguments: [("text", "text/plain"), ("srt", "application/x-subrip"), ("vtt", "text/vtt")])
    func textFormats(format: String, type: String) async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("ko.wav"), fields: [("response_format", format)])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix(type) == true)
        }
    }

    @Test("400 for unknown formats, granularities, languages and temperatures")
    func badOptions() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let clip = try TestServer.clip("en.wav")
            let cases: [([(String, String)], String)] = [
                ([("response_format", "tsv")], "invalid_option"),
                ([("response_format", "json"), ("timestamp_granularities[]", "word")], "invalid_option"),
                ([("response_format", "verbose_json"), ("timestamp_granularities[]", "phoneme")], "invalid_option"),
                ([("language", "english")], "unknown_language"),
                ([("temperature", "hot")], "invalid_option"),
                ([("stream", "maybe")], "invalid_option"),
            ]
            for (fields, code) in cases {
                let body = MultipartBody.with(file: clip, fields: fields)
                try expectError(try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer), .badRequest, code: code)
            }
        }
    }

    @Test("GET /v1/models lists the model")
    func models() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/v1/models", method: .get)
            #expect(response.status == .ok)
            #expect(((try response.json()["data"] as? [[String: Any]])?.first?["id"] as? String) == "sensevoice-small")
        }
    }
}
