// Fair access of live streams to the inference pool: finals before partials, stale partials skipped.

import SenseVoiceEngine
import Synchronization

/// Admits live recognitions onto the ``InferencePool`` at most `slots` at a time, finals first.
///
/// Every live stream asks for a turn before it runs a recognition. A final (a closed VAD segment)
/// waits in a FIFO queue that is always served before any partial; a partial (the open segment
/// re-recognised) waits at most once per stream: a newer partial of the same stream supersedes
/// the waiting one, which is skipped (``Turn/skipped``). With `slots` equal to the pool's threads,
/// the pool's own queue never holds live work, so the order here is the order of execution.
final class LiveScheduler: Sendable {
    /// What a caller is told when its wait ends.
    enum Turn: Sendable {
        /// Run now; call ``release()`` afterwards.
        case granted
        /// A newer partial of the same stream took this one's place.
        case skipped
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State: ~Copyable {
        var running = 0
        var nextID: UInt64 = 0
        var finals: [Waiter] = []
        /// Partials in arrival order, at most one per stream.
        var partials: [(stream: UInt64, waiter: Waiter)] = []
    }

    let slots: Int
    private let state = Mutex(State())

    init(slots: Int) {
        self.slots = max(1, slots)
    }

    /// Recognitions running now.
    var running: Int { state.withLock { $0.running } }
    /// Finals and partials waiting.
    var waiting: (finals: Int, partials: Int) { state.withLock { ($0.finals.count, $0.partials.count) } }

    /// Waits for a turn for a final.
    /// - Throws: `CancellationError` when the waiting task is cancelled (the stream ended).
    func final() async throws {
        _ = try await wait(stream: nil)
    }

    /// Waits for a turn for a partial of `stream`; ``Turn/skipped`` when a newer partial of the
    /// same stream arrived first.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    func partial(stream: UInt64) async throws -> Turn {
        try await wait(stream: stream)
    }

    /// Ends a granted turn and grants the next waiter (a final if any, else the oldest partial).
    func release() {
        let next = state.withLock { s -> Waiter? in
            s.running -= 1
            return Self.grantNext(&s)
        }
        next?.continuation.resume(returning: .granted)
    }

    private func wait(stream: UInt64?) async throws -> Turn {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
                let waiter = Waiter(id: id, continuation: continuation)
                enum Action { case grant, wait, supersede(Waiter) }
                let action = state.withLock { s -> Action in
                    if s.running < slots && s.finals.isEmpty && s.partials.isEmpty {
                        s.running += 1
                        return .grant
                    }
                    guard let stream else {
                        s.finals.append(waiter)
                        return .wait
                    }
                    if let index = s.partials.firstIndex(where: { $0.stream == stream }) {
                        let old = s.partials.remove(at: index).waiter
                        s.partials.append((stream, waiter))
                        return .supersede(old)
                    }
                    s.partials.append((stream, waiter))
                    return .wait
                }
                switch action {
                case .grant: continuation.resume(returning: .granted)
                case .wait: break
                case .supersede(let old): old.continuation.resume(returning: .skipped)
                }
                if Task.isCancelled { cancel(id: id) }
            }
        } onCancel: {
            cancel(id: id)
        }
    }

    /// Removes a waiter whose task was cancelled.
    private func cancel(id: UInt64) {
        let removed = state.withLock { s -> Waiter? in
            if let i = s.finals.firstIndex(where: { $0.id == id }) { return s.finals.remove(at: i) }
            if let i = s.partials.firstIndex(where: { $0.waiter.id == id }) { return s.partials.remove(at: i).waiter }
            return nil
        }
        removed?.continuation.resume(throwing: CancellationError())
    }

    private static func grantNext(_ s: inout State) -> Waiter? {
        let next: Waiter?
        if !s.finals.isEmpty {
            next = s.finals.removeFirst()
        } else if !s.partials.isEmpty {
            next = s.partials.removeFirst().waiter
        } else {
            next = nil
        }
        if next != nil { s.running += 1 }
        return next
    }
}
