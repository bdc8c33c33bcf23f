// The optional denoiser: parsing, length and chunking invariants, that afftdn really filters, and model-file errors.

import Foundation
@testable import SenseVoiceAudio
import SenseVoiceTensor
import Testing

@Suite("Denoiser (libavfilter afftdn / arnndn)")
struct DenoiserTests {
    /// A 440 Hz tone for 1 s inside 3 s of white noise at about -20 dBFS, 16 kHz (deterministic).
    static let noisy: [Float] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
        return (0..<48_000).map { i in
            let tone: Float = (16_000..<32_000).contains(i) ? 0.3 * sin(2 * .pi * 440 * Float(i) / 16_000) : 0
            return tone + 0.2 * uniform()
        }
    }()

    static func energy(_ x: ArraySlice<Float>) -> Double { x.reduce(0) { $0 + Double($1) * Double($1) } }

    @Test("parsing: off, afftdn, rnnoise:FILE; unknown methods and missing files are clear errors")
    func parsing() throws {
        #expect(try DenoiseMethod(parsing: "off") == .off)
        #expect(try DenoiseMethod(parsing: " AFFTDN ") == .afftdn)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sv-rnn-\(UUID().uuidString).rnnn")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try DenoiseMethod(parsing: "rnnoise:\(file.path)") == .rnnoise(modelFile: file.path))
        for (text, needle) in [("wiener", "off, afftdn or rnnoise:MODEL_FILE"), ("rnnoise:", "needs a model file"),
                               ("rnnoise:/nonexistent/model.rnnn", "not found"), ("rnnoise:/tmp", "not found")] {
            let error = #expect(throws: SenseVoiceError.self) { try DenoiseMethod(parsing: text) }
            #expect(error?.code == .invalidOption)
            #expect(error?.message.contains(needle) == true, "\(text): \(error?.message ?? "")")
            #expect(error?.message.hasPrefix("--denoise") == true)
        }
    }

    @Test("afftdn changes the samples, lowers the noise and keeps the tone; same length out as in")
    func afftdnFilters() throws {
        let out = try Denoiser.apply(.afftdn, to: Self.noisy, sampleRate: 16_000)
        #expect(out.count == Self.noisy.count)
        #expect(out != Self.noisy)
        #expect(out.allSatisfy { $0.isFinite })
        // Noise-only stretch (after the filter has learnt the noise): clearly quieter.
        let noiseBefore = Self.energy(Self.noisy[36_000..<48_000]), noiseAfter = Self.energy(out[36_000..<48_000])
        #expect(noiseAfter < noiseBefore * 0.5, "noise energy \(noiseBefore) → \(noiseAfter)")
        // The tone survives: most of its stretch's energy is still there.
        let toneAfter = Self.energy(out[20_000..<30_000])
        let toneOnly = (20_000..<30_000).reduce(0.0) { acc, i in let t = 0.3 * sin(2 * Double.pi * 440 * Double(i) / 16_000); return acc + t * t }
        #expect(toneAfter > toneOnly * 0.5, "tone energy \(toneOnly) → \(toneAfter)")
        #expect(try Denoiser.apply(.off, to: Self.noisy, sampleRate: 16_000) == Self.noisy, "off is the identity")
    }

    @Test("chunked denoising equals denoising at once (the filter carries its state)")
    func chunkedEqualsWhole() throws {
        let whole = try Denoiser.apply(.afftdn, to: Self.noisy, sampleRate: 16_000)
        let denoiser = try Denoiser(.afftdn, sampleRate: 16_000)
        var chunked: [Float] = []
        var offset = 0
        for size in [1, 333, 4096, 7000, 160, 12_345].cycled(until: Self.noisy.count) {
            let end = min(offset + size, Self.noisy.count)
            chunked += try denoiser.process(Array(Self.noisy[offset..<end]))
            offset = end
            if offset == Self.noisy.count { break }
        }
        chunked += try denoiser.finish()
        #expect(chunked.count == whole.count)
        #expect(chunked == whole)
    }

    @Test("a file that is not an RNNoise model is refused with the file named")
    func badRNNoiseModel() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sv-bad-\(UUID().uuidString).rnnn")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let method = try DenoiseMethod(parsing: "rnnoise:\(file.path)")
        let error = #expect(throws: SenseVoiceError.self) { try Denoiser(method, sampleRate: 16_000) }
        #expect(error?.code == .invalidOption)
        #expect(error?.message.contains(file.path) == true && error?.message.contains("RNNoise") == true, "\(error?.message ?? "")")
    }
}

private extension Array where Element == Int {
    /// The sizes repeated until they add up to at least `total`.
    func cycled(until total: Int) -> [Int] {
        var out: [Int] = [], sum = 0
        while sum < total { for s in self { out.append(s); sum += s } }
        return out
    }
}
