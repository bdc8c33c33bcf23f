// The header deadline for a connection's first request, enforced on raw bytes (before HTTP decoding).

import Foundation
import NIOCore

/// Closes a connection whose first request head (everything up to the blank line) has not arrived
/// within the header timeout. It sits first in the pipeline, ahead of the WebSocket upgrader: with
/// the upgrader, the HTTP handlers (and ``RequestTimeoutHandler``) are only added once a whole head
/// has been read, so a client trickling its first headers would otherwise never be timed out. Once
/// the first head is complete it only passes bytes on; ``RequestTimeoutHandler`` times everything
/// after that. A first head over ``maxHeadBytes`` is answered here with the API's JSON 400 (the
/// upgrader's parser would otherwise drop the connection without a word).
final class FirstHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The largest first request head accepted (below the HTTP parser's own 80 KB).
    static let maxHeadBytes = 64 * 1024

    private let timeout: Duration
    private var timer: Scheduled<Void>?
    private var headBytes = 0
    private var refused = false
    private var done = false
    /// The last bytes seen, to find `\r\n\r\n` across reads.
    private var tail: [UInt8] = []

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        if !done {
            let buffer = unwrapInboundIn(data)
            let bytes = tail + buffer.readableBytesView.suffix(buffer.readableBytes)
            let end = Self.headEnd(bytes)
            // Head bytes so far: what came before this read, plus this read up to the blank line.
            let length = headBytes + (end.map { $0 + 1 - tail.count } ?? buffer.readableBytes)
            if length > Self.maxHeadBytes {
                refuse(context)
                return
            }
            headBytes = length
            if end != nil {
                done = true
                timer?.cancel()
                timer = nil
                tail = []
            } else {
                tail = Array(bytes.suffix(3))
            }
        }
        context.fireChannelRead(data)
    }

    /// Answers an oversized head with the JSON 400 and closes.
    private func refuse(_ context: ChannelHandlerContext) {
        refused = true
        timer?.cancel()
        let message = "the request line and headers are larger than the server accepts (64 KB); send options in the body, not the URL"
        let json = (try? APIResponse.encode(APIError.ErrorBody(error: .init(code: "invalid_request", message: message)))) ?? Data()
        var buffer = context.channel.allocator.buffer(capacity: json.count + 200)
        buffer.writeString("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
                           + "Connection: close\r\nContent-Length: \(json.count)\r\n\r\n")
        buffer.writeBytes(json)
        context.writeAndFlush(NIOAny(buffer)).whenComplete { _ in context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let nanoseconds = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [weak self] in
            guard let self, !self.done else { return }
            context.close(promise: nil)
        }
    }

    /// The index of the last byte of the blank line that ends a request head (`\r\n\r\n`; bare
    /// `\n\n` too), or nil when the bytes hold none.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        for i in 1..<bytes.count where bytes[i] == 10 {
            if bytes[i - 1] == 10 { return i }
            if i >= 3, bytes[i - 1] == 13, bytes[i - 2] == 10, bytes[i - 3] == 13 { return i }
        }
        return nil
    }
}
