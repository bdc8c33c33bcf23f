// OpenAI's verbose_json `compression_ratio`: how repetitive a text is, as Whisper measures it.

import CZlib

/// The zlib compression ratio of a text: its UTF-8 byte count over the byte count of
/// `zlib.compress` at the default level (what Whisper reports; above about 2.4 it flags a
/// decoder stuck repeating itself). 0 for empty text.
enum TextCompression {
    static func ratio(_ text: String) -> Double {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return 0 }
        var capacity = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = compress2(&out, &capacity, bytes, uLong(bytes.count), Z_DEFAULT_COMPRESSION)
        guard status == Z_OK, capacity > 0 else { return 0 }
        return Double(bytes.count) / Double(capacity)
    }
}
