// One utterance (or VAD segment) through frontend → encoder → CTC → SentencePiece; spec §2–§3.

/// What the model heard in one stretch of audio.
public struct SegmentRecognition: Sendable, Equatable {
    /// Model output with its `<|…|>` tags, exactly as FunASR decodes it.
    public var raw: String
    /// Token ids after greedy CTC (tags included).
    public var tokenIds: [Int]
    /// Language, emotion, events, ITN and tag-free text parsed from `raw`.
    public var parsed: ParsedTranscript
    /// Encoder frames (`T6 + 4`).
    public var encoderFrames: Int
    /// CTC greedy output (per-frame ids and token runs), for timestamps.
    public var ctc: CTCOutput
    /// Seconds in the frontend (fbank, LFR, CMVN).
    public var featuresSeconds: Double
    /// Seconds in the encoder and CTC head.
    public var encoderSeconds: Double
}

/// Runs recognition for one caller at a time; owns the encoder's scratch memory.
public final class RecognitionSession {
    public let bundle: SenseVoice
    private let encoder: EncoderSession
    private let decoder = CTCGreedyDecoder(blankId: 0)

    init(bundle: SenseVoice, threads: Int) {
        self.bundle = bundle
        self.encoder = EncoderSession(model: bundle.model, threads: threads)
    }

    /// Threads the encoder's passes (and the VAD's, in `Transcriber`) may use.
    public var threads: Int { encoder.threads }

    /// Recognises 16 kHz mono float samples.
    /// - Throws: `SenseVoiceError` `.internalError` when oneDNN fails at run time.
    public func recognize(_ samples: [Float], options: TranscriptionOptions) throws -> SegmentRecognition {
        let featureClock = Stopwatch()
        let features = bundle.frontend.features(samples)
        let featuresSeconds = featureClock.seconds
        return try recognize(features: features, options: options, featuresSeconds: featuresSeconds)
    }

    /// Recognises precomputed features `[T6, input_size]`.
    public func recognize(features: Tensor, options: TranscriptionOptions, featuresSeconds: Double = 0) throws -> SegmentRecognition {
        try recognize(batchFeatures: [features], options: options, featuresSeconds: [featuresSeconds])[0]
    }

    /// Recognises several stretches of audio in one encoder pass (their frames share the GEMMs of
    /// the linear layers); each result is that of `recognize(_:options:)` on the stretch alone.
    /// Encoder time is shared out in proportion to frames.
    public func recognize(batch: [[Float]], options: TranscriptionOptions) throws -> [SegmentRecognition] {
        var features: [Tensor] = []
        var seconds: [Double] = []
        for samples in batch {
            let featureClock = Stopwatch()
            features.append(bundle.frontend.features(samples))
            seconds.append(featureClock.seconds)
        }
        return try recognize(batchFeatures: features, options: options, featuresSeconds: seconds)
    }

    private func recognize(batchFeatures: [Tensor], options: TranscriptionOptions, featuresSeconds: [Double]) throws -> [SegmentRecognition] {
        let clock = Stopwatch()
        let encodedBatch = try encoder.encode(batch: batchFeatures, language: options.language, useITN: options.useITN)
        var banned: Set<Int> = []
        if options.banEmotionUnknown, let id = bundle.tokenizer.id(of: "<|EMO_UNKNOWN|>") { banned.insert(id) }
        // Greedy search straight from the logits (the same ids as `decoder.decode(logProbabilities)`).
        let ctcs = try encodedBatch.map { encoded in
            CTCGreedyDecoder.collapse(try encoder.greedyFrameIds(encoded, bannedIds: banned), blankId: decoder.blankId)
        }
        let encoderSeconds = clock.seconds
        let totalFrames = max(1, encodedBatch.reduce(0) { $0 + $1.rows })
        return zip(encodedBatch, ctcs).enumerated().map { i, pair in
            let (encoded, ctc) = pair
            let raw = bundle.tokenizer.decode(ctc.tokenIds)
            return SegmentRecognition(raw: raw, tokenIds: ctc.tokenIds, parsed: TranscriptTags.parse(raw),
                                      encoderFrames: encoded.rows, ctc: ctc, featuresSeconds: featuresSeconds[i],
                                      encoderSeconds: encoderSeconds * Double(encoded.rows) / Double(totalFrames))
        }
    }

    /// Encoder output and log-probabilities (golden tests and diagnostics).
    public func forward(features: Tensor, options: TranscriptionOptions) throws -> (encoderOut: Tensor, logProbs: Tensor) {
        let encoded = try encoder.encode(features: features, language: options.language, useITN: options.useITN)
        return (encoded, try encoder.logProbabilities(encoded))
    }
}
