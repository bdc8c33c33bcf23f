// Unit tests of the fbank stage: frame counts, short inputs, windows, and exactness against a naive reference.

import Foundation
@testable import SenseVoiceEngine
import SenseVoiceTensor
import SenseVoiceTestSupport
import Testing

@Suite struct FrontendKaldiFbankTests {
    let fbank = KaldiFbank(config: .senseVoiceSmall)
    let lfr = LowFrameRate(m: 7, n: 6)

    @Test func geometry() {
        #expect(fbank.windowSize == 400)
        #expect(fbank.windowShift == 160)
        #expect(fbank.paddedWindowSize == 512)
        #expect(fbank.numMelBins == 80)
    }

    /// Spec §2.2 examples: 1 s → 98/17, 10 s → 998/167, 30 s → 2998/500.
    @Test(arguments: [(16000, 98, 17), (160_000, 998, 167), (480_000, 2998, 500)])
    func frameCounts(samples: Int, frames: Int, lfrFrames: Int) {
        #expect(fbank.frameCount(sampleCount: samples) == frames)
        #expect(fbank.frameCount(sampleCount: samples, shortInputQuirk: true) == frames)
        #expect(lfr.outputFrameCount(frames) == lfrFrames)
        let x = FrontendReference.noise(samples, amplitude: 0.1)
        let out = WavFrontend(config: .senseVoiceSmall, cmvn: nil).features(x)
        #expect(out.shape == [lfrFrames, 560])
    }

    /// Short inputs: (samples, frames with the SenseVoice quirk, frames without).
    @Test(arguments: [(0, 0, 0), (1, 0, 0), (2, 1, 0), (100, 1, 0), (256, 1, 0), (399, 1, 0), (400, 1, 1),
                      (559, 1, 1), (560, 2, 2)])
    func shortInputs(samples n: Int, withQuirk: Int, withoutQuirk: Int) {
        let x = FrontendReference.noise(n, seed: UInt64(n))
        let quirk = fbank.compute(x, shortInputQuirk: true)
        let plain = fbank.compute(x, shortInputQuirk: false)
        #expect(quirk.shape == [withQuirk, 80])
        #expect(plain.shape == [withoutQuirk, 80])
        #expect(fbank.frameCount(sampleCount: n, shortInputQuirk: true) == withQuirk)
        #expect(fbank.frameCount(sampleCount: n) == withoutQuirk)
        let features = WavFrontend(config: .senseVoiceSmall, cmvn: nil).features(x)
        #expect(features.shape == [(withQuirk + 5) / 6, 560])
        #expect(quirk.array.allSatisfy { $0.isFinite })
    }

    /// The short frame uses a window of length N and an FFT of the next power of two.
    @Test(arguments: [100, 129, 256, 257, 399])
    func shortFrameIsExact(samples n: Int) {
        let x = FrontendReference.noise(n, seed: 7)
        let out = fbank.compute(x, shortInputQuirk: true).array
        let expected = FrontendReference.fbankFrame(x.map { Double($0 * 32768) })
        let diff = MaxDifference(out, expected)
        #expect(diff.value <= 1e-4, "N = \(n): \(diff)")
    }

    /// Every frame of a longer input against the naive float64 reference (direct DFT).
    @Test(arguments: ["hamming", "povey", "hanning", "rectangular", "blackman"])
    func framesAreExact(window: String) throws {
        var config = FrontendConfig()
        config.window = window
        let fb = KaldiFbank(config: config)
        let x = FrontendReference.noise(400 + 160 * 4, seed: 3)
        let out = fb.compute(x)
        try #require(out.shape == [5, 80])
        for t in 0..<5 {
            let frame = x[160 * t ..< 160 * t + 400].map { Double($0 * 32768) }
            let expected = FrontendReference.fbankFrame(frame, window: window)
            let row = Array(out.array[80 * t ..< 80 * t + 80])
            let diff = MaxDifference(row, expected)
            #expect(diff.value <= 1e-4, "\(window) frame \(t): \(diff)")
        }
    }

    /// Quiet low bands of a loud frame: the case where a float32 FFT loses ~1e-3 in the log.
    @Test func highDynamicRangeIsExact() {
        let x = (0..<400).map { (i: Int) -> Float in
            let loud: Double = 0.9 * sin(Double(i) * 0.9)
            let quiet: Double = 1e-4 * sin(Double(i) * 0.013)
            return Float(loud + quiet)
        }
        let out = fbank.compute(x).array
        let expected = FrontendReference.fbankFrame(x.map { Double($0 * 32768) })
        let diff = MaxDifference(out, expected)
        #expect(diff.value <= 1e-4, "\(diff)")
    }

    @Test func silenceIsLogEpsilon() {
        let out = fbank.compute([Float](repeating: 0, count: 16000))
        #expect(out.shape == [98, 80])
        #expect(out.array.allSatisfy { $0 == logf(Float.ulpOfOne) })
        #expect(abs(logf(Float.ulpOfOne) - -15.942385) < 1e-6)
    }

    /// A constant signal is removed by the DC step.
    @Test func dcIsRemoved() {
        let out = fbank.compute([Float](repeating: 0.25, count: 800))
        #expect(out.array.allSatisfy { $0 == logf(Float.ulpOfOne) })
    }

    @Test func scaleIsAppliedFirst() {
        let x = FrontendReference.noise(1000, seed: 5)
        let a = fbank.compute(x)
        let b = fbank.compute(x.map { $0 * 32768 }, scale: 1)
        #expect(a.array == b.array)
    }

    @Test func bufferAndArrayEntryPointsAgree() {
        let x = FrontendReference.noise(2000, seed: 9)
        let a = fbank.compute(x, shortInputQuirk: true)
        let b = x.withUnsafeBufferPointer { fbank.compute($0, shortInputQuirk: true) }
        #expect(a.array == b.array)
    }

    @Test func windows() {
        let hamming = FeatureWindow.hamming.coefficients(length: 400)
        #expect(abs(hamming[0] - 0.08) < 1e-12 && abs(hamming[399] - 0.08) < 1e-12)
        #expect(abs(hamming[200] - hamming[199]) < 1e-12)  // symmetric
        #expect(hamming.max()! <= 1)
        #expect(FeatureWindow.povey.coefficients(length: 400)[0] == 0)
        #expect(FeatureWindow.hanning.coefficients(length: 5) .enumerated().allSatisfy { i, w in
            abs(w - [0, 0.5, 1, 0.5, 0][i]) < 1e-12 })
        #expect(FeatureWindow.rectangular.coefficients(length: 3) == [1, 1, 1])
        #expect(FeatureWindow.hamming.coefficients(length: 1) == [1])
        #expect(Set(FeatureWindow.allCases.map(\.rawValue)) == Set(FrontendConfig.supportedWindows))
    }
}

@Suite struct FrontendRealFFTTests {
    /// Power spectrum against a direct DFT for every size up to 1024.
    @Test(arguments: [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
    func matchesDirectDFT(size: Int) {
        let fft = RealFFT(size: size)
        let x = FrontendReference.noise(size, seed: UInt64(size)).map { Double($0) * 1000 }
        var power = [Double](repeating: 0, count: fft.binCount)
        var scratch = [Double](repeating: 0, count: fft.scratchCount)
        fft.withKernel { k in
            x.withUnsafeBufferPointer { xp in
                power.withUnsafeMutableBufferPointer { pp in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        k.powerSpectrum(xp.baseAddress!, into: pp.baseAddress!, scratch: sp.baseAddress!)
                    }
                }
            }
        }
        let expected = FrontendReference.power(x, size: size)
        let scale = expected.max()!
        for k in 0..<expected.count {
            #expect(abs(power[k] - expected[k]) <= 1e-10 * scale, "size \(size), bin \(k): \(power[k]) vs \(expected[k])")
        }
    }
}

@Suite struct FrontendMelBanksTests {
    @Test(arguments: [16, 128, 512, 1024])
    func matchesFormula(fftSize: Int) {
        let bank = MelBanks(numBins: 80, fftSize: fftSize, sampleRate: 16000)
        let dense = bank.dense()
        let cols = fftSize / 2 + 1
        #expect(dense.count == 80 * cols)
        for i in 0..<80 {
            for k in 0..<cols {
                let expected = FrontendReference.melWeight(filter: i, bin: k, fftSize: fftSize)
                #expect(abs(dense[i * cols + k] - expected) < 1e-12, "filter \(i), bin \(k)")
            }
            #expect(dense[i * cols + cols - 1] == 0, "Nyquist bin of filter \(i)")
        }
    }

    @Test func everyFilterIsUsedAt512() {
        let bank = MelBanks(numBins: 80, fftSize: 512, sampleRate: 16000)
        let dense = bank.dense()
        for i in 0..<80 {
            let row = dense[i * 257 ..< (i + 1) * 257]
            #expect(row.contains { $0 > 0 }, "filter \(i) is empty")
            #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        #expect(abs(MelBanks.mel(700) - 1127 * log(2.0)) < 1e-9)
    }
}
