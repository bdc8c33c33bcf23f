// Follows funasr/auto/auto_model.py: inference_with_vad (VAD → merge_vad → per-segment ASR → join); spec §7.


import Foundation
/// Turns decoded audio into a `TranscriptionResult`: one segment without VAD, FunASR's long-audio
/// flow with it.
public struct Transcriber: Sendable {
    public let bundle: SenseVoice
    /// The segmenter; nil runs the whole file through the encoder at once.
    public let vad: (any VoiceActivityDetecting)?
    /// Longest audio accepted without VAD, in seconds (attention grows with the square of the length).
    public let maxWholeFileSeconds: Double
    /// Most audio, in seconds, recognised in one encoder batch (a longer segment runs alone).
    public let batchSeconds: Double

    public init(bundle: SenseVoice, vad: (any VoiceActivityDetecting)? = nil, maxWholeFileSeconds: Double = 120,
                batchSeconds: Double = Transcriber.defaultBatchSeconds) {
        self.bundle = bundle
        self.vad = vad
        self.maxWholeFileSeconds = maxWholeFileSeconds
        self.batchSeconds = batchSeconds
    }

    /// Default `batchSeconds`: one minute of audio (≈ 1000 encoder frames per GEMM).
    public static let defaultBatchSeconds: Double = 60

    /// Transcribes 16 kHz mono audio.
    /// - Parameters:
    ///   - audio: decoded audio at the model's sample rate.
    ///   - file: name reported in the result.
    ///   - session: the caller's inference session (scratch memory).
    ///   - decodeSeconds: time already spent decoding the file, for the timings.
    ///   - progress: called after each segment with (segments done, segments total).
    ///   - isCancelled: checked between segments; returning true throws `.cancelled`.
    public func transcribe(_ audio: AudioBuffer, file: String?, options: TranscriptionOptions,
                           session: RecognitionSession, decodeSeconds: Double = 0,
                           progress: ((Int, Int) -> Void)? = nil,
                           isCancelled: (() -> Bool)? = nil) throws -> TranscriptionResult {
        try options.validate()
        let rate = bundle.config.frontend.sampleRate
        guard audio.sampleRate == rate else {
            throw SenseVoiceError(.invalidOption, "audio is at \(audio.sampleRate) Hz; the model needs \(rate) Hz (decode with AudioDecoder to resample)")
        }
        guard !audio.samples.isEmpty else {
            throw SenseVoiceError(.audioEmpty, "\(file ?? "audio") has no samples")
        }
        let clock = Stopwatch()
        var timings = Timings()
        timings.decodeMs = decodeSeconds * 1000

        // Segment boundaries in ms.
        var spans: [[Int]]
        if let vad {
            let vadClock = Stopwatch()
            spans = try vad.segments(audio.samples, options: VADOptions(mode: options.vadMode, maxSingleSegmentMs: options.maxSegmentMs,
                                                                        threads: session.threads))
            if options.mergeVAD { spans = VADMerge.merge(spans, mergeLengthMs: options.mergeLengthMs) }
            timings.vadMs = vadClock.seconds * 1000
        } else {
            guard audio.duration <= maxWholeFileSeconds else {
                throw SenseVoiceError(.audioTooLong, String(format: "%@ is %.0f s long; without VAD at most %.0f s is transcribed in one pass. Use a VAD model (--vad-model DIR) to segment long audio.",
                                                            file ?? "audio", audio.duration, maxWholeFileSeconds))
            }
            spans = [[0, audio.durationMs]]
        }

        // Segments are recognised in batches of up to `batchSeconds` of audio: their frames share
        // the linear layers' GEMMs (FunASR's batch_size_s); attention stays per segment.
        var segments: [SegmentResult] = []
        let perMs = rate / 1000
        var pending: [(span: [Int], samples: [Float])] = []
        var pendingSamples = 0
        let batchSamples = Int(batchSeconds * Double(rate))
        func flush(consumed: Int) throws {
            guard !pending.isEmpty else { return }
            let results = try session.recognize(batch: pending.map(\.samples), options: options)
            for (item, r) in zip(pending, results) {
                timings.featuresMs += r.featuresSeconds * 1000
                timings.encoderMs += r.encoderSeconds * 1000
                let words = options.timestamps ? TokenTimestamps.words(r.ctc, tokenizer: bundle.tokenizer, offsetMs: item.span[0]) : nil
                segments.append(SegmentResult(startMs: item.span[0], endMs: item.span[1], recognition: r, words: words))
            }
            pending.removeAll()
            pendingSamples = 0
            progress?(consumed, spans.count)
        }
        for (i, span) in spans.enumerated() {
            let lo = min(span[0] * perMs, audio.samples.count)
            let hi = vad == nil ? audio.samples.count : min(span[1] * perMs, audio.samples.count)
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
        timings.totalMs = (clock.seconds + decodeSeconds) * 1000
        timings.rtf = audio.duration > 0 ? timings.totalMs / 1000 / audio.duration : 0
        return TranscriptionResult(file: file, durationMs: audio.durationMs, segments: segments, timings: timings)
    }
}
