// Fair access of live streams to the inference pool: finals first, then early finals, then
// partials; stale partials skipped; an idle pool lends all its cores to one final.

import SenseVoiceEngine
import Synchronization

/// Admits live recognitions onto the ``InferencePool`` at most `slots` at a time, finals first.
///
/// Every live stream asks for a turn before it runs a recognition. Three kinds wait, each kind
/// served only when no waiter of a kind before it is left:
/// 1. a **final** (a closed VAD segment) waits in a FIFO queue and is never skipped;
/// 2. an **early final** (the segment as trailing silence says it will close, recognised before
///    the VAD decides) waits at most once per stream: a newer one of the same stream supersedes it;
/// 3. a **partial** (the open segment re-recognised) likewise waits at most once per stream.
///
/// A superseded waiter is told ``Turn/skipped``. With `slots` equal to the pool's threads, the
/// pool's own queue never holds live work, so the order here is the order of execution.
///
/// A final or early final that finds every slot free and nobody waiting takes all the slots
/// (``Turn/granted(slots:)``): its caller may run it on that many slots' worth of threads, since
/// nothing else can start until it releases them.
final class LiveScheduler: Sendable {
    /// What a caller is told when its wait ends.
    enum Turn: Sendable, Equatable {
        /// Run now on `slots` slots; call ``release(slots:)`` with the same count afterwards.
        case granted(slots: Int)
        /// A newer request of the same stream and kind took this one's place.
        case skipped

        /// A one-slot grant.
        static let granted = Turn.granted(slots: 1)

        /// Slots held (0 when skipped).
        var slots: Int {
            if case .granted(let n) = self { return n }
            return 0
        }
    }

    /// The kinds of recognition, in the order they are served.
    enum Kind: Int, Sendable, CaseIterable {
        case final = 0, earlyFinal, partial
    }

    private struct Waiter {
        let id: UInt64
        let stream: UInt64
        let continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State: ~Copyable {
        var running = 0
        var nextID: UInt64 = 0
        /// One queue per ``Kind``, in arrival order; the last two hold at most one per stream.
        var queues: [[Waiter]] = Kind.allCases.map { _ in [] }

        var waiting: Int { queues.reduce(0) { $0 + $1.count } }
    }

    let slots: Int
    private let state = Mutex(State())

    init(slots: Int) {
        self.slots = max(1, slots)
    }

    /// Slots held by running recognitions now.
    var running: Int { state.withLock { $0.running } }
    /// Finals and partials waiting.
    var waiting: (finals: Int, partials: Int) { state.withLock { ($0.queues[Kind.final.rawValue].count, $0.queues[Kind.partial.rawValue].count) } }
    /// Early finals waiting.
    var waitingEarlyFinals: Int { state.withLock { $0.queues[Kind.earlyFinal.rawValue].count } }

    /// Waits for a turn for a final; never skipped.
    /// - Returns: the slots granted (all of them when the pool was idle).
    /// - Throws: `CancellationError` when the waiting task is cancelled (the stream ended).
    @discardableResult
    func final() async throws -> Int {
        try await wait(.final, stream: 0).slots
    }

    /// Waits for a turn for an early final of `stream`; ``Turn/skipped`` when a newer early final
    /// of the same stream arrived first.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    /// - Parameter wanted: checked as the request is registered (under the scheduler's lock);
    ///   false skips it at once (the stream's final is already queued).
    func earlyFinal(stream: UInt64, wanted: @escaping @Sendable () -> Bool = { true }) async throws -> Turn {
        try await wait(.earlyFinal, stream: stream, wanted: wanted)
    }

    /// Waits for a turn for a partial of `stream`; ``Turn/skipped`` when a newer partial of the
    /// same stream arrived first.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    /// - Parameter wanted: as for ``earlyFinal(stream:wanted:)``.
    func partial(stream: UInt64, wanted: @escaping @Sendable () -> Bool = { true }) async throws -> Turn {
        try await wait(.partial, stream: stream, wanted: wanted)
    }

    /// Ends a granted turn of `slots` slots and grants the next waiters (finals first).
    func release(slots: Int = 1) {
        let next = state.withLock { s -> [(Waiter, Turn)] in
            s.running -= slots
            return Self.grantNext(&s, slots: self.slots)
        }
        for (waiter, turn) in next { waiter.continuation.resume(returning: turn) }
    }

    /// A final of `stream` is on its way (the stream runs one recognition at a time): its waiting
    /// partial is skipped at once, so the final never waits behind it; its waiting early final
    /// moves to the end of the finals queue when `promote` (it has the final's samples, so it is
    /// the final's work) and is skipped otherwise.
    func finalArrived(stream: UInt64, promote: Bool) {
        let skipped = state.withLock { s -> [Waiter] in
            var out: [Waiter] = []
            let p = Kind.partial.rawValue, e = Kind.earlyFinal.rawValue
            if let i = s.queues[p].firstIndex(where: { $0.stream == stream }) { out.append(s.queues[p].remove(at: i)) }
            if let i = s.queues[e].firstIndex(where: { $0.stream == stream }) {
                let waiter = s.queues[e].remove(at: i)
                if promote { s.queues[Kind.final.rawValue].append(waiter) } else { out.append(waiter) }
            }
            return out
        }
        for waiter in skipped { waiter.continuation.resume(returning: .skipped) }
    }

    private func wait(_ kind: Kind, stream: UInt64, wanted: @escaping @Sendable () -> Bool = { true }) async throws -> Turn {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
                let waiter = Waiter(id: id, stream: stream, continuation: continuation)
                enum Action { case grant(Int), wait, supersede(Waiter), skip }
                let action = state.withLock { s -> Action in
                    if kind != .final && !wanted() { return .skip }
                    if s.running < slots && s.waiting == 0 {
                        let n = kind == .partial || s.running > 0 ? 1 : slots
                        s.running += n
                        return .grant(n)
                    }
                    let q = kind.rawValue
                    if kind != .final, let index = s.queues[q].firstIndex(where: { $0.stream == stream }) {
                        let old = s.queues[q].remove(at: index)
                        s.queues[q].append(waiter)
                        return .supersede(old)
                    }
                    s.queues[q].append(waiter)
                    return .wait
                }
                switch action {
                case .grant(let n): continuation.resume(returning: .granted(slots: n))
                case .wait: break
                case .supersede(let old): old.continuation.resume(returning: .skipped)
                case .skip: continuation.resume(returning: .skipped)
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
            for q in s.queues.indices {
                if let i = s.queues[q].firstIndex(where: { $0.id == id }) { return s.queues[q].remove(at: i) }
            }
            return nil
        }
        removed?.continuation.resume(throwing: CancellationError())
    }

    /// Grants waiters, the first kind first, while slots are free. A final or early final that
    /// finds the pool idle and nobody else waiting gets every slot.
    private static func grantNext(_ s: inout State, slots: Int) -> [(Waiter, Turn)] {
        var granted: [(Waiter, Turn)] = []
        while s.running < slots, let q = s.queues.firstIndex(where: { !$0.isEmpty }) {
            let waiter = s.queues[q].removeFirst()
            let n = q != Kind.partial.rawValue && s.running == 0 && s.waiting == 0 ? slots : 1
            s.running += n
            granted.append((waiter, .granted(slots: n)))
        }
        return granted
    }
}
