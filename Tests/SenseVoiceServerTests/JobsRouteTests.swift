// The jobs API through the router, with real workers on the tiny model.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import Testing

@Suite("Jobs API")
struct JobsRouteTests {
    /// Submits files and returns the 202 body.
    static func submit(_ client: some TestClientProtocol, files: [(String, [UInt8])], fields: [(String, String)] = [],
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        var body = MultipartBody()
        for (k, v) in fields { body.field(k, v) }
        for (name, bytes) in files { body.file(filename: name, bytes) }
        let response = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
        #expect(response.status == .accepted, "\(response.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(response.headers[.location]?.hasPrefix("/api/v1/jobs/") == true, sourceLocation: sourceLocation)
        return try response.json()
    }

    /// Polls a job until it is finished.
    static func waitFinished(_ client: some TestClientProtocol, id: String, timeout: Duration = .seconds(60)) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let job = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get).json()
            if let state = job["state"] as? String, state == "succeeded" || state == "failed" { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(id) did not finish in time")
        return [:]
    }

    static func ids(_ submission: [String: Any]) -> [String] {
        ((submission["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
    }

    @Test("submit several files → 202; each job runs to succeeded; results in every format")
    func lifecycle() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let submission = try await Self.submit(client, files: [("zh.wav", try TestServer.clip("zh.wav")), ("en.wav", try TestServer.clip("en.wav"))],
                                                   fields: [("language", "auto"), ("use_itn", "true")])
            let ids = Self.ids(submission)
            #expect(ids.count == 2)
            let batch = try #require(submission["batch_id"] as? String)
            let jobs = try #require(submission["jobs"] as? [[String: Any]])
            #expect(jobs[0]["state"] as? String == "queued")
            #expect(jobs[0]["file"] as? String == "zh.wav")
            #expect((jobs[0]["options"] as? [String: Any])?["language"] as? String == "auto")

            for id in ids {
                let job = try await Self.waitFinished(client, id: id)
                #expect(job["state"] as? String == "succeeded", "\(job)")
                #expect(job["progress"] as? Double == 1)
                #expect(job["attempts"] as? Int == 1)
                #expect(job["duration_ms"] as? Int != nil)
            }
            let json = try await client.execute(uri: "/api/v1/jobs/\(ids[0])/result", method: .get)
            #expect(json.status == .ok)
            let result = try JSONDecoder().decode(TranscriptionResult.self, from: Data(json.text.utf8))
            #expect(result.durationMs == 11803)
            #expect(result.file == "zh.wav")

            let srt = try await client.execute(uri: "/api/v1/jobs/\(ids[0])/result?format=srt&download=1&markers=emoji", method: .get)
            #expect(srt.status == .ok)
            #expect(srt.text.hasPrefix("1\n00:00:00,000 --> "))
            #expect(srt.headers[.contentDisposition]?.contains("filename=\"zh.srt\"") == true)
            for format in ["vtt", "text", "tsv", "raw", "rich", "verbose_json"] {
                #expect(try await client.execute(uri: "/api/v1/jobs/\(ids[1])/result?format=\(format)", method: .get).status == .ok)
            }
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(ids[1])/result?format=pdf", method: .get), .badRequest, code: "invalid_option")

            let audio = try await client.execute(uri: "/api/v1/jobs/\(ids[1])/audio", method: .get)
            #expect(audio.status == .ok)
            #expect(audio.headers[.contentType] == "audio/wav")
            #expect(audio.headers[.xContentTypeOptions] == "nosniff")
            #expect(Array(audio.body.readableBytesView) == (try TestServer.clip("en.wav")))

            let list = try await client.execute(uri: "/api/v1/jobs?batch=\(batch)", method: .get).json()
            #expect(((list["jobs"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted() == ids.sorted())
            let succeeded = try await client.execute(uri: "/api/v1/jobs?state=succeeded&limit=1", method: .get).json()
            #expect((succeeded["jobs"] as? [Any])?.count == 1)
            #expect(succeeded["next_offset"] as? Int == 1)
        }
    }

    @Test("GET /api/v1/jobs/{id}/events streams progress and ends with done")
    func events() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            let id = Self.ids(try await Self.submit(client, files: [("ja.wav", try TestServer.clip("ja.wav"))]))[0]
            let response = try await client.execute(uri: "/api/v1/jobs/\(id)/events", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let text = response.text
            #expect(text.hasPrefix("retry: 2000\n\n"))
            #expect(text.contains("event: done\ndata: {"))
            let last = try #require(text.components(separatedBy: "\n\n").last { $0.hasPrefix("event: done") })
            let data = try #require(last.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
            let job = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
            #expect(job["state"] as? String == "succeeded")
        }
    }

    @Test("a file that is not audio is refused at submission (415, named); one that fails while decoding gives a failed job with the decoder's code; its result is 409")
    func failedJob() async throws {
        try await TestServer.application(try TestServer.environment()).test(.router) { client in
            var text = MultipartBody()
            text.file(filename: "notes.wav", Array("just some text, not audio at all".utf8))
            let refused = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: text.headers, body: text.buffer)
            try expectError(refused, .unsupportedMediaType, code: "audio_unsupported")
            #expect(refused.text.contains("notes.wav"))

            // A float WAV whose header is fine but whose samples hold a NaN fails only when decoded.
            let samples = 16_000
            func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
            var nan: [UInt8] = Array("RIFF".utf8) + le(36 + 4 * samples, 4) + Array("WAVEfmt ".utf8) + le(16, 4)
            nan += le(3, 2) + le(1, 2) + le(16_000, 4) + le(64_000, 4) + le(4, 2) + le(32, 2) + Array("data".utf8) + le(4 * samples, 4)
            for i in 0..<samples { nan += le(Int((i == 12_345 ? Float.nan : 0.01).bitPattern), 4) }
            let id = Self.ids(try await Self.submit(client, files: [("nan.wav", nan)]))[0]
            let job = try await Self.waitFinished(client, id: id)
            #expect(job["state"] as? String == "failed")
            #expect((job["error"] as? [String: Any])?["code"] as? String == "audio_invalid_samples")
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get), .conflict, code: "job_failed")
        }
    }

    @Test("DELETE removes the job and its audio; then 404")
    func delete() async throws {
        let env = try TestServer.environment()
        try await TestServer.application(env).test(.router) { client in
            let id = Self.ids(try await Self.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))]))[0]
            _ = try await Self.waitFinished(client, id: id)
            #expect(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .delete).status == .noContent)
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get), .notFound, code: "not_found")
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .delete), .notFound, code: "not_found")
            await #expect(throws: JobError.self) { try await env.blobs.get(id: id) }
        }
    }

    @Test("404 for unknown and malformed ids, without touching the file system")
    func notFound() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.router) { client in
            for id in [JobRecord.makeID(), "..", "..%2F..%2Fetc%2Fpasswd", "ABCDEF00-0000-0000-0000-000000000000", "x"] {
                try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get), .notFound, code: "not_found")
                try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get), .notFound, code: "not_found")
                try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)/events", method: .get), .notFound, code: "not_found")
            }
        }
    }

    @Test("jobs are accepted while the model loads and wait queued; their result is 409 meanwhile")
    func queuedWhileLoading() async throws {
        try await TestServer.application(try TestServer.environment(ready: false), workers: false).test(.router) { client in
            let id = Self.ids(try await Self.submit(client, files: [("en.wav", try TestServer.clip("en.wav"))]))[0]
            let job = try await client.execute(uri: "/api/v1/jobs/\(id)", method: .get).json()
            #expect(job["state"] as? String == "queued")
            try expectError(try await client.execute(uri: "/api/v1/jobs/\(id)/result", method: .get), .conflict, code: "job_not_finished")
        }
    }

    @Test("429 with Retry-After when the job queue is full")
    func queueFull() async throws {
        let env = try TestServer.environment(ready: false) { $0.maxQueuedJobs = 2 }
        try await TestServer.application(env, workers: false).test(.router) { client in
            let clip = try TestServer.clip("en.wav")
            _ = try await Self.submit(client, files: [("a.wav", clip)])
            var body = MultipartBody()
            body.file(filename: "b.wav", clip)
            body.file(filename: "c.wav", clip)
            let response = try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            try expectError(response, .tooManyRequests, code: "queue_full")
            #expect(response.headers[.retryAfter] != nil)
            let list = try await client.execute(uri: "/api/v1/jobs", method: .get).json()
            #expect((list["jobs"] as? [Any])?.count == 1, "a refused batch leaves no job behind")
        }
    }

    @Test("400 for submissions without files, with too many, or with bad options and list filters")
    func badSubmissions() async throws {
        try await TestServer.application(try TestServer.environment { $0.maxFilesPerSubmission = 2 }, workers: false).test(.router) { client in
            var empty = MultipartBody()
            empty.field("language", "zh")
            try expectError(try await client.execute(uri: "/api/v1/jobs", method: .post, headers: empty.headers, body: empty.buffer), .badRequest, code: "missing_file")
            let clip = try TestServer.clip("en.wav")
            var many = MultipartBody()
            for i in 0..<3 { many.file(filename: "\(i).wav", clip) }
            try expectError(try await client.execute(uri: "/api/v1/jobs", method: .post, headers: many.headers, body: many.buffer), .badRequest, code: "too_many_files")
            let lang = MultipartBody.with(file: clip, fields: [("language", "fr")])
            try expectError(try await client.execute(uri: "/api/v1/jobs", method: .post, headers: lang.headers, body: lang.buffer), .badRequest, code: "unknown_language")
            for query in ["state=done", "limit=0", "limit=abc", "offset=-1", "batch=nope"] {
                try expectError(try await client.execute(uri: "/api/v1/jobs?\(query)", method: .get), .badRequest, code: "invalid_option")
            }
        }
    }

    @Test("413 for a job upload over the limit")
    func tooLarge() async throws {
        try await TestServer.application(try TestServer.environment { $0.maxUploadBytes = 50_000 }, workers: false).test(.router) { client in
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            try expectError(try await client.execute(uri: "/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer),
                            .contentTooLarge, code: "payload_too_large")
        }
    }
}
