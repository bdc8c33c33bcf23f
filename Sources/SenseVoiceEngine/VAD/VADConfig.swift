// Follows the FSMN-VAD `config.yaml` read by funasr/models/fsmn_vad_streaming/model.py (VADXOptions)
// and funasr/models/fsmn_vad_streaming/encoder.py (FSMN); keys as in spec §6.1 and §6.6.

import Foundation
import SenseVoiceTensor

/// The FSMN-VAD model's `config.yaml`: frontend, network and decision settings.
///
/// Every dimension and threshold the VAD uses comes from here. `encoder_conf` and the
/// frontend's `lfr_m`/`lfr_n` are required; `model_conf` keys that are missing take FunASR's
/// `VADXOptions` defaults, which are also the values the released model ships with. The frontend
/// is the same ``FrontendConfig`` SenseVoice's own `frontend_conf` reads into (fbank → LFR 5/1).
public struct VADConfig: Sendable, Equatable {
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
        public var sampleRate = 16000
        /// `detect_mode`: 1 = several utterances per file (the only mode implemented).
        public var detectMode = 1
        /// `snr_mode`: 0 = SNR is decibel minus the running noise average (the only mode implemented).
        public var snrMode = 0
        /// `max_end_silence_time` in ms; the classic end threshold is this minus `speechToSilTimeThresMs`.
        public var maxEndSilenceTimeMs = 800
        /// `window_size_ms` of the window detector.
        public var windowSizeMs = 200
        /// `sil_to_speech_time_thres` in ms.
        public var silToSpeechTimeThresMs = 150
        /// `speech_to_sil_time_thres` in ms.
        public var speechToSilTimeThresMs = 150
        /// `speech_2_noise_ratio`: multiplies ln p_sil in the decision.
        public var speech2NoiseRatio = 1.0
        /// `lookback_time_start_point` in ms.
        public var lookbackTimeStartPointMs = 200
        /// `lookahead_time_end_point` in ms.
        public var lookaheadTimeEndPointMs = 100
        /// `max_single_segment_time` in ms (the model default; callers may override it).
        public var maxSingleSegmentTimeMs = 60000
        /// `snr_thres` in dB.
        public var snrThres = -100.0
        /// `noise_frame_num_used_for_snr`: the running noise average's length.
        public var noiseFrameNumUsedForSnr = 100
        /// `decibel_thres` in dB.
        public var decibelThres = -100.0
        /// `speech_noise_thres`: θ of the classic decision.
        public var speechNoiseThres = 0.6
        /// `sil_pdf_ids`: the output classes that mean silence.
        public var silPdfIds = [0]
        /// `frame_in_ms`: the decision frame hop.
        public var frameInMs = 10
        /// `frame_length_ms`: the decibel window.
        public var frameLengthMs = 25

        public init() {}
    }

    /// `frontend_conf`: the fbank → LFR front end (`WavFrontendOnline`).
    public var frontend: FrontendConfig
    public var encoder: Encoder
    public var decision: Decision

    /// Reads `config.yaml` from a file.
    /// - Throws: `SenseVoiceError(.modelNotFound)` when the file is missing,
    ///   `.configInvalid` when it is not a usable FSMN-VAD config.
    public init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SenseVoiceError(.modelNotFound,
                                  "FSMN-VAD config \(path) not found; point --vad-model at the folder holding config.yaml, model.pt and am.mvn")
        }
        try self.init(yaml: ConfigReader.text(ofFile: path, "FSMN-VAD config", code: .ioError), source: path)
    }

    /// Parses the text of a `config.yaml`.
    /// - Parameter source: the file name used in error messages.
    /// - Throws: `SenseVoiceError(.configInvalid)` naming every missing or malformed key.
    public init(yaml: String, source: String = "config.yaml") throws {
        let root = try ConfigReader.mapping(yaml: yaml, source: source)
        var reader = ConfigReader(source: source)
        let fe = reader.section(root, "frontend_conf")
        let en = reader.section(root, "encoder_conf")
        let mc = reader.section(root, "model_conf", required: false)

        frontend = FrontendConfig(fe, reader: &reader, required: ["lfr_m", "lfr_n"])
        let e = "encoder_conf"
        encoder = Encoder(
            inputDim: reader.int(en, "input_dim", in: e),
            inputAffineDim: reader.int(en, "input_affine_dim", in: e),
            fsmnLayers: reader.int(en, "fsmn_layers", in: e),
            linearDim: reader.int(en, "linear_dim", in: e),
            projDim: reader.int(en, "proj_dim", in: e),
            lorder: reader.int(en, "lorder", in: e),
            rorder: reader.int(en, "rorder", in: e),
            lstride: reader.int(en, "lstride", in: e),
            rstride: reader.int(en, "rstride", in: e),
            outputAffineDim: reader.int(en, "output_affine_dim", in: e),
            outputDim: reader.int(en, "output_dim", in: e))
        var d = Decision()
        let m = "model_conf"
        d.sampleRate = reader.int(mc, "sample_rate", in: m, default: d.sampleRate)
        d.detectMode = reader.int(mc, "detect_mode", in: m, default: d.detectMode)
        d.snrMode = reader.int(mc, "snr_mode", in: m, default: d.snrMode)
        d.maxEndSilenceTimeMs = reader.int(mc, "max_end_silence_time", in: m, default: d.maxEndSilenceTimeMs)
        d.windowSizeMs = reader.int(mc, "window_size_ms", in: m, default: d.windowSizeMs)
        d.silToSpeechTimeThresMs = reader.int(mc, "sil_to_speech_time_thres", in: m, default: d.silToSpeechTimeThresMs)
        d.speechToSilTimeThresMs = reader.int(mc, "speech_to_sil_time_thres", in: m, default: d.speechToSilTimeThresMs)
        d.speech2NoiseRatio = reader.double(mc, "speech_2_noise_ratio", in: m, default: d.speech2NoiseRatio)
        d.lookbackTimeStartPointMs = reader.int(mc, "lookback_time_start_point", in: m, default: d.lookbackTimeStartPointMs)
        d.lookaheadTimeEndPointMs = reader.int(mc, "lookahead_time_end_point", in: m, default: d.lookaheadTimeEndPointMs)
        d.maxSingleSegmentTimeMs = reader.int(mc, "max_single_segment_time", in: m, default: d.maxSingleSegmentTimeMs)
        d.snrThres = reader.double(mc, "snr_thres", in: m, default: d.snrThres)
        d.noiseFrameNumUsedForSnr = reader.int(mc, "noise_frame_num_used_for_snr", in: m, default: d.noiseFrameNumUsedForSnr)
        d.decibelThres = reader.double(mc, "decibel_thres", in: m, default: d.decibelThres)
        d.speechNoiseThres = reader.double(mc, "speech_noise_thres", in: m, default: d.speechNoiseThres)
        d.silPdfIds = reader.intList(mc, "sil_pdf_ids", in: m, default: d.silPdfIds)
        d.frameInMs = reader.int(mc, "frame_in_ms", in: m, default: d.frameInMs)
        d.frameLengthMs = reader.int(mc, "frame_length_ms", in: m, default: d.frameLengthMs)
        decision = d

        if reader.problems.isEmpty { problems().forEach { reader.report($0) } }
        try reader.finish("FSMN-VAD config")
    }

    /// The values the VAD cannot work with (on top of the frontend's own checks).
    private func problems() -> [String] {
        let f = frontend, e = encoder, d = decision
        var found: [String] = []
        if f.lfrN != 1 {
            found.append("frontend_conf lfr_m \(f.lfrM) / lfr_n \(f.lfrN): the VAD needs lfr_m ≥ 1 and lfr_n 1")
        }
        if f.window != "hamming" {
            found.append("frontend_conf window \(f.window): only hamming is implemented")
        }
        if e.inputDim != f.featureDimension {
            found.append("encoder_conf input_dim \(e.inputDim) is not n_mels × lfr_m = \(f.featureDimension)")
        }
        for (name, v) in [("input_affine_dim", e.inputAffineDim), ("fsmn_layers", e.fsmnLayers),
                          ("linear_dim", e.linearDim), ("proj_dim", e.projDim), ("lorder", e.lorder),
                          ("lstride", e.lstride), ("output_affine_dim", e.outputAffineDim),
                          ("output_dim", e.outputDim)] where v <= 0 {
            found.append("encoder_conf \(name) must be positive, is \(v)")
        }
        if e.rorder != 0 {
            found.append("encoder_conf rorder \(e.rorder): only causal memories (rorder 0) are implemented")
        }
        if d.detectMode != 1 {
            found.append("model_conf detect_mode \(d.detectMode): only 1 (several utterances) is implemented")
        }
        if d.snrMode != 0 {
            found.append("model_conf snr_mode \(d.snrMode): only 0 is implemented")
        }
        if d.frameInMs <= 0 || Double(d.frameInMs) != f.frameShiftMs {
            found.append("model_conf frame_in_ms \(d.frameInMs) must equal frontend frame_shift \(f.frameShiftMs)")
        }
        if d.sampleRate != f.sampleRate {
            found.append("model_conf sample_rate \(d.sampleRate) differs from frontend fs \(f.sampleRate)")
        }
        if d.windowSizeMs < d.frameInMs || d.noiseFrameNumUsedForSnr <= 0 || d.frameLengthMs <= 0 {
            found.append("model_conf needs window_size_ms ≥ frame_in_ms and positive noise_frame_num_used_for_snr, frame_length_ms")
        }
        if d.silPdfIds.isEmpty || d.silPdfIds.contains(where: { $0 < 0 || $0 >= e.outputDim }) {
            found.append("model_conf sil_pdf_ids \(d.silPdfIds) must name classes below output_dim \(e.outputDim)")
        }
        return found
    }
}
