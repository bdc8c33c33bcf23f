// Follows funasr/frontends/wav_frontend.py: WavFrontend.forward (spec §2.4).

/// The SenseVoice feature extractor: samples ×32768 → Kaldi fbank → LFR → CMVN.
///
/// `features` gives `[ceil(T/6), 560]` for the real model; `fbank` gives the intermediate
/// `[T, 80]`. LFR and CMVN write into one output buffer.
public struct WavFrontend: FeatureExtracting {
    /// The settings this frontend was built from.
    public let config: FrontendConfig
    /// The normalisation from `am.mvn`, or nil to skip it (a debug switch: every official path applies it).
    public let cmvn: CMVN?
    /// Whether inputs shorter than one window give one short frame (SenseVoice) or none (VAD).
    public let shortInputQuirk: Bool
    /// The fbank stage.
    public let kaldiFbank: KaldiFbank
    /// The LFR stage.
    public let lowFrameRate: LowFrameRate

    /// Scale applied to [-1, 1] samples before the fbank (FunASR `upsacle_samples`: 1 << 15).
    public static let sampleScale: Float = 32768

    /// The sample rate the frontend takes (`frontend_conf.fs`).
    public var sampleRate: Int { config.sampleRate }

    /// Width of each feature row: `numMelBins · lfrM` (560).
    public var featureDimension: Int { config.featureDimension }

    /// A frontend.
    /// - Parameters:
    ///   - config: fbank and LFR settings (`frontend_conf`).
    ///   - cmvn: normalisation, or nil to skip it.
    ///   - shortInputQuirk: SenseVoice's one-short-frame rule for inputs under 25 ms (default on, as
    ///     FunASR's offline `WavFrontend`; the streaming VAD frontend has it off).
    /// - Precondition: `cmvn` (when given) has `numMelBins · lfrM` dimensions; check files with
    ///   ``CMVN/check(featureDimension:)`` first.
    public init(config: FrontendConfig, cmvn: CMVN?, shortInputQuirk: Bool = true) {
        if let cmvn {
            precondition(cmvn.dimension == config.featureDimension,
                         "CMVN has \(cmvn.dimension) dimensions, the frontend produces \(config.featureDimension)")
        }
        self.config = config
        self.cmvn = cmvn
        self.shortInputQuirk = shortInputQuirk
        kaldiFbank = KaldiFbank(config: config)
        lowFrameRate = LowFrameRate(m: config.lfrM, n: config.lfrN)
    }

    /// Model input features of one utterance.
    /// - Parameter samples: 16 kHz mono floats in [-1, 1].
    /// - Returns: `[ceil(T/lfrN), featureDimension]` (`[T6, 560]`), `[0, 560]` when too short.
    public func features(_ samples: [Float]) -> Tensor {
        features(fromFbank: fbank(samples))
    }

    /// The log-mel fbank of one utterance (before LFR and CMVN).
    /// - Parameter samples: 16 kHz mono floats in [-1, 1].
    /// - Returns: `[T, numMelBins]` (`[T, 80]`).
    public func fbank(_ samples: [Float]) -> Tensor {
        kaldiFbank.compute(samples, scale: WavFrontend.sampleScale, shortInputQuirk: shortInputQuirk)
    }

    /// LFR then CMVN of a precomputed fbank (stage isolation, or a fbank shared with the VAD).
    /// - Parameter fbank: `[T, numMelBins]`.
    /// - Returns: `[ceil(T/lfrN), featureDimension]`.
    public func features(fromFbank fbank: Tensor) -> Tensor {
        precondition(fbank.shape.count == 2 && fbank.cols == config.numMelBins,
                     "fbank of shape \(fbank.shape) does not have \(config.numMelBins) mel bins")
        let rows = lowFrameRate.outputFrameCount(fbank.rows)
        return Tensor(shape: [rows, featureDimension]) { out in
            guard let dst = out.baseAddress else { return }
            lowFrameRate.apply(fbank.pointer, rows: fbank.rows, cols: fbank.cols, into: dst)
            cmvn?.applyInPlace(dst, rows: rows)
        }
    }
}
