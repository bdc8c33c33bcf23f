// `--denoise` through the binary: off is the decoder's samples, afftdn filters, bad model files exit 2.

import Foundation
import SenseVoiceTestSupport
import Testing

@Suite("--denoise (CLI)", .serialized)
struct DenoiseCLITests {
    static func temporary(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("sv-denoise-\(UUID().uuidString)\(suffix)")
    }

    /// The float samples of a WAV `sensevoice denoise` wrote.
    static func floatWAV(_ url: URL) throws -> [Float] {
        let d = try Data(contentsOf: url)
        #expect(d.count >= 44 && d[20] == 3, "IEEE float WAV")
        return d.subdata(in: 44..<d.count).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test("sensevoice denoise: off writes the decoder's samples bit for bit; afftdn changes them and quietens noise")
    func denoiseCommand() throws {
        let out = Self.temporary(".wav")
        defer { try? FileManager.default.removeItem(at: out) }
        let off = try CLIRunner.run(["denoise", Fixtures.audio("en.wav").path, "--denoise", "off", "-o", out.path])
        #expect(off.status == 0, "\(off.stderr)")
        let decoded = try TestWAV.readPCM16(Fixtures.audio("en.wav")).samples
        #expect(try Self.floatWAV(out) == decoded)
        let line = try #require(JSONSerialization.jsonObject(with: Data(off.stdout.utf8)) as? [String: Any])
        #expect(line["method"] as? String == "off" && line["denoise_cpu_seconds"] is Double)

        // Noise only: a 16 kHz WAV of white noise at about -21 dBFS.
        let noise = Self.temporary(".wav")
        defer { try? FileManager.default.removeItem(at: noise) }
        var state: UInt32 = 99
        let samples: [Int16] = (0..<48_000).map { _ in
            state = state &* 1_103_515_245 &+ 12_345
            return Int16(Int32(state >> 16) % 5000 - 2500)
        }
        try Self.pcm16WAV(samples).write(to: noise)
        let denoised = try CLIRunner.run(["denoise", noise.path, "--denoise", "afftdn", "-o", out.path])
        #expect(denoised.status == 0, "\(denoised.stderr)")
        let y = try Self.floatWAV(out)
        #expect(y.count == samples.count)
        let before = samples[16_000...].reduce(0.0) { $0 + Double($1) * Double($1) / 32768 / 32768 }
        let after = y[16_000...].reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(after < before * 0.25, "noise energy \(before) → \(after)")
    }

    @Test("transcribe --denoise off gives today's result; afftdn runs; folder runs too")
    func transcribe() throws {
        let dir = Self.temporary("")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["en.wav", "zh.wav"] {
            try FileManager.default.copyItem(at: Fixtures.audio(name), to: dir.appendingPathComponent("in/\(name)"))
        }
        let file = Fixtures.audio("zh.wav").path
        let plain = try CLIRunner.run(["transcribe", file, "--model", CLIRunner.tinyModel, "--format", "raw"])
        let off = try CLIRunner.run(["transcribe", file, "--model", CLIRunner.tinyModel, "--format", "raw", "--denoise", "off"])
        #expect(plain.status == 0 && off.status == 0, "\(plain.stderr)\(off.stderr)")
        #expect(off.stdout == plain.stdout)
        let afftdn = try CLIRunner.run(["transcribe", file, "--model", CLIRunner.tinyModel, "--format", "raw", "--denoise", "afftdn"])
        #expect(afftdn.status == 0, "\(afftdn.stderr)")
        #expect(!afftdn.stdout.isEmpty)
        let folder = try CLIRunner.run(["transcribe", dir.appendingPathComponent("in").path, "--model", CLIRunner.tinyModel,
                                        "--format", "json", "--denoise", "afftdn", "--output-dir", dir.appendingPathComponent("out").path])
        #expect(folder.status == 0, "\(folder.stderr)")
        for name in ["en", "zh"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/\(name).json").path))
        }
    }

    @Test("stream --denoise afftdn: stdin PCM in odd chunks equals the file (causal, chunk-independent); off equals no flag")
    func stream() throws {
        let models = try StreamCLITests.models() + ["--format", "jsonl", "--partial-interval-ms", "0"]
        let file = Fixtures.audio("zh.wav").path
        let fromFile = try CLIRunner.run(["stream", file, "--denoise", "afftdn"] + models)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let fromStdin = try CLIRunner.run(["stream", "-", "--sample-rate", "16000", "--encoding", "pcm_s16le", "--denoise", "afftdn"] + models,
                                          stdin: try StreamCLITests.pcm16("zh"))
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")
        #expect(fromStdin.stdout == fromFile.stdout)
        #expect(fromFile.stdout.contains("\"final\""))
        let plain = try CLIRunner.run(["stream", file] + models)
        let off = try CLIRunner.run(["stream", file, "--denoise", "off"] + models)
        #expect(plain.status == 0 && off.stdout == plain.stdout)
        let bad = try CLIRunner.run(["stream", file, "--denoise", "rnnoise:/nonexistent/m.rnnn"] + models)
        #expect(bad.status == 2 && bad.stderr.contains("not found"), "\(bad.stderr)")
    }

    @Test("an unknown method, a missing and a corrupt RNNoise model exit 2 with a message naming the problem; a valid-format model runs")
    func badOptions() throws {
        let corrupt = Self.temporary(".rnnn")
        try Data("rnnoise-nu model file version 1\n42 24 0\n1 2 3\n".utf8).write(to: corrupt)
        let model = try RNNoiseTestModel.makeFile()
        defer {
            try? FileManager.default.removeItem(at: corrupt)
            try? FileManager.default.removeItem(at: model)
        }
        let file = Fixtures.audio("en.wav").path
        for (value, needle) in [("wiener", "use off, afftdn or rnnoise:MODEL_FILE"), ("rnnoise:/nonexistent/m.rnnn", "not found"),
                                ("rnnoise:\(corrupt.path)", "is not an RNNoise model")] {
            for command in [["transcribe", file, "--model", CLIRunner.tinyModel], ["denoise", file, "-o", "/dev/null"]] {
                let r = try CLIRunner.run(command + ["--denoise", value])
                #expect(r.status == 2, "\(command[0]) --denoise \(value): \(r.status) \(r.stderr)")
                #expect(r.stderr.contains(needle), "\(r.stderr)")
                #expect(!r.stderr.contains("Fatal error"))
            }
        }
        let ok = try CLIRunner.run(["transcribe", file, "--model", CLIRunner.tinyModel, "--format", "raw", "--denoise", "rnnoise:\(model.path)"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    static func pcm16WAV(_ samples: [Int16]) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 2 * samples.count); d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16); u16(1); u16(1); u32(16_000); u32(32_000); u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(2 * samples.count)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { d.append(contentsOf: $0) } }
        return d
    }
}
