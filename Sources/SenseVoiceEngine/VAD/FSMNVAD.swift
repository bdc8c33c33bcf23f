// Follows funasr/models/fsmn_vad_streaming/model.py: FsmnVADStreaming.inference (offline, whole file)
// with funasr/frontends/wav_frontend.py: WavFrontendOnline (fbank → LFR 5/1 → CMVN), spec §2, §6.

import Foundation
import SenseVoiceTensor

/// FunASR's FSMN-VAD: speech segments of a 16 kHz recording.
///
/// Reads a model folder in the official layout (`config.yaml`, `model.pt`, `am.mvn`). Audio runs
/// through the frontend and network in chunks of ``chunkFrames`` frames with the network's memory
/// carried between chunks, so memory stays bounded for long recordings and the result is that of
/// one pass over the whole file. Immutable and `Sendable`: one instance serves concurrent calls.
///
/// ```swift
/// let vad = try FSMNVAD(modelDirectory: "/models/fsmn-vad")
/// let segments = try vad.segments(samples, options: VADOptions(maxSingleSegmentMs: 30000))
/// ```
public struct FSMNVAD: VoiceActivityDetecting {
    /// The model's `config.yaml`.
    public let config: VADConfig
    /// The network.
    public let model: FSMNVADModel
    /// The feature normalisation from `am.mvn`.
    public let cmvn: CMVN
    let fbank: KaldiFbank
    let lowFrameRate: LowFrameRate

    /// Frames (10 ms each) computed per forward chunk: 60 s of audio.
    public static let chunkFrames = 6000

    /// Loads a model folder.
    ///
    /// - Parameter modelDirectory: a folder with `config.yaml`, `model.pt` and `am.mvn`.
    /// - Throws: `SenseVoiceError` `.modelNotFound` when a file is missing, `.configInvalid` for an
    ///   unusable `config.yaml`, `.checkpointMismatch` naming every missing or mis-shaped tensor,
    ///   `.modelFileCorrupt` for a damaged `model.pt` or `am.mvn`.
    public init(modelDirectory: String) throws {
        let dir = URL(fileURLWithPath: modelDirectory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            throw SenseVoiceError(.modelNotFound,
                                  "FSMN-VAD model folder \(modelDirectory) does not exist; pass --vad-model DIR (a folder with config.yaml, model.pt, am.mvn) or run scripts/fetch-test-models.sh")
        }
        for file in ["config.yaml", "model.pt", "am.mvn"]
        where !FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path) {
            throw SenseVoiceError(.modelNotFound,
                                  "FSMN-VAD model folder \(modelDirectory) has no \(file); it needs config.yaml, model.pt and am.mvn")
        }
        let config = try VADConfig(contentsOf: dir.appendingPathComponent("config.yaml").path)
        let checkpoint = try TorchCheckpoint(path: dir.appendingPathComponent("model.pt").path)
        let model = try FSMNVADModel(config: config.encoder, silencePdfIds: config.decision.silPdfIds, checkpoint: checkpoint)
        let cmvn = try CMVN(amMvnPath: dir.appendingPathComponent("am.mvn").path)
        try self.init(config: config, model: model, cmvn: cmvn)
    }

    /// Assembles a VAD from loaded parts.
    /// - Throws: `SenseVoiceError(.modelFileCorrupt)` when `cmvn` does not fit the features.
    public init(config: VADConfig, model: FSMNVADModel, cmvn: CMVN) throws {
        try cmvn.check(featureDimension: config.frontend.featureDimension)
        guard config.encoder.inputDim == cmvn.dimension else {
            throw SenseVoiceError(.configInvalid,
                                  "FSMN-VAD input_dim \(config.encoder.inputDim) does not match the \(cmvn.dimension)-dimensional features")
        }
        self.config = config
        self.model = model
        self.cmvn = cmvn
        fbank = KaldiFbank(config: config.frontend)
        lowFrameRate = LowFrameRate(m: config.frontend.lfrM, n: config.frontend.lfrN)
    }

    /// The speech segments of a recording as `[[startMs, endMs]]`.
    ///
    /// - Parameters:
    ///   - samples: 16 kHz mono floats in [-1, 1].
    ///   - options: threshold mode, maximum segment length and the caller's thread budget.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a non-positive maximum segment length.
    public func segments(_ samples: [Float], options: VADOptions) throws -> [[Int]] {
        var segmenter = try VADSegmenter(config: config, options: options, sampleCount: samples.count)
        forEachChunk(samples, threads: options.threads) { probabilities, decibels in
            for i in probabilities.indices {
                segmenter.accept(silenceProbability: probabilities[i], decibel: decibels[i])
            }
        }
        return segmenter.segments
    }

    /// The network's silence probability of every 10 ms frame, `[T]` (for inspection and tests).
    /// - Parameters:
    ///   - samples: 16 kHz mono floats in [-1, 1].
    ///   - threads: how many threads the network's products may use.
    public func silenceProbabilities(_ samples: [Float], threads: Int = 1) -> [Float] {
        var all: [Float] = []
        forEachChunk(samples, threads: threads) { probabilities, _ in all += probabilities }
        return all
    }

    /// Runs frontend and network over consecutive chunks of frames and hands each chunk's silence
    /// probabilities and decibels to `body`, in order.
    private func forEachChunk(_ samples: [Float], threads: Int, _ body: ([Float], [Float]) -> Void) {
        let fe = config.frontend
        let total = fe.fbankFrameCount(sampleCount: samples.count)
        guard total > 0 else { return }
        var state = model.makeState()
        samples.withUnsafeBufferPointer { all in
            var first = 0
            while first < total {
                let end = min(total, first + Self.chunkFrames)
                let probabilities = silenceProbabilities(frames: first..<end, fbankFrames: total, samples: all,
                                                         origin: 0, state: &state, threads: threads)
                let decibels = Self.decibels(all, frames: first..<end, length: decisionFrameLength,
                                             shift: fe.frameShiftSamples)
                body(probabilities, decibels)
                first = end
            }
        }
    }

    /// Frontend and network over the frames `frames` of a recording of which `total` fbank frames
    /// exist so far, carrying the network's memory in `state`.
    ///
    /// - Parameters:
    ///   - samples: the recording's samples from stream index `origin` on; they must reach back
    ///     to the LFR context of `frames.lowerBound` and forward to the last fbank frame used.
    ///   - total: fbank frames of the recording so far; LFR clamps its right context there.
    /// - Returns: the silence probability of each frame in `frames`.
    func silenceProbabilities(frames: Range<Int>, fbankFrames total: Int, samples: UnsafeBufferPointer<Float>,
                              origin: Int, state: inout FSMNVADModel.State, threads: Int) -> [Float] {
        let fe = config.frontend
        let pad = lowFrameRate.leftPadding
        let width = fe.numMelBins
        let (first, end) = (frames.lowerBound, frames.upperBound)
        // The fbank frames LFR reads for [first, end): `pad` either side, clamped to the recording.
        // At a chunk edge inside the recording the context is real; at its edges the clamping is
        // the one LFR applies to the whole recording.
        let fbFirst = max(0, first - pad)
        let fbEnd = min(total, end + pad)
        let lo = fbFirst * fe.frameShiftSamples - origin
        let hi = (fbEnd - 1) * fe.frameShiftSamples + fe.frameLengthSamples - origin
        precondition(lo >= 0 && hi <= samples.count, "samples \(origin)..<\(origin + samples.count) miss fbank frames \(fbFirst)..<\(fbEnd)")
        let fb = fbank.compute(UnsafeBufferPointer(rebasing: samples[lo..<hi]), scale: 32768, shortInputQuirk: false)
        precondition(fb.rows == fbEnd - fbFirst, "fbank gave \(fb.rows) frames for \(fbEnd - fbFirst)")
        let rows = end - first
        let dim = width * lowFrameRate.m
        var stacked = [Float](repeating: 0, count: fb.rows * dim)
        stacked.withUnsafeMutableBufferPointer { s in
            lowFrameRate.apply(fb.pointer, rows: fb.rows, cols: width, into: s.baseAddress!)
            cmvn.applyInPlace(s.baseAddress! + (first - fbFirst) * dim, rows: rows)
        }
        return stacked.withUnsafeBufferPointer { s in
            model.silenceProbabilities(
                features: UnsafeBufferPointer(rebasing: s[((first - fbFirst) * dim)..<((end - fbFirst) * dim)]),
                state: &state, threads: threads)
        }
    }

    /// Samples in the decibel window (`frame_length_ms` of `model_conf`, 400).
    var decisionFrameLength: Int { config.decision.sampleRate * config.decision.frameLengthMs / 1000 }

    /// `10·log10(Σ x² + 1e−6)` of each frame's unscaled samples (spec §6.3); frames that run past
    /// the end of the samples use what there is. `origin` is the stream index of `samples[0]`.
    static func decibels(_ samples: UnsafeBufferPointer<Float>, frames: Range<Int>, length: Int, shift: Int,
                         origin: Int = 0) -> [Float] {
        frames.map { t in
            let start = t * shift - origin
            let stop = min(samples.count, start + length)
            var sum: Float = 0
            if start < stop { for i in start..<stop { sum += samples[i] * samples[i] } }
            return Float(10 * log10(Double(sum) + 0.000001))
        }
    }
}
