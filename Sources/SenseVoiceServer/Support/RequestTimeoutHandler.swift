// Deadlines for slow clients: headers in time, bodies at a minimum rate; a refused upload is not
// read to its end; malformed requests get the JSON error.

import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// A channel handler (one per connection, after HTTP decoding) that closes connections whose
/// client is too slow, so that trickling clients cannot pile up.
///
/// - Headers: from the moment a connection opens, or a response ends, the next request's headers
///   must arrive within ``Timeouts/header`` (this is also how long a kept-alive connection may sit
///   idle).
/// - Body: after the headers, the body must start within ``Timeouts/body``; each
///   ``Timeouts/minBytesPerSecond`` bytes received extends the deadline by one second (the rule of
///   Apache's `mod_reqtimeout`), so a large upload on a slow but honest link finishes while a
///   client sending a byte every few seconds is cut off.
/// - A response made while its request body is still arriving (a 413 for a file over the limit)
///   says `Connection: close`; the rest of the body is read and dropped (so that clients that
///   send their whole body before reading, as most HTTP libraries do, see the answer instead of a
///   reset connection), under the same deadline and at most ``drainLimit`` bytes, then the
///   connection closes.
/// - A request the HTTP parser refuses (a 100 KB URL, broken headers) is answered with the API's
///   JSON error (400) instead of an empty body.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The limits (``ServerConfiguration/headerTimeout`` and friends).
    struct Timeouts: Sendable {
        var header: Duration
        var body: Duration
        var minBytesPerSecond: Int
    }

    private enum Phase {
        /// Waiting for a request's headers.
        case awaitingHead(since: NIODeadline)
        /// Reading a body that started at `since`, `received` bytes so far.
        case readingBody(since: NIODeadline, received: Int)
        /// The request is complete; its response is being made.
        case responding
    }

    /// The most bytes of a refused body read after its response, before the connection is closed.
    static let drainLimit = 16 * 1024 * 1024

    private let timeouts: Timeouts
    private var phase = Phase.awaitingHead(since: .now())
    private var timer: Scheduled<Void>?
    private var closing = false
    /// The response ended before the request body: drop the rest of the body, then close.
    private var draining = false
    private var drained = 0

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
    }

    private static func amount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// When the current phase runs out.
    private var deadline: NIODeadline? {
        switch phase {
        case .awaitingHead(let since):
            return since + Self.amount(timeouts.header)
        case .readingBody(let since, let received):
            let earned = timeouts.minBytesPerSecond > 0 ? Int64(received / timeouts.minBytesPerSecond) : 0
            return since + Self.amount(timeouts.body) + .seconds(earned)
        case .responding:
            return nil
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { awaitHead(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        awaitHead(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            phase = .readingBody(since: .now(), received: 0)
            arm(context)
        case .body(let buffer):
            if case .readingBody(let since, let received) = phase {
                phase = .readingBody(since: since, received: received + buffer.readableBytes)
            }
            if draining {
                drained += buffer.readableBytes
                if drained > Self.drainLimit { close(context) }
            }
        case .end:
            phase = .responding
            cancelTimer()
            if draining {
                // The refused request is over; its response said the connection closes.
                context.fireChannelRead(data)
                close(context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        var isReadingBody = false
        if case .readingBody = phase { isReadingBody = true }
        switch part {
        case .head(var head) where isReadingBody:
            // Answered before the body ended (a refusal): this connection will not take another request.
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where isReadingBody:
            draining = true
            context.writeAndFlush(data, promise: promise)
        case .end:
            context.write(data, promise: promise)
            awaitHead(context)
        default:
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError, !closing else {
            context.fireErrorCaught(error)
            return
        }
        // Answer what the parser refused with the JSON error and close; the request never reaches
        // the router, so the error is not passed on (it would be answered with an empty body).
        closing = true
        cancelTimer()
        let message: String
        switch error as? HTTPParserError {
        case .headerOverflow?:
            message = "the request line and headers are larger than the server accepts (80 KB); send options in the body, not the URL"
        default:
            message = "the request is not valid HTTP/1.1 (\(error)); check the client"
        }
        let json = (try? APIResponse.encode(APIError.ErrorBody(error: .init(code: "invalid_request", message: message)))) ?? Data()
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/json; charset=utf-8"
        head.headerFields[.cacheControl] = "no-store"
        head.headerFields[.connection] = "close"
        head.headerFields[.contentLength] = String(json.count)
        let body = ByteBuffer(bytes: json)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    /// Starts the header deadline (a new connection, or a response written).
    private func awaitHead(_ context: ChannelHandlerContext) {
        phase = .awaitingHead(since: .now())
        arm(context)
    }

    private func arm(_ context: ChannelHandlerContext) {
        cancelTimer()
        guard let deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.timer = nil
            self.expired(context)
        }
    }

    private func expired(_ context: ChannelHandlerContext) {
        guard !closing, let deadline else { return }
        if deadline > .now() {
            arm(context)  // bytes arrived since: the deadline moved
            return
        }
        close(context)
    }

    private func close(_ context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        cancelTimer()
        context.close(promise: nil)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
