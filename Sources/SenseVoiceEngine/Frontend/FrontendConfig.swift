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
    public var sampleRate: Int = 16000
    /// Analysis window: `hamming`, `povey`, `hanning`, `rectangular` or `blackman` (`window`).
    public var window: String = "hamming"
    /// Number of triangular mel filters (`n_mels`).
    public var numMelBins: Int = 80
    /// Frame length in milliseconds (`frame_length`).
    public var frameLengthMs: Double = 25.0
    /// Frame shift in milliseconds (`frame_shift`).
    public var frameShiftMs: Double = 10.0
    /// Number of fbank frames stacked into one LFR frame (`lfr_m`).
    public var lfrM: Int = 7
    /// LFR hop in fbank frames (`lfr_n`).
    public var lfrN: Int = 6
    /// Dither amount (`dither`); ignored, features are always computed with dither 0.
    public var dither: Double = 0.0

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

    /// Reads the `frontend_conf` mapping of a FunASR `config.yaml`.
    ///
    /// Recognised keys: `fs`, `window`, `n_mels`, `frame_length`, `frame_shift`, `lfr_m`, `lfr_n`,
    /// `dither`; missing keys keep the SenseVoiceSmall defaults, other keys (`cmvn_file`, …) are
    /// ignored. Numbers may arrive as integers, doubles or strings; a `null` value counts as missing.
    /// - Parameter frontendConf: the decoded YAML mapping.
    /// - Throws: `SenseVoiceError` `.configInvalid` when a value has the wrong type or the result
    ///   fails ``validate()``.
    public init(frontendConf: [String: Any]) throws {
        self.init()
        func value(_ key: String) -> Any? {
            guard let raw = frontendConf[key], !(raw is NSNull) else { return nil }
            return raw
        }
        func number(_ key: String) throws -> Double? {
            guard let raw = value(key) else { return nil }
            switch raw {
            case let v as Int: return Double(v)
            case let v as Double: return v
            case let v as Float: return Double(v)
            case let v as String:
                if let d = Double(v.trimmingWhitespace()) { return d }
            default: break
            }
            throw SenseVoiceError(.configInvalid,
                                  "frontend_conf.\(key) is \(raw), not a number; fix config.yaml or re-download the model")
        }
        func integer(_ key: String) throws -> Int? {
            guard let d = try number(key) else { return nil }
            guard d == d.rounded(), abs(d) < 1e9 else {
                throw SenseVoiceError(.configInvalid,
                                      "frontend_conf.\(key) is \(d), not an integer; fix config.yaml or re-download the model")
            }
            return Int(d)
        }
        if let v = try integer("fs") { sampleRate = v }
        if let raw = value("window") {
            guard let v = raw as? String else {
                throw SenseVoiceError(.configInvalid, "frontend_conf.window is \(raw), not a window name")
            }
            window = v
        }
        if let v = try integer("n_mels") { numMelBins = v }
        if let v = try number("frame_length") { frameLengthMs = v }
        if let v = try number("frame_shift") { frameShiftMs = v }
        if let v = try integer("lfr_m") { lfrM = v }
        if let v = try integer("lfr_n") { lfrN = v }
        if let v = try number("dither") { dither = v }
        try validate()
    }

    /// Checks that the fbank can be built from these settings.
    /// - Throws: `SenseVoiceError` `.configInvalid` naming the offending setting.
    public func validate() throws {
        func fail(_ what: String) -> SenseVoiceError {
            SenseVoiceError(.configInvalid, "frontend_conf: \(what); fix config.yaml or re-download the model")
        }
        guard sampleRate > 0 else { throw fail("fs must be positive, got \(sampleRate)") }
        guard FrontendConfig.supportedWindows.contains(window) else {
            throw fail("unknown window '\(window)' (supported: \(FrontendConfig.supportedWindows.joined(separator: ", ")))")
        }
        guard numMelBins > 3 else { throw fail("n_mels must be greater than 3, got \(numMelBins)") }
        guard windowSize >= 2 else { throw fail("frame_length \(frameLengthMs) ms gives fewer than 2 samples") }
        guard windowShift >= 1 else { throw fail("frame_shift \(frameShiftMs) ms gives no samples") }
        guard lfrM >= 1, lfrN >= 1 else { throw fail("lfr_m and lfr_n must be at least 1, got \(lfrM)/\(lfrN)") }
        guard Double(sampleRate) / 2 > 20 else { throw fail("fs \(sampleRate) Hz is too low for the 20 Hz mel floor") }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines (no Foundation needed).
    fileprivate func trimmingWhitespace() -> String {
        let ws: Set<Character> = [" ", "\t", "\n", "\r"]
        var s = Substring(self)
        while let c = s.first, ws.contains(c) { s = s.dropFirst() }
        while let c = s.last, ws.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
