// The live scheduler's priorities beyond finals-before-partials: early finals between the two, an
// idle pool lent whole to a final, running partials stopped for a final, a stream's final never
// waiting behind its own partial, and no final ever skipped however many partials crowd in.

import Synchronization
@testable import SenseVoiceServer
import SenseVoiceEngine
import Testing

@Suite("Live scheduling policy")
struct LiveSchedulingPolicyTests {
    typealias Log = LiveFairnessTests.Log

    static func eventually(_ condition: () -> Bool) async throws {
        try await LiveFairnessTests.eventually(condition)
    }

    @Test("finals, then early finals, then partials; each kind in arrival order")
    func tiers() async throws {
        let scheduler = LiveScheduler(slots: 1)
        try await scheduler.final()
        let order = Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            func add(_ name: String, _ request: @escaping @Sendable () async throws -> LiveScheduler.Turn) async throws {
                let before = scheduler.waiting.finals + scheduler.waiting.partials + scheduler.waitingEarlyFinals
                group.addTask {
                    let turn = try await request()
                    order.append(turn == .skipped ? "\(name) skipped" : name)
                    scheduler.release(slots: turn.slots)
                }
                try await Self.eventually { scheduler.waiting.finals + scheduler.waiting.partials + scheduler.waitingEarlyFinals == before + 1 }
            }
            try await add("partial 1") { try await scheduler.partial(stream: 1) }
            try await add("early 2") { try await scheduler.earlyFinal(stream: 2) }
            try await add("final 3") { .granted(slots: try await scheduler.final()) }
            try await add("early 4") { try await scheduler.earlyFinal(stream: 4) }
            try await add("final 5") { .granted(slots: try await scheduler.final()) }
            scheduler.release()
            try await group.waitForAll()
        }
        #expect(order.all == ["final 3", "final 5", "early 2", "early 4", "partial 1"])
        #expect(scheduler.running == 0)
    }

    @Test("a final or early final on an idle pool gets every slot; a partial, or a final beside other work, one")
    func idlePoolLentWhole() async throws {
        let scheduler = LiveScheduler(slots: 2)
        let got1 = try await scheduler.final()
        #expect(got1 == 2)
        #expect(scheduler.running == 2)
        scheduler.release(slots: 2)
        let got2 = try await scheduler.earlyFinal(stream: 1)
        #expect(got2 == .granted(slots: 2))
        scheduler.release(slots: 2)
        let got3 = try await scheduler.partial(stream: 1)
        #expect(got3 == .granted(slots: 1))
        let got4 = try await scheduler.final()
        #expect(got4 == 1)
        #expect(scheduler.running == 2)
        // Both slots busy: a final waits; when one frees up it gets that one slot.
        let waiting = Task { try await scheduler.final() }
        try await Self.eventually { scheduler.waiting.finals == 1 }
        scheduler.release()
        let got5 = try await waiting.value
        #expect(got5 == 1)
        scheduler.release()
        scheduler.release()
        // An idle pool again, with a waiter released into it: the waiter gets both slots.
        let got6 = try await scheduler.final()
        #expect(got6 == 2)
        let next = Task { try await scheduler.final() }
        try await Self.eventually { scheduler.waiting.finals == 1 }
        scheduler.release(slots: 2)
        let got7 = try await next.value
        #expect(got7 == 2)
        scheduler.release(slots: 2)
        #expect(scheduler.running == 0)
    }

    @Test("a final stops the running partials and, once they give their slots back, gets every slot")
    func finalStopsRunningPartials() async throws {
        let scheduler = LiveScheduler(slots: 2)
        let stop1 = LiveStopSignal(), stop2 = LiveStopSignal()
        let got1 = try await scheduler.partial(stream: 1, stop: stop1)
        let got2 = try await scheduler.partial(stream: 2, stop: stop2)
        #expect(got1 == .granted(slots: 1) && got2 == .granted(slots: 1))
        #expect(!stop1.isRaised && !stop2.isRaised)
        let final = Task { try await scheduler.final() }
        try await Self.eventually { scheduler.waiting.finals == 1 }
        #expect(stop1.isRaised && stop2.isRaised)
        // One partial has stopped: the final still waits for the other's slot too.
        scheduler.release(stop: stop1)
        try await Task.sleep(for: .milliseconds(50))
        #expect(scheduler.waiting.finals == 1)
        scheduler.release(stop: stop2)
        let slots = try await final.value
        #expect(slots == 2)
        scheduler.release(slots: 2)

        // One partial running and one slot free: an early final stops it and waits for both slots.
        let stop3 = LiveStopSignal()
        _ = try await scheduler.partial(stream: 3, stop: stop3)
        let early = Task { try await scheduler.earlyFinal(stream: 4) }
        try await Self.eventually { scheduler.waitingEarlyFinals == 1 }
        #expect(stop3.isRaised)
        scheduler.release(stop: stop3)
        let got3 = try await early.value
        #expect(got3 == .granted(slots: 2))
        scheduler.release(slots: 2)

        // A partial asked for without a signal cannot be stopped: the final takes the free slot.
        _ = try await scheduler.partial(stream: 5)
        let got4 = try await scheduler.final()
        #expect(got4 == 1)
        scheduler.release()
        scheduler.release()
        #expect(scheduler.running == 0)
    }

    @Test("a stream's final on its way stops that stream's running partial only; a partial never stops a partial")
    func finalArrivedStopsOwnPartial() async throws {
        let scheduler = LiveScheduler(slots: 3)
        let own = LiveStopSignal(), other = LiveStopSignal(), third = LiveStopSignal()
        _ = try await scheduler.partial(stream: 1, stop: own)
        _ = try await scheduler.partial(stream: 2, stop: other)
        _ = try await scheduler.partial(stream: 3, stop: third)
        #expect(!own.isRaised && !other.isRaised && !third.isRaised)
        scheduler.finalArrived(stream: 1, promote: false)
        #expect(own.isRaised && !other.isRaised && !third.isRaised)
        scheduler.release(stop: own)
        // An early final on its way stops its own stream's partial too (and only that one).
        let fourth = LiveStopSignal()
        _ = try await scheduler.partial(stream: 4, stop: fourth)
        scheduler.earlyFinalArrived(stream: 4)
        #expect(fourth.isRaised && !other.isRaised && !third.isRaised)
        scheduler.release(stop: fourth)
        // Stream 1's final now finds one slot free beside two partials that keep running... until
        // it asks, which stops them as any final does.
        let final = Task { try await scheduler.final() }
        try await Self.eventually { other.isRaised && third.isRaised }
        scheduler.release(stop: other)
        scheduler.release(stop: third)
        let slots = try await final.value
        #expect(slots == 3)
        scheduler.release(slots: 3)
        #expect(scheduler.running == 0)
    }

    @Test("a stream's final skips its own waiting partial, and promotes its waiting early final only when it is the same work")
    func finalArrivedSkipsOrPromotes() async throws {
        let scheduler = LiveScheduler(slots: 1)
        try await scheduler.final()
        let partial = Task { try await scheduler.partial(stream: 7) }
        let early = Task { try await scheduler.earlyFinal(stream: 7) }
        let otherEarly = Task { try await scheduler.earlyFinal(stream: 8) }
        try await Self.eventually { scheduler.waiting.partials == 1 && scheduler.waitingEarlyFinals == 2 }
        scheduler.finalArrived(stream: 7, promote: true)
        let got8 = try await partial.value
        #expect(got8 == .skipped)
        // Promoted: it is now a final, served before stream 8's early final.
        #expect(scheduler.waiting.finals == 1 && scheduler.waitingEarlyFinals == 1)
        scheduler.release()
        let got9 = try await early.value
        #expect(got9 == .granted(slots: 1))
        scheduler.release()
        let got10 = try await otherEarly.value
        #expect(got10 == .granted(slots: 1))
        scheduler.release()

        try await scheduler.final()
        let stale = Task { try await scheduler.earlyFinal(stream: 9) }
        try await Self.eventually { scheduler.waitingEarlyFinals == 1 }
        scheduler.finalArrived(stream: 9, promote: false)
        let got11 = try await stale.value
        #expect(got11 == .skipped)
        // A request that registers after its stream's final was queued gives way at once.
        let got12 = try await scheduler.partial(stream: 9, wanted: { false })
        #expect(got12 == .skipped)
        let got13 = try await scheduler.earlyFinal(stream: 9, wanted: { false })
        #expect(got13 == .skipped)
        scheduler.release()
        #expect(scheduler.running == 0)
    }

    @Test("no final is dropped: 40 finals among 200 partials on one slot all run, in order")
    func noFinalDropped() async throws {
        let scheduler = LiveScheduler(slots: 1)
        try await scheduler.final()
        let finals = Log()
        let partialsRun = LiveFairnessTests.Counter()
        let partialsSkipped = LiveFairnessTests.Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<240 {
                if i % 6 == 0 {
                    group.addTask {
                        let slots = try await scheduler.final()
                        finals.append("f\(i)")
                        scheduler.release(slots: slots)
                    }
                    // Finals queue in the order they asked.
                    try await Self.eventually { scheduler.waiting.finals == i / 6 + 1 }
                } else {
                    group.addTask {
                        let turn = try await scheduler.partial(stream: UInt64(i % 5))
                        if turn == .skipped { partialsSkipped.increment() } else { partialsRun.increment() }
                        scheduler.release(slots: turn.slots)
                    }
                }
            }
            try await Self.eventually { partialsSkipped.value + scheduler.waiting.partials == 200 }
            scheduler.release()
            try await group.waitForAll()
        }
        #expect(finals.all == (0..<40).map { "f\($0 * 6)" })
        // Five streams: at most one partial each was still waiting; the rest were superseded.
        #expect(partialsRun.value == 5 && partialsSkipped.value == 195)
        #expect(scheduler.running == 0)
    }

    @Test("the recognition queue serves finals, then the early final, then the partial; a final drops a waiting early final")
    func queueOrder() async {
        let dropped = LiveFairnessTests.Counter()
        let skipped = LiveFairnessTests.Counter()
        let queue = LiveRecognitionQueue(onSkip: { skipped.increment() }, onEarlyFinalDropped: { dropped.increment() })
        func job(_ kind: LiveRecognitionJob.Kind, _ item: Int) -> LiveRecognitionJob {
            LiveRecognitionJob(kind: kind, audio: LiveAudio(samples: [0, 0], startMs: item, endMs: item + 1, streamMs: item + 1), item: item)
        }
        queue.submit(job(.earlyFinal, 1))
        queue.submit(job(.earlyFinal, 2))  // replaces 1
        #expect(dropped.value == 1)
        queue.submit(job(.partial, 3))     // beside the early final
        #expect(skipped.value == 0 && !queue.hasFinals)
        queue.submit(job(.final, 4))       // drops both
        #expect(dropped.value == 2 && skipped.value == 1 && queue.hasFinals)
        queue.submit(job(.partial, 5))
        queue.submit(job(.earlyFinal, 6))
        #expect(skipped.value == 1)
        var order: [Int] = []
        for _ in 0..<3 { if let next = await queue.next() { order.append(next.item) } }
        #expect(order == [4, 6, 5])
        queue.finish()
        let last = await queue.next()
        #expect(last == nil)
    }
}
