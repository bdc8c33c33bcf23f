// Follows the FSMN-VAD `config.yaml` read by funasr/models/fsmn_vad_streaming/model.py (VADXOptions)
// and funasr/models/fsmn_vad_streaming/encoder.py (FSMN); keys as in spec §6.1 and §6.6.

import Foundation
import SenseVoiceTensor
import Yams

/// The FSMN-VAD model's `config.yaml`: frontend, network and decision settings.
///
/// Every dimension and threshold the VAD uses comes from here. `encoder_conf` and the
/// frontend's `lfr_m`/`lfr_n` are required; `model_conf` keys that are missing take FunASR's
/// `VADXOptions` defaults, which are also the values the released model ships with.
public struct VADConfig: Sendable, Equatable {
    /// `frontend_conf`: the fbank → LFR front end (`WavFrontendOnline`).
    public struct Frontend: Sendable, Equatable {
        /// Sample rate in Hz (`fs`, 16000).
        public var sampleRate: Int
        /// Analysis window name (`window`, "hamming").
        public var window: String
        /// Mel bins per fbank frame (`n_mels`, 80).
        public var numMelBins: Int
        /// Fbank frame length in ms (`frame_length`, 25).
        public var frameLengthMs: Int
        /// Fbank frame shift in ms (`frame_shift`, 10).
        public var frameShiftMs: Int
        /// Fbank dither (`dither`, 0.0 for the VAD).
        public var dither: Double
        /// LFR stacking width (`lfr_m`, 5).
        public var lfrM: Int
        /// LFR hop (`lfr_n`, 1).
        public var lfrN: Int

        public init(sampleRate: Int, window: String, numMelBins: Int, frameLengthMs: Int, frameShiftMs: Int,
                    dither: Double, lfrM: Int, lfrN: Int) {
            self.sampleRate = sampleRate
            self.window = window
            self.numMelBins = numMelBins
            self.frameLengthMs = frameLengthMs
            self.frameShiftMs = frameShiftMs
            self.dither = dither
            self.lfrM = lfrM
            self.lfrN = lfrN
        }

        /// Samples per fbank frame window (400 at 16 kHz / 25 ms).
        public var frameLengthSamples: Int { sampleRate * frameLengthMs / 1000 }
        /// Samples per fbank hop (160 at 16 kHz / 10 ms).
        public var frameShiftSamples: Int { sampleRate * frameShiftMs / 1000 }
        /// Frames the LFR stack reaches to each side, `(lfr_m − 1) / 2` (2 for the VAD).
        public var lfrPad: Int { (lfrM - 1) / 2 }

        /// Fbank frames of `sampleCount` samples with Kaldi `snip_edges`:
        /// `1 + (N − window) / shift` for N ≥ window, else 0.
        public func fbankFrameCount(sampleCount: Int) -> Int {
            sampleCount >= frameLengthSamples ? 1 + (sampleCount - frameLengthSamples) / frameShiftSamples : 0
        }
    }

    /// `encoder_conf`: the FSMN network's dimensions (spec §6.1).
    public struct Encoder: Sendable, Equatable {
        /// Input feature width (`input_dim`, 400 = 80 × lfr_m).
        public var inputDim: Int
        /// Width after `in_linear1` (`input_affine_dim`, 140).
        public var inputAffineDim: Int
        /// Number of FSMN blocks (`fsmn_layers`, 4).
        public var fsmnLayers: Int
        /// Width after `in_linear2` and of every block's output (`linear_dim`, 250).
        public var linearDim: Int
        /// Width of the memory projection (`proj_dim`, 128).
        public var projDim: Int
        /// Causal memory taps, current frame included (`lorder`, 20).
        public var lorder: Int
        /// Look-ahead memory taps (`rorder`, 0; only 0 is supported).
        public var rorder: Int
        /// Dilation of the causal taps (`lstride`, 1).
        public var lstride: Int
        /// Dilation of the look-ahead taps (`rstride`, 0).
        public var rstride: Int
        /// Width after `out_linear1` (`output_affine_dim`, 140).
        public var outputAffineDim: Int
        /// Number of output classes (`output_dim`, 248).
        public var outputDim: Int

        public init(inputDim: Int, inputAffineDim: Int, fsmnLayers: Int, linearDim: Int, projDim: Int,
                    lorder: Int, rorder: Int, lstride: Int, rstride: Int, outputAffineDim: Int, outputDim: Int) {
            self.inputDim = inputDim
            self.inputAffineDim = inputAffineDim
            self.fsmnLayers = fsmnLayers
            self.linearDim = linearDim
            self.projDim = projDim
            self.lorder = lorder
            self.rorder = rorder
            self.lstride = lstride
            self.rstride = rstride
            self.outputAffineDim = outputAffineDim
            self.outputDim = outputDim
        }

        /// Past frames of the memory input each block carries between chunks, `(lorder − 1) · lstride`.
        public var cacheFrames: Int { (lorder - 1) * lstride }
    }

    /// `model_conf`: the per-frame decision, window detector and segmenter settings (spec §6.3–§6.6).
    public struct Decision: Sendable, Equatable {
        /// Sample rate in Hz (`sample_rate`).
        public var sampleRate: Int = 16000
        /// `detect_mode`: 1 = several utterances per file (the only mode implemented).
        public var detectMode: Int = 1
        /// `snr_mode`: 0 = SNR is decibel minus the running noise average (the only mode implemented).
        public var snrMode: Int = 0
        /// `max_end_silence_time` in ms; the classic end threshold is this minus `speechToSilTimeThresMs`.
        public var maxEndSilenceTimeMs: Int = 800
        /// `window_size_ms` of the window detector.
        public var windowSizeMs: Int = 200
        /// `sil_to_speech_time_thres` in ms.
        public var silToSpeechTimeThresMs: Int = 150
        /// `speech_to_sil_time_thres` in ms.
        public var speechToSilTimeThresMs: Int = 150
        /// `speech_2_noise_ratio`: multiplies ln p_sil in the decision.
        public var speech2NoiseRatio: Double = 1.0
        /// `lookback_time_start_point` in ms.
        public var lookbackTimeStartPointMs: Int = 200
        /// `lookahead_time_end_point` in ms.
        public var lookaheadTimeEndPointMs: Int = 100
        /// `max_single_segment_time` in ms (the model default; callers may override it).
        public var maxSingleSegmentTimeMs: Int = 60000
        /// `snr_thres` in dB.
        public var snrThres: Double = -100.0
        /// `noise_frame_num_used_for_snr`: the running noise average's length.
        public var noiseFrameNumUsedForSnr: Int = 100
        /// `decibel_thres` in dB.
        public var decibelThres: Double = -100.0
        /// `speech_noise_thres`: θ of the classic decision.
        public var speechNoiseThres: Double = 0.6
        /// `sil_pdf_ids`: the output classes that mean silence.
        public var silPdfIds: [Int] = [0]
        /// `frame_in_ms`: the decision frame hop.
        public var frameInMs: Int = 10
        /// `frame_length_ms`: the decibel window.
        public var frameLengthMs: Int = 25

        public init() {}
    }

    public var frontend: Frontend
    public var encoder: Encoder
    public var decision: Decision

    public init(frontend: Frontend, encoder: Encoder, decision: Decision) {
        self.frontend = frontend
        self.encoder = encoder
        self.decision = decision
    }

    /// Reads `config.yaml` from a file.
    /// - Throws: `SenseVoiceError(.modelNotFound)` when the file is missing,
    ///   `.configInvalid` when it is not a usable FSMN-VAD config.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SenseVoiceError(.modelNotFound,
                                  "FSMN-VAD config \(path) not found; point --vad-model at the folder holding config.yaml, model.pt and am.mvn")
        }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SenseVoiceError(.ioError, "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: path)
    }

    /// Parses the text of a `config.yaml`.
    /// - Parameter source: the file name used in error messages.
    /// - Throws: `SenseVoiceError(.configInvalid)` naming every missing or malformed key.
    public init(yaml: String, source: String = "config.yaml") throws {
        let root: [String: Any]
        do {
            guard let parsed = try Yams.load(yaml: yaml) as? [String: Any] else {
                throw SenseVoiceError(.configInvalid, "\(source) is not a YAML mapping")
            }
            root = parsed
        } catch let error as SenseVoiceError {
            throw error
        } catch {
            throw SenseVoiceError(.configInvalid, "\(source) is not valid YAML: \(error)")
        }
        var reader = KeyReader(source: source)
        let fe = reader.section(root, "frontend_conf")
        let en = reader.section(root, "encoder_conf")
        let mc = reader.section(root, "model_conf", required: false)

        frontend = Frontend(
            sampleRate: reader.int(fe, "fs", default: 16000),
            window: reader.string(fe, "window", default: "hamming"),
            numMelBins: reader.int(fe, "n_mels", default: 80),
            frameLengthMs: reader.int(fe, "frame_length", default: 25),
            frameShiftMs: reader.int(fe, "frame_shift", default: 10),
            dither: reader.double(fe, "dither", default: 1.0),
            lfrM: reader.int(fe, "lfr_m"),
            lfrN: reader.int(fe, "lfr_n"))
        encoder = Encoder(
            inputDim: reader.int(en, "input_dim"),
            inputAffineDim: reader.int(en, "input_affine_dim"),
            fsmnLayers: reader.int(en, "fsmn_layers"),
            linearDim: reader.int(en, "linear_dim"),
            projDim: reader.int(en, "proj_dim"),
            lorder: reader.int(en, "lorder"),
            rorder: reader.int(en, "rorder"),
            lstride: reader.int(en, "lstride"),
            rstride: reader.int(en, "rstride"),
            outputAffineDim: reader.int(en, "output_affine_dim"),
            outputDim: reader.int(en, "output_dim"))
        var d = Decision()
        d.sampleRate = reader.int(mc, "sample_rate", default: d.sampleRate)
        d.detectMode = reader.int(mc, "detect_mode", default: d.detectMode)
        d.snrMode = reader.int(mc, "snr_mode", default: d.snrMode)
        d.maxEndSilenceTimeMs = reader.int(mc, "max_end_silence_time", default: d.maxEndSilenceTimeMs)
        d.windowSizeMs = reader.int(mc, "window_size_ms", default: d.windowSizeMs)
        d.silToSpeechTimeThresMs = reader.int(mc, "sil_to_speech_time_thres", default: d.silToSpeechTimeThresMs)
        d.speechToSilTimeThresMs = reader.int(mc, "speech_to_sil_time_thres", default: d.speechToSilTimeThresMs)
        d.speech2NoiseRatio = reader.double(mc, "speech_2_noise_ratio", default: d.speech2NoiseRatio)
        d.lookbackTimeStartPointMs = reader.int(mc, "lookback_time_start_point", default: d.lookbackTimeStartPointMs)
        d.lookaheadTimeEndPointMs = reader.int(mc, "lookahead_time_end_point", default: d.lookaheadTimeEndPointMs)
        d.maxSingleSegmentTimeMs = reader.int(mc, "max_single_segment_time", default: d.maxSingleSegmentTimeMs)
        d.snrThres = reader.double(mc, "snr_thres", default: d.snrThres)
        d.noiseFrameNumUsedForSnr = reader.int(mc, "noise_frame_num_used_for_snr", default: d.noiseFrameNumUsedForSnr)
        d.decibelThres = reader.double(mc, "decibel_thres", default: d.decibelThres)
        d.speechNoiseThres = reader.double(mc, "speech_noise_thres", default: d.speechNoiseThres)
        d.silPdfIds = reader.intList(mc, "sil_pdf_ids", default: d.silPdfIds)
        d.frameInMs = reader.int(mc, "frame_in_ms", default: d.frameInMs)
        d.frameLengthMs = reader.int(mc, "frame_length_ms", default: d.frameLengthMs)
        decision = d

        reader.validate(self)
        if !reader.problems.isEmpty {
            throw SenseVoiceError(.configInvalid,
                                  "\(source) is not a usable FSMN-VAD config: " + reader.problems.joined(separator: "; "))
        }
    }
}

/// Collects typed values from a parsed YAML mapping and every problem met on the way.
private struct KeyReader {
    let source: String
    var problems: [String] = []

    init(source: String) { self.source = source }

    mutating func section(_ root: [String: Any], _ key: String, required: Bool = true) -> [String: Any] {
        guard let value = root[key] else {
            if required { problems.append("missing section \(key)") }
            return [:]
        }
        guard let map = value as? [String: Any] else {
            problems.append("\(key) is not a mapping")
            return [:]
        }
        return map
    }

    mutating func int(_ map: [String: Any], _ key: String, default fallback: Int? = nil) -> Int {
        guard let value = map[key] else {
            if let fallback { return fallback }
            problems.append("missing \(key)")
            return 0
        }
        if let v = value as? Int { return v }
        if let v = value as? Double, v == v.rounded(), abs(v) < 1e15 { return Int(v) }
        problems.append("\(key) is \(value), expected an integer")
        return fallback ?? 0
    }

    mutating func double(_ map: [String: Any], _ key: String, default fallback: Double) -> Double {
        guard let value = map[key] else { return fallback }
        if let v = value as? Double { return v }
        if let v = value as? Int { return Double(v) }
        problems.append("\(key) is \(value), expected a number")
        return fallback
    }

    mutating func string(_ map: [String: Any], _ key: String, default fallback: String) -> String {
        guard let value = map[key] else { return fallback }
        if let v = value as? String { return v }
        problems.append("\(key) is \(value), expected a string")
        return fallback
    }

    mutating func intList(_ map: [String: Any], _ key: String, default fallback: [Int]) -> [Int] {
        guard let value = map[key] else { return fallback }
        if let v = value as? [Int] { return v }
        if let v = value as? Int { return [v] }
        problems.append("\(key) is \(value), expected a list of integers")
        return fallback
    }

    /// Checks the values the VAD cannot work with.
    mutating func validate(_ c: VADConfig) {
        let f = c.frontend, e = c.encoder, d = c.decision
        if f.sampleRate <= 0 || f.frameLengthMs <= 0 || f.frameShiftMs <= 0 || f.numMelBins <= 0 {
            problems.append("frontend_conf needs positive fs, n_mels, frame_length and frame_shift")
        }
        if f.lfrM < 1 || f.lfrN != 1 {
            problems.append("frontend_conf lfr_m \(f.lfrM) / lfr_n \(f.lfrN): the VAD needs lfr_m ≥ 1 and lfr_n 1")
        }
        if f.window != "hamming" {
            problems.append("frontend_conf window \(f.window): only hamming is implemented")
        }
        if e.inputDim != f.numMelBins * f.lfrM {
            problems.append("encoder_conf input_dim \(e.inputDim) is not n_mels × lfr_m = \(f.numMelBins * f.lfrM)")
        }
        for (name, v) in [("input_affine_dim", e.inputAffineDim), ("fsmn_layers", e.fsmnLayers),
                          ("linear_dim", e.linearDim), ("proj_dim", e.projDim), ("lorder", e.lorder),
                          ("lstride", e.lstride), ("output_affine_dim", e.outputAffineDim),
                          ("output_dim", e.outputDim)] where v <= 0 {
            problems.append("encoder_conf \(name) must be positive, is \(v)")
        }
        if e.rorder != 0 {
            problems.append("encoder_conf rorder \(e.rorder): only causal memories (rorder 0) are implemented")
        }
        if d.detectMode != 1 {
            problems.append("model_conf detect_mode \(d.detectMode): only 1 (several utterances) is implemented")
        }
        if d.snrMode != 0 {
            problems.append("model_conf snr_mode \(d.snrMode): only 0 is implemented")
        }
        if d.frameInMs <= 0 || d.frameInMs != f.frameShiftMs {
            problems.append("model_conf frame_in_ms \(d.frameInMs) must equal frontend frame_shift \(f.frameShiftMs)")
        }
        if d.sampleRate != f.sampleRate {
            problems.append("model_conf sample_rate \(d.sampleRate) differs from frontend fs \(f.sampleRate)")
        }
        if d.windowSizeMs < d.frameInMs || d.noiseFrameNumUsedForSnr <= 0 || d.frameLengthMs <= 0 {
            problems.append("model_conf needs window_size_ms ≥ frame_in_ms and positive noise_frame_num_used_for_snr, frame_length_ms")
        }
        if d.silPdfIds.isEmpty || d.silPdfIds.contains(where: { $0 < 0 || $0 >= e.outputDim }) {
            problems.append("model_conf sil_pdf_ids \(d.silPdfIds) must name classes below output_dim \(e.outputDim)")
        }
    }
}
