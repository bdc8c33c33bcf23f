import Foundation
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

/// WAV files of every sample format and chunk layout, built in the test from en.wav.
@Suite struct WAVDecodingTests {
    /// The first 2 s of en.wav as int16 values.
    static let pcm16: [Int] = {
        let (samples, _) = try! TestWAV.readPCM16(Fixtures.audio("en.wav"))
        return samples.prefix(32_000).map { Int(($0 * 32768).rounded()) }
    }()

    /// Raw values of one channel in the given format's own range, and their expected floats.
    static func channel(_ format: WAVBuilder.SampleFormat, salt: Int) -> (raw: [Double], expected: [Float]) {
        var raw: [Double] = []
        var expected: [Float] = []
        raw.reserveCapacity(pcm16.count)
        expected.reserveCapacity(pcm16.count)
        for (i, v16) in pcm16.enumerated() {
            let v = salt == 0 ? v16 : (v16 * (salt + 1)) / (salt + 2)
            switch format {
            case .u8:
                let u = (v >> 8) + 128
                raw.append(Double(u)); expected.append((Float(u) - 128) / 128)
            case .s16:
                raw.append(Double(v)); expected.append(Float(v) / 32768)
            case .s24:
                let w = v << 8 | ((i * 37 + salt) & 0xFF)
                raw.append(Double(w)); expected.append(Float(w) / 8_388_608)
            case .s32:
                let w = v << 16 | ((i * 7919 + salt) & 0xFFFF)
                raw.append(Double(w)); expected.append(Float(Int32(w)) / 2_147_483_648)
            case .f32:
                let f = Float(v) / 32768 * 0.9
                raw.append(Double(f)); expected.append(f)
            case .f64:
                let d = Double(v) / 32768 * 0.9 + 1e-9
                raw.append(d); expected.append(Float(d))
            }
        }
        return (raw, expected)
    }

    /// Interleaves channels and averages the expected values as torch's mean(0) does.
    static func interleave(_ chans: [(raw: [Double], expected: [Float])]) -> (raw: [Double], expected: [Float]) {
        let n = chans[0].raw.count
        var raw: [Double] = []
        raw.reserveCapacity(n * chans.count)
        var expected = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var s: Float = 0
            for (c, ch) in chans.enumerated() {
                raw.append(ch.raw[i])
                s = c == 0 ? ch.expected[i] : s + ch.expected[i]
            }
            expected[i] = chans.count == 1 ? s : s / Float(chans.count)
        }
        return (raw, expected)
    }

    static let formats: [WAVBuilder.SampleFormat] = [.u8, .s16, .s24, .s32, .f32, .f64]

    @Test("every PCM/float format, mono to 6 channels, plain and extensible", arguments: formats, [1, 2, 6])
    func sampleFormats(format: WAVBuilder.SampleFormat, channels: Int) throws {
        let chans = (0..<channels).map { Self.channel(format, salt: $0) }
        let (raw, expected) = Self.interleave(chans)
        for extensible in [false, true] {
            var b = WAVBuilder()
            b.format = format
            b.channels = channels
            b.extensible = extensible
            let bytes = b.build(raw: raw)
            let fromData = try AudioDecoder().decode(data: bytes, filenameHint: "x.wav")
            #expect(fromData.sampleRate == 16_000)
            #expect(fromData.samples.count == expected.count)
            let diff = MaxDifference(fromData.samples, expected)
            #expect(diff.value == 0, "\(format) ×\(channels) extensible \(extensible): \(diff)")
            let dir = try TemporaryDirectory()
            let fromPath = try AudioDecoder().decode(path: try dir.write("x.wav", bytes))
            #expect(fromPath == fromData)
        }
    }

    @Test func sixteenBitMonoEqualsTestReader() throws {
        let url = Fixtures.audio("en.wav")
        let expected = try TestWAV.readPCM16(url).samples
        let decoded = try AudioDecoder().decode(path: url.path)
        #expect(decoded.samples == expected)
        let stream = try AudioStream(path: url.path)
        #expect(stream.formatName == "wav")
        #expect(stream.codecName == "pcm_s16le")
        #expect(stream.sourceSampleRate == 16_000)
        #expect(stream.durationHint == Double(expected.count) / 16_000)
    }

    /// A file whose layout is unusual but valid (or a common writer's mistake).
    struct Layout: CustomTestStringConvertible, Sendable {
        let name: String
        let configure: @Sendable (inout WAVBuilder) -> Void
        var testDescription: String { name }
    }

    static let layouts: [Layout] = [
        Layout(name: "LIST and fact chunks") { b in
            b.extraChunks = [("LIST", Array("INFOISFT\u{0E}\u{0}\u{0}\u{0}Lavf59.27.100\u{0}".utf8)), ("fact", [1, 2, 3, 4])]
        },
        Layout(name: "odd-sized chunk with its pad byte") { b in b.extraChunks = [("bext", [1, 2, 3, 4, 5, 6, 7])] },
        Layout(name: "odd-sized chunk without pad byte") { b in
            b.extraChunks = [("bext", [1, 2, 3, 4, 5, 6, 7])]
            b.padOddChunks = false
        },
        Layout(name: "streaming writer: data and RIFF sizes 0") { b in
            b.dataSizeOverride = 0
            b.riffSizeOverride = 0
        },
        Layout(name: "streaming writer: data size 0, RIFF size of the header only") { b in
            b.dataSizeOverride = 0
            b.riffSizeOverride = 36
        },
        Layout(name: "streaming writer: sizes 0xFFFFFFFF") { b in
            b.dataSizeOverride = 0xFFFF_FFFF
            b.riffSizeOverride = 0xFFFF_FFFF
        },
        Layout(name: "RF64 with ds64") { b in b.rf64 = true },
        Layout(name: "LIST chunk after the data") { b in b.trailingChunks = [("LIST", Array("INFOIART\u{4}\u{0}\u{0}\u{0}abcd".utf8))] },
        Layout(name: "24-bit samples in 4-byte containers (blockAlign only)") { b in
            b.format = .s32
            b.bitsOverride = 24
        },
    ]

    @Test("chunk layouts", arguments: layouts)
    func chunkLayouts(layout: Layout) throws {
        var b = WAVBuilder()
        b.channels = 2
        layout.configure(&b)
        let (raw, expected) = Self.interleave([Self.channel(b.format, salt: 0), Self.channel(b.format, salt: 1)])
        let decoded = try AudioDecoder().decode(data: b.build(raw: raw), filenameHint: nil)
        #expect(decoded.samples.count == expected.count)
        let diff = MaxDifference(decoded.samples, expected)
        #expect(diff.value == 0, "\(diff)")
    }

    @Test func dataSizeLargerThanFileKeepsWhatIsThere() throws {
        var b = WAVBuilder()
        b.dataSizeOverride = 0xFFFF_FFF0  // a lying header: ~4 GB announced
        let (raw, expected) = Self.channel(.s16, salt: 0)
        var bytes = b.build(raw: raw)
        bytes.removeLast(1001)  // and the file is cut mid-sample
        let decoded = try AudioDecoder().decode(data: bytes, filenameHint: nil)
        #expect(decoded.samples.count == expected.count - 501)
        #expect(decoded.samples == Array(expected.prefix(expected.count - 501)))
    }

    @Test func muLawAndADPCMWavGoThroughFFmpeg() throws {
        let reference = try TestWAV.readPCM16(Fixtures.audio("en.wav")).samples
        for name in ["en_mulaw.wav", "en_adpcm.wav"] {
            let path = Fixtures.root.appendingPathComponent("audio-formats/\(name)").path
            let stream = try AudioStream(path: path)
            #expect(stream.formatName == "wav")
            let samples = try stream.readAll()
            #expect(abs(samples.count - 24_000) <= 512, "\(name): \(samples.count)")
            let n = min(samples.count, 24_000)
            #expect(AudioTestMath.correlation(Array(samples.prefix(n)), Array(reference.prefix(n))) > 0.99, "\(name)")
        }
    }
}
