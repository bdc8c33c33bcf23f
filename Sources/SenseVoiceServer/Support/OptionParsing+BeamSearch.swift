// Request fields → beam search and hotwords (issue #16), shared by the REST, jobs and OpenAI routes.

import SenseVoiceEngine

extension OptionParsing {
    /// `decoding` (greedy|beam), `beam_size`, `hotwords` (comma-separated, or one per line; each
    /// may end in `:score`) and `hotword_score`; `nil` for greedy decoding. `extra` phrases (a
    /// realtime session's `keywords`) join the hotwords.
    /// - Throws: `SenseVoiceError(.invalidOption)` (answered with 400) for values that are not
    ///   numbers or are outside their limits.
    static func beamSearch(_ value: (String) -> String?, adding extra: [Hotword] = []) throws -> BeamSearchOptions? {
        let hotwords = try (value("hotwords").map { try Hotword.parse(field: $0) } ?? []) + extra
        return try BeamSearchOptions.resolve(decoding: value("decoding"), beamSize: try number(value, "beam_size", Int.init),
                                             hotwords: hotwords, hotwordScore: try number(value, "hotword_score", Double.init))
    }

    /// A numeric field; `nil` when absent or empty.
    static func number<T>(_ value: (String) -> String?, _ name: String, _ parse: (String) -> T?) throws -> T? {
        guard let raw = value(name)?.trimmingSpaces, !raw.isEmpty else { return nil }
        guard let parsed = parse(raw) else {
            throw SenseVoiceError(.invalidOption, "\(name) must be a number, not '\(raw.prefix(40))'")
        }
        return parsed
    }
}
