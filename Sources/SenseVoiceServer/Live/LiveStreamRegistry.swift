// Admission of live streams: at most --max-streams open at once, each with its own id.

import Synchronization

/// Counts open live streams and refuses more than the limit.
final class LiveStreamRegistry: Sendable {
    let limit: Int
    private let state = Mutex((open: 0, nextID: UInt64(0)))

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Streams open now.
    var open: Int { state.withLock { $0.open } }

    /// Opens a stream and returns its id, or nil when `limit` are open.
    func tryOpen() -> UInt64? {
        state.withLock { s in
            guard s.open < limit else { return nil }
            s.open += 1
            s.nextID += 1
            return s.nextID
        }
    }

    /// Closes an opened stream.
    func close() {
        state.withLock { $0.open -= 1 }
    }
}
