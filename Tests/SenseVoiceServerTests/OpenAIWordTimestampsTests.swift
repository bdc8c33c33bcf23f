// POST /v1/audio/transcriptions with timestamp_granularities[]=word: funasr's word timestamps.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("OpenAI route: word timestamps equal funasr's")
struct OpenAIWordTimestampsTests {
    @Test("verbose_json words for en.wav equal golden timestamps_auto_itn, in seconds")
    func words() async throws {
        let ts = try #require(try Fixtures.result("en")["timestamps_auto_itn"] as? [String: Any])
        let goldenWords = try #require(ts["words"] as? [String])
        let goldenSpans = try #require(ts["timestamp"] as? [[Int]])
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            var body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("model", "sensevoice"), ("response_format", "verbose_json")])
            body.field("timestamp_granularities[]", "word")
            let response = try await client.execute(uri: "/v1/audio/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            let words = try #require(try response.json()["words"] as? [[String: Any]])
            #expect(words.map { $0["word"] as? String ?? "" } == goldenWords)
            #expect(words.map { [$0["start"] as? Double ?? -1, $0["end"] as? Double ?? -1] } == goldenSpans.map { $0.map { Double($0) / 1000 } })
        }
    }
}
