// WAVHeader: a tolerant RIFF/RF64 WAVE header parser (pure Swift, no allocation from header values).

import SenseVoiceTensor

/// The layout of a PCM or IEEE-float WAV file, as far as the decoder needs it.
///
/// Accepts `RIFF`, `RF64` and `BW64` files; PCM 8 (unsigned), 16, 24 and 32 bit, float32 and
/// float64, plain or `WAVE_FORMAT_EXTENSIBLE`; any chunk order with unknown chunks skipped
/// (`LIST`, `fact`, `bext`, `JUNK`, …); odd-sized chunks with or without their pad byte; and data
/// sizes left unset by streaming writers (`0` or `0xFFFFFFFF`), which mean "to the end of the
/// file". Other codecs inside WAV (µ-law, A-law, ADPCM, MP3, GSM) are left to FFmpeg.
struct WAVHeader: Sendable, Equatable {
    /// How one sample is stored.
    enum Encoding: Sendable, Equatable {
        case unsigned8, signed16, signed24, signed32, float32, float64

        /// Bytes per sample.
        var bytes: Int {
            switch self {
            case .unsigned8: 1
            case .signed16: 2
            case .signed24: 3
            case .signed32, .float32: 4
            case .float64: 8
            }
        }
    }

    /// What the parser found.
    enum Parsed: Sendable, Equatable {
        /// Not a RIFF/RF64 WAVE file (could still be AVI, MP3, …: try FFmpeg).
        case notWAV
        /// A WAV file whose codec is not PCM or float (format tag given): decode with FFmpeg.
        case otherCodec(formatTag: Int)
        /// A PCM or float WAV file this parser decodes itself.
        case pcm(WAVHeader)
    }

    /// The most channels and the highest sample rate a header may declare.
    static let maxChannels = 256
    static let maxSampleRate = 768_000

    var encoding: Encoding
    var channels: Int
    var sampleRate: Int
    /// Bytes per frame (all channels of one sample instant).
    var blockAlign: Int
    /// Offset of the first sample byte.
    var dataOffset: Int
    /// Bytes of whole frames available in the file.
    var dataLength: Int
    /// Bytes of audio the header announces when the file holds fewer (a cut-off file); `nil`
    /// when the data is complete or its size was left unset by a streaming writer.
    var declaredDataLength: Int? = nil

    /// Frames (samples per channel) in the file.
    var frameCount: Int { dataLength / blockAlign }
    /// Seconds of audio the header announces when the file is cut off, else `nil`.
    var declaredSeconds: Double? { declaredDataLength.map { Double($0 / blockAlign) / Double(sampleRate) } }

    /// Parses the header of `source`.
    /// - Throws: `.audioEmpty` for a 0-byte file, `.audioTruncated` when the file ends inside
    ///   the header, `.audioInvalidHeader` for impossible values (0 channels, sample rate 0, …).
    static func parse(_ source: ByteSource) throws -> Parsed {
        let name = source.displayName
        let size = source.size
        if size == 0 {
            throw SenseVoiceError(.audioEmpty, "\(name) is empty (0 bytes); choose a file that contains a recording.")
        }
        let head = try source.bytes(at: 0, count: 12)
        guard head.count >= 4, ["RIFF", "RF64", "BW64"].contains(fourCC(head, 0)) else { return .notWAV }
        guard head.count == 12 else {
            throw SenseVoiceError(.audioTruncated,
                                  "\(name) is cut off inside its WAV header (only \(size) bytes); the file is incomplete, so upload or export it again.")
        }
        guard fourCC(head, 8) == "WAVE" else { return .notWAV }  // AVI and other RIFF forms
        let riffSize = Int(u32(head, 4))
        let isRF64 = fourCC(head, 0) != "RIFF"

        var format: Format?
        var ds64DataSize: Int?
        var pos = 12
        var cutOffIn: String?
        while pos < size {
            guard pos + 8 <= size else { cutOffIn = "a chunk header"; break }
            let h = try source.bytes(at: pos, count: 8)
            let id = fourCC(h, 0)
            let chunkSize = Int(u32(h, 4))
            let body = pos + 8
            switch id {
            case "ds64":
                let b = try source.bytes(at: body, count: 28)
                guard b.count >= 16 else { cutOffIn = "its ds64 chunk"; break }
                ds64DataSize = Int(clamping: u64(b, 8))
            case "fmt ":
                guard chunkSize >= 16 else {
                    throw invalid(name, "its format chunk is \(chunkSize) bytes long, shorter than the 16 bytes every WAV format chunk has")
                }
                let b = try source.bytes(at: body, count: min(chunkSize, 40))
                guard b.count == min(chunkSize, 40) else { cutOffIn = "its format chunk"; break }
                format = try Format(b, name: name)
            case "data":
                guard let format else {
                    throw invalid(name, "its data chunk comes before any format chunk ('fmt '), so the sample format is unknown")
                }
                let remaining = size - body
                var length = chunkSize
                if isRF64, chunkSize == 0xFFFF_FFFF, let ds64DataSize {
                    length = ds64DataSize
                } else if chunkSize == 0xFFFF_FFFF {
                    length = remaining  // streaming writer: size never filled in
                } else if chunkSize == 0, remaining > 0, riffSize == 0 || riffSize == 0xFFFF_FFFF || riffSize + 8 <= body {
                    length = remaining  // streaming writer: header written before the data, never updated
                }
                let declared = length > remaining ? length : nil
                length = min(length, remaining)  // cut-off data: keep what is there, and say so
                switch format.encoding {
                case .some(let encoding):
                    let frames = length / format.blockAlign
                    if frames == 0, length < chunkSize, chunkSize != 0xFFFF_FFFF {
                        throw SenseVoiceError(.audioTruncated,
                                              "\(name) ends right after its WAV header: the header announces \(chunkSize) bytes of audio but none follow. The file is incomplete, so upload or export it again.")
                    }
                    return .pcm(WAVHeader(encoding: encoding, channels: format.channels, sampleRate: format.sampleRate,
                                          blockAlign: format.blockAlign, dataOffset: body,
                                          dataLength: frames * format.blockAlign, declaredDataLength: declared))
                case .none:
                    return .otherCodec(formatTag: format.formatTag)
                }
            default:
                break
            }
            if cutOffIn != nil { break }
            var next = body + chunkSize
            if chunkSize & 1 == 1 {
                // RIFF pads odd-sized chunks to an even length; some writers forget the pad byte.
                // Take the layout in which a plausible chunk id follows.
                let padded = try isPlausibleChunk(source, at: next + 1)
                if !padded, try isPlausibleChunk(source, at: next) {
                    // no pad byte
                } else {
                    next += 1
                }
            }
            if next > size { cutOffIn = "its '\(printable(id))' chunk" }
            pos = next
        }
        if let cutOffIn {
            throw SenseVoiceError(.audioTruncated,
                                  "\(name) ends inside \(cutOffIn), before any audio data; the file is incomplete, so upload or export it again.")
        }
        if riffSize != 0, riffSize != 0xFFFF_FFFF, riffSize + 8 > size {
            throw SenseVoiceError(.audioTruncated,
                                  "\(name) ends after \(size) of the \(riffSize + 8) bytes its WAV header announces, before any audio data; the file is incomplete, so upload or export it again.")
        }
        if format == nil {
            throw invalid(name, "it has no format chunk ('fmt ') and no data chunk")
        }
        throw invalid(name, "it has a format chunk but no data chunk")
    }

    /// The `fmt ` chunk.
    private struct Format {
        var formatTag: Int
        var channels: Int
        var sampleRate: Int
        var blockAlign: Int
        /// `nil` when the codec is not PCM/float (left to FFmpeg).
        var encoding: Encoding?

        init(_ b: [UInt8], name: String) throws {
            formatTag = Int(u16(b, 0))
            channels = Int(u16(b, 2))
            sampleRate = Int(u32(b, 4))
            blockAlign = Int(u16(b, 12))
            let bits = Int(u16(b, 14))
            var tag = formatTag
            if formatTag == 0xFFFE {  // WAVE_FORMAT_EXTENSIBLE: the real tag opens the SubFormat GUID
                guard b.count >= 40 else {
                    throw invalid(name, "its WAVE_FORMAT_EXTENSIBLE format chunk is \(b.count) bytes long instead of 40")
                }
                tag = Int(u16(b, 24))
            }
            guard channels > 0 else { throw invalid(name, "it declares 0 channels") }
            guard channels <= WAVHeader.maxChannels else {
                throw invalid(name, "it declares \(channels) channels; at most \(WAVHeader.maxChannels) are supported")
            }
            guard sampleRate > 0, sampleRate <= WAVHeader.maxSampleRate else {
                throw invalid(name, "it declares a sample rate of \(sampleRate) Hz; expected 1 to \(WAVHeader.maxSampleRate) Hz")
            }
            switch tag {
            case 1:  // PCM; samples are left-justified in their container
                switch bits {
                case 0: throw invalid(name, "it declares 0 bits per sample")
                case 1...8: encoding = .unsigned8
                case 9...16: encoding = .signed16
                case 17...24: encoding = .signed24
                case 25...32: encoding = .signed32
                default: encoding = nil  // 64-bit integer PCM: FFmpeg
                }
                // 24 valid bits in 4-byte containers, declared through blockAlign only.
                if let e = encoding, blockAlign != channels * e.bytes, blockAlign % channels == 0,
                   blockAlign / channels > e.bytes, blockAlign / channels <= 4 {
                    encoding = blockAlign / channels == 4 ? .signed32 : .signed24
                }
            case 3:  // IEEE float
                switch bits {
                case 32: encoding = .float32
                case 64: encoding = .float64
                default: throw invalid(name, "it declares \(bits)-bit floating-point samples; only 32 and 64 bits exist")
                }
            default:
                encoding = nil
            }
            if let e = encoding, blockAlign != channels * e.bytes {
                throw invalid(name, "its block size of \(blockAlign) bytes does not fit \(channels) channel(s) of \(bits)-bit samples")
            }
        }
    }

    private static func invalid(_ name: String, _ what: String) -> SenseVoiceError {
        SenseVoiceError(.audioInvalidHeader, "\(name) has an invalid WAV header: \(what). Export the audio again, e.g. as 16-bit PCM WAV.")
    }

    /// Whether a chunk header that looks real starts at `offset`: an alphanumeric id (spaces
    /// allowed after the first character) and a size that fits in the file (any size for `data`,
    /// which streaming writers leave unset).
    private static func isPlausibleChunk(_ source: ByteSource, at offset: Int) throws -> Bool {
        let b = try source.bytes(at: offset, count: 8)
        guard b.count == 8 else { return false }
        func isAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
        guard isAlnum(b[0]), b[1...3].allSatisfy({ isAlnum($0) || $0 == 0x20 }) else { return false }
        return fourCC(b, 0) == "data" || offset + 8 + Int(u32(b, 4)) <= source.size
    }

    private static func printable(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}

@inline(__always) private func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
@inline(__always) private func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
    UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
}
@inline(__always) private func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }
private func fourCC(_ b: [UInt8], _ o: Int) -> String { String(decoding: b[o..<o + 4], as: UTF8.self) }
