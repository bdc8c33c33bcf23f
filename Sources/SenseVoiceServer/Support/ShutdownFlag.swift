// Tells long-lived responses (SSE) that the server is shutting down, so the HTTP server can drain.

import Synchronization

/// Set once when graceful shutdown starts; event streams end at their next tick.
public final class ShutdownFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { flag.load(ordering: .acquiring) }

    public func set() { flag.store(true, ordering: .releasing) }
}
