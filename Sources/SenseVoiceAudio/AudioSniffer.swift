// AudioSniffer: content checks made before handing bytes to FFmpeg.

/// Recognises inputs that are plainly not audio, to give a clearer message than FFmpeg's.
enum AudioSniffer {
    /// If the first bytes of `source` are text (printable UTF-8 and whitespace only), a short
    /// printable excerpt of them; otherwise `nil`.
    static func textPrefix(_ source: ByteSource) throws -> String? {
        var bytes = try source.bytes(at: 0, count: 512)
        guard !bytes.isEmpty else { return nil }
        if bytes.count == 512 {
            // Do not judge a multi-byte character cut off at the end of the window.
            var cut = 0
            while cut < 3, let last = bytes.last, last & 0xC0 == 0x80 || last >= 0xC0 {
                bytes.removeLast()
                cut += 1
                if last >= 0xC0 { break }
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let isControl = v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D && v != 0x0C
            if isControl || v == 0x7F || (v >= 0x80 && v < 0xA0) { return nil }
        }
        let excerpt = text.unicodeScalars.prefix(40).map { $0.value < 0x20 ? " " : String($0) }.joined()
        return text.unicodeScalars.count > 40 ? excerpt + "…" : excerpt
    }
}
