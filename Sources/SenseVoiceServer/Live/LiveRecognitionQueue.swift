// One live stream's recognitions waiting to run: closed segments in order, at most one partial.

import SenseVoiceEngine
import Synchronization

/// A recognition one live stream asks for.
struct LiveRecognitionJob: Sendable {
    enum Kind: Sendable, Equatable {
        /// A closed VAD segment: always runs, in order.
        case final
        /// The open segment so far: a preview, skipped when a newer one or a final comes first.
        case partial
        /// The open segment as trailing silence says it will close, recognised before the VAD
        /// decides; its result serves the final when the final has the same samples. Dropped when
        /// a newer one or a final comes first.
        case earlyFinal
    }

    var kind: Kind
    /// The stretch's 16 kHz samples and stream times.
    var audio: LiveAudio
    /// The item the stretch belongs to (the realtime protocol's `item_id`).
    var item: Int
    /// When the VAD decided the segment ended (finals): where the latency clock starts.
    var decidedAt: ContinuousClock.Instant?
    /// The same moment as Unix time in ms (reported to clients that ask for `timing`).
    var decidedAtMs: Int64?
    /// The stream's decoding options when the stretch was cut (a realtime session update applies
    /// to what is cut after it); nil: the stream's options when the job runs.
    var options: TranscriptionOptions? = nil
}

/// The queue between a stream's reader (which cuts segments) and its recognizer task.
///
/// Finals queue in order and are never dropped; a partial waits only while no final does, and a
/// newer partial (or any final) replaces a waiting one, which counts as skipped. An early final
/// waits likewise (one at most, replaced by a newer one, dropped by a final) and is served before
/// the partial. The audio held is bounded by the caller (``pendingSamples``, `--live-max-backlog-s`).
final class LiveRecognitionQueue: Sendable {
    private struct State: ~Copyable {
        var finals: [LiveRecognitionJob] = []
        var partial: LiveRecognitionJob?
        var earlyFinal: LiveRecognitionJob?
        var finished = false
        var waiter: CheckedContinuation<LiveRecognitionJob?, Never>?
    }

    private let state = Mutex(State())
    private let onSkip: @Sendable () -> Void

    private let onEarlyFinalDropped: @Sendable () -> Void

    /// - Parameters:
    ///   - onSkip: told of each partial dropped.
    ///   - onEarlyFinalDropped: told of each early final dropped before it ran.
    init(onSkip: @escaping @Sendable () -> Void, onEarlyFinalDropped: @escaping @Sendable () -> Void = {}) {
        self.onSkip = onSkip
        self.onEarlyFinalDropped = onEarlyFinalDropped
    }

    /// Samples waiting in finals (the stream's recognition backlog).
    var pendingSamples: Int { state.withLock { s in s.finals.reduce(0) { $0 + $1.audio.samples.count } } }

    /// Whether a final is waiting (a partial or early final taken before it should give way).
    var hasFinals: Bool { state.withLock { !$0.finals.isEmpty } }

    /// Queues a job; a final drops the waiting partial and early final, a partial or early final
    /// replaces the waiting one of its kind.
    func submit(_ job: LiveRecognitionJob) {
        var skipped = false
        var dropped = false
        let waiter = state.withLock { s -> CheckedContinuation<LiveRecognitionJob?, Never>? in
            guard !s.finished else { return nil }
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter
            }
            if job.kind != .earlyFinal && s.partial != nil {
                s.partial = nil
                skipped = true
            }
            if job.kind != .partial && s.earlyFinal != nil {
                s.earlyFinal = nil
                dropped = true
            }
            switch job.kind {
            case .final: s.finals.append(job)
            case .partial: s.partial = job
            case .earlyFinal: s.earlyFinal = job
            }
            return nil
        }
        if skipped { onSkip() }
        if dropped { onEarlyFinalDropped() }
        waiter?.resume(returning: job)
    }

    /// No more jobs: ``next()`` drains the finals (a waiting partial is dropped), then returns nil.
    func finish() {
        let (waiter, skipped) = state.withLock { s -> (CheckedContinuation<LiveRecognitionJob?, Never>?, Bool) in
            s.finished = true
            let skipped = s.partial != nil
            s.partial = nil
            s.earlyFinal = nil
            defer { s.waiter = nil }
            return (s.waiter, skipped)
        }
        if skipped { onSkip() }
        waiter?.resume(returning: nil)
    }

    /// Drops every waiting job (the realtime protocol's `input_audio_buffer.clear`).
    func clear() {
        state.withLock { s in
            s.finals.removeAll()
            s.partial = nil
            s.earlyFinal = nil
        }
    }

    /// The next job (a final, else the early final, else the partial), waiting for one; nil once
    /// finished and drained.
    func next() async -> LiveRecognitionJob? {
        await withCheckedContinuation { (continuation: CheckedContinuation<LiveRecognitionJob?, Never>) in
            let job = state.withLock { s -> LiveRecognitionJob?? in
                if !s.finals.isEmpty { return .some(s.finals.removeFirst()) }
                if let early = s.earlyFinal {
                    s.earlyFinal = nil
                    return .some(early)
                }
                if let partial = s.partial {
                    s.partial = nil
                    return .some(partial)
                }
                if s.finished { return .some(nil) }
                s.waiter = continuation
                return nil
            }
            if let job { continuation.resume(returning: job) }
        }
    }
}
