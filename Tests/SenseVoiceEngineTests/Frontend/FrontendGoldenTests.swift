// Golden tests of the frontend against funasr 1.4.16 + torchaudio output (Tests/Fixtures/golden).

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTensor
import SenseVoiceTestSupport

/// fbank, LFR and CMVN of every clip with goldens, stage by stage.
@Suite struct FrontendGoldenTests {
    /// Clips with `fbank.npy` and `features.npy` (`long_mixed` is over 30 s and has neither).
    static let clips = ["en", "zh", "yue", "ja", "ko", "silence_2s"]

    static func frontend() throws -> WavFrontend {
        let cmvn = try CMVN(amMvnPath: Fixtures.tinyModel.appendingPathComponent("am.mvn").path)
        return WavFrontend(config: .senseVoiceSmall, cmvn: cmvn)
    }

    static func samples(_ clip: String) throws -> [Float] {
        let (samples, rate) = try TestWAV.readPCM16(Fixtures.audio("\(clip).wav"))
        #expect(rate == 16000)
        return samples
    }

    /// The fbank against torchaudio's.
    ///
    /// The golden is float32 torchaudio: its FFT rounding moves the log energy of the lowest mel
    /// bands of loud frames (which hold ~1e-6 of the frame's energy after pre-emphasis) by up to
    /// 1.4e-3 from the exact value (yue row 249, col 1, checked against a float64 numpy reference),
    /// while our double-precision FFT is exact to ~1e-6 (see `FrontendKaldiFbankTests`). So the bound on the
    /// worst element is the features tolerance, 2e-3, and the bulk must agree far closer.
    @Test("fbank matches torchaudio kaldi.fbank", arguments: clips)
    func fbank(clip: String) throws {
        let golden = try Fixtures.npy(clip, "fbank.npy")
        let fbank = try Self.frontend().fbank(Self.samples(clip))
        try #require(fbank.shape == golden.shape, "shape \(fbank.shape) vs golden \(golden.shape)")
        let actual = fbank.array
        let diff = MaxDifference(actual, golden.floats)
        let sorted = zip(actual, golden.floats).map { abs($0 - $1) }.sorted()
        let p999 = sorted[Int(Double(sorted.count - 1) * 0.999)]
        print("[frontend] \(clip) fbank [\(fbank.rows), \(fbank.cols)]: \(diff) at \(diff.position(cols: 80)); 99.9th percentile \(p999)")
        #expect(diff.value <= 2e-3, "\(clip) fbank: \(diff), \(diff.position(cols: 80))")
        #expect(p999 <= 2e-4, "\(clip) fbank: 99.9th percentile of |diff| is \(p999); \(diff), \(diff.position(cols: 80))")
    }

    @Test("fbank → LFR → CMVN matches funasr features", arguments: clips)
    func features(clip: String) throws {
        let golden = try Fixtures.npy(clip, "features.npy")
        let features = try Self.frontend().features(Self.samples(clip))
        try #require(features.shape == golden.shape, "shape \(features.shape) vs golden \(golden.shape)")
        let diff = MaxDifference(features.array, golden.floats)
        print("[frontend] \(clip) features [\(features.rows), \(features.cols)]: \(diff) at \(diff.position(cols: 560))")
        #expect(diff.value <= 2e-3, "\(clip) features: \(diff), \(diff.position(cols: 560))")
    }

    @Test("LFR → CMVN of the golden fbank matches funasr features", arguments: clips)
    func lfrCmvnIsolated(clip: String) throws {
        let fbank = try Fixtures.npy(clip, "fbank.npy").tensor
        let golden = try Fixtures.npy(clip, "features.npy")
        let frontend = try Self.frontend()
        let fused = frontend.features(fromFbank: fbank)
        try #require(fused.shape == golden.shape, "shape \(fused.shape) vs golden \(golden.shape)")
        let diff = MaxDifference(fused.array, golden.floats)
        print("[frontend] \(clip) LFR+CMVN from golden fbank: \(diff) at \(diff.position(cols: 560))")
        #expect(diff.value <= 1e-5, "\(clip) LFR+CMVN: \(diff), \(diff.position(cols: 560))")
        // The two public stages one after the other give the same numbers as the fused path.
        let staged = try #require(frontend.cmvn).apply(frontend.lowFrameRate.apply(fbank))
        #expect(staged.array == fused.array)
    }

    @Test("frame counts agree with result.json", arguments: clips)
    func frameCounts(clip: String) throws {
        let result = try Fixtures.result(clip)
        let samples = try Self.samples(clip)
        let frontend = try Self.frontend()
        #expect(samples.count == result["samples"] as? Int)
        #expect(frontend.kaldiFbank.frameCount(sampleCount: samples.count) == result["fbank_frames"] as? Int)
        #expect(frontend.lowFrameRate.outputFrameCount(frontend.kaldiFbank.frameCount(sampleCount: samples.count))
                == result["feature_frames"] as? Int)
    }
}
