// Slow and malformed clients against a live server on loopback: header and body deadlines, slots
// taken only for complete uploads, and the JSON error for what the HTTP parser refuses.

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SenseVoiceServer
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to 127.0.0.1 for sending requests byte by byte.
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECONNREFUSED) }
    }

    deinit { close(fd) }

    /// Sends bytes; `false` when the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) == bytes.count }
    }

    /// Reads until the server closes the connection or `timeout` passes; returns what came and
    /// whether the connection was closed.
    func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        var out: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return (out, true) }
            out += buffer[0..<n]
        }
        return (out, false)
    }
}

@Suite("Slow clients", .serialized)
struct SlowClientTests {
    static func environment(_ configure: (inout ServerConfiguration) -> Void) throws -> ServerEnvironment {
        try TestServer.environment(configure)
    }

    @Test("a half-sent header is cut off after --header-timeout-s")
    func slowHeader() async throws {
        let env = try Self.environment { $0.headerTimeout = .seconds(1) }
        try await TestServer.application(env, workers: false).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("POST /api/v1/transcriptions HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            let clock = ContinuousClock.now
            let outcome = connection.readUntilClosed(timeout: .seconds(20))
            #expect(outcome.closed, "the connection is still open after 20 s")
            #expect(ContinuousClock.now - clock >= .milliseconds(500))
        }
    }

    @Test("a body sent slower than --body-min-rate is cut off; an honest upload is not")
    func trickledBody() async throws {
        let env = try Self.environment { $0.bodyTimeout = .seconds(1); $0.bodyMinBytesPerSecond = 1000 }
        try await TestServer.application(env, workers: false).test(.live) { client in
            let port = try #require(client.port)
            let connection = try RawConnection(port: port)
            connection.send("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n")
            var cut = false
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(20) {
                if !connection.send("x") { cut = true; break }
                let outcome = connection.readUntilClosed(timeout: .milliseconds(300))
                if outcome.closed { cut = true; break }
            }
            #expect(cut, "a client sending ~3 bytes a second was not cut off in 20 s")

            // A complete request on a fresh connection is answered.
            let wav = TestServer.noiseWAV(seconds: 1)
            let normal = try RawConnection(port: port)
            normal.send("POST /api/v1/jobs?filename=a.wav HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: audio/wav\r\nContent-Length: \(wav.count)\r\n\r\n")
            normal.send(wav)
            let answer = String(decoding: normal.readUntilClosed(timeout: .seconds(20)).bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 202"), "\(answer.prefix(200))")
        }
    }

    @Test("trickling uploads hold no slot: with --max-pending 2 and six of them open, a normal request is answered")
    func slotsOnlyForCompleteBodies() async throws {
        let env = try Self.environment { $0.maxPendingRequests = 2; $0.bodyTimeout = .seconds(60); $0.bodyMinBytesPerSecond = 0 }
        try await TestServer.application(env, workers: false).test(.live) { client in
            let port = try #require(client.port)
            let slow = try (0..<6).map { _ in try RawConnection(port: port) }
            for connection in slow {
                connection.send("POST /api/v1/transcriptions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nRIFF")
            }
            try await Task.sleep(for: .milliseconds(300))
            let body = MultipartBody.with(file: try TestServer.clip("en.wav"))
            let response = try await client.execute(uri: "/api/v1/transcriptions", method: .post, headers: body.headers, body: body.buffer)
            #expect(response.status == .ok, "\(response.status.code) \(String(buffer: response.body).prefix(200))")
            for connection in slow { #expect(connection.send("x"), "slow uploads stay open while they keep the rate") }
        }
    }

    @Test("a 100 KB URL gets the JSON error (400), not an empty body")
    func hugeURL() async throws {
        try await TestServer.application(try TestServer.environment(), workers: false).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("GET /health?x=" + String(repeating: "a", count: 100_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let answer = String(decoding: connection.readUntilClosed(timeout: .seconds(20)).bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(200))")
            #expect(answer.lowercased().contains("content-type: application/json"))
            #expect(answer.contains("\"code\":\"invalid_request\""), "\(answer.prefix(400))")
        }
    }

    @Test("a client that sends its whole over-limit upload before reading sees the 413 naming the file, not a reset")
    func refusedWhileSending() async throws {
        let env = try Self.environment { $0.maxUploadBytes = 100_000 }
        try await TestServer.application(env, workers: false).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            let wav = TestServer.noiseWAV(seconds: 10)  // 320 KB
            connection.send("POST /api/v1/jobs?filename=big.wav HTTP/1.1\r\nHost: localhost\r\nContent-Type: audio/wav\r\nTransfer-Encoding: chunked\r\n\r\n")
            for start in stride(from: 0, to: wav.count, by: 16_384) {
                let piece = Array(wav[start..<min(wav.count, start + 16_384)])
                connection.send(String(piece.count, radix: 16) + "\r\n")
                connection.send(piece)
                connection.send("\r\n")
            }
            connection.send("0\r\n\r\n")
            let answer = String(decoding: connection.readUntilClosed(timeout: .seconds(20)).bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            #expect(answer.contains("'big.wav'"), "\(answer.prefix(400))")
        }
    }

    @Test("an upload refused by Content-Length is answered before its body is sent, with Connection: close")
    func refusedByContentLength() async throws {
        let env = try Self.environment { $0.maxUploadBytes = 100_000; $0.bodyTimeout = .seconds(1) }
        try await TestServer.application(env, workers: false).test(.live) { client in
            let connection = try RawConnection(port: try #require(client.port))
            connection.send("POST /api/v1/transcriptions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 500000000\r\n\r\n")
            let answer = String(decoding: connection.readUntilClosed(timeout: .seconds(20)).bytes, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
            #expect(answer.contains("payload_too_large"))
            #expect(answer.lowercased().contains("connection: close"))
        }
    }
}
