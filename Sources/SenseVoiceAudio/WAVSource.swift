// WAVSource: reads PCM/float WAV data in blocks and averages channels to mono float32.
// Follows torchaudio's normalisation (FunASR loads audio with torchaudio.load): see spec §1.

/// Mono float32 frames of a PCM/float WAV file at its own sample rate, read block by block.
///
/// Normalisation as torchaudio: unsigned 8-bit `(v − 128) / 128`, 16-bit `v / 32768`,
/// 24-bit `v / 2²³`, 32-bit `v / 2³¹`, floats unchanged (not clipped). Channels are averaged
/// (summed in channel order, then divided by the channel count, like `tensor.mean(0)`).
/// A class so that its read buffer is reused in place (never copied on write).
final class WAVSource {
    let header: WAVHeader
    private let source: ByteSource
    /// The one channel read (`--channels split`), or nil: the mean of all channels.
    private let channel: Int?
    private var nextFrame = 0
    private var bytes: [UInt8] = []

    init(header: WAVHeader, source: ByteSource, channel: Int? = nil) {
        self.header = header
        self.source = source
        self.channel = channel
    }

    /// Appends up to `maxFrames` mono frames to `output`; returns how many (0 at the end).
    func read(into output: inout [Float], maxFrames: Int) throws -> Int {
        let frames = min(maxFrames, header.frameCount - nextFrame)
        guard frames > 0 else { return 0 }
        let byteCount = frames * header.blockAlign
        if bytes.count < byteCount { bytes = [UInt8](repeating: 0, count: byteCount) }
        let offset = header.dataOffset + nextFrame * header.blockAlign
        let got = try bytes.withUnsafeMutableBytes { raw in
            try source.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<byteCount]))
        }
        let n = got / header.blockAlign  // fewer only if the file shrank while being read
        guard n > 0 else { return 0 }
        nextFrame += n
        let first = output.count
        output.append(contentsOf: repeatElement(0, count: n))
        let (encoding, channels, pick) = (header.encoding, header.channels, channel)
        bytes.withUnsafeBytes { src in
            output.withUnsafeMutableBufferPointer { out in
                Self.convert(src, encoding: encoding, channels: channels, frames: n, pick: pick, into: out.baseAddress! + first)
            }
        }
        return n
    }

    /// Converts `frames` interleaved frames to mono float32: the mean of the channels, or channel
    /// `pick` alone.
    static func convert(_ src: UnsafeRawBufferPointer, encoding: WAVHeader.Encoding, channels: Int, frames: Int,
                        pick: Int? = nil, into dst: UnsafeMutablePointer<Float>) {
        let p = src.baseAddress!
        @inline(__always) func store(_ sample: (Int) -> Float) {
            if let pick { Self.pick(pick, frames, channels, dst, sample) } else { mix(frames, channels, dst, sample) }
        }
        switch encoding {
        case .unsigned8:
            store { (Float(p.load(fromByteOffset: $0, as: UInt8.self)) - 128) / 128 }
        case .signed16:
            store {
                Float(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self))) / 32768
            }
        case .signed24:
            store { i in
                let o = 3 * i
                let v = Int32(bitPattern: UInt32(p.load(fromByteOffset: o, as: UInt8.self)) << 8
                    | UInt32(p.load(fromByteOffset: o + 1, as: UInt8.self)) << 16
                    | UInt32(p.load(fromByteOffset: o + 2, as: UInt8.self)) << 24) >> 8
                return Float(v) / 8_388_608
            }
        case .signed32:
            store {
                Float(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) / 2_147_483_648
            }
        case .float32:
            store {
                Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
            }
        case .float64:
            store {
                Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))))
            }
        }
    }

    /// `dst[i] = sample(i · channels + k)`.
    @inline(__always)
    private static func pick(_ k: Int, _ frames: Int, _ channels: Int, _ dst: UnsafeMutablePointer<Float>,
                             _ sample: (Int) -> Float) {
        for i in 0..<frames { dst[i] = sample(i * channels + k) }
    }

    /// `dst[i] = mean over c of sample(i · channels + c)`.
    @inline(__always)
    private static func mix(_ frames: Int, _ channels: Int, _ dst: UnsafeMutablePointer<Float>,
                            _ sample: (Int) -> Float) {
        if channels == 1 {
            for i in 0..<frames { dst[i] = sample(i) }
            return
        }
        let c = Float(channels)
        for i in 0..<frames {
            let base = i * channels
            var s = sample(base)
            for k in 1..<channels { s += sample(base + k) }
            dst[i] = s / c
        }
    }
}
