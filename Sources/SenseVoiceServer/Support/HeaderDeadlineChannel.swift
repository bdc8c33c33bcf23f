// A server child channel that puts FirstHeadDeadline in front of another child channel's pipeline.

import HummingbirdCore
import Logging
import NIOCore

/// Wraps a child channel (the HTTP/1.1 + WebSocket upgrade channel) so that every connection gets
/// a ``FirstHeadDeadline`` ahead of its own handlers.
struct HeaderDeadlineChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    let timeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstHeadDeadline(timeout: timeout))
        }.flatMap { base.setup(channel: channel, logger: logger) }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
