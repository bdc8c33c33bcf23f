// Follows funasr/auto/auto_model.py: the spk_model path of AutoModel.generate in its vad_segment mode
// (sv_chunk → CAM++ → ClusterBackend → postprocess → distribute_spk), as FunASR runs it for SenseVoice.

import SenseVoiceTensor

/// The speaker-diarization stage: given a file's samples and its speech segments (the merged VAD
/// segments the recogniser decoded), the speaker of every segment.
///
/// Windows of 1.5 s every 0.75 s over each segment (``SpeakerWindow``), CAM++ embeddings of their
/// fbank features (``SpeakerFeatures``, ``CAMPPlusModel``), clustering (``SpeakerClustering``),
/// smoothing into turns (``SpeakerTurn/turns(windows:labels:)``) and one speaker per segment by
/// FunASR's overlap rule. Speakers are numbered 0, 1, … by first appearance.
public struct Diarizer: Sendable {
    public let model: CAMPPlusModel
    public var clustering = SpeakerClustering()
    let features: SpeakerFeatures

    public init(model: CAMPPlusModel) {
        self.model = model
        features = SpeakerFeatures(melBins: model.config.featDim)
    }

    /// Loads the CAM++ model folder `directory`.
    public init(modelDirectory directory: String) throws {
        self.init(model: try CAMPPlusModel(directory: directory))
    }

    /// Everything the stage computed for one file.
    public struct Result: Sendable, Equatable {
        public var windows: [SpeakerWindow]
        public var embeddings: [[Float]]
        public var clusters: SpeakerClustering.Outcome
        public var turns: [SpeakerTurn]
        /// The speaker of each segment, in the order given.
        public var segmentSpeakers: [Int]
    }

    /// The features of one window (zero-padded to 1.5 s when shorter).
    public func features(of window: SpeakerWindow, in samples: UnsafeBufferPointer<Float>) -> Tensor {
        var chunk = Array(samples[window.startSample..<window.endSample])
        if chunk.count < SpeakerWindow.windowSamples {
            chunk += [Float](repeating: 0, count: SpeakerWindow.windowSamples - chunk.count)
        }
        return features.features(chunk)
    }

    /// The embeddings of `windows`, computed on up to `threads` threads.
    public func embeddings(of windows: [SpeakerWindow], in samples: [Float], threads: Int = 1) -> [[Float]] {
        let dim = model.config.embeddingSize
        var flat = [Float](repeating: 0, count: windows.count * dim)
        samples.withUnsafeBufferPointer { s in
            flat.withUnsafeMutableBufferPointer { out in
                let base = out.baseAddress!
                Parallel.rows(windows.count, cols: 1 << 20, minWork: 1, threads: threads) { lo, hi in
                    for w in lo..<hi {
                        let e = model.embed(features(of: windows[w], in: s))
                        for j in 0..<dim { base[w * dim + j] = e[j] }
                    }
                }
            }
        }
        return (0..<windows.count).map { Array(flat[($0 * dim)..<(($0 + 1) * dim)]) }
    }

    /// Diarizes one file.
    /// - Parameters:
    ///   - samples: 16 kHz mono samples in [-1, 1].
    ///   - segmentsMs: the speech segments in milliseconds, in time order.
    ///   - speakers: a preset number of speakers (FunASR's `preset_spk_num`), or nil to estimate it.
    ///   - threads: the thread budget for the embeddings.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a preset number below 1.
    public func diarize(samples: [Float], segmentsMs: [(start: Int, end: Int)], speakers: Int? = nil,
                        threads: Int = 1) throws -> Result {
        let windows = SpeakerWindow.windows(segmentsMs: segmentsMs, sampleCount: samples.count)
        let embeddings = embeddings(of: windows, in: samples, threads: threads)
        let clusters = try clustering.cluster(embeddings, speakers: speakers)
        let turns = SpeakerTurn.turns(windows: windows, labels: clusters.labels)
        let perSegment = segmentsMs.map { SpeakerTurn.speaker(startMs: $0.start, endMs: $0.end, turns: turns) }
        return Result(windows: windows, embeddings: embeddings, clusters: clusters, turns: turns,
                      segmentSpeakers: perSegment)
    }
}

extension Diarizer.Result {
    public static func == (a: Self, b: Self) -> Bool {
        a.windows == b.windows && a.embeddings == b.embeddings && a.clusters == b.clusters
            && a.turns == b.turns && a.segmentSpeakers == b.segmentSpeakers
    }
}
