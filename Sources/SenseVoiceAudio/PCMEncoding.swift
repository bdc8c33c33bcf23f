// Raw PCM sample encodings of live streams (CLI `stream -`, WebSocket binary frames): bytes → floats.

import SenseVoiceTensor

/// How raw little-endian PCM samples are laid out in bytes.
public enum PCMEncoding: String, Sendable, CaseIterable, Codable {
    /// Signed 16-bit integers, little-endian; scaled by 1/32768 (torchaudio's normalisation).
    case s16le = "pcm_s16le"
    /// IEEE 754 32-bit floats, little-endian, in [-1, 1].
    case f32le = "pcm_f32le"

    /// The highest sample rate accepted for raw PCM (the same bound as WAV headers).
    public static let maxSampleRate = WAVHeader.maxSampleRate

    /// Bytes of one (mono) sample.
    public var bytesPerSample: Int {
        switch self {
        case .s16le: 2
        case .f32le: 4
        }
    }

    /// Parses an encoding name (`pcm_s16le`, `pcm_f32le`; case-insensitive).
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the accepted encodings.
    public init(name: String) throws {
        guard let encoding = PCMEncoding(rawValue: name.lowercased()) else {
            let names = PCMEncoding.allCases.map(\.rawValue).joined(separator: ", ")
            throw SenseVoiceError(.invalidOption, "unknown PCM encoding \"\(name)\"; use one of \(names)")
        }
        self = encoding
    }

    /// Decodes whole samples.
    /// - Parameter bytes: a whole number of samples.
    /// - Throws: `SenseVoiceError(.audioTruncated)` when the byte count is not a multiple of
    ///   ``bytesPerSample``.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws -> [Float] {
        guard bytes.count % bytesPerSample == 0 else {
            throw SenseVoiceError(.audioTruncated, "\(bytes.count) bytes of \(rawValue) audio are not a whole number of \(bytesPerSample)-byte samples; send whole samples")
        }
        let count = bytes.count / bytesPerSample
        switch self {
        case .s16le:
            return (0..<count).map { i in
                Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) / 32768
            }
        case .f32le:
            return (0..<count).map { i in
                Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        }
    }

    /// Decodes whole samples from an array of bytes; see ``decode(_:)-(UnsafeRawBufferPointer)``.
    public func decode(_ bytes: [UInt8]) throws -> [Float] {
        try bytes.withUnsafeBytes { try decode($0) }
    }
}
