// The live streams' fairness rules, without a model: finals before partials, superseded partials
// skipped, a slow client loses partials but never finals.

import Synchronization
@testable import SenseVoiceServer
import SenseVoiceEngine
import Testing

@Suite("Live scheduling and buffering")
struct LiveFairnessTests {
    final class Counter: Sendable {
        private let n = Mutex(0)
        func increment() { n.withLock { $0 += 1 } }
        var value: Int { n.withLock { $0 } }
    }

    final class Log: Sendable {
        private let items = Mutex<[String]>([])
        func append(_ s: String) { items.withLock { $0.append(s) } }
        var all: [String] { items.withLock { $0 } }
    }

    /// Waits (bounded) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() { try await Task.sleep(for: .milliseconds(5)) }
        #expect(condition())
    }

    @Test("the scheduler serves finals before partials and skips a partial superseded by the same stream's newer one")
    func scheduler() async throws {
        let scheduler = LiveScheduler(slots: 1)
        try await scheduler.final()  // the one slot is busy
        let order = Log()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let turn = try await scheduler.partial(stream: 1)
                order.append(turn == .granted ? "p1-old" : "p1-old skipped")
                if turn == .granted { scheduler.release() }
            }
            try await Self.eventually { scheduler.waiting.partials == 1 }
            group.addTask {
                let turn = try await scheduler.partial(stream: 2)
                order.append(turn == .granted ? "p2" : "p2 skipped")
                if turn == .granted { scheduler.release() }
            }
            try await Self.eventually { scheduler.waiting.partials == 2 }
            group.addTask {
                let turn = try await scheduler.partial(stream: 1)
                order.append(turn == .granted ? "p1-new" : "p1-new skipped")
                if turn == .granted { scheduler.release() }
            }
            try await Self.eventually { order.all == ["p1-old skipped"] }
            group.addTask {
                try await scheduler.final()
                order.append("final")
                scheduler.release()
            }
            try await Self.eventually { scheduler.waiting.finals == 1 }
            scheduler.release()
            try await group.waitForAll()
        }
        #expect(order.all == ["p1-old skipped", "final", "p2", "p1-new"])
        #expect(scheduler.running == 0)
    }

    @Test("a cancelled waiter leaves the queue and never holds a slot")
    func cancellation() async throws {
        let scheduler = LiveScheduler(slots: 1)
        try await scheduler.final()
        let waiter = Task { try await scheduler.final() }
        try await Self.eventually { scheduler.waiting.finals == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(scheduler.waiting.finals == 0)
        scheduler.release()
        #expect(scheduler.running == 0)
    }

    @Test("a slow client's outbox drops the oldest unsent partial, never a final, and keeps the order")
    func outbox() async {
        let skipped = Counter()
        let outbox = LiveOutbox(maxPartials: 1, onSkip: { skipped.increment() })
        outbox.send("final 1")
        outbox.sendPartial("partial a")
        outbox.sendPartial("partial b")
        outbox.send("final 2")
        outbox.sendPartial("partial c")
        outbox.finish()
        var texts: [String] = []
        while let item = await outbox.next() {
            if case .text(let text, _, _) = item { texts.append(text) }
        }
        // Nothing was read while they came: each partial replaced the one still waiting.
        #expect(texts == ["final 1", "final 2", "partial c"])
        #expect(skipped.value == 2)
    }

    @Test("the recognition queue runs finals first; a newer partial or a final replaces a waiting partial")
    func recognitionQueue() async {
        let skipped = Counter()
        let queue = LiveRecognitionQueue(onSkip: { skipped.increment() })
        func job(_ kind: LiveRecognitionJob.Kind, _ start: Int) -> LiveRecognitionJob {
            LiveRecognitionJob(kind: kind, audio: LiveAudio(samples: [Float](repeating: 0, count: 160), startMs: start, endMs: start + 10, streamMs: start + 10), item: start)
        }
        queue.submit(job(.partial, 1))
        queue.submit(job(.partial, 2))
        #expect(skipped.value == 1)
        queue.submit(job(.final, 3))
        #expect(skipped.value == 2)
        queue.submit(job(.partial, 4))
        queue.submit(job(.final, 5))
        #expect(skipped.value == 3)
        #expect(queue.pendingSamples == 320)
        queue.submit(job(.partial, 6))
        queue.finish()
        #expect(skipped.value == 4)
        var order: [Int] = []
        while let next = await queue.next() { order.append(next.item) }
        #expect(order == [3, 5])
    }
}
