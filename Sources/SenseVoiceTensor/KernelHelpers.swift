// KernelHelpers: the long-lived helper threads `Parallel` hands row ranges to.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The helper threads of `Parallel`, started on first use (one fewer than the online CPUs, at most 15).
///
/// They are the only process-wide part of the threading: how many of them a pass uses is the
/// caller's thread budget, passed to every call.
final class KernelHelpers: Sendable {
    static let shared = KernelHelpers()

    let lanes: [KernelLane]
    private let claimed = Mutex(false)

    private init() {
        let cpus = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        lanes = (0..<min(15, cpus - 1)).map { _ in KernelLane() }
        for lane in lanes {
            var thread = pthread_t()
            let context = Unmanaged.passRetained(lane).toOpaque()
            if pthread_create(&thread, nil, { arg in
                Unmanaged<KernelLane>.fromOpaque(arg!).takeUnretainedValue().serve()
            }, context) == 0 {
                pthread_detach(thread)
            }
        }
    }

    /// Takes every helper for one pass; false when another caller has them.
    func claim() -> Bool {
        claimed.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
    }

    func release() {
        claimed.withLock { $0 = false }
    }
}
