// The optional denoiser: parsing, length, alignment and chunking invariants, that afftdn really filters, and model-file errors.

import Foundation
@testable import SenseVoiceAudio
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

@Suite("Denoiser (libavfilter afftdn / arnndn)")
struct DenoiserTests {
    /// A deterministic uniform noise in [-0.5, 0.5).
    static func noise(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
    }

    /// A 440 Hz tone for 1 s inside 3 s of white noise at about -25 dBFS, 16 kHz.
    static let noisy: [Float] = {
        let n = noise(48_000)
        return (0..<48_000).map { i in
            let tone: Float = (16_000..<32_000).contains(i) ? 0.3 * sin(2 * .pi * 440 * Float(i) / 16_000) : 0
            return tone + 0.2 * n[i]
        }
    }()

    static func energy(_ x: ArraySlice<Float>) -> Double { x.reduce(0) { $0 + Double($1) * Double($1) } }

    /// Where two equally long signals first differ, and by how much at most (nil when identical).
    static func firstDifference(_ a: [Float], _ b: [Float]) -> String? {
        guard a.count == b.count else { return "lengths \(a.count) and \(b.count)" }
        guard let i = a.indices.first(where: { a[$0].bitPattern != b[$0].bitPattern }) else { return nil }
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        return "first difference at sample \(i) of \(a.count) (\(a[i]) vs \(b[i])), largest \(worst)"
    }

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

    @Test("a client's choice on a server: names only, rnnoise only with the server's model, never a path")
    func requestParsing() throws {
        let server = DenoiseMethod.rnnoise(modelFile: "/srv/model.rnnn")
        #expect(try DenoiseMethod.request(nil, serverDefault: .afftdn) == .afftdn)
        #expect(try DenoiseMethod.request(" ", serverDefault: .off) == .off)
        #expect(try DenoiseMethod.request("OFF", serverDefault: .afftdn) == .off)
        #expect(try DenoiseMethod.request("afftdn", serverDefault: .off) == .afftdn)
        #expect(try DenoiseMethod.request("rnnoise", serverDefault: server) == server)
        for (value, serverDefault, needle) in [("rnnoise", DenoiseMethod.off, "no RNNoise model"),
                                               ("rnnoise:/etc/passwd", server, "cannot name a file"),
                                               ("wiener", server, "use off, afftdn or rnnoise")] {
            let error = #expect(throws: SenseVoiceError.self) { try DenoiseMethod.request(value, serverDefault: serverDefault) }
            #expect(error?.code == .invalidOption)
            #expect(error?.message.contains(needle) == true && error?.message.hasPrefix("denoise") == true, "\(error?.message ?? "")")
        }
    }

    @Test("afftdn changes the samples, lowers the noise and keeps the tone; same length out as in; off is the identity")
    func afftdnFilters() throws {
        let out = try Denoiser.apply(.afftdn, to: Self.noisy, sampleRate: 16_000)
        #expect(out.count == Self.noisy.count)
        #expect(out != Self.noisy)
        #expect(out.allSatisfy { $0.isFinite })
        // Noise-only stretch (after the floor has followed the noise): clearly quieter.
        let noiseBefore = Self.energy(Self.noisy[36_000..<48_000]), noiseAfter = Self.energy(out[36_000..<48_000])
        #expect(noiseAfter < noiseBefore * 0.25, "noise energy \(noiseBefore) → \(noiseAfter)")
        // The tone survives: most of its stretch's energy is still there.
        let toneAfter = Self.energy(out[20_000..<30_000])
        let toneOnly = (20_000..<30_000).reduce(0.0) { acc, i in let t = 0.3 * sin(2 * Double.pi * 440 * Double(i) / 16_000); return acc + t * t }
        #expect(toneAfter > toneOnly * 0.7, "tone energy \(toneOnly) → \(toneAfter)")
        #expect(try Denoiser.apply(.off, to: Self.noisy, sampleRate: 16_000) == Self.noisy, "off is the identity")
    }

    @Test("afftdn on a noise-only signal: its energy falls, at a loud and at a quiet level alike")
    func afftdnNoiseOnly() throws {
        for gain: Float in [0.3, 0.01] {  // about -21 and -50 dBFS
            let input = Self.noise(64_000, seed: 7).map { $0 * gain }
            let out = try Denoiser.apply(.afftdn, to: input, sampleRate: 16_000)
            let before = Self.energy(input[16_000...]), after = Self.energy(out[16_000...])
            #expect(after < before * 0.25, "gain \(gain): energy \(before) → \(after)")
        }
    }

    @Test("chunked denoising equals denoising at once, for any chunking (filter state carried, causal, deterministic)",
          arguments: [DenoiseMethod.afftdn, .rnnoise(modelFile: "")])
    func chunkedEqualsWhole(_ template: DenoiseMethod) throws {
        let model = try RNNoiseTestModel.makeFile()
        defer { try? FileManager.default.removeItem(at: model) }
        let method = template == .afftdn ? DenoiseMethod.afftdn : .rnnoise(modelFile: model.path)
        let whole = try Denoiser.apply(method, to: Self.noisy, sampleRate: 16_000)
        #expect(try Denoiser.apply(method, to: Self.noisy, sampleRate: 16_000) == whole, "same input, same output")
        for sizes in [[1, 333, 4096, 7000, 160, 12_345], [8000], [3200], [48_000]] {
            let denoiser = try Denoiser(method, sampleRate: 16_000)
            var chunked: [Float] = []
            var offset = 0, k = 0
            while offset < Self.noisy.count {
                let end = min(offset + sizes[k % sizes.count], Self.noisy.count)
                let out = try denoiser.process(Array(Self.noisy[offset..<end]))
                #expect(chunked.count + out.count <= end, "never more out than in")
                chunked += out
                offset = end
                k += 1
            }
            chunked += try denoiser.finish()
            #expect(try denoiser.finish().isEmpty)
            #expect(Self.firstDifference(chunked, whole) == nil, "chunks \(sizes): \(Self.firstDifference(chunked, whole) ?? "")")
        }
    }

    @Test("causal: changing the input after a point leaves the output before it (minus the filter's latency) unchanged")
    func causal() throws {
        var changed = Self.noisy
        for i in 24_000..<48_000 { changed[i] *= -3 }
        let a = try Denoiser.apply(.afftdn, to: Self.noisy, sampleRate: 16_000)
        let b = try Denoiser.apply(.afftdn, to: changed, sampleRate: 16_000)
        let latency = Denoiser.latency(of: .afftdn, sampleRate: 16_000)
        let cut = 24_000 - latency - 1
        #expect(Self.firstDifference(Array(a[..<cut]), Array(b[..<cut])) == nil)
        #expect(a[24_000...] != b[24_000...])
    }

    @Test("the output lines up with the input: speech in noise correlates best at lag 0", arguments: ["afftdn", "rnnoise"])
    func aligned(_ name: String) throws {
        let clean = try TestWAV.readPCM16(Fixtures.audio("en.wav")).samples
        let n = Self.noise(clean.count, seed: 3)
        let noisy = zip(clean, n).map { $0 + 0.02 * $1 }
        let model = try RNNoiseTestModel.makeFile()
        defer { try? FileManager.default.removeItem(at: model) }
        let method: DenoiseMethod = name == "afftdn" ? .afftdn : .rnnoise(modelFile: model.path)
        let out = try Denoiser.apply(method, to: noisy, sampleRate: 16_000)
        func correlation(lag: Int) -> Double {
            var s = 0.0
            for i in max(0, lag)..<min(clean.count, clean.count + lag) { s += Double(clean[i - lag]) * Double(out[i]) }
            return s
        }
        let lags = Array(-800...800)
        let best = lags.max { correlation(lag: $0) < correlation(lag: $1) }
        #expect(best == 0, "\(name): output is \(best ?? 0) samples late")
    }

    @Test("rnnoise: a model in the RNNoise format loads and changes the samples")
    func rnnoiseRuns() throws {
        let model = try RNNoiseTestModel.makeFile()
        defer { try? FileManager.default.removeItem(at: model) }
        let method = try DenoiseMethod(parsing: "rnnoise:\(model.path)")
        try Denoiser.check(method)
        let out = try Denoiser.apply(method, to: Self.noisy, sampleRate: 16_000)
        #expect(out.count == Self.noisy.count)
        #expect(out != Self.noisy)
        #expect(out.allSatisfy { $0.isFinite })
    }

    @Test("a file that is not an RNNoise model is refused with the file named; a vanished file too", arguments: [
        "binary", "header only", "truncated", "missing",
    ])
    func badRNNoiseModel(_ kind: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sv-bad-\(UUID().uuidString).rnnn")
        switch kind {
        case "binary": try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: file)
        case "header only": try Data("rnnoise-nu model file version 1\n".utf8).write(to: file)
        case "truncated": try Data(RNNoiseTestModel.text.prefix(20_000).utf8).write(to: file)
        default: try Data("x".utf8).write(to: file)
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let method = try DenoiseMethod(parsing: "rnnoise:\(file.path)")
        if kind == "missing" { try FileManager.default.removeItem(at: file) }
        let error = #expect(throws: SenseVoiceError.self) { try Denoiser.check(method) }
        #expect(error?.code == .invalidOption)
        #expect(error?.message.contains(file.path) == true && error?.message.contains("RNNoise") == true, "\(error?.message ?? "")")
    }

    @Test("the noise floor tracker: the quiet tenth of the last 10 s, in dBFS")
    func noiseFloor() {
        var tracker = NoiseFloorTracker(sampleRate: 16_000)
        #expect(tracker.floor == nil)
        tracker.add(Self.noise(16_000, seed: 5).map { $0 * 0.01 }[...])  // uniform ±0.005: -50.8 dBFS
        tracker.add([Float](repeating: 0.5, count: 16_000)[...])          // loud: -6 dBFS
        let floor = tracker.floor ?? 0
        #expect(abs(floor - (-50.8)) < 1.5, "\(floor)")
        #expect(Denoiser.afftdnFloor(forMeasured: floor) == -46)
        #expect(Denoiser.afftdnFloor(forMeasured: -10) == -20)
        #expect(Denoiser.afftdnFloor(forMeasured: -120) == -80)
    }
}
