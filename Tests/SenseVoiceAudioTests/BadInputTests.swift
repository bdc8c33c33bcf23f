import Foundation
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

/// Garbage in, a specific `SenseVoiceError` out: never a crash, never a huge allocation.
@Suite struct BadInputTests {
    /// Decodes `bytes` from memory and from a file called `name`; both must throw `code`.
    /// Returns the message of the in-memory error.
    @discardableResult
    static func expectError(_ code: SenseVoiceError.Code, _ bytes: [UInt8], name: String = "input.bin",
                            options: AudioDecodingOptions = .init(),
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let decoder = AudioDecoder(options: options)
        var message = ""
        do {
            let b = try decoder.decode(data: bytes, filenameHint: name)
            Issue.record("decoded \(b.samples.count) samples instead of throwing \(code)", sourceLocation: sourceLocation)
        } catch let error as SenseVoiceError {
            #expect(error.code == code, "\(error.code): \(error.message)", sourceLocation: sourceLocation)
            #expect(error.message.contains(name), "message should name the input: \(error.message)", sourceLocation: sourceLocation)
            message = error.message
        }
        let dir = try TemporaryDirectory()
        let path = try dir.write(name, bytes)
        do {
            let b = try decoder.decode(path: path)
            Issue.record("decoded \(b.samples.count) samples from a file instead of throwing \(code)", sourceLocation: sourceLocation)
        } catch let error as SenseVoiceError {
            #expect(error.code == code, "file: \(error.code): \(error.message)", sourceLocation: sourceLocation)
        }
        return message
    }

    static func wav(_ configure: (inout WAVBuilder) -> Void, samples: Int = 1_000) -> [UInt8] {
        var b = WAVBuilder()
        configure(&b)
        return b.build(raw: (0..<samples * b.channels).map { Double($0 % 200 - 100) })
    }

    // MARK: Empty

    @Test func emptyFile() throws {
        let message = try Self.expectError(.audioEmpty, [], name: "empty.mp3")
        #expect(message.contains("0 bytes"))
    }

    @Test func wavWithZeroSamples() throws {
        try Self.expectError(.audioEmpty, Self.wav({ _ in }, samples: 0), name: "silence.wav")
        // A data chunk holding less than one frame.
        let partial = Self.wav({ $0.channels = 2; $0.dataSizeOverride = 3 }, samples: 0) + [1, 2, 3]
        try Self.expectError(.audioEmpty, partial, name: "partial.wav")
    }

    @Test func videoWithoutAudioTrack() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/video_only.mp4")))
        let message = try Self.expectError(.audioEmpty, bytes, name: "clip.mp4")
        #expect(message.contains("no audio track"))
    }

    // MARK: Truncated

    @Test func truncatedHeaders() throws {
        let full = Self.wav { _ in }
        try Self.expectError(.audioTruncated, Array(full.prefix(4)), name: "a.wav")   // "RIFF"
        try Self.expectError(.audioTruncated, Array(full.prefix(10)), name: "b.wav")  // inside RIFF header
        try Self.expectError(.audioTruncated, Array(full.prefix(16)), name: "c.wav")  // inside a chunk header
        try Self.expectError(.audioTruncated, Array(full.prefix(30)), name: "d.wav")  // inside fmt
        try Self.expectError(.audioTruncated, Array(full.prefix(40)), name: "e.wav")  // inside the data header
        let message = try Self.expectError(.audioTruncated, Array(full.prefix(44)), name: "f.wav")  // header only
        #expect(message.contains("none follow"))
    }

    @Test func truncatedCompressedFiles() throws {
        // MP3 cut in half: what is there decodes (like every player does).
        let mp3 = [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/en.mp3")))
        let half = try AudioDecoder().decode(data: Array(mp3.prefix(mp3.count / 2)), filenameHint: nil)
        #expect(abs(half.duration - 3.2) < 0.3)
        // An M4A without its index (moov at the end): nothing can be decoded.
        let m4a = [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/en.m4a")))
        try Self.expectError(.audioInvalidHeader, Array(m4a.prefix(m4a.count / 2)), name: "cut.m4a")
    }

    // MARK: Not audio

    @Test func randomBytes() throws {
        var rng = SeededGenerator(seed: 42)
        for size in [1, 7, 100, 4_096, 100_000] {
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            try Self.expectError(.audioUnsupported, bytes, name: "random-\(size).mp3")
        }
    }

    @Test func textFileNamedWav() throws {
        let text = Array("Hello! This is a shopping list, not a recording.\nMilk\nBread\n".utf8)
        let message = try Self.expectError(.audioUnsupported, text, name: "notes.wav")
        #expect(message.contains("text file"))
        try Self.expectError(.audioUnsupported, Array("{\"json\": true}".utf8), name: "data.mp3")
        // Playlists must not make FFmpeg open other files.
        try Self.expectError(.audioUnsupported, Array("#EXTM3U\n#EXTINF:10,\n/etc/passwd\n".utf8), name: "list.m3u8")
    }

    @Test func riffButNotWave() throws {
        // RIFF but not WAVE: not parsed as WAV, handed to FFmpeg, which knows AVI.
        var avi = Array("RIFF".utf8) + [100, 0, 0, 0] + Array("AVI LIST".utf8)
        avi += [UInt8](repeating: 0, count: 100)
        let message = try Self.expectError(.audioInvalidHeader, avi, name: "movie.avi")
        #expect(message.contains("'avi'"))
    }

    // MARK: Invalid samples

    @Test("NaN and Inf samples in a float WAV", arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteWAV(value: Double) throws {
        var b = WAVBuilder()
        b.format = .f32
        var raw = [Double](repeating: 0.1, count: 16_000)
        raw[8_000] = value
        let message = try Self.expectError(.audioInvalidSamples, b.build(raw: raw), name: "float.wav")
        #expect(message.contains("0.5 s"))
        b.format = .f64
        try Self.expectError(.audioInvalidSamples, b.build(raw: raw), name: "double.wav")
    }

    /// A Sun/NeXT .au file (big-endian header) with float32 samples, decoded by FFmpeg.
    static func au(channels: UInt32, rate: UInt32, samples: [Float], unknownSize: Bool = false) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let size = unknownSize ? 0xFFFF_FFFF : UInt32(samples.count * 4)
        var out = Array(".snd".utf8) + be(24) + be(size) + be(6) + be(rate) + be(channels)
        for s in samples { out += be(s.bitPattern) }
        return out
    }

    @Test func nonFiniteThroughFFmpeg() throws {
        var samples = [Float](repeating: 0.1, count: 8_000)
        #expect(try AudioDecoder().decode(data: Self.au(channels: 1, rate: 8_000, samples: samples), filenameHint: nil)
            .samples.count == 16_000)
        samples[4_000] = .nan
        try Self.expectError(.audioInvalidSamples, Self.au(channels: 1, rate: 8_000, samples: samples), name: "nan.au")
    }

    // MARK: Absurd header values

    struct BadHeader: Sendable, CustomTestStringConvertible {
        let name: String
        let configure: @Sendable (inout WAVBuilder) -> Void
        var testDescription: String { name }
    }

    static let badHeaders: [BadHeader] = [
        BadHeader(name: "sample rate 0") { $0.sampleRateOverride = 0 },
        BadHeader(name: "sample rate 10^9") { $0.sampleRateOverride = 1_000_000_000 },
        BadHeader(name: "0 channels") { $0.channelsOverride = 0 },
        BadHeader(name: "65535 channels") { $0.channelsOverride = 65_535 },
        BadHeader(name: "0 bits") { $0.bitsOverride = 0 },
        BadHeader(name: "16-bit float") { $0.format = .f32; $0.bitsOverride = 16 },
        BadHeader(name: "block align mismatch") { $0.blockAlignOverride = 7 },
        BadHeader(name: "short fmt chunk") { b in b.formatTagOverride = 0xFFFE },
    ]

    @Test("absurd WAV header values", arguments: badHeaders)
    func absurdWAVHeader(bad: BadHeader) throws {
        try Self.expectError(.audioInvalidHeader, Self.wav(bad.configure), name: "bad.wav")
    }

    @Test func missingChunks() throws {
        // No fmt chunk before data.
        var noFmt = Array("RIFF".utf8) + [24, 0, 0, 0] + Array("WAVE".utf8) + Array("data".utf8) + [8, 0, 0, 0]
        noFmt += [UInt8](repeating: 1, count: 8)
        try Self.expectError(.audioInvalidHeader, noFmt, name: "nofmt.wav")
        // fmt but no data chunk (a complete file, RIFF size right).
        var b = WAVBuilder()
        b.extraChunks = [("LIST", Array("INFO".utf8))]
        var noData = Array(b.build(data: []).prefix(48))  // RIFF + fmt + LIST
        noData[4] = 40  // RIFF size without the data chunk
        try Self.expectError(.audioInvalidHeader, noData, name: "nodata.wav")
        // The same cut where the RIFF size says more follows: truncated.
        let full = Self.wav { _ in }
        try Self.expectError(.audioTruncated, Array(full.prefix(36)), name: "cut.wav")
    }

    @Test func absurdHeaderThroughFFmpeg() throws {
        // An .au header claiming 10^9 channels must not make anything allocate for them.
        let bytes = Self.au(channels: 1_000_000_000, rate: 16_000, samples: [Float](repeating: 0, count: 100))
        try Self.expectError(.audioInvalidHeader, bytes, name: "huge.au")
        let noRate = Self.au(channels: 1, rate: 0, samples: [Float](repeating: 0, count: 100))
        try Self.expectError(.audioInvalidHeader, noRate, name: "norate.au")
    }

    // MARK: Too long

    @Test func tooLong() throws {
        let wav = [UInt8](try Data(contentsOf: Fixtures.audio("en.wav")))  // 6.4 s
        let short = AudioDecodingOptions(maxDurationSeconds: 5)
        let message = try Self.expectError(.audioTooLong, wav, name: "en.wav", options: short)
        #expect(message.contains("6.4 s") && message.contains("5.0 s"))
        #expect(try AudioDecoder(options: .init(maxDurationSeconds: 6.41)).decode(data: wav, filenameHint: nil).duration > 6.4)
        for name in ["en.mp3", "en.flac", "en.opus", "en.m4a", "en.mkv", "en_48k_stereo.mp3"] {
            let bytes = [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/\(name)")))
            try Self.expectError(.audioTooLong, bytes, name: name, options: short)
            #expect(try AudioDecoder(options: .init(maxDurationSeconds: 7)).decode(data: bytes, filenameHint: nil).duration > 6.3)
        }
    }

    @Test func tooLongWhileStreaming() throws {
        let decoder = AudioDecoder(options: .init(maxDurationSeconds: 2))
        // A container that states its length is refused when opened.
        #expect(throws: SenseVoiceError.self) {
            try decoder.openStream(path: Fixtures.root.appendingPathComponent("audio-formats/en.mkv").path)
        }
        // Without a trustworthy length (.au with its size unset: only a bit-rate estimate) the
        // limit is enforced while decoding, before more than the limit has been produced.
        let au = Self.au(channels: 1, rate: 8_000, samples: [Float](repeating: 0.1, count: 24_000), unknownSize: true)
        var stream = try decoder.openStream(data: au, filenameHint: "long.au")
        var got = 0
        do {
            while let c = try stream.nextChunk(maxSamples: 1_600) { got += c.count }
            Issue.record("no error")
        } catch let error as SenseVoiceError {
            #expect(error.code == .audioTooLong)
            #expect(error.message.contains("long.au"))
        }
        #expect(got <= 2 * 16_000)
    }

    // MARK: Files

    @Test func missingFileAndDirectory() throws {
        #expect(throws: SenseVoiceError.self) { try AudioDecoder().decode(path: "/nonexistent/x.wav") }
        do {
            _ = try AudioDecoder().decode(path: "/nonexistent/x.wav")
        } catch let e as SenseVoiceError {
            #expect(e.code == .fileNotFound)
            #expect(e.message.contains("x.wav"))
        }
        let dir = try TemporaryDirectory()
        do {
            _ = try AudioDecoder().decode(path: dir.url.path)
            Issue.record("decoded a directory")
        } catch let e as SenseVoiceError {
            #expect(e.code == .ioError)
        }
    }

    @Test func invalidOptions() throws {
        let wav = [UInt8](try Data(contentsOf: Fixtures.audio("en.wav")))
        for options in [AudioDecodingOptions(targetSampleRate: 0), AudioDecodingOptions(maxDurationSeconds: -1),
                        AudioDecodingOptions(maxDurationSeconds: .nan)] {
            do {
                _ = try AudioDecoder(options: options).decode(data: wav, filenameHint: nil)
                Issue.record("accepted \(options)")
            } catch let e as SenseVoiceError {
                #expect(e.code == .invalidOption)
            }
        }
    }
}
