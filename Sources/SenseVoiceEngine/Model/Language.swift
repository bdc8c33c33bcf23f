// Follows funasr/models/sense_voice/model.py: lid_dict and textnorm_dict (prompt embedding rows).

/// The language prompt: automatic identification or a forced language.
public enum Language: String, Sendable, CaseIterable, Codable {
    case auto, zh, en, yue, ja, ko

    /// Row of `embed.weight` used as the language prompt (spec §3.2).
    public var promptRow: Int {
        switch self {
        case .auto: 0
        case .zh: 3
        case .en: 4
        case .yue: 7
        case .ja: 11
        case .ko: 12
        }
    }

    /// Parses a user-supplied language code (case-insensitive, surrounding spaces ignored).
    /// - Throws: `SenseVoiceError(.unknownLanguage)` for anything else — never falls back to auto.
    public init(parsing text: String) throws {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let lang = Language(rawValue: key) else {
            let choices = Language.allCases.map(\.rawValue).joined(separator: ", ")
            throw SenseVoiceError(.unknownLanguage, "unknown language '\(text)': use one of \(choices)")
        }
        self = lang
    }
}

/// Rows of `embed.weight` for the fixed prompts.
public enum PromptRow {
    /// Emotion output slot (frame 1).
    public static let emotion = 1
    /// Event output slot (frame 2).
    public static let event = 2
    /// Text normalisation: inverse text normalisation on (punctuation, digits).
    public static let withITN = 14
    /// Text normalisation off.
    public static let withoutITN = 15
}

import Foundation
