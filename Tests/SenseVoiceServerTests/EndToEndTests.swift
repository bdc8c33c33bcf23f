// The real `sensevoice serve` binary: OpenAI and jobs routes over TCP, SIGKILL mid-job, restart, recovery.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SenseVoiceTestSupport
import Synchronization
import Testing

/// A `sensevoice serve` child process on a free loopback port.
final class ServerProcess: Sendable {
    let process: Process
    let port: Int
    let log: LogBuffer

    /// The built binary: `$SENSEVOICE_BIN`, beside the test bundle, or `.build/debug/sensevoice`.
    static var binary: URL? {
        if let env = ProcessInfo.processInfo.environment["SENSEVOICE_BIN"] { return URL(fileURLWithPath: env) }
        var candidates: [URL] = []
        if let exe = Bundle.main.executableURL?.deletingLastPathComponent() {
            candidates.append(exe.appendingPathComponent("sensevoice"))
        }
        candidates.append(Fixtures.packageRoot.appendingPathComponent(".build/debug/sensevoice"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private init(process: Process, port: Int, log: LogBuffer) {
        self.process = process
        self.port = port
        self.log = log
    }

    /// Starts the server and waits until it listens.
    static func start(dataDirectory: URL, arguments: [String] = []) async throws -> ServerProcess {
        let (process, log) = try ChildProcess.launch(
            ["serve", "--model", Fixtures.tinyModel.path, "--port", "0", "--data-dir", dataDirectory.path] + arguments)
        try await ChildProcess.wait(process, log: log, for: "the server to start listening") { $0.port() != nil }
        return ServerProcess(process: process, port: log.port()!, log: log)
    }

    /// Sends a signal and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(signal: Int32, timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await ChildProcess.stop(process, signal: signal, timeout: timeout, log: log)
    }

    /// One request on a fresh connection.
    func request(_ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestClient.Response {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            try await client.execute(TestClient.Request(uri, method: method, headers: headers, body: body))
        }
    }

    /// Polls `/ready` until 200.
    func waitReady() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if (try? await request("/ready").status) == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server never became ready")
    }

    /// The JSON object of a response body.
    static func json(_ response: TestClient.Response) throws -> [String: Any] {
        let text = response.body.map { String(buffer: $0) } ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text.prefix(300))")
    }

    /// Polls a job until `condition` holds.
    func waitJob(_ id: String, timeout: Duration, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var last: [String: Any] = [:]
        while ContinuousClock.now < deadline {
            last = try Self.json(try await request("/api/v1/jobs/\(id)"))
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("job \(id) never reached the expected state; last seen: \(last)")
        return last
    }
}

@Suite("sensevoice serve, end to end", .serialized, .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct EndToEndTests {
    @Test("OpenAI and jobs routes over TCP; SIGKILL during a job; restart; the job finishes; SIGTERM exits cleanly")
    func killAndRecover() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("sv-e2e-\(UUID().uuidString)")
        // --no-vad: the long job must take seconds whatever VAD model the environment names.
        let arguments = ["--workers", "1", "--lease-s", "2", "--max-duration-s", "900", "--shutdown-grace-s", "2", "--no-vad"]
        let first = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
        try await first.waitReady()

        // OpenAI route.
        let openAI = MultipartBody.with(file: try TestServer.clip("en.wav"), fields: [("model", "whisper-1"), ("response_format", "verbose_json")])
        let transcription = try await first.request("/v1/audio/transcriptions", method: .post, headers: openAI.headers, body: openAI.buffer)
        #expect(transcription.status == .ok)
        let verbose = try ServerProcess.json(transcription)
        #expect(verbose["duration"] as? Double == 6.401)
        #expect(verbose["segments"] is [Any])

        // Jobs route: a short job to completion, with its SRT.
        let short = MultipartBody.with(file: try TestServer.clip("zh.wav"), filename: "zh.wav")
        let submitted = try ServerProcess.json(try await first.request("/api/v1/jobs", method: .post, headers: short.headers, body: short.buffer))
        let shortID = try #require((submitted["jobs"] as? [[String: Any]])?.first?["id"] as? String)
        _ = try await first.waitJob(shortID, timeout: .seconds(60)) { $0["state"] as? String == "succeeded" }
        let srt = try await first.request("/api/v1/jobs/\(shortID)/result?format=srt")
        #expect(srt.status == .ok)
        #expect(srt.body.map { String(buffer: $0) }?.hasPrefix("1\n00:00:00,000 --> ") == true)

        // A long job, killed while it runs: the server is frozen (SIGSTOP) the moment the job is
        // seen running and then killed, and the restarted server shows whether the job was still
        // unfinished. If it had finished in between (a loaded machine), the round is repeated with
        // a new job on the restarted server, so the test never depends on how fast the job runs.
        let long = MultipartBody.with(file: TestServer.noiseWAV(seconds: 150), filename: "long.wav")
        var server = first
        var longID = ""
        var interrupted = false
        for _ in 0..<3 where !interrupted {
            let longSubmission = try ServerProcess.json(try await server.request("/api/v1/jobs", method: .post, headers: long.headers, body: long.buffer))
            longID = try #require((longSubmission["jobs"] as? [[String: Any]])?.first?["id"] as? String)
            let running = try await server.waitJob(longID, timeout: .seconds(60)) { $0["state"] as? String != "queued" }
            #expect(running["state"] as? String == "running", "the job runs before the server is killed: \(running)")
            kill(server.process.processIdentifier, SIGSTOP)
            try await server.stop(signal: SIGKILL)

            // Restart on the same data: the lease expires, the reaper re-queues, a worker finishes it.
            server = try await ServerProcess.start(dataDirectory: data, arguments: arguments)
            try await server.waitReady()
            let seen = try ServerProcess.json(try await server.request("/api/v1/jobs/\(longID)"))
            interrupted = !(seen["state"] as? String == "succeeded" && seen["attempts"] as? Int == 1)
            if !interrupted { print("end to end: job \(longID) finished before the kill; another round") }
        }
        try #require(interrupted, "the long job finished before every kill")
        let second = server
        let finished = try await second.waitJob(longID, timeout: .seconds(180)) { ($0["state"] as? String).map { $0 == "succeeded" || $0 == "failed" } ?? false }
        #expect(finished["state"] as? String == "succeeded", "\(finished)")
        #expect(finished["attempts"] as? Int == 2)
        #expect(finished["duration_ms"] as? Int == 150_000)
        let earlier = try ServerProcess.json(try await second.request("/api/v1/jobs/\(shortID)"))
        #expect(earlier["state"] as? String == "succeeded", "finished jobs survive the crash")

        let status = try await second.stop(signal: SIGTERM)
        #expect(status == 0, "graceful shutdown exits with 0")
        try? FileManager.default.removeItem(at: data)
    }
}
