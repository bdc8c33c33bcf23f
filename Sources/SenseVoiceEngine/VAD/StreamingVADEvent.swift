// What FunASR's online FSMN-VAD returns per call: [beg, -1], [-1, end] or [beg, end] (ms).

/// One boundary reported by ``StreamingVAD``, in ms from the start of the stream.
public enum StreamingVADEvent: Sendable, Equatable, Hashable {
    /// Speech started at `ms` (FunASR `[beg, -1]`); its end comes in a later call.
    case start(ms: Int)
    /// The speech that started earlier ended at `ms` (FunASR `[-1, end]`).
    case end(ms: Int)
    /// A whole segment found within one call (FunASR `[beg, end]`).
    case segment(startMs: Int, endMs: Int)

    /// FunASR's pair: `[beg, -1]`, `[-1, end]` or `[beg, end]`.
    public var value: [Int] {
        switch self {
        case .start(let ms): [ms, -1]
        case .end(let ms): [-1, ms]
        case .segment(let s, let e): [s, e]
        }
    }

    /// The event of FunASR's pair, or nil for a pair that is neither.
    public init?(value: [Int]) {
        guard value.count == 2 else { return nil }
        switch (value[0], value[1]) {
        case (-1, -1): return nil
        case (let s, -1) where s >= 0: self = .start(ms: s)
        case (-1, let e) where e >= 0: self = .end(ms: e)
        case (let s, let e) where s >= 0 && e >= s: self = .segment(startMs: s, endMs: e)
        default: return nil
        }
    }
}
