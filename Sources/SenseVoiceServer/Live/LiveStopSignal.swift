// A running live partial's "give your core back" flag, raised by the scheduler for a final.

import Synchronization

/// Raised by ``LiveScheduler`` when a final (or early final) needs the slot a running partial holds;
/// the partial's recognition asks it between encoder layers and stops, and the partial counts as
/// skipped. Raised at most once; never lowered.
final class LiveStopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    init() {}

    /// Whether the recognition holding this signal should stop.
    var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Asks the recognition to stop.
    func raise() { raised.store(true, ordering: .relaxed) }
}
