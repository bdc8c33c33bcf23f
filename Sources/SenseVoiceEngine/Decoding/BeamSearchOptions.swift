// Per-request settings of CTC prefix beam search and its hotword biasing (issue #16).

internal import Foundation

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

extension BeamSearchOptions {
    /// The decoding modes a request may name.
    public static let modes = ["greedy", "beam"]

    /// The beam-search options a request's fields describe, or `nil` for greedy decoding — the one
    /// reading of `decoding`, `beam_size`, `hotwords` and `hotword_score` that the CLI and every
    /// HTTP route share.
    ///
    /// Without `decoding`, beam search is chosen when hotwords or a beam size are given, so a
    /// request that only names hotwords is biased.
    /// - Parameters:
    ///   - decoding: `greedy`, `beam`, or `nil`/empty.
    ///   - beamSize: the beam width, or `nil` for ``defaultBeamSize``.
    ///   - hotwords: the phrases (``Hotword/parse(_:separator:)``).
    ///   - hotwordScore: the default per-token bonus, or `nil` for ``defaultHotwordScore``.
    /// - Throws: `SenseVoiceError(.invalidOption)` for an unknown mode, hotwords or a beam size
    ///   with greedy decoding, and values outside their limits.
    public static func resolve(decoding: String?, beamSize: Int?, hotwords: [Hotword], hotwordScore: Double?) throws -> BeamSearchOptions? {
        let mode = decoding?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard mode.isEmpty || modes.contains(mode) else {
            throw SenseVoiceError(.invalidOption, "decoding '\(mode.prefix(40))' is not supported; use greedy or beam")
        }
        if mode == "greedy" {
            guard hotwords.isEmpty else {
                throw SenseVoiceError(.invalidOption, "hotwords need beam decoding; drop decoding=greedy (hotwords choose beam search)")
            }
            guard beamSize == nil else { throw SenseVoiceError(.invalidOption, "a beam size needs decoding=beam") }
            return nil
        }
        if mode.isEmpty && hotwords.isEmpty && beamSize == nil { return nil }
        let options = BeamSearchOptions(beamSize: beamSize ?? defaultBeamSize, hotwords: hotwords,
                                        hotwordScore: hotwordScore ?? defaultHotwordScore)
        try options.validate()
        return options
    }
}
