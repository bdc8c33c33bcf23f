import Foundation
import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

/// Seeded random-mutation fuzzing of the WAV parser and the FFmpeg path: every mutated input
/// must decode or throw a `SenseVoiceError`, never crash, hang or return non-finite samples.
///
/// `SENSEVOICE_FUZZ_ITERATIONS` scales the run (default 60 mutations per seed file). For leaks,
/// run the suite under valgrind:
/// `valgrind --leak-check=full --errors-for-leak-kinds=definite .build/debug/sensevoice-swiftPackageTests.xctest --testing-library swift-testing --filter FuzzTests`
@Suite struct FuzzTests {
    static let iterations = ProcessInfo.processInfo.environment["SENSEVOICE_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 60

    static func seedWAVs() -> [(String, [UInt8])] {
        let raw = (0..<4_000).map { Double(($0 * 37) % 2_000 - 1_000) }
        var out: [(String, [UInt8])] = []
        var b = WAVBuilder()
        out.append(("s16 mono", b.build(raw: raw)))
        b.format = .f32
        b.channels = 2
        b.extensible = true
        b.sampleRate = 44_100
        out.append(("f32 stereo extensible 44.1k", b.build(raw: raw.map { $0 / 1_000 })))
        b = WAVBuilder()
        b.rf64 = true
        b.format = .s24
        b.extraChunks = [("LIST", Array("INFOISFTabc".utf8))]
        out.append(("RF64 s24 with odd LIST", b.build(raw: raw.map { $0 * 256 })))
        return out
    }

    static let compressed = ["en.mp3", "en.flac", "en.ogg", "en.opus", "en.m4a", "en.webm", "en.mkv",
                             "en_mulaw.wav", "en_adpcm.wav", "en.aiff", "en_48k_stereo.mp3"]

    /// One random mutation: bit flips, extreme bytes (header-biased), cuts, duplicated or
    /// inserted slices.
    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = input
        guard !b.isEmpty else { return [UInt8.random(in: 0...255, using: &rng)] }
        let kinds = Int.random(in: 1...3, using: &rng)
        for _ in 0..<kinds {
            guard !b.isEmpty else { break }
            let headerBiased = Bool.random(using: &rng)
            func position() -> Int {
                headerBiased ? Int.random(in: 0..<min(b.count, 96), using: &rng) : Int.random(in: 0..<b.count, using: &rng)
            }
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...16, using: &rng) { b[position()] ^= 1 << UInt8.random(in: 0...7, using: &rng) }
            case 1:
                let extremes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE]
                for _ in 0..<Int.random(in: 1...8, using: &rng) { b[position()] = extremes.randomElement(using: &rng)! }
            case 2:
                b.removeLast(Int.random(in: 0..<b.count, using: &rng))
            case 3:
                let p = position()
                let n = min(b.count - p, Int.random(in: 1...512, using: &rng))
                b.insert(contentsOf: b[p..<p + n], at: Int.random(in: 0...b.count, using: &rng))
            case 4:
                let p = position()
                b.insert(contentsOf: (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: p)
            case 5:
                let p = position()
                let n = min(b.count - p, 4)
                for i in 0..<n { b[p + i] = 0xFF }  // a 32-bit field set to 0xFFFFFFFF
            default:
                let p = position()
                b.removeSubrange(p..<min(b.count, p + Int.random(in: 1...256, using: &rng)))
            }
        }
        return b
    }

    static func run(_ name: String, _ seed: [UInt8], seedValue: UInt64) throws {
        var rng = SeededGenerator(seed: seedValue)
        // The limit keeps each decode short; mutations that lengthen the audio end in audioTooLong.
        let decoder = AudioDecoder(options: .init(maxDurationSeconds: 1.5))
        let dir = try TemporaryDirectory()
        for i in 0..<iterations {
            let input = mutate(seed, &rng)
            let usePath = i % 4 == 0
            do {
                let b = usePath ? try decoder.decode(path: try dir.write("fuzz", input))
                                : try decoder.decode(data: input, filenameHint: nil)
                #expect(b.samples.allSatisfy { $0.isFinite }, "\(name) #\(i)")
                #expect(b.samples.count <= 16_000 * 3, "\(name) #\(i): \(b.samples.count) samples")
            } catch is SenseVoiceError {
                // refused cleanly
            } catch {
                Issue.record("\(name) #\(i): unexpected error type \(error)")
            }
        }
    }

    @Test func wavParser() throws {
        for (k, (name, bytes)) in Self.seedWAVs().enumerated() {
            try Self.run(name, bytes, seedValue: 1_000 + UInt64(k))
        }
    }

    @Test("FFmpeg path", arguments: compressed)
    func ffmpegPath(file: String) throws {
        let data = try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/\(file)"))
        // Fuzz the first 24 KB (headers and the first frames) to keep each iteration quick.
        try Self.run(file, Array([UInt8](data).prefix(24_000)), seedValue: UInt64(file.utf8.reduce(7) { $0 &* 31 &+ Int($1) }.magnitude))
    }

    @Test func streamsSurviveMutation() throws {
        var rng = SeededGenerator(seed: 99)
        let data = [UInt8](try Data(contentsOf: Fixtures.root.appendingPathComponent("audio-formats/en.ogg")))
        for _ in 0..<max(1, Self.iterations / 4) {
            let input = Self.mutate(data, &rng)
            do {
                var s = try AudioDecoder().openStream(data: input, filenameHint: nil)
                var total = 0
                while let c = try s.nextChunk(maxSamples: 777) {
                    #expect(c.count <= 777)
                    total += c.count
                }
            } catch is SenseVoiceError {
            } catch {
                Issue.record("unexpected error type \(error)")
            }
        }
    }
}
