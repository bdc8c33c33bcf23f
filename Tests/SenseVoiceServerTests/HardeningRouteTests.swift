// Issue 15 through the router: truncated audio is said, per-file limits are checked from the
// header before queueing, files at rest are private, and HTTP manners (HEAD, 405, CORS).

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

@Suite("Hardening: nothing silently lost, limits per file, files at rest, HTTP manners")
struct HardeningRouteTests {
    /// A 16 kHz 16-bit WAV whose header declares 102.4 s but that holds 128 samples (8 ms).
    static let cutWAV: [UInt8] = {
        let full = TestServer.noiseWAV(seconds: 0.008)
        var bytes = Array(full)
        let declared = 3_276_800  // 102.4 s of 16-bit mono at 16 kHz
        for i in 0..<4 { bytes[40 + i] = UInt8((declared >> (8 * i)) & 0xFF) }
        return bytes
    }()
    static let cutWarning = "truncated: header declares 102.4 s, file holds 0.008 s"

    static func errorMessage(_ response: TestResponse) throws -> String {
        try #require((try response.json()["error"] as? [String: Any])?["message"] as? String)
    }

    static func entries(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }
    }

    @Test("a cut-off WAV is transcribed with a warning in the JSON; strict=true refuses it with 415 audio_truncated")
    func truncatedSync() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let body = MultipartBody.with(file: Self.cutWAV, filename: "cut.wav")
            let response = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            #expect(try response.json()["warnings"] as? [String] == [Self.cutWarning])

            let strict = MultipartBody.with(file: Self.cutWAV, filename: "cut.wav", fields: [("strict", "true")])
            let refused = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: strict.headers, body: strict.buffer)
            try expectError(refused, .unsupportedMediaType, code: "audio_truncated")
            #expect(try Self.errorMessage(refused).contains("cut.wav"))

            let whole = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("strict", "true")])
            let fine = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: whole.headers, body: whole.buffer)
            #expect(fine.status == .ok)
            #expect(try fine.json()["warnings"] as? [String] == [])
        }
    }

    @Test("jobs: the warning is on the submission, the finished job and its result; strict=true queues nothing")
    func truncatedJobs() async throws {
        let env = try TestServer.environment()
        try await TestServer.application(env).test(.router) { client in
            let submission = try await JobsRouteTests.submit(client, files: [("cut.wav", Self.cutWAV)])
            let job = try #require((submission["jobs"] as? [[String: Any]])?.first)
            #expect(job["warnings"] as? [String] == [Self.cutWarning])
            let id = try #require(job["id"] as? String)
            let finished = try await JobsRouteTests.waitFinished(client, id: id)
            #expect(finished["state"] as? String == "succeeded", "\(finished)")
            #expect(finished["warnings"] as? [String] == [Self.cutWarning])
            let result = try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get).json()
            #expect(result["warnings"] as? [String] == [Self.cutWarning])

            var strict = MultipartBody()
            strict.field("strict", "true")
            strict.file(filename: "cut.wav", Self.cutWAV)
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: strict.headers, body: strict.buffer)
            try expectError(refused, .unsupportedMediaType, code: "audio_truncated")
            let list = try await client.execute(uri: "/api/v1/jobs", method: .get).json()
            #expect((list["jobs"] as? [Any])?.count == 1, "only the first submission is queued")
        }
    }

    @Test("the upload limit is per file: three files under it are one batch; a file over it is named; nothing is left on disk")
    func perFileLimit() async throws {
        let env = try TestServer.environment { $0.maxUploadBytes = 250_000 }
        let six = TestServer.noiseWAV(seconds: 6)  // 192 KB
        try await TestServer.application(env, workers: false).test(.router) { client in
            let batch = try await JobsRouteTests.submit(client, files: [("a.wav", six), ("b.wav", six), ("c.wav", six)])
            #expect(JobsRouteTests.ids(batch).count == 3)

            var body = MultipartBody()
            body.file(filename: "small.wav", six)
            body.file(filename: "huge.wav", TestServer.noiseWAV(seconds: 9))  // 288 KB
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            try expectError(refused, .contentTooLarge, code: "payload_too_large")
            #expect(try Self.errorMessage(refused).contains("'huge.wav'"))
            let list = try await client.execute(uri: "/api/v1/jobs", method: .get).json()
            #expect((list["jobs"] as? [Any])?.count == 3)
            #expect(Self.entries(env.configuration.audioDirectory).count == 3)
            #expect(Self.entries(env.configuration.uploadDirectory).isEmpty)
        }
    }

    @Test("a file over --max-job-duration-s is refused from its header before a job is queued, naming the file")
    func longFileRefusedBeforeQueueing() async throws {
        let env = try TestServer.environment { $0.maxJobDurationSeconds = 5; $0.maxDurationSeconds = 2 }
        try await TestServer.application(env, workers: false).test(.router) { client in
            var body = MultipartBody()
            body.file(filename: "short.wav", TestServer.noiseWAV(seconds: 1))
            body.file(filename: "meeting.wav", TestServer.noiseWAV(seconds: 6))
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            try expectError(refused, .contentTooLarge, code: "audio_too_long")
            let message = try Self.errorMessage(refused)
            #expect(message.contains("meeting.wav") && message.contains("6.0 s"), "\(message)")
            let list = try await client.execute(uri: "/api/v1/jobs", method: .get).json()
            #expect((list["jobs"] as? [Any])?.isEmpty == true)
            #expect(Self.entries(env.configuration.audioDirectory).isEmpty)
            #expect(Self.entries(env.configuration.uploadDirectory).isEmpty)

            // Jobs take what the short synchronous route refuses, and the refusal says so.
            let four = TestServer.noiseWAV(seconds: 4)
            _ = try await JobsRouteTests.submit(client, files: [("four.wav", four)])
            let sync = MultipartBody.with(file: four, filename: "four.wav")
            let syncRefused = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: sync.headers, body: sync.buffer)
            try expectError(syncRefused, .contentTooLarge, code: "audio_too_long")
            #expect(try Self.errorMessage(syncRefused).contains("POST /api/v1/jobs"))
        }
    }

    @Test("without a VAD model, a job longer than one pass (--max-no-vad-s) is refused at submission with the hint to add one")
    func noVADLimitAtSubmission() async throws {
        let env = try TestServer.environment { $0.engine.vadModelDirectory = nil; $0.engine.maxNoVADSeconds = 5 }
        try await TestServer.application(env, workers: false).test(.router) { client in
            var body = MultipartBody()
            body.file(filename: "lecture.wav", TestServer.noiseWAV(seconds: 8))
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            try expectError(refused, .contentTooLarge, code: "audio_too_long")
            let message = try Self.errorMessage(refused)
            #expect(message.contains("lecture.wav") && message.contains("--vad-model"), "\(message)")
            _ = try await JobsRouteTests.submit(client, files: [("short.wav", TestServer.noiseWAV(seconds: 4))])
        }
    }

    @Test("uploads, the job database and their folders are owner-only (0600 / 0700); /ready names the model, not its path")
    func filesAtRest() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let env = try TestServer.environment()
        try await TestServer.application(env, workers: false).test(.router) { client in
            let id = try #require(JobsRouteTests.ids(try await JobsRouteTests.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))])).first)
            func mode(_ url: URL) throws -> Int {
                try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
            }
            let audio = env.configuration.audioDirectory
            #expect(try mode(audio.appendingPathComponent("\(id).bin")) == 0o600)
            #expect(try mode(audio) == 0o700)
            #expect(try mode(env.configuration.uploadDirectory) == 0o700)
            #expect(try mode(URL(fileURLWithPath: env.configuration.databasePath)) == 0o600)
            for suffix in ["-wal", "-shm"] {
                let url = URL(fileURLWithPath: env.configuration.databasePath + suffix)
                if FileManager.default.fileExists(atPath: url.path) { #expect(try mode(url) == 0o600, "\(suffix)") }
            }

            let ready = try await client.execute(uri: "/ready", method: .get).json()
            #expect(ready["model"] as? String == Fixtures.tinyModel.lastPathComponent)
            #expect((ready["model"] as? String)?.contains("/") == false)
        }
    }

    @Test("HEAD wherever GET; 405 with Allow for a known path and another method; 404 stays for unknown paths")
    func methods() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let head = try await client.execute(uri: "/health", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)

            let wrong = try await client.execute(uri: "/health", method: .post)
            try expectError(wrong, .methodNotAllowed, code: "method_not_allowed")
            #expect(wrong.headers[.allow] == "GET, HEAD")
            let jobs = try await client.execute(uri: "/api/v1/jobs", method: .put)
            try expectError(jobs, .methodNotAllowed, code: "method_not_allowed")
            #expect(Set((jobs.headers[.allow] ?? "").components(separatedBy: ", ")) == ["GET", "HEAD", "POST"])
            let one = try await client.execute(uri: "/api/v1/jobs/\(JobRecord.makeID())", method: .post)
            #expect(one.status == .methodNotAllowed)
            #expect(Set((one.headers[.allow] ?? "").components(separatedBy: ", ")) == ["GET", "HEAD", "DELETE"])
            try expectError(try await client.execute(uri: "/no/such/route", method: .get), .notFound, code: "not_found")
        }
    }

    @Test("format=labels on the job result route")
    func labelsOnResultRoute() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let id = try #require(JobsRouteTests.ids(try await JobsRouteTests.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))])).first)
            _ = try await JobsRouteTests.waitFinished(client, id: id)
            let labels = try await client.execute(uri: "/api/v1/jobs/\(id)/result?format=labels", method: .get)
            #expect(labels.status == .ok, "\(labels.text.prefix(200))")
            #expect(labels.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test("--cors-origin: the preflight is answered before auth; without it, no CORS headers")
    func cors() async throws {
        let env = try TestServer.environment { $0.apiKey = "secret"; $0.corsOrigin = "https://app.example.com" }
        let preflight: HTTPFields = [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"]
        try await TestServer.application(env, workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/jobs", method: .options, headers: preflight)
            #expect(response.status == .noContent)
            #expect(response.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            var get = HTTPFields()
            get[.origin] = "https://app.example.com"
            get[.authorization] = "Bearer secret"
            let list = try await client.execute(uri: "/api/v1/jobs", method: .get, headers: get)
            #expect(list.status == .ok)
            #expect(list.headers[.accessControlAllowOrigin] == "https://app.example.com")
            get[.authorization] = nil
            #expect(try await client.execute(uri: "/api/v1/jobs", method: .get, headers: get).status == .unauthorized)
        }
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            let response = try await client.execute(uri: "/api/v1/jobs", method: .options, headers: preflight)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            #expect(response.status == .methodNotAllowed)
        }
    }
}
