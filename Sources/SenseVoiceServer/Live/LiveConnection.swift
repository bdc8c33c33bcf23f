// One live WebSocket stream: its reader, recognizer and writer tasks, limits and teardown.

import Foundation
import Logging
import NIOCore
import NIOWebSocket
import SenseVoiceEngine
import Synchronization
import WSCore

/// The parts of one live stream that its protocol's reader shares with the recognizer and writer.
///
/// Three tasks run per stream, all children of the WebSocket handler (so a disconnect cancels
/// them all at once and frees the stream's audio): the protocol's **reader** (frames → samples →
/// ``LiveCutter`` → recognition jobs and events), the **recognizer** (jobs → a turn from the
/// shared ``LiveScheduler`` → the inference pool → events) and the **writer** (``LiveOutbox`` →
/// WebSocket). An idle watchdog closes a silent stream.
final class LiveConnection: Sendable {
    /// How the reader ended.
    enum ReaderEnd: Sendable {
        /// The client ended the stream (or it reached its length limit) after `durationMs` of
        /// audio: send the remaining finals, then `done`, then close normally.
        case finished(durationMs: Int)
        /// The client went away: stop everything now.
        case disconnected
        /// A close is already queued (a fatal error was sent): flush it and stop.
        case closing

        /// The metric label of how a stream ended.
        var outcome: String {
            switch self {
            case .finished: "finished"
            case .disconnected: "disconnected"
            case .closing: "closed_with_error"
            }
        }
    }

    let id: UInt64
    let pool: InferencePool
    let scheduler: LiveScheduler
    let settings: LiveStreamSettings
    let metrics: ServerMetrics
    let format: any LiveWireFormat
    let logger: Logger
    let outbox: LiveOutbox
    let queue: LiveRecognitionQueue
    /// Decoding options (language, ITN, hotwords); the realtime protocol may change them
    /// mid-stream, for what is cut after the change (``dispatch(_:atStreamEnd:)`` stamps each job).
    private let optionsState: Mutex<TranscriptionOptions>
    private let lastActivity: Mutex<ContinuousClock.Instant>
    private let receivedSamples = Atomic<Int>(0)
    /// Set once the client has ended the stream: the idle watchdog stops (finals may take a while).
    private let clientEnded = Atomic<Bool>(false)
    /// Recognitions taken from the queue and not yet sent: a client waiting for them is not idle.
    private let recognizing = Atomic<Int>(0)
    /// The audio of the early final waiting for (or holding) a turn, for ``dispatch(_:atStreamEnd:)``
    /// to tell the scheduler whether the final that just closed is the same work.
    private let earlyInFlight = Mutex<LiveAudio?>(nil)

    init(id: UInt64, pool: InferencePool, scheduler: LiveScheduler, settings: LiveStreamSettings, metrics: ServerMetrics,
         format: any LiveWireFormat, options: TranscriptionOptions, logger: Logger) {
        self.id = id
        self.pool = pool
        self.scheduler = scheduler
        self.settings = settings
        self.metrics = metrics
        self.format = format
        self.logger = logger
        let live = metrics.live
        outbox = LiveOutbox(maxPartials: settings.maxQueuedPartials, onSkip: { live.partialSkipped() })
        queue = LiveRecognitionQueue(onSkip: { live.partialSkipped() }, onEarlyFinalDropped: { live.earlyFinal(.dropped) })
        optionsState = Mutex(options)
        lastActivity = Mutex(.now)
    }

    var options: TranscriptionOptions {
        get { optionsState.withLock { $0 } }
        set { optionsState.withLock { $0 = newValue } }
    }

    /// Marks the stream active (any message from the client).
    func touch() { lastActivity.withLock { $0 = .now } }

    /// Queues an `error` event; the stream goes on.
    func sendError(code: String, message: String, eventID: String? = nil) {
        outbox.send(format.error(code: code, message: message, eventID: eventID))
    }

    /// Queues an `error` event and a close with `code`.
    func fail(code: String, message: String, closeCode: UInt16, eventID: String? = nil) {
        sendError(code: code, message: message, eventID: eventID)
        outbox.close(code: closeCode, reason: String(message.prefix(120)))
    }

    /// Counts `count` received samples at `rate` against the stream's length limit.
    /// - Returns: false when the stream is now longer than ``LiveStreamSettings/maxStreamSeconds``.
    func account(samples count: Int, rate: Int) -> Bool {
        metrics.live.audio(seconds: Double(count) / Double(rate))
        let total = receivedSamples.add(count, ordering: .relaxed).newValue
        return Double(total) / Double(rate) <= settings.maxStreamSeconds
    }

    /// Turns the cutter's output into events and recognition jobs.
    /// - Parameter atStreamEnd: the cuts close what was open when the stream ended (or a commit
    ///   closed it): no VAD decision, so no latency is measured for their finals.
    /// - Returns: false when the recognition backlog is over its limit (the stream was failed).
    func dispatch(_ cuts: [LiveCut], atStreamEnd: Bool = false) throws -> Bool {
        let options = self.options
        for cut in cuts {
            switch cut {
            case .started(let ms, let item):
                for text in try format.speechStarted(ms: ms, item: item) { outbox.send(text) }
            case .partial(let audio, let item):
                queue.submit(LiveRecognitionJob(kind: .partial, audio: audio, item: item, options: options))
            case .likelyClosed(let audio, let item):
                queue.submit(LiveRecognitionJob(kind: .earlyFinal, audio: audio, item: item, options: options))
                // The stream runs one recognition at a time: its partial must not hold this up.
                scheduler.earlyFinalArrived(stream: id)
            case .closed(let audio, let item, let announce):
                if announce {
                    for text in try format.speechStopped(startMs: audio.startMs, endMs: audio.endMs, item: item) { outbox.send(text) }
                }
                queue.submit(LiveRecognitionJob(kind: .final, audio: audio, item: item, decidedAt: atStreamEnd ? nil : .now,
                                                decidedAtMs: atStreamEnd ? nil : Int64((Date().timeIntervalSince1970 * 1000).rounded()),
                                                options: options))
                // After queueing it (a request registered later sees the final and gives way): the
                // stream's partial or early final waiting for a turn must not hold the final up.
                let same = earlyInFlight.withLock { e in
                    e.map { $0.startMs == audio.startMs && $0.endMs == audio.endMs && $0.samples == audio.samples } ?? false
                }
                scheduler.finalArrived(stream: id, promote: same)
            }
        }
        let backlog = Double(queue.pendingSamples) / Double(LiveCutter.modelRate)
        if backlog > settings.maxBacklogSeconds {
            fail(code: "backlog_full", message: "this stream is \(Int(backlog)) s of audio behind (limit \(Int(settings.maxBacklogSeconds)) s): the server is overloaded; reconnect later or send audio no faster than real time",
                 closeCode: 1013)
            return false
        }
        return true
    }

    /// Runs the stream until it ends: `reader` reads the client's messages; the recognizer, the
    /// writer and the idle watchdog run beside it.
    @discardableResult
    func run(outbound: WebSocketOutboundWriter, reader: @escaping @Sendable () async throws -> ReaderEnd) async -> ReaderEnd {
        enum Role { case reader(ReaderEnd), recognizer, writer, watchdog }
        return await withTaskGroup(of: Role.self) { group in
            group.addTask { [self] in
                await writer(outbound)
                return .writer
            }
            group.addTask { [self] in
                await recognizer()
                return .recognizer
            }
            group.addTask { [self] in
                await watchdog()
                return .watchdog
            }
            group.addTask {
                do { return .reader(try await reader()) } catch { return .reader(.disconnected) }
            }
            var end: ReaderEnd?
            var doneDurationMs = 0
            var recognizerDone = false
            var writerDone = false
            while let role = await group.next() {
                switch role {
                case .reader(let how):
                    end = how
                    switch how {
                    case .finished(let durationMs):
                        doneDurationMs = durationMs
                        clientEnded.store(true, ordering: .releasing)
                        queue.finish()
                    case .disconnected:
                        queue.finish()
                        outbox.finish()
                        group.cancelAll()
                    case .closing:
                        queue.finish()
                        outbox.finish()
                        group.cancelAll()
                    }
                case .recognizer:
                    recognizerDone = true
                    if case .finished = end {
                        if let texts = try? format.done(durationMs: doneDurationMs) {
                            for text in texts { outbox.send(text) }
                        }
                        outbox.close(code: 1000, reason: "done")
                        outbox.finish()
                    }
                case .writer:
                    writerDone = true
                    // The client is gone or the stream closed: nothing more can be sent.
                    queue.finish()
                    outbox.finish()
                    group.cancelAll()
                case .watchdog:
                    break
                }
                if recognizerDone && writerDone { group.cancelAll() }
            }
            return end ?? .disconnected
        }
    }

    // MARK: - Tasks

    private func recognizer() async {
        // The last early final's audio, options and result, until a final uses it or it goes stale.
        var early: EarlyFinal?
        defer { if early != nil { metrics.live.earlyFinal(.unused) } }
        while let job = await queue.next() {
            recognizing.add(1, ordering: .relaxed)
            defer { recognizing.subtract(1, ordering: .relaxed) }
            do {
                let options = job.options ?? self.options
                let recognized: SegmentResult?
                if job.kind == .final, let e = early, e.audio.samples == job.audio.samples, e.audio.startMs == job.audio.startMs,
                   e.audio.endMs == job.audio.endMs, e.options == options {
                    // Recognised while the VAD was still waiting for the end: the same samples,
                    // so the same result as recognising them now.
                    early = nil
                    metrics.live.earlyFinal(.used)
                    recognized = e.segment
                } else {
                    if job.kind != .partial, early != nil {
                        early = nil
                        metrics.live.earlyFinal(.unused)
                    }
                    let turn: LiveScheduler.Turn
                    let stop = job.kind == .partial ? LiveStopSignal() : nil
                    switch job.kind {
                    case .partial: turn = try await scheduler.partial(stream: id, wanted: { [queue] in !queue.hasFinals }, stop: stop)
                    case .earlyFinal:
                        earlyInFlight.withLock { $0 = job.audio }
                        defer { earlyInFlight.withLock { $0 = nil } }
                        turn = try await scheduler.earlyFinal(stream: id, wanted: { [queue] in !queue.hasFinals })
                    case .final: turn = .granted(slots: try await scheduler.final())
                    }
                    guard case .granted(let slots) = turn else {
                        if job.kind == .partial { metrics.live.partialSkipped() } else { metrics.live.earlyFinal(.dropped) }
                        continue
                    }
                    do {
                        defer { scheduler.release(slots: slots, stop: stop) }
                        recognized = try await recognize(job, options: options, threads: slots * pool.transcriber.configuration.threads,
                                                         stop: stop)
                    } catch let error as SenseVoiceError where error.code == .cancelled && stop?.isRaised == true {
                        // A final wanted the core: this preview is skipped like a superseded one.
                        metrics.live.partialSkipped()
                        continue
                    }
                }
                if job.kind == .earlyFinal {
                    early = EarlyFinal(audio: job.audio, options: options, segment: recognized)
                    continue
                }
                // Nil: too short to hold one feature frame (as the CLI, no event).
                guard let segment = recognized else { continue }
                switch job.kind {
                case .earlyFinal:
                    break
                case .partial:
                    for text in try format.partial(segment, item: job.item) { outbox.sendPartial(text) }
                case .final:
                    let texts = try format.final(segment, item: job.item, decidedAtMs: job.decidedAtMs)
                    for (i, text) in texts.enumerated() { outbox.send(text, decidedAt: i == texts.count - 1 ? job.decidedAt : nil) }
                }
            } catch is CancellationError {
                return
            } catch let error as SenseVoiceError where error.code == .cancelled {
                return
            } catch let error as SenseVoiceError {
                sendError(code: error.code.rawValue, message: error.message)
            } catch {
                sendError(code: "internal_error", message: "recognition failed unexpectedly; the stream goes on")
                logger.error("live recognition failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// An early final's result, kept for the final it may turn out to be.
    private struct EarlyFinal {
        var audio: LiveAudio
        var options: TranscriptionOptions
        var segment: SegmentResult?
    }

    /// The job's segment, recognised on the inference pool with a thread budget of `threads`;
    /// nil for audio too short to recognise.
    /// - Parameter stop: when raised, the recognition stops at its next encoder layer (`.cancelled`).
    private func recognize(_ job: LiveRecognitionJob, options: TranscriptionOptions, threads: Int,
                           stop: LiveStopSignal?) async throws -> SegmentResult? {
        try await pool.run { session, _ in
            try session.recognizeSegment(job.audio, options: options, threads: threads, isCancelled: stop.map { s in { s.isRaised } })
        }
    }

    private func writer(_ outbound: WebSocketOutboundWriter) async {
        do {
            while let item = await outbox.next() {
                switch item {
                case .text(let text, _, let decidedAt):
                    try await outbound.writeTextMessage(text)
                    if let decidedAt { metrics.live.finalLatency(.now - decidedAt) }
                case .close(let code, let reason):
                    try await outbound.close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
                    return
                }
            }
        } catch {
            // The client went away: the caller stops the rest.
        }
    }

    private func watchdog() async {
        let timeout = settings.idleTimeout
        while !Task.isCancelled && !clientEnded.load(ordering: .acquiring) {
            // The server still owing results (queued or running recognitions) is activity.
            if queue.pendingSamples > 0 || recognizing.load(ordering: .relaxed) > 0 { touch() }
            let idle = ContinuousClock.now - lastActivity.withLock { $0 }
            if idle >= timeout {
                fail(code: "idle_timeout", message: "no message for \(timeout.components.seconds) s; the stream was closed — send audio or end the stream",
                     closeCode: 1001)
                return
            }
            try? await Task.sleep(for: min(timeout - idle, .seconds(1)) + .milliseconds(10))
        }
    }
}
