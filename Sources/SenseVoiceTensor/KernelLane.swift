// KernelLane: one helper thread of `Parallel` and its spinning hand-off.

import CKernels
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One helper thread: runs `work` each time one is posted, then marks it finished.
///
/// `posted` / `finished` count work items. The helper spins on `posted` for a while, then sets
/// `sleeping` and blocks on `start`; a poster that takes `sleeping` back (exchange to false)
/// signals `start`. Both sides use sequentially consistent operations on `posted` and `sleeping`,
/// so either the helper sees the new item before blocking or the poster sees it asleep.
final class KernelLane: Sendable {
    let start = DispatchSemaphore(value: 0)
    let posted = Atomic<UInt64>(0)
    let finished = Atomic<UInt64>(0)
    let sleeping = Atomic<Bool>(false)
    /// The item to run: set by the claiming caller before `posted` is incremented, taken by the
    /// helper after it sees the increment, cleared by the caller once `finished` has caught up.
    /// The lock is never contended (the counters already order the accesses); it costs tens of
    /// nanoseconds per region and keeps the closure's hand-over checked by the compiler.
    let work = Mutex<(@Sendable () -> Void)?>(nil)

    /// Pause iterations a helper spins for new work before it sleeps (≈ 50–100 µs).
    static let idleSpins = 20_000

    /// Hands `work` to the helper (the caller holds the lanes; one item at a time).
    func post(_ item: @escaping @Sendable () -> Void) {
        work.withLock { $0 = item }
        posted.add(1, ordering: .sequentiallyConsistent)
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { start.signal() }
    }

    /// Spins (then yields) until the helper has finished everything posted, and clears `work`.
    func waitUntilFinished() {
        let target = posted.load(ordering: .relaxed)
        var spins = 0
        while finished.load(ordering: .acquiring) != target {
            spins += 1
            if spins < 100_000 { svk_spin_pause() } else { sched_yield() }
        }
        work.withLock { $0 = nil }
    }

    /// The helper thread's loop.
    func serve() -> Never {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            while posted.load(ordering: .acquiring) == seen {
                if spins < KernelLane.idleSpins {
                    spins += 1
                    svk_spin_pause()
                    continue
                }
                sleeping.store(true, ordering: .sequentiallyConsistent)
                if posted.load(ordering: .sequentiallyConsistent) != seen,
                   sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    break                   // the item came in time: not asleep, no signal owed
                }
                start.wait()                // the poster took `sleeping` and signals
                break
            }
            seen += 1
            work.withLock { $0 }?()
            finished.store(seen, ordering: .releasing)
        }
    }
}
