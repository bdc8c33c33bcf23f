// An incremental multipart/form-data parser (RFC 7578): bytes in as they arrive, parts out.

/// Splits a `multipart/form-data` body into parts while it arrives, so that file parts can go
/// to disk chunk by chunk instead of the whole body being held in memory.
///
/// Feed it the body in pieces with ``feed(_:into:)`` and call ``finish()`` at the end. It calls
/// its sink with each part's headers, then its body in pieces, then the part's end. Memory stays
/// at one piece plus the boundary length (and at most ``MultipartForm/Limits/maxHeaderBytes`` of
/// part headers). The same part and header limits and messages as ``MultipartForm``; the sink
/// decides which parts are files and limits the rest.
struct MultipartStreamParser {
    /// Receives the parts.
    protocol Sink {
        /// A part begins (its body is empty: the bytes follow in ``partData(_:)``).
        mutating func partBegan(_ part: MultipartForm.Part) throws
        /// The next bytes of the current part's body.
        mutating func partData(_ bytes: UnsafeRawBufferPointer) throws
        /// The current part is complete.
        mutating func partEnded() throws
    }

    private enum State {
        /// Before the first delimiter (a preamble may precede it).
        case preamble
        /// Right after a delimiter: `--` ends the body, a line break starts a part.
        case afterDelimiter
        /// Reading a part's headers.
        case headers
        /// Reading a part's body.
        case body
        /// After the closing delimiter (an epilogue is ignored).
        case done
    }

    let limits: MultipartForm.Limits
    private let delimiter: [UInt8]
    private let bodyDelimiter: [UInt8]
    private var state = State.preamble
    private var buffer: [UInt8] = []
    private var head = 0
    private var parts = 0
    private var preambleBytes = 0

    init(boundary: String, limits: MultipartForm.Limits = .init()) {
        self.limits = limits
        delimiter = Array("--\(boundary)".utf8)
        bodyDelimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Whether the closing boundary was seen.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Parses the next piece of the body.
    /// - Throws: `MultipartError` naming what is malformed, or what the sink throws.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, into sink: inout some Sink) throws {
        if case .done = state { return }
        buffer.append(contentsOf: bytes)
        try run(sink: &sink)
        if head > 0 && head >= buffer.count / 2 {
            buffer.removeFirst(head)
            head = 0
        }
    }

    /// Ends the body.
    /// - Throws: `MultipartError` when the closing boundary never came.
    func finish() throws {
        switch state {
        case .done: return
        case .preamble: throw MultipartError("the body has no part delimited by the boundary from Content-Type")
        case .body: throw MultipartError("the body ends inside a part; the closing boundary is missing")
        case .headers: throw MultipartError("a part's headers are missing, unterminated or longer than \(limits.maxHeaderBytes) bytes")
        case .afterDelimiter: throw MultipartError("the body ends without the closing boundary")
        }
    }

    private var available: Int { buffer.count - head }

    private func find(_ needle: [UInt8]) -> Int? {
        buffer.withUnsafeBytes { raw in
            MultipartForm.search(needle, in: UnsafeRawBufferPointer(rebasing: raw[head...])).map { $0 + head }
        }
    }

    private mutating func run(sink: inout some Sink) throws {
        while true {
            switch state {
            case .done:
                return
            case .preamble:
                guard let at = find(delimiter) else {
                    // Keep what could be the start of the delimiter; drop the rest of the preamble.
                    let drop = max(0, available - (delimiter.count - 1))
                    preambleBytes += drop
                    head += drop
                    if preambleBytes > limits.maxHeaderBytes {
                        throw MultipartError("the body has no part delimited by the boundary from Content-Type")
                    }
                    return
                }
                head = at + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                while available > 0, buffer[head] == UInt8(ascii: " ") || buffer[head] == UInt8(ascii: "\t") { head += 1 }
                guard available >= 2 else { return }
                if buffer[head] == UInt8(ascii: "-") && buffer[head + 1] == UInt8(ascii: "-") {
                    state = .done
                    return
                }
                if buffer[head] == 13 && buffer[head + 1] == 10 {
                    head += 2
                } else if buffer[head] == 10 {
                    head += 1
                } else {
                    throw MultipartError("the body ends without the closing boundary")
                }
                guard parts < limits.maxParts else {
                    throw MultipartError("the form has more than \(limits.maxParts) parts")
                }
                state = .headers
            case .headers:
                let crlf = find([13, 10, 13, 10])
                let lf = find([10, 10])
                let end: (Int, Int)
                switch (crlf, lf) {
                case let (c?, l?): end = c <= l ? (c, c + 4) : (l, l + 2)
                case let (c?, nil): end = (c, c + 4)
                case let (nil, l?): end = (l, l + 2)
                case (nil, nil):
                    if available > limits.maxHeaderBytes + 4 {
                        throw MultipartError("a part's headers are missing, unterminated or longer than \(limits.maxHeaderBytes) bytes")
                    }
                    return
                }
                guard end.0 - head <= limits.maxHeaderBytes else {
                    throw MultipartError("a part's headers are missing, unterminated or longer than \(limits.maxHeaderBytes) bytes")
                }
                let text = String(decoding: buffer[head..<end.0], as: UTF8.self)
                let part = try MultipartForm.part(headers: text)
                head = end.1
                parts += 1
                try sink.partBegan(part)
                state = .body
            case .body:
                if let at = find(bodyDelimiter) {
                    try emit(upTo: at, sink: &sink)
                    head = at + bodyDelimiter.count
                    try sink.partEnded()
                    state = .afterDelimiter
                } else {
                    // Everything but a tail that could begin the delimiter is part of the body.
                    try emit(upTo: buffer.count - min(available, bodyDelimiter.count - 1), sink: &sink)
                    return
                }
            }
        }
    }

    private mutating func emit(upTo end: Int, sink: inout some Sink) throws {
        guard end > head else { return }
        try buffer.withUnsafeBytes { raw in
            try sink.partData(UnsafeRawBufferPointer(rebasing: raw[head..<end]))
        }
        head = end
    }
}
