// The loop of the job store's housekeeping (lease reaper, retention sweeper): a pass now, then one per interval.

public import ServiceLifecycle

/// A service that runs `pass` at once and then every `interval` until the task is cancelled or the
/// service group shuts down gracefully (a sleep in progress ends at once).
public struct PeriodicService: Service {
    public let interval: Duration
    private let pass: @Sendable () async -> Void

    public init(every interval: Duration, _ pass: @escaping @Sendable () async -> Void) {
        self.interval = interval
        self.pass = pass
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await pass()
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
