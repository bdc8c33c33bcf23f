// WAVWriter: canonical RIFF WAV bytes (one `fmt ` chunk, one `data` chunk) of interleaved samples.

/// Writes the simplest WAV layout every reader takes (and ``WAVHeader`` parses back): a 44-byte
/// header, then the samples interleaved by channel, little-endian.
public enum WAVWriter {
    /// How samples are stored.
    public enum Format: Sendable {
        /// 16-bit signed PCM (samples in [-1, 1) scaled by 32768, rounded and clamped).
        case pcm16
        /// 32-bit IEEE float, as given.
        case float32

        var bytesPerSample: Int { self == .pcm16 ? 2 : 4 }
        var formatTag: Int { self == .pcm16 ? 1 : 3 }
    }

    /// The bytes of a WAV file holding `samples` (interleaved when `channels` > 1).
    public static func bytes(interleaved samples: [Float], channels: Int = 1, sampleRate: Int, format: Format) -> [UInt8] {
        precondition(channels > 0 && samples.count % channels == 0, "samples do not fill whole frames")
        let width = format.bytesPerSample
        let dataBytes = samples.count * width
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataBytes)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { out.append(contentsOf: $0) } }
        out += Array("RIFF".utf8); u32(36 + dataBytes); out += Array("WAVE".utf8)
        out += Array("fmt ".utf8); u32(16); u16(format.formatTag); u16(channels)
        u32(sampleRate); u32(sampleRate * channels * width); u16(channels * width); u16(width * 8)
        out += Array("data".utf8); u32(dataBytes)
        switch format {
        case .float32:
            samples.withUnsafeBytes { out.append(contentsOf: $0) }
        case .pcm16:
            for v in samples { u16(Int(UInt16(bitPattern: Int16(max(-32768, min(32767, (v * 32768).rounded())))))) }
        }
        return out
    }
}
