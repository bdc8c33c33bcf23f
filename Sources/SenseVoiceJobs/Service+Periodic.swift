// The loop of the store's housekeeping services: one pass now, then one per interval until shutdown.

public import ServiceLifecycle

extension Service {
    /// Runs `pass` at once and then every `interval` until the task is cancelled or the service
    /// group shuts down gracefully (a sleep in progress ends at once).
    func repeatUntilShutdown(every interval: Duration, _ pass: () async -> Void) async {
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
