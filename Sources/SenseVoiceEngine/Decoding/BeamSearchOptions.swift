// Per-request settings of CTC prefix beam search and its hotword biasing (issue #16).

/// How a request decodes with beam search instead of greedy CTC.
public struct BeamSearchOptions: Sendable, Equatable, Codable {
    /// Default beam width (`--beam-size`).
    public static let defaultBeamSize = 8
    /// Largest beam width accepted.
    public static let maxBeamSize = 64
    /// Default bonus per matched hotword token (`--hotword-score`; see docs/decisions.md).
    public static let defaultHotwordScore = 1.5

    /// Prefixes kept per frame, and tokens tried per frame (plus blank).
    public var beamSize: Int
    /// Phrases to favour; empty: plain beam search.
    public var hotwords: [Hotword]
    /// Bonus per matched token for hotwords without their own score.
    public var hotwordScore: Double

    public init(beamSize: Int = BeamSearchOptions.defaultBeamSize, hotwords: [Hotword] = [],
                hotwordScore: Double = BeamSearchOptions.defaultHotwordScore) {
        self.beamSize = beamSize
        self.hotwords = hotwords
        self.hotwordScore = hotwordScore
    }

    /// Checks the beam width and the hotwords against their limits.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the problem.
    public func validate() throws {
        guard (1...Self.maxBeamSize).contains(beamSize) else {
            throw SenseVoiceError(.invalidOption, "beam size \(beamSize) is outside 1…\(Self.maxBeamSize)")
        }
        try Hotword.validate(hotwords, defaultScore: hotwordScore)
    }
}
