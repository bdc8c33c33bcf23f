// The events one live stream has yet to send: finals never dropped, unsent partials replaced.

import Synchronization

/// A stream's outbound queue between its recognitions and its WebSocket writer.
///
/// Everything but partials is kept in order until sent. A partial is a preview that the next
/// one makes obsolete: when the client reads slower than partials come, the oldest unsent
/// partial beyond ``maxPartials`` is dropped (counted by `onSkip`), so a slow client loses
/// partials, never finals, and the queue stays bounded by the finals it is owed.
final class LiveOutbox: Sendable {
    /// One queued message.
    enum Item: Sendable {
        /// A JSON text frame; `partial` marks a droppable preview; `decidedAt` (finals) starts the
        /// latency clock that stops when the frame is written.
        case text(String, partial: Bool, decidedAt: ContinuousClock.Instant? = nil)
        /// Close the WebSocket with this code and reason after everything before it.
        case close(code: UInt16, reason: String)
    }

    private struct State: ~Copyable {
        var items: [Item] = []
        var head = 0
        var finished = false
        var waiter: CheckedContinuation<Item?, Never>?
    }

    private let state = Mutex(State())
    let maxPartials: Int
    private let onSkip: @Sendable () -> Void

    init(maxPartials: Int, onSkip: @escaping @Sendable () -> Void) {
        self.maxPartials = max(1, maxPartials)
        self.onSkip = onSkip
    }

    /// Queues an event that must reach the client (everything but partials).
    func send(_ text: String, decidedAt: ContinuousClock.Instant? = nil) { push(.text(text, partial: false, decidedAt: decidedAt)) }

    /// Queues a partial, dropping the oldest unsent partial when ``maxPartials`` are waiting.
    func sendPartial(_ text: String) { push(.text(text, partial: true)) }

    /// Queues a close; nothing queued after it is sent.
    func close(code: UInt16, reason: String) { push(.close(code: code, reason: reason)) }

    /// Ends the queue: ``next()`` returns what is queued, then `nil`.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Item?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Items queued and not yet taken.
    var count: Int { state.withLock { $0.items.count - $0.head } }

    /// The next item, waiting for one; `nil` once finished and empty.
    func next() async -> Item? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Item?, Never>) in
            let item = state.withLock { s -> Item?? in
                if let item = Self.pop(&s) { return .some(item) }
                if s.finished { return .some(nil) }
                s.waiter = continuation
                return nil
            }
            if let item { continuation.resume(returning: item) }
        }
    }

    private func push(_ item: Item) {
        var dropped = 0
        let waiter = state.withLock { s -> CheckedContinuation<Item?, Never>? in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            if case .text(_, partial: true, _) = item {
                let queued = s.items[s.head...].indices.filter { if case .text(_, partial: true, _) = s.items[$0] { true } else { false } }
                if queued.count >= maxPartials, let oldest = queued.first {
                    s.items.remove(at: oldest)
                    dropped += 1
                }
            }
            s.items.append(item)
            return nil
        }
        if let waiter { waiter.resume(returning: item) }
        for _ in 0..<dropped { onSkip() }
    }

    private static func pop(_ s: inout State) -> Item? {
        guard s.head < s.items.count else { return nil }
        let item = s.items[s.head]
        s.head += 1
        if s.head > 32 && s.head * 2 > s.items.count {
            s.items.removeFirst(s.head)
            s.head = 0
        }
        return item
    }
}
