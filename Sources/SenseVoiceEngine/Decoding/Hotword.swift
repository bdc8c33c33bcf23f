// Hotwords for context biasing (issue #16): phrases with an optional per-token score, parsed from
// `a,b:2.5` lists and one-per-line files, and checked against the limits every route shares.

internal import Foundation

/// A phrase the beam search should favour, with its own score or the request's default.
public struct Hotword: Sendable, Equatable, Codable, Hashable {
    /// The phrase as the user wrote it (trimmed).
    public var phrase: String
    /// Bonus per matched token (log-probability units); `nil` takes ``BeamSearchOptions/hotwordScore``.
    public var score: Double?

    public init(phrase: String, score: Double? = nil) {
        self.phrase = phrase
        self.score = score
    }

    /// Most hotwords one request may carry.
    public static let maxCount = 2_000
    /// Longest phrase, in characters.
    public static let maxCharacters = 100
    /// Longest phrase, in tokens.
    public static let maxTokens = 64
    /// Allowed per-token scores (default and per phrase).
    public static let scoreRange: ClosedRange<Double> = 0...20

    /// Parses hotwords from a comma-separated list (`"a,b:2.5,c"`) or, with `separator` `"\n"`, a
    /// file with one phrase per line. A phrase may end in `:score` (a number); empty entries and
    /// blank lines are skipped; `\r` line ends are accepted.
    /// - Throws: `SenseVoiceError(.invalidOption)` for a score that is not a number in
    ///   ``scoreRange``, a phrase longer than ``maxCharacters``, or more than ``maxCount`` phrases.
    public static func parse(_ text: String, separator: Character = ",") throws -> [Hotword] {
        var out: [Hotword] = []
        // "\r\n" is one Character, so lines are split on any newline.
        let items = separator == "\n" ? text.split(whereSeparator: \.isNewline) : text.split(separator: separator)
        for raw in items {
            var item = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !item.isEmpty else { continue }
            var score: Double?
            if let colon = item.lastIndex(of: ":") {
                let tail = item[item.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if let value = Double(tail) {
                    score = value
                    item = item[..<colon].trimmingCharacters(in: .whitespaces)
                } else if !tail.isEmpty, tail.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }) {
                    throw SenseVoiceError(.invalidOption, "hotword \"\(item)\" has a score \"\(tail)\" that is not a number")
                }
            }
            guard !item.isEmpty else {
                throw SenseVoiceError(.invalidOption, "hotword entry \"\(raw)\" has a score but no phrase")
            }
            out.append(Hotword(phrase: item, score: score))
        }
        try validate(out)
        return out
    }

    /// Parses a request field: one phrase per line when the text has line breaks, else a
    /// comma-separated list (``parse(_:separator:)``).
    public static func parse(field text: String) throws -> [Hotword] {
        try parse(text, separator: text.contains(where: \.isNewline) ? "\n" : ",")
    }

    /// Checks count, phrase lengths and scores against the limits.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the first problem.
    public static func validate(_ hotwords: [Hotword], defaultScore: Double? = nil) throws {
        guard hotwords.count <= maxCount else {
            throw SenseVoiceError(.invalidOption, "\(hotwords.count) hotwords given; at most \(maxCount) are allowed")
        }
        if let defaultScore { try checkScore(defaultScore, what: "hotword score") }
        for h in hotwords {
            let phrase = h.phrase.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !phrase.isEmpty else { throw SenseVoiceError(.invalidOption, "a hotword is empty") }
            guard phrase.count <= maxCharacters else {
                throw SenseVoiceError(.invalidOption, "hotword \"\(phrase.prefix(40))…\" has \(phrase.count) characters; at most \(maxCharacters) are allowed")
            }
            if let s = h.score { try checkScore(s, what: "score of hotword \"\(phrase)\"") }
        }
    }

    private static func checkScore(_ s: Double, what: String) throws {
        guard s.isFinite, scoreRange.contains(s) else {
            throw SenseVoiceError(.invalidOption, "\(what) \(s) is outside \(scoreRange.lowerBound)…\(scoreRange.upperBound)")
        }
    }
}
