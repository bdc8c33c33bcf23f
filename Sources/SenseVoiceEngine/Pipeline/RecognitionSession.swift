// Follows funasr/auto/auto_model.py: inference_with_vad (VAD → merge_vad → per-segment ASR → join), and
// per segment frontend → encoder → CTC → SentencePiece; spec §2–§3, §7.

import Foundation

/// One thread's use of a ``Transcriber``: runs its stages with this thread's encoder (scratch memory).
///
/// Made by ``Transcriber/makeSession()`` only, so it always runs that transcriber's model. Not
/// thread-safe: one session per thread (``InferencePool`` keeps one per pool thread).
public final class RecognitionSession {
    /// The pipeline this session runs.
    public let transcriber: Transcriber
    private let encoder: any AcousticEncoding
    /// Encoders of the same model with a larger thread budget, made on first use
    /// (``recognize(_:options:threads:)``).
    private var widerEncoders: [Int: any AcousticEncoding] = [:]

    init(transcriber: Transcriber, encoder: any AcousticEncoding) {
        self.transcriber = transcriber
        self.encoder = encoder
    }

    /// Threads this session's encoder passes and VAD may use (``EngineConfiguration/threads``).
    public var threads: Int { transcriber.configuration.threads }

    /// Transcribes audio at the model's rate: one segment without VAD, FunASR's long-audio flow with it.
    ///
    /// With VAD, segments are merged and then recognised in batches of up to
    /// ``EngineConfiguration/batchSeconds`` of audio: their frames share the linear layers' GEMMs
    /// (FunASR's `batch_size_s`); attention stays per segment.
    /// - Parameters:
    ///   - audio: decoded audio at the model's sample rate.
    ///   - file: name reported in the result.
    ///   - decodeSeconds: time already spent decoding the file, for the timings.
    ///   - progress: called after each batch with (segments done, segments total).
    ///   - segmentsFinished: called after each batch with the segments it recognised, in time
    ///     order (`stream=true` transcriptions send them as they come).
    ///   - isCancelled: checked between batches and between encoder layers; returning true throws `.cancelled`.
    ///   - observe: told each stage's time as it finishes (``sensevoice bench``).
    /// - Throws: `SenseVoiceError` (`.invalidOption`, `.audioEmpty`, `.audioTooLong` without VAD,
    ///   `.cancelled`, `.internalError` when the encoder fails at run time), or what the VAD throws.
    public func transcribe(_ audio: AudioBuffer, file: String?, options: TranscriptionOptions, decodeSeconds: Double = 0,
                           progress: ((Int, Int) -> Void)? = nil, segmentsFinished: (([SegmentResult]) -> Void)? = nil,
                           isCancelled: (() -> Bool)? = nil,
                           observe: ((StageTiming) -> Void)? = nil) throws -> TranscriptionResult {
        try options.validate()
        let decoder = try transcriber.decoder(for: options)
        let rate = transcriber.frontend.sampleRate
        guard audio.sampleRate == rate else {
            throw SenseVoiceError(.invalidOption, "audio is at \(audio.sampleRate) Hz; the model needs \(rate) Hz (decode with AudioDecoder to resample)")
        }
        guard !audio.samples.isEmpty else {
            throw SenseVoiceError(.audioEmpty, "\(file ?? "audio") has no samples")
        }
        let clock = Stopwatch()
        var timings = Timings()
        let (audio, denoiseSeconds) = try denoised(audio, options: options)
        timings.decodeMs = (decodeSeconds + denoiseSeconds) * 1000

        // Segment boundaries in ms.
        var spans: [[Int]]
        if let vad = transcriber.vad {
            let vadClock = Stopwatch()
            spans = try vad.segments(audio.samples, options: VADOptions(mode: options.vadMode, maxSingleSegmentMs: options.maxSegmentMs,
                                                                         threads: threads))
            if options.mergeVAD { spans = VADMerge.merge(spans, mergeLengthMs: options.mergeLengthMs) }
            let seconds = vadClock.seconds
            timings.vadMs = seconds * 1000
            observe?(StageTiming(stage: .vad, seconds: seconds, count: spans.count))
        } else {
            let limit = transcriber.configuration.maxNoVADSeconds
            guard audio.duration <= limit else {
                throw SenseVoiceError(.audioTooLong, String(format: "%@ is %.0f s long; without VAD at most %.0f s is transcribed in one pass. Use a VAD model (--vad-model DIR) to segment long audio.",
                                                            file ?? "audio", audio.duration, limit))
            }
            spans = [[0, audio.durationMs]]
        }

        var segments: [SegmentResult] = []
        let perMs = rate / 1000
        var pending: [(span: [Int], samples: [Float])] = []
        var pendingSamples = 0
        let batchSamples = Int(transcriber.configuration.batchSeconds * Double(rate))
        func flush(consumed: Int) throws {
            guard !pending.isEmpty else { return }
            let results = try recognize(batch: pending.map(\.samples), options: options, decoder: decoder, observe: observe,
                                        isCancelled: isCancelled)
            for (item, r) in zip(pending, results) {
                timings.featuresMs += r.featuresSeconds * 1000
                timings.encoderMs += r.encoderSeconds * 1000
                let words = r.words?.map { $0.shifted(by: item.span[0]) }
                segments.append(SegmentResult(startMs: item.span[0], endMs: item.span[1], recognition: r, words: words))
            }
            segmentsFinished?(Array(segments.suffix(pending.count)))
            pending.removeAll()
            pendingSamples = 0
            progress?(consumed, spans.count)
        }
        let segmented = transcriber.vad != nil
        for (i, span) in spans.enumerated() {
            let lo = min(span[0] * perMs, audio.samples.count)
            let hi = segmented ? min(span[1] * perMs, audio.samples.count) : audio.samples.count
            guard hi > lo else { continue }
            if !pending.isEmpty && pendingSamples + (hi - lo) > batchSamples {
                if isCancelled?() == true { throw SenseVoiceError(.cancelled, "transcription of \(file ?? "audio") was cancelled") }
                try flush(consumed: i)
            }
            pending.append((span, Array(audio.samples[lo..<hi])))
            pendingSamples += hi - lo
        }
        if isCancelled?() == true { throw SenseVoiceError(.cancelled, "transcription of \(file ?? "audio") was cancelled") }
        try flush(consumed: spans.count)
        var speakerNames: [String]?
        if let diarization = options.diarization {
            let diarizeClock = Stopwatch()
            speakerNames = try diarize(audio, segments: segments, options: diarization)
            timings.diarizeMs = diarizeClock.seconds * 1000
        }
        timings.totalMs = (clock.seconds + decodeSeconds) * 1000
        timings.rtf = audio.duration > 0 ? timings.totalMs / 1000 / audio.duration : 0
        var result = TranscriptionResult(file: file, durationMs: audio.durationMs, segments: segments, timings: timings)
        result.warnings = audio.warnings
        if let speakerNames { result.assignSpeakers(speakerNames) }
        return result
    }

    /// The speaker of each recognised segment (FunASR's `vad_segment` speaker mode: one sentence per
    /// merged VAD segment).
    /// - Throws: `.invalidOption` when the transcriber has no speaker model (the CLI refuses
    ///   `--diarize` without one before loading; a server answers 400).
    private func diarize(_ audio: AudioBuffer, segments: [SegmentResult], options: DiarizationOptions) throws -> [String] {
        guard let diarizer = transcriber.diarizer else {
            throw SenseVoiceError(.invalidOption, "speaker diarization was asked for, but no CAM++ speaker model is loaded: start "
                                  + "with --speaker-model DIR (or SENSEVOICE_SPEAKER_MODEL; `sensevoice models pull cam++` fetches it)")
        }
        let result = try diarizer.diarize(samples: audio.samples, segmentsMs: segments.map { ($0.startMs, $0.endMs) },
                                          speakers: options.speakers, threads: threads)
        return result.segmentSpeakers.map(DiarizationOptions.name)
    }

    /// Recognises one stretch of mono float samples at the model's rate.
    /// - Throws: `SenseVoiceError` `.internalError` when the encoder fails at run time.
    public func recognize(_ samples: [Float], options: TranscriptionOptions) throws -> SegmentRecognition {
        try recognize(batch: [samples], options: options)[0]
    }

    /// ``recognize(_:options:)`` with a different thread budget for this call (more threads when
    /// the caller knows the other cores are idle, e.g. a live final), and a way to stop it early.
    /// The budget only splits the same rows over more threads, so the result is the same.
    /// - Parameter isCancelled: asked between encoder layers; true stops the call (a live partial
    ///   giving its core to a final).
    /// - Throws: `SenseVoiceError` `.internalError` when the encoder fails at run time, `.cancelled`
    ///   when `isCancelled` said so.
    public func recognize(_ samples: [Float], options: TranscriptionOptions, threads: Int,
                          isCancelled: (() -> Bool)? = nil) throws -> SegmentRecognition {
        var encoder = self.encoder
        if threads != self.threads {
            encoder = widerEncoders[threads] ?? transcriber.acousticModel.makeEncoder(threads: threads)
            widerEncoders[threads] = encoder
        }
        return try recognize(batch: [samples], options: options, decoder: try transcriber.decoder(for: options),
                             observe: nil, encoder: encoder, isCancelled: isCancelled)[0]
    }

    /// Recognises several stretches of audio in one encoder pass (their frames share the GEMMs of
    /// the linear layers); each result is that of ``recognize(_:options:)`` on the stretch alone.
    /// Encoder time is shared out in proportion to frames.
    public func recognize(batch: [[Float]], options: TranscriptionOptions) throws -> [SegmentRecognition] {
        try recognize(batch: batch, options: options, decoder: try transcriber.decoder(for: options), observe: nil)
    }

    /// Frontend → encoder → CTC → detokenise over a batch, telling `observe` each stage's time.
    private func recognize(batch: [[Float]], options: TranscriptionOptions, decoder: any CTCDecoding,
                           observe: ((StageTiming) -> Void)?, encoder: (any AcousticEncoding)? = nil,
                           isCancelled: (() -> Bool)? = nil) throws -> [SegmentRecognition] {
        let encoder = encoder ?? self.encoder
        var features: [Tensor] = []
        var featuresSeconds: [Double] = []
        for samples in batch {
            let featureClock = Stopwatch()
            features.append(transcriber.frontend.features(samples))
            featuresSeconds.append(featureClock.seconds)
        }
        observe?(StageTiming(stage: .features, seconds: featuresSeconds.reduce(0, +), count: batch.count))

        let clock = Stopwatch()
        let encodedBatch = try encoder.encode(batch: features, language: options.language, useITN: options.useITN,
                                              isCancelled: isCancelled)
        let tokenizer = transcriber.tokenizer
        var banned: Set<Int> = []
        if options.banEmotionUnknown, let id = tokenizer.id(of: "<|EMO_UNKNOWN|>") { banned.insert(id) }
        var wordLists: [[WordTiming]?] = []
        let ctcs = try encodedBatch.map { encoded in
            try encoder.withCTCLogits(of: encoded) { logits in
                let ctc = decoder.decode(logits, bannedIds: banned)
                wordLists.append(options.timestamps ? try TokenTimestamps.words(logits, tokenIds: ctc.tokenIds, tokenizer: tokenizer) : nil)
                return ctc
            }
        }
        let encoderSeconds = clock.seconds
        let totalFrames = encodedBatch.reduce(0) { $0 + $1.rows }
        observe?(StageTiming(stage: .encoder, seconds: encoderSeconds, count: totalFrames))
        return zip(encodedBatch, ctcs).enumerated().map { i, pair in
            let (encoded, ctc) = pair
            let raw = tokenizer.decode(ctc.tokenIds)
            return SegmentRecognition(raw: raw, tokenIds: ctc.tokenIds, parsed: TranscriptTags.parse(raw),
                                      encoderFrames: encoded.rows, ctc: ctc, featuresSeconds: featuresSeconds[i],
                                      encoderSeconds: encoderSeconds * Double(encoded.rows) / Double(max(1, totalFrames)),
                                      words: wordLists[i])
        }
    }

    /// Encoder output and CTC log-probabilities of precomputed features `[T6, input_size]`
    /// (golden tests and diagnostics).
    public func forward(features: Tensor, options: TranscriptionOptions) throws -> (encoderOut: Tensor, logProbs: Tensor) {
        let encoded = try encoder.encode(features: features, language: options.language, useITN: options.useITN)
        return (encoded, try encoder.logProbabilities(encoded))
    }
}
