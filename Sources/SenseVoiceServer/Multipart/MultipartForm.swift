// A small multipart/form-data parser (RFC 7578) over an upload already bounded by the size limit.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields and files of a `multipart/form-data` body.
///
/// The body is held in memory (the server collects it up to `--max-upload-mb` first); boundaries
/// are found with `memchr`/`memcmp`, so a 100 MB upload parses in milliseconds. Part headers are limited to
/// 16 KiB, text fields to 64 KiB, and the number of parts to ``Limits/maxParts``. File names are
/// kept only for display and messages — never as paths.
struct MultipartForm: Sendable {
    /// One part of the form.
    struct Part: Sendable {
        /// The `name` of its Content-Disposition.
        var name: String
        /// The `filename`, when the part is a file.
        var filename: String?
        /// Its Content-Type header, if any (informational: formats are sniffed from the bytes).
        var contentType: String?
        var body: [UInt8]

        /// The body as UTF-8 text (invalid sequences repaired).
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Parser limits.
    struct Limits: Sendable {
        var maxParts = 256
        var maxHeaderBytes = 16 * 1024
        var maxFieldBytes = 64 * 1024
    }

    /// Parts in order.
    var parts: [Part]

    /// The text fields by name (the last value wins; repeated names are available in ``values(_:)``).
    func value(_ name: String) -> String? {
        parts.last { $0.name == name && $0.filename == nil }?.text
    }

    /// Every text value of a name, in order (`timestamp_granularities[]` and the like).
    func values(_ name: String) -> [String] {
        parts.filter { $0.name == name && $0.filename == nil }.map(\.text)
    }

    /// The file parts of a name, in order (a part with a file name, or any part named `name`
    /// whose body is not a short text field).
    func files(_ name: String) -> [Part] {
        parts.filter { $0.name == name }
    }

    /// Names of the text fields, in order, without repeats.
    var fieldNames: [String] {
        var seen: Set<String> = []
        return parts.filter { $0.filename == nil }.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The boundary of a `multipart/form-data` Content-Type, or `nil` when the type is another.
    /// - Throws: `MultipartError` when the type is multipart/form-data without a usable boundary.
    static func boundary(fromContentType contentType: String) throws -> String? {
        let pieces = contentType.split(separator: ";", omittingEmptySubsequences: true)
        guard let type = pieces.first?.trimmingSpaces.lowercased(), type == "multipart/form-data" else {
            return nil
        }
        for piece in pieces.dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces.lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingSpaces
            if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            guard (1...70).contains(value.utf8.count) else {
                throw MultipartError("the multipart boundary must be 1 to 70 characters long")
            }
            return value
        }
        throw MultipartError("the Content-Type multipart/form-data has no boundary parameter")
    }

    /// Parses a body.
    /// - Throws: `MultipartError` naming what is malformed.
    init(body: [UInt8], boundary: String, limits: Limits = .init()) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let bodyDelimiter = Array("\r\n--\(boundary)".utf8)
        var parts: [Part] = []
        try body.withUnsafeBytes { raw in
            let count = raw.count
            func find(_ needle: [UInt8], from start: Int) -> Int? {
                guard start <= count, let base = raw.baseAddress else { return nil }
                return Self.search(needle, in: UnsafeRawBufferPointer(start: base + start, count: count - start)).map { $0 + start }
            }
            // The first delimiter may follow a preamble.
            guard var position = find(delimiter, from: 0) else {
                throw MultipartError("the body has no part delimited by the boundary from Content-Type")
            }
            position += delimiter.count
            while true {
                // After a delimiter: "--" ends the body; otherwise a line break starts a part.
                if position + 2 <= count && raw[position] == UInt8(ascii: "-") && raw[position + 1] == UInt8(ascii: "-") {
                    break
                }
                while position < count && (raw[position] == UInt8(ascii: " ") || raw[position] == UInt8(ascii: "\t")) {
                    position += 1
                }
                if position + 2 <= count && raw[position] == 13 && raw[position + 1] == 10 {
                    position += 2
                } else if position < count && raw[position] == 10 {
                    position += 1
                } else {
                    throw MultipartError("the body ends without the closing boundary")
                }
                guard parts.count < limits.maxParts else {
                    throw MultipartError("the form has more than \(limits.maxParts) parts")
                }
                // Headers end at an empty line: CRLF CRLF, or LF LF from lenient clients.
                let window = min(count, position + limits.maxHeaderBytes + 4)
                let crlf = find([13, 10, 13, 10], from: position).flatMap { $0 + 4 <= window ? $0 : nil }
                let lf = find([10, 10], from: position).flatMap { $0 + 2 <= window ? $0 : nil }
                let headerEnd: Int
                let bodyStart: Int
                switch (crlf, lf) {
                case let (c?, l?): (headerEnd, bodyStart) = c <= l ? (c, c + 4) : (l, l + 2)
                case let (c?, nil): (headerEnd, bodyStart) = (c, c + 4)
                case let (nil, l?): (headerEnd, bodyStart) = (l, l + 2)
                case (nil, nil):
                    throw MultipartError("a part's headers are missing, unterminated or longer than \(limits.maxHeaderBytes) bytes")
                }
                let headers = String(decoding: UnsafeRawBufferPointer(rebasing: raw[position..<headerEnd]), as: UTF8.self)
                guard let end = find(bodyDelimiter, from: bodyStart) else {
                    throw MultipartError("the body ends inside a part; the closing boundary is missing")
                }
                var part = try Self.part(headers: headers)
                let length = end - bodyStart
                if part.filename == nil && length > limits.maxFieldBytes {
                    throw MultipartError("the form field '\(part.name)' is longer than \(limits.maxFieldBytes) bytes; send files with a filename")
                }
                part.body = length > 0 ? Array(UnsafeRawBufferPointer(rebasing: raw[bodyStart..<end])) : []
                parts.append(part)
                position = end + bodyDelimiter.count
            }
        }
        self.parts = parts
    }

    /// The offset of the first `needle` in `haystack` (`memchr` for the first byte, `memcmp` for the rest).
    static func search(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, let base = haystack.baseAddress, needle.count <= haystack.count else { return nil }
        let last = haystack.count - needle.count
        var offset = 0
        return needle.withUnsafeBytes { n -> Int? in
            while offset <= last {
                guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return nil }
                let at = base.distance(to: UnsafeRawPointer(hit))
                if memcmp(base + at, n.baseAddress!, n.count) == 0 { return at }
                offset = at + 1
            }
            return nil
        }
    }

    /// Reads the Content-Disposition and Content-Type of a part.
    static func part(headers: String) throws -> Part {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingSpaces.lowercased()
            let value = String(line[line.index(after: colon)...])
            switch key {
            case "content-disposition":
                let params = Self.parameters(value)
                name = params["name"]
                filename = params["filename*"].flatMap(Self.decodeExtended) ?? params["filename"]
            case "content-type":
                contentType = value.trimmingSpaces
            default:
                continue
            }
        }
        guard let name else {
            throw MultipartError("a part has no Content-Disposition name")
        }
        return Part(name: name, filename: filename, contentType: contentType, body: [])
    }

    /// `form-data; name="a"; filename="b.wav"` → ["name": "a", "filename": "b.wav"] (quotes and
    /// backslash escapes removed; `;` inside quotes kept).
    static func parameters(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for ch in value {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" && quoted {
                current.append(ch)
                escaped = true
            } else if ch == "\"" {
                quoted.toggle()
                current.append(ch)
            } else if ch == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        pieces.append(current)
        for piece in pieces.dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            var v = kv[1].trimmingSpaces
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 {
                v = String(v.dropFirst().dropLast())
                var unescaped = ""
                var escape = false
                for ch in v {
                    if escape || ch != "\\" {
                        unescaped.append(ch)
                        escape = false
                    } else {
                        escape = true
                    }
                }
                v = unescaped
            }
            out[kv[0].trimmingSpaces.lowercased()] = v
        }
        return out
    }

    /// RFC 5987 `UTF-8''na%C3%AFve.wav` → `naïve.wav`.
    static func decodeExtended(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces[0].lowercased() == "utf-8" else { return nil }
        var bytes: [UInt8] = []
        var utf8 = pieces[2].utf8[...]
        while let c = utf8.popFirst() {
            if c == UInt8(ascii: "%"), utf8.count >= 2,
               let byte = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(byte)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A malformed multipart body (answered with 400).
struct MultipartError: Error, Sendable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
