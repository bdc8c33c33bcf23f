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

    /// What the parser made of a body: its parts, or its error (any other error type is a defect).
    static func outcome(_ bytes: [UInt8]) -> Result<[MultipartForm.Part], MultipartError>? {
        do {
            return .success(try MultipartForm(body: bytes, boundary: "XyZ").parts)
        } catch let error as MultipartError {
            return .failure(error)
        } catch {
            return nil
        }
    }

    /// `nil` when `outcome` is `expected` (one part named `f` holding `payload`, no parts, or an
    /// error with this message), else what went wrong.
    static func mismatch(_ outcome: Result<[MultipartForm.Part], MultipartError>?, parts: Int, payload: [UInt8],
                         error: String?) -> String? {
        switch outcome {
        case nil:
            return "threw an error that is not a MultipartError"
        case .failure(let e)?:
            return e.message == error ? nil : "threw '\(e.message)', expected \(error.map { "'\($0)'" } ?? "\(parts) part(s)")"
        case .success(let got)?:
            if let error { return "parsed \(got.count) part(s), expected the error '\(error)'" }
            guard got.count == parts else { return "parsed \(got.count) part(s), expected \(parts)" }
            if let part = got.first, part.name != "f" || part.filename != nil || part.body != payload {
                return "part \(part.name) with \(part.body.count) bytes, expected field f with the \(payload.count) random bytes"
            }
            return nil
        }
    }

    /// Random payloads in a one-field form, closed or not, whole or with its first bytes cut off.
    /// The payloads hold no "\r\n--XyZ" (checked), so each body has exactly one right reading:
    /// - closed: the field `f` with the payload; cut: no part (the only delimiter left is the closing one);
    /// - unclosed: "ends inside a part"; cut: "no part delimited by the boundary".
    @Test("random bytes: the parser gives the one right part or error, never crashes")
    func fuzz() {
        let header = Array("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".utf8)
        let closing = Array("\r\n--XyZ--".utf8)
        let inside = "the body ends inside a part; the closing boundary is missing"
        let noPart = "the body has no part delimited by the boundary from Content-Type"
        var failures: [String] = []
        var seen: [String: Int] = [:]
        var state: UInt64 = 42
        for round in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 54)
            var payload: [UInt8] = []
            for _ in 0..<n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                payload.append(UInt8(truncatingIfNeeded: state >> 33))
            }
            let closed = state & 1 == 0
            let cut = Int(state % 20)
            let body = header + payload + (closed ? closing : [])
            guard payload.withUnsafeBytes({ MultipartForm.search(Array("--XyZ".utf8), in: $0) }) == nil else {
                failures.append("round \(round): the payload holds the boundary; pick another seed")
                continue
            }
            let whole = Self.outcome(body)
            if let m = Self.mismatch(whole, parts: 1, payload: payload, error: closed ? nil : inside) {
                failures.append("round \(round) (\(n) bytes, \(closed ? "closed" : "unclosed")): \(m)")
            }
            let truncated = Self.outcome(Array(body.dropFirst(cut)))
            let expectedError = cut == 0 ? (closed ? nil : inside) : (closed ? nil : noPart)
            if let m = Self.mismatch(truncated, parts: cut == 0 ? 1 : 0, payload: payload, error: expectedError) {
                failures.append("round \(round) (\(n) bytes, \(closed ? "closed" : "unclosed"), first \(cut) cut): \(m)")
            }
            for o in [whole, truncated] {
                switch o {
                case .success(let parts)?: seen["\(parts.count) part(s)", default: 0] += 1
                case .failure(let e)?: seen[e.message, default: 0] += 1
                case nil: break
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) wrong outcomes, first: \(failures.prefix(5))")
        // Every kind of outcome occurred, so none of the expectations above was vacuous.
        #expect(Set(seen.keys) == ["1 part(s)", "0 part(s)", inside, noPart], "\(seen)")
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
