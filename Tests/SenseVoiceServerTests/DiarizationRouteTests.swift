// diarize / num_speakers on the REST route, a job and the OpenAI route (real VAD, tiny SenseVoice, tiny CAM++).

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

@Suite("speakers over HTTP", .serialized,
       .enabled(if: Fixtures.shared.map { FileManager.default.fileExists(atPath: $0.appendingPathComponent("tiny-campplus/config.yaml").path) } ?? false,
                "needs ../shared/fixtures/tiny-campplus and golden/diarization"))
struct DiarizationRouteTests {
    static let shared = Fixtures.shared!

    /// A pool whose transcriber has the VAD and the CAM++ model.
    static func pool() throws -> InferencePool {
        var configuration = EngineConfiguration(modelDirectory: Fixtures.tinyModel.path,
                                                vadModelDirectory: try Fixtures.requireVADModel().path, workers: 1,
                                                maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds)
        configuration.speakerModelDirectory = shared.appendingPathComponent("tiny-campplus").path
        return InferencePool(transcriber: try Transcriber(configuration: configuration), threads: 2, name: "test-diarize")
    }

    static func wav() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: shared.appendingPathComponent("golden/diarization/two_speakers.wav")))
    }

    @Test func restRouteAndJobCarrySpeakersInEveryFormat() async throws {
        let pool = try Self.pool()
        try await TestServer.application(try TestServer.environment(pool: pool)).test(.router) { client in
            for (format, check) in [("json", "\"speaker\":\"spk1\""), ("verbose_json", "\"speaker\":\"spk1\""),
                                    ("tsv", "\tspk1\t"), ("srt", "\nspk1: "), ("vtt", "\nspk1: ")] {
                let body = MultipartBody.with(file: try Self.wav(), fields: [("diarize", "true"), ("format", format)])
                let response = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer)
                #expect(response.status == .ok, "\(format): \(response.text.prefix(300))")
                #expect(response.text.contains(check), "\(format): \(response.text.prefix(400))")
            }
            let json = MultipartBody.with(file: try Self.wav(), fields: [("diarize", "true")])
            let result = try JSONDecoder().decode(TranscriptionResult.self, from: Data(try await client.execute(
                uri: "/api/v1/transcriptions", method: .post, headers: json.headers, body: json.buffer).text.utf8))
            #expect(result.segments.map(\.speaker) == ["spk0", "spk1", "spk0", "spk1"])
            #expect(result.speakers?.map(\.speaker) == ["spk0", "spk1"])

            // OpenAI route: extra fields.
            let openAI = MultipartBody.with(file: try Self.wav(), fields: [("model", "whisper-1"), ("response_format", "verbose_json"),
                                                                           ("diarize", "true"), ("num_speakers", "2")])
            let verbose = try await client.execute(uri: "/v1/audio/transcriptions", method: .post, headers: openAI.headers, body: openAI.buffer)
            #expect(verbose.status == .ok, "\(verbose.text.prefix(300))")
            let segments = try #require(try verbose.json()["segments"] as? [[String: Any]])
            #expect(segments.compactMap { $0["speaker"] as? String } == ["spk0", "spk0", "spk0", "spk0"])

            // A job: options stored with it, speakers in its results.
            let submission = try await JobsRouteTests.submit(client, files: [("two_speakers.wav", try Self.wav())], fields: [("diarize", "true")])
            let id = try #require(JobsRouteTests.ids(submission).first)
            let job = try await JobsRouteTests.waitFinished(client, id: id, timeout: .seconds(300))
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let stored = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=json", method: .get)
            let jobResult = try JSONDecoder().decode(TranscriptionResult.self, from: Data(stored.text.utf8))
            #expect(jobResult.segments.map(\.speaker) == ["spk0", "spk1", "spk0", "spk1"])
            let srt = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=srt", method: .get)
            #expect(srt.text.contains("\nspk1: "))
        }
    }

    @Test func badSpeakerFieldsAre400() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            for fields in [[("diarize", "true"), ("num_speakers", "0")], [("num_speakers", "2")],
                           [("diarize", "true"), ("num_speakers", "two")], [("diarize", "maybe")]] {
                let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: fields)
                try expectError(try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer),
                                .badRequest, code: "invalid_option")
            }
            // The shared test server has no speaker model: asking for speakers is a 400 that says so.
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("diarize", "true")])
            let response = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            try expectError(response, .badRequest, code: "invalid_option")
            #expect(response.text.contains("--speaker-model"))
        }
    }
}
