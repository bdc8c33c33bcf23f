// The multipart/form-data parser: fields, files, quoting, limits and malformed bodies.

import Foundation
@testable import SenseVoiceServer
import Testing

@Suite("MultipartForm")
struct MultipartFormTests {
    static func parse(_ text: String, boundary: String = "XyZ", limits: MultipartForm.Limits = .init()) throws -> MultipartForm {
        try MultipartForm(body: Array(text.utf8), boundary: boundary, limits: limits)
    }

    @Test("fields and files, CRLF or LF, preamble and epilogue ignored")
    func basic() throws {
        let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nzh\r\n"
            + "--XyZ\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".wav\"\nContent-Type: audio/wav\n\nRIFF\r\n--not-the-boundary\r\n\r\n"
            + "--XyZ--\r\nepilogue"
        let form = try Self.parse(body)
        #expect(form.value("language") == "zh")
        let file = try #require(form.files("file").first)
        #expect(file.filename == "a;b \"c\".wav")
        #expect(file.contentType == "audio/wav")
        #expect(file.text == "RIFF\r\n--not-the-boundary\r\n")
        #expect(form.fieldNames == ["language"])
    }

    @Test("repeated fields keep every value; RFC 5987 file names are decoded")
    func repeated() throws {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"g[]\"\r\n\r\nword\r\n--XyZ\r\nContent-Disposition: form-data; name=\"g[]\"\r\n\r\nsegment\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''na%C3%AFve.wav\r\n\r\n\r\n--XyZ--"
        let form = try Self.parse(body)
        #expect(form.values("g[]") == ["word", "segment"])
        #expect(form.files("file").first?.filename == "naïve.wav")
        #expect(form.files("file").first?.body.isEmpty == true)
    }

    @Test("the boundary comes from Content-Type, quoted or not", arguments: [
        ("multipart/form-data; boundary=abc", "abc"), ("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", "a b"),
    ])
    func boundary(contentType: String, expected: String) throws {
        #expect(try MultipartForm.boundary(fromContentType: contentType) == expected)
    }

    @Test("other content types have no boundary; multipart without one is an error")
    func noBoundary() throws {
        #expect(try MultipartForm.boundary(fromContentType: "audio/wav") == nil)
        #expect(throws: MultipartError.self) { try MultipartForm.boundary(fromContentType: "multipart/form-data") }
        #expect(throws: MultipartError.self) { try MultipartForm.boundary(fromContentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) }
    }

    @Test("malformed bodies are errors, never crashes", arguments: [
        "", "no boundary here", "--XyZ", "--XyZ\r\n", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
        "--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", "--XyZ\r\nbroken-header-without-end",
        "--XyZgarbage\r\n\r\n",
    ])
    func malformed(body: String) {
        #expect(throws: MultipartError.self) { try Self.parse(body) }
    }

    @Test("limits: parts, header size, field size")
    func limits() throws {
        let part = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n"
        var limits = MultipartForm.Limits()
        limits.maxParts = 3
        #expect(throws: MultipartError.self) { try Self.parse(String(repeating: part, count: 4) + "--XyZ--", limits: limits) }
        #expect(try Self.parse(String(repeating: part, count: 3) + "--XyZ--", limits: limits).parts.count == 3)
        limits = MultipartForm.Limits()
        limits.maxFieldBytes = 4
        #expect(throws: MultipartError.self) {
            try Self.parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12345\r\n--XyZ--", limits: limits)
        }
        #expect(try Self.parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"f\"\r\n\r\n12345\r\n--XyZ--", limits: limits).parts.count == 1)
        limits.maxHeaderBytes = 40
        #expect(throws: MultipartError.self) {
            try Self.parse("--XyZ\r\nContent-Disposition: form-data; name=\"" + String(repeating: "n", count: 100) + "\"\r\n\r\nx\r\n--XyZ--", limits: limits)
        }
    }

    @Test("random bytes never crash the parser")
    func fuzz() {
        var state: UInt64 = 42
        for _ in 0..<2000 {
            var bytes = Array("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".utf8)
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 54)
            for _ in 0..<n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            if state & 1 == 0 { bytes += Array("\r\n--XyZ--".utf8) }
            _ = try? MultipartForm(body: bytes, boundary: "XyZ")
            _ = try? MultipartForm(body: Array(bytes.dropFirst(Int(state % 20))), boundary: "XyZ")
        }
    }

    @Test("display names drop folders and control characters")
    func displayNames() {
        #expect(UploadReader.displayName("../../etc/passwd") == "passwd")
        #expect(UploadReader.displayName("C:\\Users\\me\\talk.m4a") == "talk.m4a")
        #expect(UploadReader.displayName("a\u{0}b\nc.wav") == "abc.wav")
        #expect(UploadReader.displayName("..") == "upload")
        #expect(UploadReader.displayName("") == "upload")
    }
}
