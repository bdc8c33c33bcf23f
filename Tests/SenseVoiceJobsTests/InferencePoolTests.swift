// The inference pool: dedicated threads, bounded concurrency, cancellation, shutdown, real inference.

import Foundation
import SenseVoiceEngine
import SenseVoiceTestSupport
import Synchronization
import Testing

@Suite("InferencePool")
struct InferencePoolTests {
    static let bundle: SenseVoice = {
        do { return try SenseVoice(modelDirectory: Fixtures.tinyModel.path) } catch { fatalError("tiny model: \(error)") }
    }()
    static let transcriber = Transcriber(bundle: bundle, configuration: EngineConfiguration(maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds))

    /// Each piece of work waits (up to 30 s) until two run at once, so both threads are used however
    /// the machine schedules them; a pool that ran more than two at once would show a higher peak,
    /// and one that ran only one would never meet the rendezvous (then the work stops waiting).
    @Test("work runs on the pool's own threads, at most `threads` at once")
    func boundedConcurrency() async throws {
        let pool = InferencePool(transcriber: Self.transcriber, threads: 2, name: "pool-test")
        let counts = Counts()
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.run { _, _ in
                        let now = counts.running.add(1, ordering: .relaxed).newValue
                        _ = counts.peak.max(now, ordering: .relaxed)
                        let deadline = Date().addingTimeInterval(30)
                        while counts.peak.load(ordering: .relaxed) < 2 && !counts.gaveUp.load(ordering: .relaxed) {
                            if Date() > deadline { counts.gaveUp.store(true, ordering: .relaxed) }
                            Thread.sleep(forTimeInterval: 0.005)
                        }
                        Thread.sleep(forTimeInterval: 0.01)
                        counts.running.subtract(1, ordering: .relaxed)
                        return Self.osThreadName()
                    }
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        let peak = counts.peak.load(ordering: .relaxed)
        let gaveUp = counts.gaveUp.load(ordering: .relaxed)
        #expect(!gaveUp, "two pieces of work never ran at once")
        #expect(peak == 2)
        #expect(names == ["pool-test-0", "pool-test-1"])
        await pool.shutdown()
    }

    /// The kernel's name for the calling thread (what `top -H` shows). Foundation's
    /// `Thread.current.name` has reported a Dispatch worker's name on Linux, so ask the kernel.
    static func osThreadName() -> String {
        let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return comm.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("cancelling a waiting task removes its work from the queue at once")
    func cancelQueued() async throws {
        let pool = InferencePool(transcriber: Self.transcriber, threads: 1, name: "pool-cancel")
        let release = DispatchSemaphore(value: 0)
        async let blocker: Void = pool.run { _, _ in release.wait() }
        while pool.runningCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let ran = Flag()
        let waiting = Task { try await pool.run { _, _ in ran.value.store(true, ordering: .relaxed) } }
        while pool.queuedCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        waiting.cancel()
        await #expect(throws: SenseVoiceError.self) { try await waiting.value }
        #expect(pool.queuedCount == 0)
        release.signal()
        try await blocker
        let didRun = ran.value.load(ordering: .relaxed)
        #expect(!didRun)
        await pool.shutdown()
    }

    @Test("running work sees its cancellation flag")
    func cancelRunning() async throws {
        let pool = InferencePool(transcriber: Self.transcriber, threads: 1, name: "pool-flag")
        let token = InferenceCancellation()
        let started = Flag()
        let result = Task { try await pool.run(cancellation: token) { _, flag in
            started.value.store(true, ordering: .relaxed)
            for i in 0..<500 {
                try flag.check()
                Thread.sleep(forTimeInterval: 0.01)
                _ = i
            }
            return 1
        } }
        while !started.value.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        token.cancel()
        await #expect(throws: SenseVoiceError.self) { try await result.value }
        await pool.shutdown()
    }

    @Test("after shutdown, new work is refused")
    func shutdown() async throws {
        let pool = InferencePool(transcriber: Self.transcriber, threads: 1)
        await pool.shutdown()
        await #expect(throws: SenseVoiceError.self) { try await pool.run { _, _ in 1 } }
    }

    @Test("transcribe decodes and recognises a WAV, the same as the synchronous engine")
    func transcribe() async throws {
        let pool = InferencePool(transcriber: Self.transcriber, threads: 2)
        let data = [UInt8](try Data(contentsOf: Fixtures.audio("en.wav")))
        let progress = Mutex<[Double]>([])
        let result = try await pool.transcribe(data: data, filename: "en.wav", options: TranscriptionOptions(language: .en),
                                               decoder: AudioDecoder(), progress: { p in progress.withLock { $0.append(p) } })
        let audio = try AudioDecoder().decode(data: data, filenameHint: "en.wav")
        let direct = try Self.transcriber.makeSession().transcribe(audio, file: "en.wav", options: TranscriptionOptions(language: .en))
        #expect(result.raw == direct.raw)
        #expect(result.durationMs == 6401)
        #expect(progress.withLock { $0 }.last == 1)
        await pool.shutdown()
    }

    @Test("blasThreads keeps workers × BLAS threads within the cores", arguments: [(2, 1, 2), (2, 2, 1), (8, 3, 2), (1, 4, 1)])
    func blasThreads(cores: Int, workers: Int, expected: Int) {
        #expect(InferencePool.blasThreads(cores: cores, workers: workers) == expected)
    }
}

final class Counts: Sendable {
    let running = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
    let gaveUp = Atomic<Bool>(false)
}

final class Flag: Sendable {
    let value = Atomic<Bool>(false)
}
