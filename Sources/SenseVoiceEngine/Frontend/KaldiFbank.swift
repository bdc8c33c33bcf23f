// Follows torchaudio.compliance.kaldi.fbank as called by funasr/frontends/wav_frontend.py (spec §2.1).

/// Kaldi log-mel filter-bank features, following torchaudio's `kaldi.fbank` step by step.
///
/// Per 25 ms frame (snip_edges): scale the samples (×32768), remove the frame's mean, pre-emphasise
/// (`y[i] = x[i] − 0.97·x[i−1]`, `y[0] = 0.03·x[0]`), multiply by the window, zero-pad to the
/// next power of two (512), take the power spectrum, apply the mel bank and `ln(max(E, ε))`.
/// Dither is 0, there is no energy column, no VTLN.
///
/// Each frame is processed in double precision (see ``RealFFT`` for why) and the log energies are
/// rounded to float32; the result is within ~1e-6 of an exact computation, and within the float32
/// reference's own rounding noise (≤ 1.5e-3 in the quietest bands, ~1e-4 typically) of torchaudio.
///
/// The window, FFT tables and mel filters are computed once here; ``compute(_:scale:shortInputQuirk:)``
/// allocates only its output and one scratch buffer, whatever the input length.
public struct KaldiFbank: Sendable {
    /// The settings this extractor was built from.
    public let config: FrontendConfig
    /// Samples per frame (400 at 16 kHz, 25 ms).
    public let windowSize: Int
    /// Samples between frame starts (160 at 16 kHz, 10 ms).
    public let windowShift: Int
    /// FFT length: `windowSize` rounded up to a power of two (512).
    public let paddedWindowSize: Int
    /// Number of mel bins, the width of each output row.
    public var numMelBins: Int { config.numMelBins }

    private let windowType: FeatureWindow
    private let window: [Double]
    private let fft: RealFFT
    private let melBanks: MelBanks

    /// Pre-emphasis coefficient (torchaudio's default `preemphasis_coefficient`).
    static let preemphasis: Float = 0.97

    /// Builds the window, FFT tables and mel filters for `config`.
    /// - Precondition: `config.validate()` succeeds (an unknown window or empty frame is a programmer
    ///   error here; validate configs read from files with ``FrontendConfig/validate()``).
    public init(config: FrontendConfig) {
        do { try config.validate() } catch { preconditionFailure("\(error)") }
        self.config = config
        windowSize = config.windowSize
        windowShift = config.windowShift
        paddedWindowSize = KaldiFbank.nextPowerOfTwo(windowSize)
        windowType = FeatureWindow(rawValue: config.window)!
        window = windowType.coefficients(length: windowSize)
        fft = RealFFT(size: paddedWindowSize)
        melBanks = MelBanks(numBins: config.numMelBins, fftSize: paddedWindowSize, sampleRate: config.sampleRate)
    }

    /// The smallest power of two ≥ `n` (torchaudio's `_next_power_of_2`; 1 for n ≤ 1).
    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n { p <<= 1 }
        return p
    }

    /// Number of fbank frames for `sampleCount` samples.
    ///
    /// `1 + (N − windowSize) / windowShift` when `N ≥ windowSize`; otherwise 0, or, with
    /// `shortInputQuirk`, 1 for `2 ≤ N < windowSize`.
    public func frameCount(sampleCount n: Int, shortInputQuirk: Bool = false) -> Int {
        if n >= windowSize { return 1 + (n - windowSize) / windowShift }
        return shortInputQuirk && n >= 2 ? 1 : 0
    }

    /// Log-mel fbank of a whole utterance.
    ///
    /// With `shortInputQuirk` (SenseVoice's `WavFrontend.forward`, whose frame length is
    /// `min(25 ms, N / fs)`), an input of `2 ≤ N < windowSize` samples gives exactly one frame whose
    /// window has length N, zero-padded to the next power of two, with mel filters laid over that
    /// FFT size. Without it (FSMN-VAD) such inputs give no frames. N < 2 always gives none
    /// (torchaudio rejects a window shorter than 2 samples).
    ///
    /// - Parameters:
    ///   - samples: mono samples, floats in [-1, 1].
    ///   - scale: factor applied to every sample first (FunASR: 32768, int16 range).
    ///   - shortInputQuirk: apply SenseVoice's short-segment rule (see above).
    /// - Returns: `[T, numMelBins]` with `T = frameCount(sampleCount:shortInputQuirk:)`;
    ///   `[0, numMelBins]` when no frame fits.
    public func compute(_ samples: UnsafeBufferPointer<Float>, scale: Float = 32768,
                        shortInputQuirk: Bool = false) -> Tensor {
        let n = samples.count
        let frames = frameCount(sampleCount: n, shortInputQuirk: shortInputQuirk)
        let bins = config.numMelBins
        guard frames > 0, let base = samples.baseAddress else {
            return Tensor(shape: [0, bins]) { _ in }
        }
        if n < windowSize {
            // One frame as long as the input, with tables for its own FFT size.
            let padded = KaldiFbank.nextPowerOfTwo(n)
            let shortWindow = windowType.coefficients(length: n)
            let shortFFT = RealFFT(size: padded)
            let shortMel = MelBanks(numBins: bins, fftSize: padded, sampleRate: config.sampleRate)
            return KaldiFbank.run(base, frames: 1, windowSize: n, shift: windowShift, scale: scale,
                                  window: shortWindow, fft: shortFFT, melBanks: shortMel)
        }
        return KaldiFbank.run(base, frames: frames, windowSize: windowSize, shift: windowShift, scale: scale,
                              window: window, fft: fft, melBanks: melBanks)
    }

    /// Log-mel fbank of a whole utterance held in an array; see ``compute(_:scale:shortInputQuirk:)``.
    public func compute(_ samples: [Float], scale: Float = 32768, shortInputQuirk: Bool = false) -> Tensor {
        samples.withUnsafeBufferPointer { compute($0, scale: scale, shortInputQuirk: shortInputQuirk) }
    }

    /// The frame loop: fills a `[frames, numBins]` tensor; one scratch allocation for all frames.
    private static func run(_ samples: UnsafePointer<Float>, frames: Int, windowSize ws: Int, shift: Int,
                            scale: Float, window: [Double], fft: RealFFT, melBanks: MelBanks) -> Tensor {
        let bins = melBanks.numBins
        let padded = fft.size
        return Tensor(shape: [frames, bins]) { out in
            let scratchCount = padded + fft.scratchCount + fft.binCount
            let scratch = UnsafeMutablePointer<Double>.allocate(capacity: scratchCount)
            defer { scratch.deallocate() }
            scratch.initialize(repeating: 0, count: scratchCount)
            let frame = scratch                       // padded: the windowed frame, zero tail
            let fftScratch = scratch + padded         // fft.scratchCount
            let power = fftScratch + fft.scratchCount // fft.binCount
            let k = Double(KaldiFbank.preemphasis)  // torch multiplies by the float32 0.97
            window.withUnsafeBufferPointer { wb in
                let w = wb.baseAddress!
                fft.withKernel { fk in
                    melBanks.withKernel { mk in
                        for t in 0..<frames {
                            let src = samples + t * shift
                            // Scale (exact: int16 values ×32768 fit in a float), then the frame mean.
                            var sum: Double = 0
                            for i in 0..<ws {
                                let v = Double(src[i] * scale)
                                frame[i] = v
                                sum += v
                            }
                            let mean = sum / Double(ws)
                            for i in 0..<ws { frame[i] -= mean }
                            // Pre-emphasis (from the end, in place) and window.
                            var i = ws - 1
                            while i > 0 {
                                frame[i] = (frame[i] - k * frame[i - 1]) * w[i]
                                i -= 1
                            }
                            frame[0] = (frame[0] - k * frame[0]) * w[0]
                            fk.powerSpectrum(frame, into: power, scratch: fftScratch)
                            mk.logEnergies(power, into: out.baseAddress! + t * bins)
                        }
                    }
                }
            }
        }
    }
}
