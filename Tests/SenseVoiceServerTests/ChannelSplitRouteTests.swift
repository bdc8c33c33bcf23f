// channels=split / speaker_names on the REST route, a job and the OpenAI route (real VAD, tiny
// SenseVoice), and 400s for bad combinations.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("channel split over HTTP", .serialized)
struct ChannelSplitRouteTests {
    /// A pool whose transcriber has the VAD (each channel is segmented on its own).
    static func pool() throws -> InferencePool {
        let configuration = EngineConfiguration(modelDirectory: Fixtures.tinyModel.path,
                                                vadModelDirectory: try Fixtures.requireVADModel().path, workers: 1,
                                                maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds)
        return InferencePool(transcriber: try Transcriber(configuration: configuration), threads: 2, name: "test-channels")
    }

    /// The stereo call's bytes.
    static func call() throws -> [UInt8] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sv-call-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: url) }
        try StereoCall.write(to: url)
        return [UInt8](try Data(contentsOf: url))
    }

    /// The engine's split of the call (what every route must answer): each channel on its own,
    /// merged in time order (`ChannelSplitPipelineTests` checks it channel by channel).
    static func expected(_ pool: InferencePool, _ wav: [UInt8], names: [String]) async throws -> TranscriptionResult {
        var options = TranscriptionOptions()
        options.channels = ChannelSplitOptions(speakerNames: names)
        let result = try await pool.transcribe(data: wav, filename: "call.wav", options: options, decoder: AudioDecoder())
        #expect(Set(result.segments.compactMap(\.channel)) == [0, 1])
        #expect(result.segments.allSatisfy { $0.speaker == options.channels?.name(of: $0.channel ?? -1) })
        #expect(result.segments.map(\.startMs) == result.segments.map(\.startMs).sorted())
        #expect(result.speakers?.map(\.speaker) == (0..<2).map { options.channels!.name(of: $0) })
        return result
    }

    @Test func restRouteJobAndOpenAIRouteSplitChannels() async throws {
        let pool = try Self.pool()
        let wav = try Self.call()
        let expected = try await Self.expected(pool, wav, names: ["agent", "customer"])
        let expectedDefault = try await Self.expected(pool, wav, names: [])
        try await TestServer.application(try TestServer.environment(pool: pool)).test(.router) { client in
            let fields = [("channels", "split"), ("speaker_names", "agent,customer")]
            for (format, check) in [("json", "\"speaker\":\"customer\""), ("verbose_json", "\"channel\":1"),
                                    ("tsv", "\tagent\t"), ("srt", "\ncustomer: "), ("vtt", "\nagent: ")] {
                let body = MultipartBody.with(file: wav, filename: "call.wav", fields: fields + [("format", format)])
                let response = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer)
                #expect(response.status == .ok, "\(format): \(response.text.prefix(300))")
                #expect(response.text.contains(check), "\(format): \(response.text.prefix(400))")
            }
            let json = MultipartBody.with(file: wav, filename: "call.wav", fields: fields)
            let result = try JSONDecoder().decode(TranscriptionResult.self, from: Data(try await client.execute(
                uri: "/api/v1/transcriptions", method: .post, headers: json.headers, body: json.buffer).text.utf8))
            #expect(result.segments == expected.segments)
            #expect(result.speakers == expected.speakers)

            // Mix (the default, or said) is today's result: no channels, no speakers.
            var mixed: [TranscriptionResult] = []
            for extra in [[], [("channels", "mix")]] {
                let body = MultipartBody.with(file: wav, filename: "call.wav", fields: extra)
                var r = try JSONDecoder().decode(TranscriptionResult.self, from: Data(try await client.execute(
                    uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer).text.utf8))
                r.timings = Timings()
                mixed.append(r)
            }
            #expect(mixed[0] == mixed[1])
            #expect(mixed[0].segments.allSatisfy { $0.channel == nil && $0.speaker == nil } && mixed[0].speakers == nil)

            // OpenAI route: the extra fields, default names.
            let openAI = MultipartBody.with(file: wav, filename: "call.wav", fields: [("model", "whisper-1"), ("response_format", "verbose_json"),
                                                                                       ("channels", "split")])
            let verbose = try await client.execute(uri: "/v1/audio/transcriptions", method: .post, headers: openAI.headers, body: openAI.buffer)
            #expect(verbose.status == .ok, "\(verbose.text.prefix(300))")
            let segments = try #require(try verbose.json()["segments"] as? [[String: Any]])
            #expect(segments.compactMap { $0["speaker"] as? String } == expectedDefault.segments.compactMap(\.speaker))
            #expect(segments.compactMap { $0["channel"] as? Int } == expectedDefault.segments.compactMap(\.channel))
            #expect(segments.compactMap { $0["text"] as? String } == expectedDefault.segments.map(\.text))

            // A job: options stored with it, speakers in its results.
            let submission = try await JobsRouteTests.submit(client, files: [("call.wav", wav)], fields: fields)
            let id = try #require(JobsRouteTests.ids(submission).first)
            let job = try await JobsRouteTests.waitFinished(client, id: id, timeout: .seconds(300))
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let stored = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=json", method: .get)
            let jobResult = try JSONDecoder().decode(TranscriptionResult.self, from: Data(stored.text.utf8))
            #expect(jobResult.segments == expected.segments)
            #expect(jobResult.speakers == expected.speakers)
            let srt = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=srt", method: .get)
            #expect(srt.text.contains("\nagent: "))
        }
    }

    @Test func badChannelFieldsAre400() async throws {
        let wav = try Self.call()
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let cases: [([(String, String)], [UInt8], String)] = [
                ([("channels", "stereo")], wav, "channels 'stereo' is not supported"),
                ([("speaker_names", "a,b")], wav, "speaker_names needs channels=split"),
                ([("channels", "split"), ("diarize", "true")], wav, "cannot be combined"),
                ([("channels", "split"), ("speaker_names", "a,,b")], wav, "speaker name 2 is empty"),
                ([("channels", "split"), ("speaker_names", "a,b,c")], wav, "3 speaker names (a, b, c) were given, but call.wav has 2 channels"),
                ([("channels", "split")], try TestServer.clip("en.wav"), "call.wav has one channel (mono)"),
            ]
            for (fields, file, message) in cases {
                for uri in ["/api/v1/transcriptions", "/v1/audio/transcriptions"] {
                    let body = MultipartBody.with(file: file, filename: "call.wav", fields: fields)
                    let response = try await client.execute(uri: uri, method: .post, headers: body.headers, body: body.buffer)
                    try expectError(response, .badRequest, code: "invalid_option")
                    #expect(response.text.contains(message), "\(uri) \(fields): \(response.text.prefix(300))")
                }
                // A job submission is refused before anything is queued.
                var body = MultipartBody()
                for (k, v) in fields { body.field(k, v) }
                body.file(filename: "call.wav", file)
                let response = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
                try expectError(response, .badRequest, code: "invalid_option")
                #expect(response.text.contains(message), "jobs \(fields): \(response.text.prefix(300))")
            }
            // stream=true cannot deliver a split in time order.
            let body = MultipartBody.with(file: wav, filename: "call.wav", fields: [("channels", "split"), ("stream", "true")])
            let response = try await client.execute(uri: "/v1/audio/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            try expectError(response, .badRequest, code: "invalid_option")
            #expect(response.text.contains("stream=true cannot be combined with channels=split"))
        }
    }
}
