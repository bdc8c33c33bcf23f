// Follows funasr/frontends/wav_frontend.py: WavFrontend.__init__ (the `frontend_conf` keys of config.yaml).

import Foundation

/// Settings of the waveform frontend (Kaldi fbank → LFR → CMVN), as in `config.yaml` `frontend_conf`.
///
/// The defaults are those of the real SenseVoiceSmall model. FSMN-VAD uses the same fbank with
/// `lfrM = 5, lfrN = 1` (see ``fsmnVAD``).
///
/// `dither` is read for completeness but never applied: every runtime we reproduce (sherpa-onnx,
/// FunASR C++, llama.cpp) extracts features without dither so results are deterministic.
public struct FrontendConfig: Sendable, Equatable {
    /// Sample rate of the input in Hz (`fs`).
    public var sampleRate: Int
    /// Analysis window: `hamming`, `povey`, `hanning`, `rectangular` or `blackman` (`window`).
    public var window: String
    /// Number of triangular mel filters (`n_mels`).
    public var numMelBins: Int
    /// Frame length in milliseconds (`frame_length`).
    public var frameLengthMs: Double
    /// Frame shift in milliseconds (`frame_shift`).
    public var frameShiftMs: Double
    /// Number of fbank frames stacked into one LFR frame (`lfr_m`).
    public var lfrM: Int
    /// LFR hop in fbank frames (`lfr_n`).
    public var lfrN: Int
    /// Dither amount (`dither`); ignored, features are always computed with dither 0.
    public var dither: Double

    /// Window types the fbank implements (torchaudio / Kaldi names).
    public static let supportedWindows = ["hamming", "povey", "hanning", "rectangular", "blackman"]

    /// A configuration; every argument defaults to the real SenseVoiceSmall value.
    public init(sampleRate: Int = 16000, window: String = "hamming", numMelBins: Int = 80,
                frameLengthMs: Double = 25.0, frameShiftMs: Double = 10.0,
                lfrM: Int = 7, lfrN: Int = 6, dither: Double = 0.0) {
        self.sampleRate = sampleRate
        self.window = window
        self.numMelBins = numMelBins
        self.frameLengthMs = frameLengthMs
        self.frameShiftMs = frameShiftMs
        self.lfrM = lfrM
        self.lfrN = lfrN
        self.dither = dither
    }

    /// The SenseVoiceSmall frontend: 80 mel bins, 25/10 ms Hamming frames, LFR 7/6 → 560 dims.
    public static let senseVoiceSmall = FrontendConfig()
    /// The FSMN-VAD frontend: the same fbank, LFR 5/1 → 400 dims.
    public static let fsmnVAD = FrontendConfig(lfrM: 5, lfrN: 1)

    /// Width of one output feature row: `numMelBins · lfrM` (560 for SenseVoice).
    public var featureDimension: Int { numMelBins * lfrM }

    /// Samples per analysis window, computed as torchaudio does (`int(fs · ms · 0.001)`): 400.
    public var windowSize: Int { Int(Double(sampleRate) * frameLengthMs * 0.001) }
    /// Samples per frame shift, computed as torchaudio does: 160.
    public var windowShift: Int { Int(Double(sampleRate) * frameShiftMs * 0.001) }

    /// Samples per analysis window (``windowSize``, the name the VAD's frame arithmetic uses).
    public var frameLengthSamples: Int { windowSize }
    /// Samples per frame shift (``windowShift``).
    public var frameShiftSamples: Int { windowShift }
    /// Frames the LFR stack reaches to each side, `(lfr_m − 1) / 2` (2 for the VAD).
    public var lfrPad: Int { (lfrM - 1) / 2 }

    /// Fbank frames of `sampleCount` samples with Kaldi `snip_edges`:
    /// `1 + (N − window) / shift` for N ≥ window, else 0.
    public func fbankFrameCount(sampleCount: Int) -> Int {
        sampleCount >= windowSize ? 1 + (sampleCount - windowSize) / windowShift : 0
    }

    /// Reads the `frontend_conf` mapping of a FunASR `config.yaml`.
    ///
    /// Recognised keys: `fs`, `window`, `n_mels`, `frame_length`, `frame_shift`, `lfr_m`, `lfr_n`,
    /// `dither`; missing keys keep the SenseVoiceSmall defaults, other keys (`cmvn_file`, …) are
    /// ignored. Numbers may arrive as integers, doubles or strings; a `null` value counts as missing.
    /// - Parameter frontendConf: the decoded YAML mapping.
    /// - Throws: `SenseVoiceError` `.configInvalid` naming every value of the wrong type and every
    ///   setting ``validate()`` rejects.
    public init(frontendConf: [String: Any]) throws {
        var reader = ConfigReader(source: "config.yaml")
        self.init(frontendConf, reader: &reader)
        try reader.finish("frontend_conf")
    }

    /// Reads `frontend_conf` (nil: its absence is already reported, or the defaults apply), adding
    /// every problem, including those of ``validate()``, to `reader`.
    /// - Parameter required: keys that must be present (the VAD has no default LFR).
    init(_ conf: [String: Any]?, reader: inout ConfigReader, required: Set<String> = []) {
        self.init()
        let s = "frontend_conf"
        func fallback<T>(_ key: String, _ value: T) -> T? { required.contains(key) ? nil : value }
        sampleRate = reader.int(conf, "fs", in: s, default: fallback("fs", sampleRate))
        window = reader.string(conf, "window", in: s, default: window)
        numMelBins = reader.int(conf, "n_mels", in: s, default: fallback("n_mels", numMelBins))
        frameLengthMs = reader.double(conf, "frame_length", in: s, default: frameLengthMs)
        frameShiftMs = reader.double(conf, "frame_shift", in: s, default: frameShiftMs)
        lfrM = reader.int(conf, "lfr_m", in: s, default: fallback("lfr_m", lfrM))
        lfrN = reader.int(conf, "lfr_n", in: s, default: fallback("lfr_n", lfrN))
        dither = reader.double(conf, "dither", in: s, default: dither)
        if reader.problems.isEmpty { problems().forEach { reader.report($0) } }
    }

    /// Checks that the fbank can be built from these settings.
    /// - Throws: `SenseVoiceError` `.configInvalid` naming every offending setting.
    public func validate() throws {
        let found = problems()
        guard found.isEmpty else {
            throw SenseVoiceError(.configInvalid, "frontend_conf: \(found.joined(separator: "; ")); fix config.yaml or re-download the model")
        }
    }

    /// What ``validate()`` rejects, one entry per setting.
    func problems() -> [String] {
        var found: [String] = []
        if sampleRate <= 0 { found.append("frontend_conf.fs must be positive, got \(sampleRate)") }
        if !FrontendConfig.supportedWindows.contains(window) {
            found.append("frontend_conf: unknown window '\(window)' (supported: \(FrontendConfig.supportedWindows.joined(separator: ", ")))")
        }
        if numMelBins <= 3 { found.append("frontend_conf.n_mels must be greater than 3, got \(numMelBins)") }
        if windowSize < 2 { found.append("frontend_conf.frame_length \(frameLengthMs) ms gives fewer than 2 samples") }
        if windowShift < 1 { found.append("frontend_conf.frame_shift \(frameShiftMs) ms gives no samples") }
        if lfrM < 1 || lfrN < 1 { found.append("frontend_conf lfr_m and lfr_n must be at least 1, got \(lfrM)/\(lfrN)") }
        if sampleRate > 0 && Double(sampleRate) / 2 <= 20 {
            found.append("frontend_conf.fs \(sampleRate) Hz is too low for the 20 Hz mel floor")
        }
        return found
    }
}
