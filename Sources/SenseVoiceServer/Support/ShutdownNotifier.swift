// A service, last in the group, that raises the ShutdownFlag when graceful shutdown begins.

public import ServiceLifecycle

/// Sets a ``ShutdownFlag`` at the start of graceful shutdown.
///
/// Placed after the HTTP application in the service group, it is told first (groups shut down in
/// reverse order), so open event streams end before the HTTP server waits for its requests.
public struct ShutdownNotifier: Service {
    public let flag: ShutdownFlag

    public init(flag: ShutdownFlag) {
        self.flag = flag
    }

    public func run() async throws {
        try? await gracefulShutdown()
        flag.set()
    }
}
