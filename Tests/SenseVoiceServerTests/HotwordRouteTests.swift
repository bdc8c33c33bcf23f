// Beam search and hotwords on every HTTP route that decodes (issue #16): REST, jobs, OpenAI.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
@testable import SenseVoiceServer
import Testing

@Suite("Hotwords over HTTP")
struct HotwordRouteTests {
    /// Field sets every route must refuse with 400 invalid_option before or while decoding.
    static let badFields: [[(String, String)]] = [
        [("hotwords", "kubernetes"), ("hotword_score", "99")],
        [("hotwords", "kubernetes:-2")],
        [("decoding", "viterbi")],
        [("decoding", "beam"), ("beam_size", "0")],
        [("beam_size", "eight")],
        [("decoding", "greedy"), ("hotwords", "kubernetes")],
        [("hotwords", "🤖")],
        [("hotwords", String(repeating: "x", count: 101))],
    ]

    @Test("REST: hotwords decode with beam search, segments carry token_ids; bad values are 400")
    func rest() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let uri = "/api/v1/transcriptions"
            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: fields)
                return try await client.execute(uri: uri, method: .post, headers: body.headers, body: body.buffer)
            }
            let plain = try await post([("decoding", "beam")])
            let biased = try await post([("hotwords", "kubernetes,zebra quartz:2")])
            #expect(plain.status == .ok && biased.status == .ok, "\(biased.text.prefix(300))")
            let a = try JSONDecoder().decode(TranscriptionResult.self, from: Data(plain.text.utf8))
            let b = try JSONDecoder().decode(TranscriptionResult.self, from: Data(biased.text.utf8))
            #expect(a.segments.first?.tokenIds?.isEmpty == false)
            #expect(a.segments.map(\.tokenIds) == b.segments.map(\.tokenIds), "absent hotwords change nothing")
            for fields in Self.badFields {
                try expectError(try await post(fields), .badRequest, code: "invalid_option")
            }
        }
    }

    @Test("OpenAI route: the extra hotwords field is accepted; bad ones are 400 in the usual shape")
    func openAI() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            func post(_ fields: [(String, String)]) async throws -> TestResponse {
                let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("model", "whisper-1")] + fields)
                return try await client.execute(uri: "/v1/audio/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            }
            let ok = try await post([("hotwords", "kubernetes\nzebra quartz")])
            #expect(ok.status == .ok, "\(ok.text.prefix(300))")
            #expect(try ok.json()["text"] is String)
            for fields in Self.badFields {
                try expectError(try await post(fields), .badRequest, code: "invalid_option")
            }
        }
    }

    @Test("jobs: hotwords are stored with the job and used; limits are 400 at submission, unspellable phrases fail the job")
    func jobs() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let submission = try await JobsRouteTests.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))],
                                                             fields: [("hotwords", "kubernetes"), ("beam_size", "4")])
            let id = try #require(JobsRouteTests.ids(submission).first)
            let job = try await JobsRouteTests.waitFinished(client, id: id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let options = try #require(job["options"] as? [String: Any])
            #expect(options["decoding"] as? String == "beam", "\(options)")
            #expect(options["beam_size"] as? Int == 4)
            #expect(options["hotwords"] as? [String] == ["kubernetes"])
            let result = try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get)
            let decoded = try JSONDecoder().decode(TranscriptionResult.self, from: Data(result.text.utf8))
            #expect(decoded.segments.first?.tokenIds?.isEmpty == false)

            for fields in Self.badFields where fields.first?.1 != "🤖" {
                var body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: fields)
                body.field("language", "auto")
                try expectError(try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer),
                                .badRequest, code: "invalid_option")
            }
            let unspellable = try await JobsRouteTests.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))], fields: [("hotwords", "🤖")])
            let failed = try await JobsRouteTests.waitFinished(client, id: try #require(JobsRouteTests.ids(unspellable).first))
            #expect(failed["state"] as? String == "failed")
            #expect("\(failed)".contains("invalid_option"), "\(failed)")
        }
    }
}
