// Wakes this process's idle workers when another process queues work (PostgreSQL LISTEN/NOTIFY).

public import Logging
public import PostgresNIO
public import ServiceLifecycle

/// Listens on ``PostgresJobStore/channel`` on one pooled connection and signals ``wake`` for every
/// notification, so workers start a job as soon as it is queued anywhere instead of at their next poll.
///
/// A lost connection is re-opened after a second; meanwhile workers still poll, and a wake is sent
/// after each (re)subscription so nothing queued in between waits for the poll.
public struct PostgresWakeListener: Service {
    public let client: PostgresClient
    public let wake: WakeSignal
    public let logger: Logger

    public init(client: PostgresClient, wake: WakeSignal, logger: Logger = Logger(label: "sensevoice.jobs.postgres")) {
        self.client = client
        self.wake = wake
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PostgresJobStore.channel) { notifications in
                            wake.signal()
                            for try await _ in notifications { wake.signal() }
                        }
                    }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("job notifications lost (workers fall back to polling); re-subscribing: \(PostgresJobStore.describe(error))")
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            } catch {
                return
            }
        }
    }
}
