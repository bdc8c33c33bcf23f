// The unit of work `sensevoice bench` times: frontend → encoder → CTC on one stretch of audio.

/// A model plus a session, ready to be timed.
public struct BenchPipeline {
    let model: SenseVoiceModel
    let frontend: WavFrontend
    let session: EncoderSession

    /// A random-weight model of a named size (`small`, `full`) with identity CMVN, run on `threads` threads.
    public init(synthetic name: String, precision: Precision = .fp32, threads: Int = 1) throws {
        let config = try SyntheticModel.config(named: name)
        model = try SyntheticModel.make(config: config, precision: precision)
        frontend = WavFrontend(config: config.frontend, cmvn: nil)
        session = EncoderSession(model: model, threads: threads)
    }

    /// A model directory in the official layout, run on `threads` threads.
    public init(directory: String, precision: Precision = .fp32, threads: Int = 1) throws {
        let bundle = try SenseVoice(modelDirectory: directory, precision: precision)
        model = bundle.model
        frontend = bundle.frontend
        session = EncoderSession(model: model, threads: threads)
    }

    public var parameterCount: Int { model.parameterCount }

    /// Runs once; returns the number of encoder frames.
    @discardableResult
    public func run(_ samples: [Float]) throws -> Int {
        let features = frontend.features(samples)
        let encoded = try session.encode(features: features, language: .auto, useITN: true)
        _ = CTCGreedyDecoder.collapse(try session.greedyFrameIds(encoded))
        return encoded.rows
    }

    /// Runs FunASR's long-audio flow as `Transcriber` does (VAD → merge → batched recognition, greedy
    /// CTC ids without detokenising, which the synthetic model has no vocabulary for) and times it.
    public func runLong(_ samples: [Float], vad: any VoiceActivityDetecting,
                        options: TranscriptionOptions = TranscriptionOptions(),
                        batchSeconds: Double = Transcriber.defaultBatchSeconds) throws -> LongAudioTimings {
        var timings = LongAudioTimings()
        let vadClock = Stopwatch()
        var spans = try vad.segments(samples, options: VADOptions(mode: options.vadMode, maxSingleSegmentMs: options.maxSegmentMs,
                                                                  threads: session.threads))
        if options.mergeVAD { spans = VADMerge.merge(spans, mergeLengthMs: options.mergeLengthMs) }
        timings.vadSeconds = vadClock.seconds
        timings.segments = spans.count

        let rate = model.config.frontend.sampleRate
        let perMs = rate / 1000
        let batchSamples = Int(batchSeconds * Double(rate))
        var pending: [[Float]] = []
        var pendingSamples = 0
        func flush() throws {
            guard !pending.isEmpty else { return }
            let featureClock = Stopwatch()
            let features = pending.map { frontend.features($0) }
            timings.featuresSeconds += featureClock.seconds
            let encoderClock = Stopwatch()
            let encoded = try session.encode(batch: features, language: options.language, useITN: options.useITN)
            for e in encoded {
                _ = CTCGreedyDecoder.collapse(try session.greedyFrameIds(e))
                timings.encoderFrames += e.rows
            }
            timings.encoderSeconds += encoderClock.seconds
            timings.batches += 1
            pending.removeAll()
            pendingSamples = 0
        }
        for span in spans {
            let lo = min(span[0] * perMs, samples.count)
            let hi = min(span[1] * perMs, samples.count)
            guard hi > lo else { continue }
            if !pending.isEmpty && pendingSamples + (hi - lo) > batchSamples { try flush() }
            pending.append(Array(samples[lo..<hi]))
            pendingSamples += hi - lo
        }
        try flush()
        return timings
    }
}

/// Where `BenchPipeline.runLong` spent its time.
public struct LongAudioTimings: Sendable {
    public var vadSeconds = 0.0
    public var featuresSeconds = 0.0
    public var encoderSeconds = 0.0
    public var segments = 0
    public var batches = 0
    public var encoderFrames = 0
}
