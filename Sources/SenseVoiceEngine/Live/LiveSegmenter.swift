// The recognition-free half of a live stream: PCM at any rate → 16 kHz (SincResampler, incremental)
// → StreamingVAD → speech starts, partials due and closed segments with their samples.

import SenseVoiceTensor

/// Cuts a live stream into speech segments, cheaply and without recognition.
///
/// PCM at ``inputSampleRate`` goes in with ``feed(_:)`` (chunks of any size), is resampled to
/// 16 kHz incrementally with the torchaudio-exact ``SincResampler`` (so the samples equal those of
/// decoding the whole recording at once), and runs through a ``StreamingVAD``. Out come
/// ``LiveSegmenterOutput``s: `speechStarted`, `partialDue` (the open segment, every
/// ``LiveOptions/partialIntervalMs`` of audio), `segmentClosed` (a segment's samples, cut as the
/// VAD cut them, including segments split at the maximum length) and, after ``finish()``, `done`.
/// A caller that schedules recognition itself (the server) recognises the audio of the outputs
/// it chooses; ``LiveSession`` does it in line.
///
/// Memory stays bounded: the samples of the open segment (at most the maximum segment length plus
/// the VAD's latency), or about half a second while nobody speaks.
public struct LiveSegmenter: Sendable {
    /// Sample rate of the PCM fed in.
    public let inputSampleRate: Int
    /// Partial interval, VAD stride and VAD options.
    public let options: LiveOptions

    private var resampler: SincResampler?
    /// The optional denoiser (``TranscriptionOptions/denoise``), after resampling: causal and
    /// chunk-independent, so segments hold the samples offline denoising gives. A reference
    /// shared by copies of the segmenter: feed only one copy.
    private let denoiser: Denoiser?
    private var vad: StreamingVAD
    /// 16 kHz samples from stream index `origin` on.
    private var audio: [Float] = []
    private var origin = 0
    /// 16 kHz samples received.
    public private(set) var receivedSamples = 0
    /// Start (ms) of the segment the VAD has open.
    public private(set) var openStartMs: Int?
    /// Samples through the VAD when the last partial was due (or the open segment started).
    private var lastPartialAt = 0
    /// End (ms) of the last `segmentEndLikely` of the open segment.
    private var lastLikelyEndMs: Int?
    /// Whether ``finish()`` was called.
    public private(set) var isFinished = false

    /// The sample rate of the audio handed out (the VAD's, 16 kHz).
    public var sampleRate: Int { vad.sampleRate }

    /// A segmenter for PCM at `inputSampleRate` Hz.
    ///
    /// - Parameters:
    ///   - vad: the FSMN-VAD model.
    ///   - inputSampleRate: rate of the PCM that will be fed (1 Hz … 768 kHz; any rate is resampled).
    ///   - options: partial interval, VAD stride, threshold mode and maximum segment length; its
    ///     `transcription.denoise` (nil: none; ``LiveSession`` fills in the engine's default).
    ///   - threads: the VAD network's thread budget.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a sample rate out of range or invalid options.
    public init(vad: FSMNVAD, inputSampleRate: Int, options: LiveOptions, threads: Int = 1) throws {
        guard (1...PCMEncoding.maxSampleRate).contains(inputSampleRate) else {
            throw SenseVoiceError(.invalidOption, "sample rate \(inputSampleRate) Hz is out of range; send PCM at 1…\(PCMEncoding.maxSampleRate) Hz (e.g. 16000)")
        }
        try options.validate()
        self.inputSampleRate = inputSampleRate
        self.options = options
        self.vad = try StreamingVAD(vad: vad, chunkMs: options.vadChunkMs, options: options.vadOptions(threads: threads))
        let rate = vad.config.frontend.sampleRate
        resampler = inputSampleRate == rate ? nil : SincResampler(inputRate: inputSampleRate, outputRate: rate)
        denoiser = try options.transcription.denoise.flatMap { $0 == .off ? nil : try Denoiser($0, sampleRate: rate) }
    }

    /// Milliseconds of 16 kHz audio received so far.
    public var receivedMs: Int { receivedSamples * 1000 / sampleRate }

    /// Feeds PCM samples at ``inputSampleRate`` and returns what they completed.
    /// - Parameter samples: mono floats in [-1, 1].
    /// - Throws: `SenseVoiceError(.audioInvalidSamples)` for a NaN or infinite sample (nothing of
    ///   the chunk is used), `.invalidOption` after ``finish()``.
    public mutating func feed(_ samples: [Float]) throws -> [LiveSegmenterOutput] {
        guard !isFinished else {
            throw SenseVoiceError(.invalidOption, "the live stream has already ended; start a new one")
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) {
            let at = Double(receivedSamples) / Double(sampleRate) + Double(bad) / Double(inputSampleRate)
            throw SenseVoiceError(.audioInvalidSamples, "the stream contains \(samples[bad].isNaN ? "NaN (not a number)" : "an infinite value") at \((at * 1000).rounded() / 1000) s; send finite PCM samples in [-1, 1]")
        }
        guard resampler != nil else { return push(try denoiser?.process(samples) ?? samples) }
        var out: [Float] = []
        samples.withUnsafeBufferPointer { resampler!.process($0, into: &out) }
        return push(try denoiser?.process(out) ?? out)
    }

    /// Ends the stream: the resampler's and the VAD's last samples, a `segmentClosed` for speech
    /// still open, then `done`. Call once.
    public mutating func finish() -> [LiveSegmenterOutput] {
        guard !isFinished else { return [] }
        var tail: [Float] = []
        resampler?.finish(into: &tail)
        var outputs = push(Self.denoiseTail(tail, denoiser))
        isFinished = true
        outputs += handle(vad.finish())
        outputs.append(.done(durationMs: receivedMs))
        audio = []
        return outputs
    }

    /// The last samples through the denoiser, and what it held back (its latency). A filter that
    /// fails here (FFmpeg out of memory) leaves the tail as it was rather than losing it.
    private static func denoiseTail(_ tail: [Float], _ denoiser: Denoiser?) -> [Float] {
        guard let denoiser else { return tail }
        guard let out = try? denoiser.process(tail) + denoiser.finish() else { return tail }
        return out
    }

    /// Appends 16 kHz samples and runs them through the VAD one stride at a time, so that partials
    /// fall due on stride boundaries whatever the chunking.
    private mutating func push(_ samples: [Float]) -> [LiveSegmenterOutput] {
        audio += samples
        receivedSamples += samples.count
        var outputs: [LiveSegmenterOutput] = []
        let stride = options.vadChunkMs * sampleRate / 1000
        var offset = 0
        while offset < samples.count {
            let waiting = vad.receivedSamples - vad.processedSamples
            let n = min(samples.count - offset, stride - waiting)
            let events = vad.feed(Array(samples[offset..<(offset + n)]))
            offset += n
            outputs += handle(events)
            if vad.processedSamples > lastPartialAt, let partial = partialDue() { outputs.append(partial) }
            if let likely = likelyEnd() { outputs.append(likely) }
        }
        trim()
        return outputs
    }

    /// Turns VAD events into outputs with their samples.
    private mutating func handle(_ events: [StreamingVADEvent]) -> [LiveSegmenterOutput] {
        var outputs: [LiveSegmenterOutput] = []
        for event in events {
            switch event {
            case .start(let ms):
                open(ms, into: &outputs)
            case .end(let ms):
                if let start = openStartMs { outputs.append(.segmentClosed(cut(start, ms))) }
                openStartMs = nil
            case .segment(let s, let e):
                open(s, into: &outputs)
                outputs.append(.segmentClosed(cut(s, e)))
                openStartMs = nil
            }
        }
        return outputs
    }

    private mutating func open(_ ms: Int, into outputs: inout [LiveSegmenterOutput]) {
        openStartMs = ms
        lastPartialAt = vad.processedSamples
        lastLikelyEndMs = nil
        outputs.append(.speechStarted(startMs: ms))
    }

    /// A `partialDue` when the open segment grew by the partial interval since the last one.
    private mutating func partialDue() -> LiveSegmenterOutput? {
        guard let start = openStartMs, options.partialIntervalMs > 0 else { return nil }
        let position = vad.processedSamples
        guard (position - lastPartialAt) * 1000 >= options.partialIntervalMs * sampleRate else { return nil }
        lastPartialAt = position
        let endMs = position * 1000 / sampleRate
        let from = options.partialWindowMs > 0 ? max(start, endMs - options.partialWindowMs) : start
        return .partialDue(cut(from, endMs))
    }

    /// A `segmentEndLikely` once per guessed end, when the trailing silence has run long enough
    /// (``LiveOptions/likelyEndMinSilenceMs``, ``LiveOptions/likelyEndLeadMs``) and the guessed
    /// segment's samples are all here.
    private mutating func likelyEnd() -> LiveSegmenterOutput? {
        guard options.announceLikelyEnds, let start = openStartMs, let guess = vad.pendingEnd,
              guess.endMs != lastLikelyEndMs, guess.endMs > start,
              guess.endMs * (sampleRate / 1000) <= receivedSamples,
              guess.silenceMs >= max(LiveOptions.likelyEndMinSilenceMs, guess.endSilenceMs - LiveOptions.likelyEndLeadMs)
        else { return nil }
        lastLikelyEndMs = guess.endMs
        return .segmentEndLikely(cut(start, guess.endMs))
    }

    /// The samples of `[startMs, endMs)`, clamped to what was received.
    private func cut(_ startMs: Int, _ endMs: Int) -> LiveAudio {
        let perMs = sampleRate / 1000
        let lo = min(max(startMs * perMs, origin), receivedSamples)
        let hi = max(lo, min(endMs * perMs, receivedSamples))
        return LiveAudio(samples: Array(audio[(lo - origin)..<(hi - origin)]), startMs: startMs, endMs: endMs,
                         streamMs: vad.processedSamples * 1000 / sampleRate)
    }

    /// Drops samples no segment can still need: before the open segment, or before the earliest
    /// start the VAD can still report.
    private mutating func trim() {
        let keepMs = openStartMs ?? vad.startFloorMs
        let keepFrom = min(keepMs * (sampleRate / 1000), receivedSamples)
        // Trim in blocks of at least a second so the copy is amortised.
        if keepFrom - origin >= sampleRate {
            audio.removeFirst(keepFrom - origin)
            origin = keepFrom
        }
    }
}
