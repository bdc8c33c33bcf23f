// One API server and several `sensevoice worker` processes on one PostgreSQL queue; workers killed
// with SIGKILL mid-job; every job must still complete exactly once.

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import SenseVoiceEngine
import SenseVoiceJobs
import SenseVoiceJobsTestSupport
import SenseVoiceTestSupport
import Synchronization
import Testing

/// A `sensevoice worker` child process.
final class WorkerProcess: Sendable {
    let process: Process
    let log: LogBuffer

    private init(process: Process, log: LogBuffer) {
        self.process = process
        self.log = log
    }

    var pid: Int32 { process.processIdentifier }

    /// Starts a worker and waits until its model is loaded and its loops run.
    static func start(arguments: [String]) async throws -> WorkerProcess {
        let (process, log) = try ChildProcess.launch(["worker", "--model", Fixtures.tinyModel.path] + arguments)
        try await ChildProcess.wait(process, log: log, for: "the worker to start") { $0.text.contains("job workers started") }
        return WorkerProcess(process: process, log: log)
    }

    /// Sends a signal and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(signal: Int32, timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await ChildProcess.stop(process, signal: signal, timeout: timeout, log: log)
    }

    /// Whether `owner` (a lease owner, `host:pid:…`) is this process.
    func owns(_ owner: String) -> Bool { owner.contains(":\(pid):") }

    /// Jobs this worker logged losing (started with `--log-format json`): their lease ran out and
    /// another worker took them over, so this worker stopped or its outcome was refused.
    var jobsLost: Set<String> {
        var out: Set<String> = []
        for line in log.text.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["job_id"] as? String, let message = object["msg"] as? String else { continue }
            if message.contains("took it over") || message.contains("taken over") || message.hasPrefix("cannot record the job outcome") {
                out.insert(id)
            }
        }
        return out
    }
}

@Suite("serve --workers 0 and sensevoice worker processes on PostgreSQL", .serialized,
       .enabled(if: ServerProcess.binary != nil, "needs the built sensevoice binary"))
struct MultiProcessTests {
    static let jobs = 200
    static let lease = 5

    @Test("200 jobs, three workers, two killed with SIGKILL mid-job: every job completes exactly once")
    func killWorkers() async throws {
        try await TestPostgres.withDatabase { url in
            let database = TestPostgres.text(url)
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("sv-multi-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let common = ["--database", database, "--lease-s", "\(Self.lease)", "--no-vad", "--shutdown-grace-s", "5"]
            let workerArguments = common + ["--workers", "1", "--blas-threads", "1", "--log-format", "json"]
            let started = ContinuousClock.now

            let api = try await ServerProcess.start(dataDirectory: data, arguments: common + [
                "--workers", "0", "--max-queued-jobs", "1000", "--db-audio-limit-mb", "1"])
            try await api.waitReady()
            var workers: [WorkerProcess] = []
            for _ in 0..<3 {
                workers.append(try await WorkerProcess.start(arguments: workerArguments))
            }

            // Audio is kept in the database, under a cap that the API enforces with a clear 413.
            let big = MultipartBody.with(file: TestServer.noiseWAV(seconds: 40), filename: "big.wav")
            let refused = try await api.request("/api/v1/jobs", method: .post, headers: big.headers, body: big.buffer)
            #expect(refused.status == .contentTooLarge)
            #expect(refused.body.map { String(buffer: $0) }?.contains("audio_too_large") == true)

            // 200 jobs in four batches of 50.
            let clip = TestServer.noiseWAV(seconds: 4)
            var ids: [String] = []
            for batch in 0..<(Self.jobs / 50) {
                var body = MultipartBody()
                for i in 0..<50 { body.file(filename: "clip-\(batch)-\(i).wav", clip) }
                let response = try await api.request("/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
                #expect(response.status == .accepted)
                let jobs = try #require(try ServerProcess.json(response)["jobs"] as? [[String: Any]])
                ids += jobs.compactMap { $0["id"] as? String }
            }
            #expect(ids.count == Self.jobs)
            let submitted = ContinuousClock.now

            try await PostgresJobStore.withStore(url) { store in
                // Kill two workers, each while it holds a job; note the jobs they held.
                func held(by pid: Int32) async throws -> [JobRecord] {
                    try await store.list(JobQuery(state: .running, limit: 500)).filter { $0.leaseOwner?.contains(":\(pid):") == true }
                }
                var orphans: [String: [String]] = [:]
                for (victim, afterDone) in [(0, 20), (1, 60)] {
                    let pid = workers[victim].pid
                    let deadline = ContinuousClock.now + .seconds(240)
                    var killed = false
                    while !killed && ContinuousClock.now < deadline {
                        if try await store.counts()[.succeeded] ?? 0 >= afterDone, try await !held(by: pid).isEmpty {
                            // Freeze the worker, so it cannot finish the job between the look and the
                            // kill, and look again: kill it only while it still holds one.
                            kill(pid, SIGSTOP)
                            if try await !held(by: pid).isEmpty {
                                try await workers[victim].stop(signal: SIGKILL)
                                killed = true
                                break
                            }
                            kill(pid, SIGCONT)
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try #require(killed, "worker \(victim) never held a job after \(afterDone) completions")
                    let jobs = try await held(by: pid)
                    #expect(!jobs.isEmpty, "worker \(victim) held a job when it died")
                    for job in jobs {
                        if let owner = job.leaseOwner { orphans[job.id, default: []].append(owner) }
                    }
                }
                // A replacement joins the surviving worker mid-run.
                workers.append(try await WorkerProcess.start(arguments: workerArguments))

                let deadline = ContinuousClock.now + .seconds(400)
                var counts = try await store.counts()
                while counts[.succeeded] != Self.jobs && counts[.failed] == 0 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    counts = try await store.counts()
                }
                let finished = ContinuousClock.now
                #expect(counts == [.queued: 0, .running: 0, .succeeded: Self.jobs, .failed: 0],
                        "\(counts); worker log:\n\(workers.last?.log.text.suffix(3000) ?? "")")

                // Exactly once: one accepted completion per job; attempts = claims; a job ran again
                // only after its holder lost it — killed holding it, or (on a loaded machine) a live
                // worker whose lease ran out and that logged losing the job — and was finished by another.
                let trail = try await store.audit()
                #expect(Set(trail.map(\.id)) == Set(ids))
                var liveLosses = 0
                for entry in trail {
                    let held = orphans[entry.id] ?? []
                    let earlier = Array(entry.claimedBy.dropLast())
                    #expect(entry.state == .succeeded && entry.completions == 1, "\(entry)")
                    #expect(entry.attempts == entry.claimedBy.count, "\(entry)")
                    #expect(earlier.filter { held.contains($0) } == held, "every killed holder's claim precedes the last: \(entry), killed holders \(held)")
                    for owner in earlier where !held.contains(owner) {
                        let lost = workers.contains { $0.owns(owner) && $0.jobsLost.contains(entry.id) }
                        #expect(lost, "the job ran again though \(owner) neither died holding it nor lost it: \(entry)")
                        if lost { liveLosses += 1 }
                    }
                    if let last = entry.claimedBy.last {
                        #expect(!held.contains(last), "finished by a worker that did not die holding it: \(entry)")
                    }
                }
                // The dead owners' completions are refused, and count nothing.
                for (id, owners) in orphans {
                    for dead in owners {
                        #expect(try await !store.complete(id: id, owner: dead, result: TranscriptionResult(file: nil, durationMs: 1, segments: [], timings: Timings()), now: Date()))
                    }
                }
                #expect(try await store.audit().allSatisfy { $0.completions == 1 })
                let result = try await api.request("/api/v1/jobs/\(ids[0])/result?format=json")
                #expect(result.status == .ok)
                #expect(try ServerProcess.json(result)["duration_ms"] as? Int == 4000)

                let total = finished - started
                let processing = finished - submitted
                print("multi-process: \(Self.jobs) jobs, \(orphans.count) orphaned by SIGKILL and re-run, "
                      + "\(liveLosses) re-run after a live worker's lease ran out; "
                      + "processing \(processing), total \(total)")
            }

            for worker in workers where worker.process.isRunning {
                #expect(try await worker.stop(signal: SIGTERM) == 0, "a worker exits cleanly on SIGTERM")
            }
            #expect(try await api.stop(signal: SIGTERM) == 0, "the API exits cleanly on SIGTERM")
        }
    }

    @Test("--blob-dir: uploads wait in a folder the API and the worker share, past the database cap")
    func sharedBlobFolder() async throws {
        try await TestPostgres.withDatabase { url in
            let data = FileManager.default.temporaryDirectory.appendingPathComponent("sv-blobs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: data) }
            let blobs = data.appendingPathComponent("shared-audio").path
            let common = ["--database", TestPostgres.text(url), "--blob-dir", blobs, "--db-audio-limit-mb", "1", "--no-vad"]
            let api = try await ServerProcess.start(dataDirectory: data.appendingPathComponent("api"), arguments: common + ["--workers", "0"])
            try await api.waitReady()
            let worker = try await WorkerProcess.start(arguments: common + ["--workers", "1", "--blas-threads", "1"])

            // 40 s of audio (1.3 MB): over the database cap, but the folder has none.
            let body = MultipartBody.with(file: TestServer.noiseWAV(seconds: 40), filename: "long.wav")
            let response = try await api.request("/api/v1/jobs", method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .accepted)
            let id = try #require((try ServerProcess.json(response)["jobs"] as? [[String: Any]])?.first?["id"] as? String)
            let done = try await api.waitJob(id, timeout: .seconds(120)) { ($0["state"] as? String).map { $0 == "succeeded" || $0 == "failed" } ?? false }
            #expect(done["state"] as? String == "succeeded", "\(done)\n\(worker.log.text.suffix(2000))")
            #expect(done["duration_ms"] as? Int == 40_000)
            try await PostgresJobStore.withStore(url) { store in
                var rows = 0
                for try await n in try await store.client.query("SELECT COUNT(*) FROM sensevoice_job_audio").decode(Int.self) { rows = n }
                #expect(rows == 0, "no audio went into the database")
            }
            #expect(FileManager.default.fileExists(atPath: blobs + "/\(id).bin"), "the upload is in the shared folder")

            #expect(try await worker.stop(signal: SIGTERM) == 0)
            #expect(try await api.stop(signal: SIGTERM) == 0)
        }
    }
}
