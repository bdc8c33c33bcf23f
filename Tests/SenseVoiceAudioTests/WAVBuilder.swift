// WAVBuilder: writes WAV files of every layout the decoder must accept (and some it must refuse).

import Foundation

/// Builds WAV bytes from float samples (interleaved) with full control over the header.
struct WAVBuilder {
    enum SampleFormat {
        case u8, s16, s24, s32, f32, f64
        var bits: Int {
            switch self {
            case .u8: 8
            case .s16: 16
            case .s24: 24
            case .s32, .f32: 32
            case .f64: 64
            }
        }
        var isFloat: Bool { self == .f32 || self == .f64 }
    }

    var format: SampleFormat = .s16
    var channels = 1
    var sampleRate = 16_000
    var extensible = false
    /// Overrides of header fields (to build broken files).
    var formatTagOverride: Int?
    var channelsOverride: Int?
    var sampleRateOverride: Int?
    var bitsOverride: Int?
    var blockAlignOverride: Int?
    var dataSizeOverride: UInt32?
    var riffSizeOverride: UInt32?
    /// Chunks written between `fmt ` and `data` (id, payload).
    var extraChunks: [(String, [UInt8])] = []
    /// Whether odd-sized extra chunks get their RIFF pad byte.
    var padOddChunks = true
    /// Chunks written after `data`.
    var trailingChunks: [(String, [UInt8])] = []
    /// Write `RF64` with a `ds64` chunk and 0xFFFFFFFF sizes.
    var rf64 = false

    /// Encodes raw sample values already in the target integer/float domain.
    func encode(_ values: [Double]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * format.bits / 8)
        for v in values {
            switch format {
            case .u8: out.append(UInt8(clamping: Int(v)))
            case .s16: append(&out, UInt64(UInt16(bitPattern: Int16(clamping: Int(v)))), 2)
            case .s24: append(&out, UInt64(UInt32(bitPattern: Int32(clamping: Int(v)))), 3)
            case .s32: append(&out, UInt64(UInt32(bitPattern: Int32(clamping: Int(v)))), 4)
            case .f32: append(&out, UInt64(Float(v).bitPattern), 4)
            case .f64: append(&out, v.bitPattern, 8)
            }
        }
        return out
    }

    /// The WAV file for interleaved raw values (integers in their own range, floats as-is).
    func build(raw values: [Double]) -> [UInt8] {
        build(data: encode(values))
    }

    func build(data: [UInt8]) -> [UInt8] {
        let bytesPerSample = format.bits / 8
        let ch = channelsOverride ?? channels
        var fmt: [UInt8] = []
        let tag = formatTagOverride ?? (extensible ? 0xFFFE : (format.isFloat ? 3 : 1))
        append(&fmt, UInt64(tag), 2)
        append(&fmt, UInt64(ch), 2)
        append(&fmt, UInt64(sampleRateOverride ?? sampleRate), 4)
        let blockAlign = blockAlignOverride ?? channels * bytesPerSample
        append(&fmt, UInt64((sampleRateOverride ?? sampleRate) * blockAlign), 4)
        append(&fmt, UInt64(blockAlign), 2)
        append(&fmt, UInt64(bitsOverride ?? format.bits), 2)
        if extensible {
            append(&fmt, 22, 2)  // cbSize
            append(&fmt, UInt64(format.bits), 2)  // valid bits
            append(&fmt, channels == 1 ? 4 : 3, 4)  // channel mask
            append(&fmt, format.isFloat ? 3 : 1, 2)
            fmt += [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
        }
        var body: [UInt8] = Array("WAVE".utf8)
        if rf64 {
            var ds64: [UInt8] = []
            append(&ds64, 0, 8)  // riff size (unused by readers)
            append(&ds64, UInt64(data.count), 8)
            append(&ds64, UInt64(data.count / max(blockAlign, 1)), 8)
            append(&ds64, 0, 4)
            chunk(&body, "ds64", ds64, pad: true)
        }
        chunk(&body, "fmt ", fmt, pad: true)
        for (id, payload) in extraChunks { chunk(&body, id, payload, pad: padOddChunks) }
        chunk(&body, "data", data, pad: true, sizeOverride: rf64 ? 0xFFFF_FFFF : dataSizeOverride)
        for (id, payload) in trailingChunks { chunk(&body, id, payload, pad: true) }
        var out: [UInt8] = Array((rf64 ? "RF64" : "RIFF").utf8)
        append(&out, UInt64(rf64 ? 0xFFFF_FFFF : (riffSizeOverride ?? UInt32(body.count))), 4)
        return out + body
    }

    private func chunk(_ out: inout [UInt8], _ id: String, _ payload: [UInt8], pad: Bool, sizeOverride: UInt32? = nil) {
        out += Array(id.utf8)
        append(&out, UInt64(sizeOverride ?? UInt32(payload.count)), 4)
        out += payload
        if pad && payload.count % 2 == 1 { out.append(0) }
    }

    private func append(_ out: inout [UInt8], _ v: UInt64, _ n: Int) {
        for i in 0..<n { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}

/// Temporary files for one test, removed when it ends.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sensevoice-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }
}

/// A deterministic random generator (xorshift64*), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
