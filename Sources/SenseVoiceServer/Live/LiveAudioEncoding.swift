// Raw PCM sample encodings a live stream may send: little-endian 16-bit integers or 32-bit floats.

import SenseVoiceEngine

/// The sample encoding of a live stream's binary audio frames (mono).
enum LiveAudioEncoding: String, Sendable, CaseIterable {
    case pcmS16LE = "pcm_s16le"
    case pcmF32LE = "pcm_f32le"

    /// Bytes per sample.
    var sampleBytes: Int { self == .pcmS16LE ? 2 : 4 }

    /// Parses the `encoding` query parameter (`pcm_s16le` when absent).
    /// - Throws: `SenseVoiceError(.invalidOption)` for other names.
    init(parsing raw: String?) throws {
        guard let raw = raw?.trimmingSpaces.lowercased(), !raw.isEmpty else {
            self = .pcmS16LE
            return
        }
        guard let encoding = Self(rawValue: raw) else {
            throw SenseVoiceError(.invalidOption, "encoding '\(raw.prefix(40))' is not supported; use pcm_s16le or pcm_f32le")
        }
        self = encoding
    }

    /// Samples in [-1, 1] (16-bit) or as sent (float) of one frame.
    /// - Throws: `SenseVoiceError(.audioInvalidSamples)` when the byte count is not a whole number
    ///   of samples, or a float sample is not finite (the frame is dropped, the stream goes on).
    func samples(_ bytes: some Collection<UInt8>) throws -> [Float] {
        guard bytes.count % sampleBytes == 0 else {
            throw SenseVoiceError(.audioInvalidSamples, "an audio frame of \(bytes.count) bytes is not a whole number of \(rawValue) samples (\(sampleBytes) bytes each); the frame was dropped — send whole samples")
        }
        var out = [Float]()
        out.reserveCapacity(bytes.count / sampleBytes)
        var iterator = bytes.makeIterator()
        switch self {
        case .pcmS16LE:
            while let lo = iterator.next(), let hi = iterator.next() {
                out.append(Float(Int16(bitPattern: UInt16(lo) | UInt16(hi) << 8)) / 32768)
            }
        case .pcmF32LE:
            while let b0 = iterator.next(), let b1 = iterator.next(), let b2 = iterator.next(), let b3 = iterator.next() {
                let value = Float(bitPattern: UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24)
                guard value.isFinite else {
                    throw SenseVoiceError(.audioInvalidSamples, "an audio frame holds a sample that is not a finite number; the frame was dropped — send pcm_f32le samples in [-1, 1]")
                }
                out.append(value)
            }
        }
        return out
    }
}
