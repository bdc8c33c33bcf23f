// Fair access of live streams to the inference pool: finals first, then early finals, then
// partials; stale partials skipped, running ones stopped for a final; an idle pool lends all its
// cores to one final.

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
///
/// Partials are also the work that gives way while it runs: a partial asked for with a
/// ``LiveStopSignal`` has it raised as soon as a final or early final asks for a turn (or one of
/// its own stream is on its way), and stops at its next encoder layer. A final that then has
/// only stopping partials ahead of it waits those few milliseconds and takes every slot.
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
        let stop: LiveStopSignal?
        let continuation: CheckedContinuation<Turn, any Error>
    }

    private struct State: ~Copyable {
        var running = 0
        var nextID: UInt64 = 0
        /// One queue per ``Kind``, in arrival order; the last two hold at most one per stream.
        var queues: [[Waiter]] = Kind.allCases.map { _ in [] }
        /// Partials running now (one slot each) that can be stopped, with their stream.
        var stoppable: [(stream: UInt64, signal: LiveStopSignal)] = []
        /// Slots held by running partials whose signal is raised (about to be released).
        var stopping = 0

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
    /// - Parameters:
    ///   - wanted: as for ``earlyFinal(stream:wanted:)``.
    ///   - stop: raised while the partial runs when a final or early final wants its slot; the
    ///     caller stops its recognition then and passes the same signal to ``release(slots:stop:)``.
    func partial(stream: UInt64, wanted: @escaping @Sendable () -> Bool = { true }, stop: LiveStopSignal? = nil) async throws -> Turn {
        try await wait(.partial, stream: stream, wanted: wanted, stop: stop)
    }

    /// Ends a granted turn of `slots` slots and grants the next waiters (finals first).
    /// - Parameter stop: the signal the turn was asked for with (partials).
    func release(slots: Int = 1, stop: LiveStopSignal? = nil) {
        let next = state.withLock { s -> [(Waiter, Turn)] in
            s.running -= slots
            if let stop, let i = s.stoppable.firstIndex(where: { $0.signal === stop }) {
                s.stoppable.remove(at: i)
                if stop.isRaised { s.stopping -= 1 }
            }
            return Self.grantNext(&s, slots: self.slots)
        }
        for (waiter, turn) in next { waiter.continuation.resume(returning: turn) }
    }

    /// A final of `stream` is on its way (the stream runs one recognition at a time): its waiting
    /// partial is skipped at once and its running one stopped, so the final never waits behind
    /// it; its waiting early final moves to the end of the finals queue when `promote` (it has the
    /// final's samples, so it is the final's work) and is skipped otherwise.
    func finalArrived(stream: UInt64, promote: Bool) {
        let skipped = state.withLock { s -> [Waiter] in
            Self.stopPartials(&s, of: stream)
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

    /// An early final of `stream` is on its way: its waiting partial is skipped and its running one
    /// stopped, as for a final (the early final has little time before the VAD decides).
    func earlyFinalArrived(stream: UInt64) {
        let skipped = state.withLock { s -> Waiter? in
            Self.stopPartials(&s, of: stream)
            let p = Kind.partial.rawValue
            return s.queues[p].firstIndex(where: { $0.stream == stream }).map { s.queues[p].remove(at: $0) }
        }
        skipped?.continuation.resume(returning: .skipped)
    }

    private func wait(_ kind: Kind, stream: UInt64, wanted: @escaping @Sendable () -> Bool = { true },
                      stop: LiveStopSignal? = nil) async throws -> Turn {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
                let waiter = Waiter(id: id, stream: stream, stop: kind == .partial ? stop : nil, continuation: continuation)
                enum Action { case grant(Int), wait, supersede(Waiter), skip }
                let action = state.withLock { s -> Action in
                    if kind != .final && !wanted() { return .skip }
                    if kind != .partial { Self.stopPartials(&s) }
                    if s.waiting == 0, let n = Self.grantSize(kind, &s, others: 0, slots: slots) {
                        Self.start(waiter, kind: kind, slots: n, in: &s)
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
        while let q = s.queues.firstIndex(where: { !$0.isEmpty }), let kind = Kind(rawValue: q),
              let n = grantSize(kind, &s, others: s.waiting - 1, slots: slots) {
            let waiter = s.queues[q].removeFirst()
            start(waiter, kind: kind, slots: n, in: &s)
            granted.append((waiter, .granted(slots: n)))
        }
        return granted
    }

    /// The slots a waiter of `kind` first in line gets now, with `others` waiting behind it; nil
    /// when it must wait. A partial gets one free slot. A final or early final gets every slot
    /// when the pool is idle and nobody else waits, and waits while only stopping partials hold
    /// slots (they release them within one encoder layer); otherwise it gets one free slot.
    private static func grantSize(_ kind: Kind, _ s: inout State, others: Int, slots: Int) -> Int? {
        guard s.running < slots else { return nil }
        if kind == .partial || others > 0 { return 1 }
        if s.running == 0 { return slots }
        return s.stopping == s.running ? nil : 1
    }

    /// Counts a granted turn; a partial with a signal becomes stoppable.
    private static func start(_ waiter: Waiter, kind: Kind, slots: Int, in s: inout State) {
        s.running += slots
        if kind == .partial, let stop = waiter.stop { s.stoppable.append((waiter.stream, stop)) }
    }

    /// Raises the signals of running partials (of `stream` only, when given) not raised yet.
    private static func stopPartials(_ s: inout State, of stream: UInt64? = nil) {
        for partial in s.stoppable where !partial.signal.isRaised && (stream == nil || partial.stream == stream) {
            partial.signal.raise()
            s.stopping += 1
        }
    }
}
