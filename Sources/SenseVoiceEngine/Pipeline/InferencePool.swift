// The async façade over the synchronous engine (house rule 3): a bounded pool of dedicated threads.

import Dispatch
import Foundation
import Synchronization

/// Runs synchronous, CPU-heavy engine work on a fixed set of dedicated threads, never on Swift's
/// cooperative thread pool.
///
/// The pool owns threads and nothing else: each thread owns one ``RecognitionSession`` of the
/// pool's ``Transcriber`` (its own scratch memory) for its whole life, so concurrent callers share
/// the immutable model safely and never share scratch. Work waits in a FIFO queue until a thread
/// is free; ``queuedCount`` and ``runningCount`` expose the load for
/// admission control and metrics.
///
/// Cancelling the awaiting task removes queued work at once and sets the work's
/// ``InferenceCancellation``, which the engine code checks between files and segments (a running
/// matrix multiplication is never interrupted).
///
/// Keep `threads × EngineConfiguration.threads ≤ cores` (see ``blasThreads(cores:workers:)``).
public final class InferencePool: Sendable {
    /// The pipeline every thread's session runs.
    public let transcriber: Transcriber
    /// Number of dedicated threads (concurrent inferences).
    public let threadCount: Int

    private let state = Mutex(State())
    /// One signal per queued item, plus one per thread at shutdown.
    private let available = DispatchSemaphore(value: 0)
    /// Entered once per thread; left when the thread exits.
    private let threadsAlive = DispatchGroup()

    private struct State: ~Copyable {
        var queue: [WorkItem] = []
        var head = 0
        var running = 0
        var nextID: UInt64 = 0
        var shuttingDown = false

        var queued: Int { queue.count - head }

        mutating func popFirst() -> WorkItem? {
            guard head < queue.count else { return nil }
            let item = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return item
        }

        mutating func remove(id: UInt64) -> WorkItem? {
            guard let index = queue[head...].firstIndex(where: { $0.id == id }) else { return nil }
            return queue.remove(at: index)
        }
    }

    private struct WorkItem: Sendable {
        let id: UInt64
        /// Runs the work on a pool thread with that thread's session and resumes the caller.
        let execute: @Sendable (RecognitionSession) -> Void
        /// Resumes the caller with a cancellation error without running the work.
        let abandon: @Sendable () -> Void
    }

    /// Starts `threads` dedicated threads, each with its own session of `transcriber`.
    /// - Parameters:
    ///   - transcriber: the pipeline (model, VAD, limits) every thread runs.
    ///   - threads: number of concurrent inferences (at least 1); usually
    ///     ``EngineConfiguration/workers``.
    ///   - name: thread name prefix (shown by debuggers and `top -H`).
    public init(transcriber: Transcriber, threads: Int, name: String = "sensevoice-inference") {
        precondition(threads >= 1, "an inference pool needs at least one thread")
        self.transcriber = transcriber
        self.threadCount = threads
        for index in 0..<threads {
            threadsAlive.enter()
            Self.startThread(named: "\(name)-\(index)") { [self] in
                self.workerLoop()
                self.threadsAlive.leave()
            }
        }
    }

    /// Work waiting for a thread.
    public var queuedCount: Int { state.withLock { $0.queued } }
    /// Work running on a thread now.
    public var runningCount: Int { state.withLock { $0.running } }

    /// Runs `work` on a pool thread with that thread's session and returns its result.
    ///
    /// - Parameters:
    ///   - cancellation: a flag shared with the caller (e.g. a job worker that loses its lease);
    ///     a fresh one is made when `nil`. Cancelling the calling task sets it too.
    ///   - work: synchronous engine code; it should call ``InferenceCancellation/check()``
    ///     between files and segments.
    /// - Throws: what `work` throws; `SenseVoiceError(.cancelled)` when cancelled before or while
    ///   it ran, or when the pool is shut down.
    public func run<T: Sendable>(cancellation: InferenceCancellation? = nil,
                                 _ work: @escaping @Sendable (RecognitionSession, InferenceCancellation) throws -> T)
        async throws -> T
    {
        let token = cancellation ?? InferenceCancellation()
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let item = WorkItem(
                    id: id,
                    execute: { session in
                        do {
                            try token.check()
                            continuation.resume(returning: try work(session, token))
                        } catch {
                            continuation.resume(throwing: error)
                        }
                    },
                    abandon: { continuation.resume(throwing: InferenceCancellation.error) })
                let accepted = state.withLock { s in
                    guard !s.shuttingDown else { return false }
                    s.queue.append(item)
                    return true
                }
                if accepted {
                    available.signal()
                } else {
                    continuation.resume(throwing: SenseVoiceError(.cancelled, "the inference pool is shutting down; retry on another instance"))
                }
            }
        } onCancel: {
            token.cancel()
            // Queued work leaves the queue at once; running work stops at its next check.
            if let item = state.withLock({ $0.remove(id: id) }) { item.abandon() }
        }
    }

    /// Stops accepting work, lets queued and running work finish, and waits for the threads to exit.
    public func shutdown() async {
        let wake = state.withLock { s -> Bool in
            defer { s.shuttingDown = true }
            return !s.shuttingDown
        }
        if wake { for _ in 0..<threadCount { available.signal() } }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            threadsAlive.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Compute threads per inference so that `workers × threads ≤ cores` (at least 1): the default
    /// ``EngineConfiguration/threads`` of a server or worker.
    public static func blasThreads(cores: Int, workers: Int) -> Int {
        max(1, cores / max(1, workers))
    }

    /// Runs one blocking closure on a new dedicated thread (model loading and other one-off work
    /// that must stay off the cooperative pool).
    public static func runDetached<T: Sendable>(name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            startThread(named: name) {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
        }
    }

    // MARK: - Threads

    /// Starts a dedicated thread named `name` (what `top -H` and `/proc/<pid>/task/*/comm` show)
    /// running `body`.
    ///
    /// The name is set from inside the thread (on Linux a name given before start does not reach
    /// the OS thread), and only once `start()` has returned: Foundation on Linux records the OS
    /// thread in `start()` after creating it, and a thread that named itself before that kept its
    /// creator's name.
    private static func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
        let started = DispatchSemaphore(value: 0)
        let thread = Thread {
            started.wait()
            Thread.current.name = name
            body()
        }
        thread.stackSize = 8 << 20
        thread.start()
        started.signal()
    }

    private func workerLoop() {
        // The session lives and dies on this thread; it never crosses threads.
        let session = transcriber.makeSession()
        while true {
            available.wait()
            let next = state.withLock { s -> (WorkItem?, Bool) in
                if let item = s.popFirst() {
                    s.running += 1
                    return (item, false)
                }
                return (nil, s.shuttingDown)
            }
            if let item = next.0 {
                item.execute(session)
                state.withLock { $0.running -= 1 }
            } else if next.1 {
                return
            }
        }
    }
}

extension InferencePool {
    /// Decodes an upload and transcribes it on a pool thread.
    ///
    /// - Parameters:
    ///   - data: the uploaded bytes (the format is sniffed from them).
    ///   - filename: the client's name for the upload; used only in messages and the result.
    ///   - options: language, ITN and the other decoding options.
    ///   - decoder: the audio stage (its options carry the duration limit).
    ///   - cancellation: checked after decoding and between segments.
    ///   - progress: called on the pool thread with the fraction done (0...1).
    /// - Throws: `SenseVoiceError` from decoding or recognition, `.cancelled` when cancelled.
    public func transcribe(data: [UInt8], filename: String?, options: TranscriptionOptions,
                           decoder: any AudioDecoding, cancellation: InferenceCancellation? = nil,
                           progress: (@Sendable (Double) -> Void)? = nil) async throws -> TranscriptionResult
    {
        try await transcribe(file: filename, options: options, cancellation: cancellation, progress: progress,
                             whole: { try decoder.decode(data: data, filenameHint: filename) },
                             channel: { try decoder.decode(data: data, filenameHint: filename, channel: $0) })
    }
}

/// A flag engine work checks between files and segments to stop early.
///
/// Set by the caller (a job worker whose lease was lost, a server shutting down) or by cancelling
/// the task awaiting ``InferencePool/run(cancellation:_:)``.
public final class InferenceCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// The error cancelled work ends with.
    public static let error = SenseVoiceError(.cancelled, "the transcription was cancelled before it finished")

    public init() {}

    /// Whether cancellation was requested.
    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    /// Requests cancellation (idempotent).
    public func cancel() { flag.store(true, ordering: .releasing) }

    /// Throws ``error`` when cancellation was requested.
    public func check() throws {
        if isCancelled { throw Self.error }
    }
}
