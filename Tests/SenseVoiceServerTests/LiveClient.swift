// A real WebSocket client (HummingbirdWSClient) for the live-route tests.

import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// What one WebSocket session received.
struct LiveSessionRecord: Sendable {
    /// Every text frame, in order.
    var texts: [String]
    /// The server's close code, if it closed.
    var closeCode: WebSocketErrorCode? = nil
    var closeReason: String? = nil

    /// The text frames as JSON objects.
    var events: [[String: Any]] {
        texts.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// The `type`s of the events, in order.
    var types: [String] { events.map { $0["type"] as? String ?? "?" } }

    /// Events of one type.
    func events(_ type: String) -> [[String: Any]] { events.filter { $0["type"] as? String == type } }
}

enum LiveClient {
    /// Connects to `path` on the test server, runs `send` while collecting every text frame, and
    /// returns when the server closes (or `send` returns with `closeAfterSend`).
    /// - Parameter closeWhen: after `send`, the client closes once this holds for the frames
    ///   received so far (polled; bounded by `timeout`).
    static func session(port: Int, path: String, headers: HTTPFields = [:], closeAfterSend: Bool = false,
                        closeWhen: (@Sendable (LiveSessionRecord) -> Bool)? = nil,
                        timeout: Duration = .seconds(60),
                        send: @escaping @Sendable (WebSocketOutboundWriter) async throws -> Void) async throws -> LiveSessionRecord {
        let texts = TextLog()
        var settings = WebSocketClientConfiguration()
        settings.additionalHeaders = headers
        settings.maxFrameSize = 1 << 22
        let configuration = settings
        let close = try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
            group.addTask {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", configuration: configuration,
                                                  logger: Logger(label: "test-ws-client")) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        inner.addTask {
                            try await send(outbound)
                            if let closeWhen {
                                while !closeWhen(LiveSessionRecord(texts: texts.all)) {
                                    try await Task.sleep(for: .milliseconds(50))
                                }
                            }
                            if closeAfterSend || closeWhen != nil { try await outbound.close(.normalClosure, reason: "client done") }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message { texts.append(text) }
                        }
                        inner.cancelAll()
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw LiveClientTimeout(path: path, received: texts.all)
            }
            let close = try await group.next()!
            group.cancelAll()
            return close
        }
        return LiveSessionRecord(texts: texts.all, closeCode: close?.closeCode, closeReason: close?.reason)
    }

    /// 16-bit little-endian mono samples of a 16 kHz 16-bit WAV fixture (header skipped).
    static func pcm16(_ wav: [UInt8]) -> [UInt8] {
        // Fixture WAVs are canonical: the data chunk follows a 44-byte header.
        Array(wav[44...])
    }

    /// Sends `bytes` as binary frames of `frameBytes`.
    static func sendAudio(_ bytes: [UInt8], frameBytes: Int = 3200, to outbound: WebSocketOutboundWriter) async throws {
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + frameBytes)
            try await outbound.write(.binary(ByteBuffer(bytes: bytes[offset..<end])))
            offset = end
        }
    }
}

/// Text frames collected by the client's reader.
final class TextLog: Sendable {
    private let texts = Mutex<[String]>([])
    func append(_ text: String) { texts.withLock { $0.append(text) } }
    var all: [String] { texts.withLock { $0 } }
}

/// A session that did not end in time: where, and what had arrived.
struct LiveClientTimeout: Error, CustomStringConvertible {
    var path: String
    var received: [String]
    var description: String { "the WebSocket session to \(path) did not end in time; received: \(received.map { String($0.prefix(120)) })" }
}
