// The incremental multipart parser agrees with the whole-body parser however the body is split.

import Foundation
@testable import SenseVoiceServer
import Testing

@Suite("MultipartStreamParser")
struct MultipartStreamParserTests {
    /// Collects parts as the server's sink would see them.
    struct Collector: MultipartStreamParser.Sink {
        var parts: [MultipartForm.Part] = []
        mutating func partBegan(_ part: MultipartForm.Part) throws { parts.append(part) }
        mutating func partData(_ bytes: UnsafeRawBufferPointer) throws { parts[parts.count - 1].body += bytes }
        mutating func partEnded() throws {}
    }

    /// Parts (name, filename, content type, body) or the error message.
    static func streamed(_ body: [UInt8], chunk: Int) -> Result<[String], MultipartError> {
        var parser = MultipartStreamParser(boundary: "XyZ")
        var sink = Collector()
        do {
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + chunk)
                try body[offset..<end].withUnsafeBytes { try parser.feed($0, into: &sink) }
                offset = end
            }
            try parser.finish()
            return .success(sink.parts.map(describe))
        } catch let error as MultipartError {
            return .failure(error)
        } catch {
            return .failure(MultipartError("unexpected \(error)"))
        }
    }

    static func whole(_ body: [UInt8]) -> Result<[String], MultipartError> {
        do {
            return .success(try MultipartForm(body: body, boundary: "XyZ").parts.map(describe))
        } catch let error as MultipartError {
            return .failure(error)
        } catch {
            return .failure(MultipartError("unexpected \(error)"))
        }
    }

    static func describe(_ part: MultipartForm.Part) -> String {
        "\(part.name)|\(part.filename ?? "-")|\(part.contentType ?? "-")|\(part.body)"
    }

    static let bodies: [String] = [
        "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nzh\r\n"
            + "--XyZ\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".wav\"\nContent-Type: audio/wav\n\nRIFF\r\n--not-the-boundary\r\n\r\n"
            + "--XyZ--\r\nepilogue",
        "--XyZ\r\nContent-Disposition: form-data; name=\"g[]\"\r\n\r\nword\r\n--XyZ\r\nContent-Disposition: form-data; name=\"g[]\"\r\n\r\nsegment\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''na%C3%AFve.wav\r\n\r\n\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n\r\n--X\r\n--Xy\r\n\r\n--XyZ--",
        "", "no boundary here", "--XyZ", "--XyZ\r\n", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", "--XyZ\r\nbroken-header-without-end",
        "--XyZgarbage\r\n\r\n",
    ]

    @Test("same parts or same failure as MultipartForm, for every split", arguments: [1, 2, 3, 5, 8, 13, 64, 1 << 20])
    func agreesWithWholeBodyParser(chunk: Int) {
        for text in Self.bodies {
            let body = Array(text.utf8)
            switch (Self.streamed(body, chunk: chunk), Self.whole(body)) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "chunk \(chunk): \(text.debugDescription)")
            case (.failure, .failure):
                break
            case (let a, let b):
                Issue.record("chunk \(chunk): streamed \(a), whole \(b) for \(text.debugDescription)")
            }
        }
    }

    @Test("a large binary part streams through in pieces with bounded buffering")
    func largePart() throws {
        var payload = [UInt8](repeating: 0, count: 3_000_000)
        for i in payload.indices { payload[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n".utf8) + payload
            + Array("\r\n--XyZ--\r\n".utf8)
        struct Counter: MultipartStreamParser.Sink {
            var bytes = 0
            var pieces = 0
            var checksum: UInt64 = 0
            mutating func partBegan(_ part: MultipartForm.Part) throws {}
            mutating func partData(_ data: UnsafeRawBufferPointer) throws {
                bytes += data.count
                pieces += 1
                for b in data { checksum = checksum &* 31 &+ UInt64(b) }
            }
            mutating func partEnded() throws {}
        }
        var parser = MultipartStreamParser(boundary: "XyZ")
        var sink = Counter()
        var offset = 0
        while offset < body.count {
            let end = min(body.count, offset + 65_536)
            try body[offset..<end].withUnsafeBytes { try parser.feed($0, into: &sink) }
            offset = end
        }
        try parser.finish()
        #expect(sink.bytes == payload.count)
        #expect(sink.pieces > 40, "the part is handed on while it arrives, not at its end")
        #expect(sink.checksum == payload.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
    }
}
