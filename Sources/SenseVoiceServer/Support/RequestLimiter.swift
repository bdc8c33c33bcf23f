// Admission control for synchronous transcriptions: a bounded number waiting or running, then 429.

import Synchronization

/// Counts synchronous transcription requests in flight and refuses more than `limit`.
final class RequestLimiter: Sendable {
    let limit: Int
    private let inFlight = Mutex(0)

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Requests now admitted.
    var current: Int { inFlight.withLock { $0 } }

    /// Admits one request, or returns `false` when `limit` are in flight.
    func tryEnter() -> Bool {
        inFlight.withLock { n in
            guard n < limit else { return false }
            n += 1
            return true
        }
    }

    /// Counts a request that was already admitted once (a streamed response while it streams).
    func enter() {
        inFlight.withLock { $0 += 1 }
    }

    /// Ends an admitted request.
    func leave() {
        inFlight.withLock { $0 -= 1 }
    }
}
