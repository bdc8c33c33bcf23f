// Follows funasr/models/fsmn_vad_streaming/model.py: FsmnVADStreaming.inference and forward in the
// online mode (`is_streaming_input`, `chunk_size` strides, `cache` carried, dynamic silence schedule
// per stride) with funasr/frontends/wav_frontend.py: WavFrontendOnline (LFR right context withheld
// until the next stride or the end of the stream).

import Foundation
import SenseVoiceTensor

/// FunASR's FSMN-VAD in its online mode: a stream of 16 kHz samples in, speech starts and ends out,
/// with no total length known up front.
///
/// Feed chunks of any size with ``feed(_:)`` and call ``finish()`` once at the end. Like FunASR's
/// `generate(input=chunk, cache=cache, is_final=…, chunk_size=chunkMs)`, the samples are cut into
/// strides of ``chunkMs`` (a partial stride waits for more samples) and each stride runs the online
/// frontend (fbank → LFR 5/1, whose two right-context frames wait for the next stride → CMVN), the
/// network with its memory carried, and the segment state machine. The events of a call are those
/// of the strides it completed, in FunASR's shape (``StreamingVADEvent``): so feeding FunASR's
/// chunks gives FunASR's events in the same calls.
///
/// The end-of-speech threshold follows FunASR's per-stride schedule in `.dynamic` mode (each stride
/// without an event while speech runs adds ``chunkMs`` to the accumulated time; S(acc) − 150 ms,
/// θ 0.5); `.classic` keeps 650 ms and θ 0.6. Memory stays bounded: a few frames of samples and
/// the network's memory.
public struct StreamingVAD: Sendable {
    /// The model.
    public let vad: FSMNVAD
    /// Stride length in ms (FunASR's `chunk_size`).
    public let chunkMs: Int
    /// Threshold mode, maximum segment length and thread budget.
    public let options: VADOptions

    private var segmenter: VADSegmenter
    private var state: FSMNVADModel.State
    private let strideSamples: Int
    /// Samples of the current incomplete stride.
    private var pending: [Float] = []
    /// Samples kept for the frontend, from stream index ``origin`` on.
    private var window: [Float] = []
    private var origin = 0
    /// Samples that went through the frontend (whole strides, and the last one at the end).
    public private(set) var processedSamples = 0
    /// LFR frames run through the network and the state machine.
    private var emittedFrames = 0
    /// FunASR's `next_seg`: the next start point is still to be reported.
    private var nextSegment = true
    /// Strides completed.
    public private(set) var strides = 0
    /// Whether ``finish()`` was called.
    public private(set) var isFinished = false

    /// Most common stride of FunASR's online examples (`chunk_size` 200).
    public static let defaultChunkMs = 200

    /// A stream over `vad` with strides of `chunkMs`.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a stride outside 10…60000 ms or a
    ///   non-positive maximum segment length; `.configInvalid` for a VAD whose LFR is not `m/1`.
    public init(vad: FSMNVAD, chunkMs: Int = StreamingVAD.defaultChunkMs, options: VADOptions) throws {
        guard (10...60_000).contains(chunkMs) else {
            throw SenseVoiceError(.invalidOption, "VAD chunk of \(chunkMs) ms is outside 10…60000 ms; pass e.g. 200")
        }
        guard vad.config.frontend.lfrN == 1 else {
            throw SenseVoiceError(.configInvalid, "streaming VAD needs lfr_n 1, the model has \(vad.config.frontend.lfrN)")
        }
        self.vad = vad
        self.chunkMs = chunkMs
        self.options = options
        segmenter = try VADSegmenter(config: vad.config, options: options, sampleCount: 0)
        segmenter.frameCount = .max
        state = vad.model.makeState()
        strideSamples = chunkMs * vad.config.frontend.sampleRate / 1000
    }

    /// Sample rate the stream expects (16 kHz for the released model).
    public var sampleRate: Int { vad.config.frontend.sampleRate }

    /// Samples received so far (processed or waiting for their stride to complete).
    public var receivedSamples: Int { processedSamples + pending.count }

    /// The earliest time (ms) a speech start not yet reported can have: FunASR's buffer start.
    /// Samples before it are never part of a later segment.
    public var startFloorMs: Int { segmenter.bufferStart * vad.config.decision.frameInMs }

    /// While speech is open and trailing silence runs: the end the segment gets if the silence
    /// lasts (``VADSegmenter/pendingEnd``), the silence so far and the end threshold, in ms.
    public var pendingEnd: (endMs: Int, silenceMs: Int, endSilenceMs: Int)? {
        nextSegment ? nil : segmenter.pendingEnd
    }

    /// Feeds the next samples and returns the events of every stride they complete.
    /// - Parameter samples: 16 kHz mono floats in [-1, 1].
    /// - Precondition: ``finish()`` was not called.
    public mutating func feed(_ samples: [Float]) -> [StreamingVADEvent] {
        precondition(!isFinished, "StreamingVAD: feed after finish")
        var events: [StreamingVADEvent] = []
        var offset = 0
        while samples.count - offset >= strideSamples - pending.count {
            let take = strideSamples - pending.count
            pending.append(contentsOf: samples[offset..<(offset + take)])
            offset += take
            events += runStride(isFinal: false)
        }
        pending.append(contentsOf: samples[offset...])
        return events
    }

    /// Ends the stream: runs the samples of the last, partial stride and closes a segment still
    /// open at the end. Call once.
    public mutating func finish() -> [StreamingVADEvent] {
        precondition(!isFinished, "StreamingVAD: finish called twice")
        let events = runStride(isFinal: true)
        isFinished = true
        return events
    }

    /// The events of one ``feed(_:)`` call that returned some (see ``run(_:vad:chunkMs:options:)``).
    public struct Call: Sendable, Equatable {
        /// Index of the call (of the chunk fed).
        public var chunk: Int
        public var events: [StreamingVADEvent]
    }

    /// Feeds a whole recording in chunks of `chunkMs` (the last one shorter, followed by
    /// ``finish()``), as FunASR's online examples do, and returns the calls that returned events.
    /// - Throws: what ``init(vad:chunkMs:options:)`` throws.
    public static func run(_ samples: [Float], vad: FSMNVAD, chunkMs: Int, options: VADOptions) throws -> [Call] {
        var stream = try StreamingVAD(vad: vad, chunkMs: chunkMs, options: options)
        let step = chunkMs * stream.sampleRate / 1000
        var calls: [Call] = []
        var start = 0
        var chunk = 0
        repeat {
            let end = min(samples.count, start + step)
            var events = stream.feed(Array(samples[start..<end]))
            if end == samples.count { events += stream.finish() }
            if !events.isEmpty { calls.append(Call(chunk: chunk, events: events)) }
            start = end
            chunk += 1
        } while start < samples.count
        return calls
    }

    /// One stride: schedule, frontend, network, state machine, report (FunASR's loop body).
    private mutating func runStride(isFinal: Bool) -> [StreamingVADEvent] {
        strides += 1
        segmenter.beginChunk(chunkMs: chunkMs)
        window += pending
        processedSamples += pending.count
        pending.removeAll(keepingCapacity: true)

        let fe = vad.config.frontend
        let total = fe.fbankFrameCount(sampleCount: processedSamples)
        // The online LFR withholds its right context until more frames or the end arrive.
        let ready = isFinal ? total : max(0, total - fe.lfrPad)
        if ready > emittedFrames {
            let frames = emittedFrames..<ready
            let (probabilities, decibels) = window.withUnsafeBufferPointer { w in
                (vad.silenceProbabilities(frames: frames, fbankFrames: total, samples: w, origin: origin,
                                          state: &state, threads: options.threads),
                 FSMNVAD.decibels(w, frames: frames, length: vad.decisionFrameLength, shift: fe.frameShiftSamples,
                                  origin: origin))
            }
            for (i, t) in frames.enumerated() {
                segmenter.accept(silenceProbability: probabilities[i], decibel: decibels[i],
                                 isFinal: isFinal && t == ready - 1)
            }
            emittedFrames = ready
        }
        let events = report()
        if !events.isEmpty { segmenter.restartSchedule() }
        // Keep the samples of the next frames' LFR context.
        let keepFrom = max(0, emittedFrames - fe.lfrPad) * fe.frameShiftSamples
        if keepFrom > origin {
            window.removeFirst(min(keepFrom - origin, window.count))
            origin = keepFrom
        }
        return events
    }

    /// The output segments not yet reported, as FunASR's streaming `forward` returns them.
    private mutating func report() -> [StreamingVADEvent] {
        var events: [StreamingVADEvent] = []
        var done = 0
        for segment in segmenter.output {
            guard segment.hasStart else { continue }
            if !nextSegment && !segment.hasEnd { continue }
            let start = nextSegment ? segment.startMs : nil
            if segment.hasEnd {
                nextSegment = true
                done += 1
                events.append(start.map { .segment(startMs: $0, endMs: segment.endMs) } ?? .end(ms: segment.endMs))
            } else {
                nextSegment = false
                events.append(.start(ms: start!))
            }
        }
        segmenter.dropOutput(done)
        return events
    }
}
