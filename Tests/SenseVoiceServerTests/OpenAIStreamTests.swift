// `stream=true` on POST /v1/audio/transcriptions: OpenAI's transcription stream events over SSE.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("POST /v1/audio/transcriptions stream=true (Server-Sent Events)")
struct OpenAIStreamTests {
    static let uri = "/v1/audio/transcriptions"

    /// The JSON objects of the `data:` lines of an event stream.
    static func events(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            let line = try #require(block.split(separator: "\n").first { $0.hasPrefix("data: ") }, "no data line in \(block)",
                                    sourceLocation: sourceLocation)
            let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8))
            return try #require(object as? [String: Any], sourceLocation: sourceLocation)
        }
    }

    @Test("one delta per VAD segment, in time order, then done; the deltas add up to the non-streamed text")
    func deltasPerSegment() async throws {
        try await TestServer.application(try LiveTestServer.environment(), workers: false).test(.router) { client in
            let clip = try TestServer.clip("long_mixed.wav")
            let plain = MultipartBody.with(file: clip, fields: [("response_format", "verbose_json")])
            let reference = try await client.execute(uri: Self.uri, method: .post, headers: plain.headers, body: plain.buffer).json()
            let segments = try #require(reference["segments"] as? [[String: Any]])
            #expect(segments.count > 3, "long_mixed.wav should give several VAD segments")

            let body = MultipartBody.with(file: clip, fields: [("model", "whisper-1"), ("stream", "true")])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = try Self.events(response.text)
            let deltas = events.dropLast()
            let done = try #require(events.last)
            #expect(deltas.allSatisfy { $0["type"] as? String == "transcript.text.delta" })
            #expect(done["type"] as? String == "transcript.text.done")
            #expect(deltas.count == segments.count)
            let text = deltas.map { $0["delta"] as? String ?? "<missing>" }.joined()
            #expect(text == done["text"] as? String)
            #expect(text == reference["text"] as? String)
            for (delta, segment) in zip(deltas, segments) {
                #expect(delta["start"] as? Double == segment["start"] as? Double)
                #expect(delta["end"] as? Double == segment["end"] as? Double)
                #expect(delta["emotion"] as? String == segment["emotion"] as? String)
                #expect(delta["events"] as? [String] == segment["events"] as? [String])
            }
            #expect((done["usage"] as? [String: Any])?["seconds"] as? Double == reference["duration"] as? Double)
        }
    }

    @Test("bad audio still answers 415 with the error body, not a stream")
    func badAudio() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: Array("not audio at all, just text".utf8), filename: "x.wav", fields: [("stream", "true")])
            let response = try await client.execute(uri: Self.uri, method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .unsupportedMediaType)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("the official openai Python package streams a transcription with stream=True",
          .enabled(if: PythonTools.hasOpenAI, PythonTools.openAIMissing))
    func openAIPackage() async throws {
        try await TestServer.application(try LiveTestServer.environment(), workers: false).test(.live) { client in
            let port = try #require(client.port)
            let output = try await PythonTools.run(script: "scripts/openai-client-test.py",
                                                   ["transcribe-stream", "--base-url", "http://127.0.0.1:\(port)/v1",
                                                    "--file", Fixtures.audio("long_mixed.wav").path])
            let lines = output.split(separator: "\n").filter { $0.hasPrefix("{") }
            let summary = try #require(lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] },
                                       "no summary line in:\n\(output.suffix(3000))")
            #expect(summary["ok"] as? Bool == true, "\(output.suffix(3000))")
            #expect((summary["deltas"] as? Int ?? 0) > 3)
        }
    }
}
