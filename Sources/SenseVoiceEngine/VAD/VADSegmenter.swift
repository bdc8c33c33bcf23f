// Follows funasr/models/fsmn_vad_streaming/model.py: FsmnVADStreaming offline E2E state machine
// (detect_mode 1) and the dynamic end-silence schedule of FunASR ≥ 1.3.9 (spec §6.3, §6.5, §6.6).

import Foundation
import SenseVoiceTensor

/// Turns per-frame silence probabilities into speech segments, one frame at a time.
///
/// Feed every frame of one recording in order with ``accept(silenceProbability:decibel:)``;
/// afterwards ``segments`` holds `[[startMs, endMs]]`. The segmenter keeps O(1) state apart from
/// the segment list, so recordings of any length can be streamed through it chunk by chunk.
///
/// Both FunASR generations are reproduced (``VADMode``): `.classic` uses one fixed θ and end
/// silence; `.dynamic` re-derives the end silence before every 60 s chunk of the file from how
/// long speech has run on across chunk boundaries, with θ 0.5.
public struct VADSegmenter: Sendable {
    /// One output segment while it is being built.
    struct Segment: Sendable, Equatable {
        var startMs: Int
        var endMs: Int
        var hasStart: Bool
        var hasEnd: Bool
    }

    /// Frames of the recording (one per 10 ms fbank frame); `Int.max` for a stream of unknown length.
    public internal(set) var frameCount: Int
    /// Frames accepted so far.
    public private(set) var framesSeen = 0

    private let decision: VADConfig.Decision
    private let mode: VADMode
    /// `maxSingleSegmentMs / frame_in_ms`, compared as a float like FunASR.
    private let maxSegmentFrames: Double
    /// Frames from the window start back to a segment's start (`window + lookback`, 40).
    private let startLatencyFrames: Int
    /// `lookahead_time_end_point / frame_in_ms` (10).
    private let lookaheadFrames: Int
    /// First frame of each dynamic chunk after the first, in order.
    private let chunkStarts: [Int]

    // Thresholds of the current chunk.
    private var theta: Double
    private var endSilenceMs: Int
    private var endLookbackFrames = 0
    // Dynamic schedule.
    private var chunkIndex = 0
    private var accumulatedMs = 0
    private var latched = false
    private var endsAtChunkStart = 0

    // State machine (spec §6.5).
    private var window: WindowDetector
    private var inSpeech = false
    private var segmentStart = -1
    private var lastSpeech = 0
    private var silenceRun = 0
    private(set) var bufferStart = 0
    private var endCount = 0
    private var noiseAverage = -100.0
    private(set) var output: [Segment] = []

    /// Chunk length of the dynamic schedule (FunASR's offline `chunk_size`, 60 s).
    public static let dynamicChunkMs = 60000
    /// θ of the dynamic schedule.
    public static let dynamicTheta = 0.5

    /// A segmenter for a recording of `sampleCount` samples.
    ///
    /// - Parameters:
    ///   - config: the VAD's `config.yaml` (frame geometry and `model_conf` thresholds).
    ///   - options: threshold mode and maximum segment length.
    ///   - sampleCount: length of the recording; fixes the frame count and the dynamic chunks.
    /// - Throws: `SenseVoiceError(.invalidOption)` when `maxSingleSegmentMs` is not positive.
    public init(config: VADConfig, options: VADOptions, sampleCount: Int) throws {
        guard options.maxSingleSegmentMs > 0 else {
            throw SenseVoiceError(.invalidOption,
                                  "maximum segment length \(options.maxSingleSegmentMs) ms must be positive; pass e.g. 30000")
        }
        let d = config.decision
        let fe = config.frontend
        decision = d
        mode = options.mode
        frameCount = fe.fbankFrameCount(sampleCount: max(0, sampleCount))
        maxSegmentFrames = Double(options.maxSingleSegmentMs) / Double(d.frameInMs)
        window = WindowDetector(decision: d)
        startLatencyFrames = window.windowFrames + d.lookbackTimeStartPointMs / d.frameInMs
        lookaheadFrames = d.lookaheadTimeEndPointMs / d.frameInMs

        switch options.mode {
        case .classic:
            chunkStarts = []
            theta = d.speechNoiseThres
            endSilenceMs = d.maxEndSilenceTimeMs - d.speechToSilTimeThresMs
        case .dynamic:
            // Chunk c ≥ 1 starts where the online frontend has emitted the frames of c whole chunks
            // of audio: the fbank frames of c·chunk samples less the LFR right context (6000c − 4).
            let chunkSamples = Self.dynamicChunkMs * fe.sampleRate / 1000
            let chunks = max(0, sampleCount) / chunkSamples + 1
            chunkStarts = (1..<chunks).map { fe.fbankFrameCount(sampleCount: $0 * chunkSamples) - fe.lfrPad }
            theta = Self.dynamicTheta
            endSilenceMs = 0
        }
        beginChunk()
    }

    /// Feeds the next frame.
    ///
    /// - Parameters:
    ///   - silenceProbability: the network's silence probability of this frame.
    ///   - decibel: `10·log10(Σ x² + 1e−6)` of the frame's 25 ms of unscaled samples.
    /// - Precondition: fewer than ``frameCount`` frames were accepted before.
    public mutating func accept(silenceProbability: Float, decibel: Float) {
        precondition(framesSeen < frameCount, "VADSegmenter: more frames than the recording has (\(frameCount))")
        accept(silenceProbability: silenceProbability, decibel: decibel, isFinal: framesSeen == frameCount - 1)
    }

    /// Feeds the next frame, saying whether it is the recording's last (streams, whose length is
    /// not known in advance).
    mutating func accept(silenceProbability: Float, decibel: Float, isFinal: Bool) {
        let t = framesSeen
        framesSeen += 1
        if chunkIndex < chunkStarts.count && t == chunkStarts[chunkIndex] {
            endChunk()
            chunkIndex += 1
            beginChunk()
        }
        let isSpeech = decide(silenceProbability: silenceProbability, decibel: Double(decibel))
        let event = window.detect(isSpeech: isSpeech)
        step(frame: t, event: event, isFinal: isFinal)
    }

    /// The segments found so far as `[[startMs, endMs]]`; after the last frame, the result for
    /// the whole recording (a segment still open at the end is closed at `frameCount · 10` ms).
    public var segments: [[Int]] { output.map { [$0.startMs, $0.endMs] } }

    /// Whether every frame of the recording was accepted.
    public var isComplete: Bool { framesSeen == frameCount }

    /// A guess at how the open segment will end, while trailing silence runs inside it.
    ///
    /// Once speech is open and the silence has lasted longer than the end-point lookahead, the
    /// segment closes at a frame fixed by where the silence began, if the silence lasts until the
    /// end threshold, the thresholds do not drop below the silence already run, and the maximum
    /// length does not cut first. Speech may also resume. So this is a guess. A live server
    /// recognises the guessed segment early, and uses the result only when the real end
    /// is the same.
    /// - Returns: the end (ms) under the current thresholds, the silence so far and the end
    ///   threshold (ms); nil outside such a silence.
    public var pendingEnd: (endMs: Int, silenceMs: Int, endSilenceMs: Int)? {
        guard inSpeech, silenceRun > lookaheadFrames, framesSeen > 0 else { return nil }
        let ms = decision.frameInMs
        let needed = (endSilenceMs + ms - 1) / ms
        let closing = framesSeen - 1 + max(0, needed - silenceRun)
        // The maximum length cuts at the first frame that makes the segment too long.
        if closing - 1 >= framesSeen && Double(closing - 1 - segmentStart + 1) > maxSegmentFrames { return nil }
        return ((closing - endLookbackFrames + 1) * ms, silenceRun * ms, endSilenceMs)
    }

    /// Segments a whole recording from its per-frame silence probabilities.
    ///
    /// - Parameters:
    ///   - silenceProbabilities: one value per frame, `frameCount` of them.
    ///   - decibels: per-frame decibels, or `nil` for 0 dB everywhere (the released thresholds
    ///     never consult them).
    ///   - sampleCount: the recording's length in samples.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a non-positive maximum segment length.
    /// - Precondition: the arrays have the recording's frame count.
    public static func segments(silenceProbabilities: [Float], decibels: [Float]? = nil,
                                sampleCount: Int, config: VADConfig, options: VADOptions) throws -> [[Int]] {
        var s = try VADSegmenter(config: config, options: options, sampleCount: sampleCount)
        precondition(silenceProbabilities.count == s.frameCount,
                     "\(silenceProbabilities.count) probabilities for \(s.frameCount) frames")
        precondition(decibels == nil || decibels!.count == s.frameCount,
                     "\(decibels!.count) decibels for \(s.frameCount) frames")
        for t in 0..<s.frameCount {
            s.accept(silenceProbability: silenceProbabilities[t], decibel: decibels?[t] ?? 0)
        }
        return s.segments
    }

    // MARK: - Thresholds

    /// The S(acc) table of the dynamic schedule: maximum end silence in ms after `acc` ms of
    /// speech running across chunk boundaries (the end threshold is this less
    /// `speech_to_sil_time_thres`, floored at 0).
    public static func dynamicEndSilence(accumulatedMs acc: Int) -> Int {
        switch acc {
        case ...10000: 2000
        case ...20000: 1000
        case ...30000: 800
        case ...40000: 600
        case ...50000: 400
        case ...60000: 200
        default: 100
        }
    }

    /// Sets the thresholds of the chunk of `chunkMs` that starts now.
    mutating func beginChunk(chunkMs: Int = VADSegmenter.dynamicChunkMs) {
        if mode == .dynamic {
            if inSpeech || latched {
                accumulatedMs += chunkMs
                latched = true
            }
            endSilenceMs = max(Self.dynamicEndSilence(accumulatedMs: accumulatedMs) - decision.speechToSilTimeThresMs, 0)
        }
        endLookbackFrames = max(0, endSilenceMs / decision.frameInMs - lookaheadFrames - 1)
        endsAtChunkStart = endCount
    }

    /// Closes a non-final chunk: one that returned a completed segment restarts the schedule.
    private mutating func endChunk() {
        if endCount > endsAtChunkStart { restartSchedule() }
    }

    /// Restarts the dynamic schedule (after a chunk that returned a result).
    mutating func restartSchedule() {
        accumulatedMs = 0
        latched = false
    }

    /// Forgets the first `count` output segments (a stream's reported, finished ones).
    mutating func dropOutput(_ count: Int) {
        output.removeFirst(count)
    }

    /// The per-frame speech decision (spec §6.3), in double precision like FunASR.
    private mutating func decide(silenceProbability: Float, decibel: Double) -> Bool {
        let p = Double(silenceProbability)
        // exp(ln x) exactly as FunASR writes it; ln 0 = −∞ gives 0 where Python would raise.
        let speechScore = 1 - p > 0 ? exp(log(1 - p)) : 0
        let noiseScore = p > 0 ? exp(log(p) * decision.speech2NoiseRatio) : 0
        if speechScore >= noiseScore + theta {
            return decibel - noiseAverage >= decision.snrThres && decibel >= decision.decibelThres
        }
        if noiseAverage < -99.9 {
            noiseAverage = decibel
        } else {
            let n = Double(decision.noiseFrameNumUsedForSnr)
            noiseAverage = (decibel + noiseAverage * (n - 1)) / n
        }
        return false
    }

    // MARK: - State machine

    private mutating func step(frame t: Int, event: WindowDetector.Event, isFinal: Bool) {
        let tooLong = Double(t - segmentStart + 1) > maxSegmentFrames
        if !inSpeech {
            switch event {
            case .silenceToSpeech:
                silenceRun = 0
                let s = max(bufferStart, t - startLatencyFrames)
                start(s)
                inSpeech = true
                if s + 1 <= t { for g in (s + 1)...t { extend(g) } }
            case .silenceToSilence:
                silenceRun += 1
                if isFinal && endCount == 0 {
                    reset()
                } else if t >= startLatencyFrames {
                    bufferStart = max(bufferStart, t - startLatencyFrames)
                }
            case .speechToSilence, .speechToSpeech:
                silenceRun = 0
            }
            return
        }
        switch event {
        case .silenceToSpeech:
            silenceRun = 0
            if lastSpeech + 1 < t { for g in (lastSpeech + 1)..<t { extend(g) } }
            continueSpeech(t, tooLong: tooLong, isFinal: isFinal)
        case .speechToSilence, .speechToSpeech:
            silenceRun = 0
            continueSpeech(t, tooLong: tooLong, isFinal: isFinal)
        case .silenceToSilence:
            silenceRun += 1
            if decision.frameInMs * silenceRun >= endSilenceMs {
                end(t - endLookbackFrames)
            } else if tooLong {
                end(t)
            } else if !isFinal {
                if silenceRun <= lookaheadFrames { extend(t) }
            } else {
                end(t)
            }
        }
    }

    /// A speech frame inside a segment: split if too long, close at the last frame, else extend.
    private mutating func continueSpeech(_ t: Int, tooLong: Bool, isFinal: Bool) {
        if tooLong {
            end(t)
        } else if !isFinal {
            extend(t)
        } else {
            end(t)
        }
    }

    /// Moves `n` frames from `f` into the output (FunASR `PopDataToOutputBuf`).
    private mutating func emit(_ f: Int, count n: Int, opens: Bool, closes: Bool) {
        bufferStart = max(bufferStart, f) + n
        let ms = decision.frameInMs
        if opens || output.isEmpty {
            output.append(Segment(startMs: ms * f, endMs: ms * f, hasStart: false, hasEnd: false))
        }
        let last = output.count - 1
        output[last].endMs = ms * (f + n)
        if opens { output[last].hasStart = true }
        if closes { output[last].hasEnd = true }
    }

    private mutating func extend(_ f: Int) {
        lastSpeech = f
        emit(f, count: 1, opens: false, closes: false)
    }

    private mutating func start(_ f: Int) {
        segmentStart = f
        emit(f, count: 1, opens: true, closes: false)
    }

    private mutating func end(_ f: Int) {
        if lastSpeech + 1 < f { for g in (lastSpeech + 1)..<f { extend(g) } }
        emit(f, count: 1, opens: false, closes: true)
        endCount += 1
        reset()
    }

    private mutating func reset() {
        inSpeech = false
        segmentStart = -1
        lastSpeech = 0
        silenceRun = 0
        window.reset()
    }
}
