// Follows funasr/utils/postprocess_utils.py (emo_dict, event_dict, emoji_dict): the glyph of every
// shown emotion and event tag (spec §8.1), with this project's readable labels next to it.

/// How a shown tag is drawn: FunASR's glyph and a readable label in English and Chinese.
public struct TagMarks: Sendable, Hashable {
    /// FunASR's glyph (🤧 for both sneeze and cough, as FunASR's table says).
    public let emoji: String
    /// The English label word (`laughter`), written `[laughter]`.
    public let english: String
    /// The Chinese label (`笑声`), written `(笑声)`.
    public let chinese: String

    /// The label in a style: `[laughter]` or `(笑声)`.
    public func label(_ style: ReadableLabels.Style) -> String {
        switch style {
        case .english: "[\(english)]"
        case .chinese: "(\(chinese))"
        }
    }

    /// Every shown emotion and event, keyed by tag name. A tag that is not listed (neutral, other
    /// and unknown emotions; speech, breath, singing, noise, unknown and garbage events) renders
    /// nothing.
    public static let table: [String: TagMarks] = [
        // Emotions: 😊 😔 😡 😰 🤢 😮.
        "HAPPY": TagMarks(emoji: "\u{1F60A}", english: "happy", chinese: "开心"),
        "SAD": TagMarks(emoji: "\u{1F614}", english: "sad", chinese: "伤心"),
        "ANGRY": TagMarks(emoji: "\u{1F621}", english: "angry", chinese: "生气"),
        "FEARFUL": TagMarks(emoji: "\u{1F630}", english: "fearful", chinese: "恐惧"),
        "DISGUSTED": TagMarks(emoji: "\u{1F922}", english: "disgusted", chinese: "厌恶"),
        "SURPRISED": TagMarks(emoji: "\u{1F62E}", english: "surprised", chinese: "惊讶"),
        // Events: 🎼 👏 😀 😭 🤧 🤧.
        "BGM": TagMarks(emoji: "\u{1F3BC}", english: "music", chinese: "背景音乐"),
        "Applause": TagMarks(emoji: "\u{1F44F}", english: "applause", chinese: "掌声"),
        "Laughter": TagMarks(emoji: "\u{1F600}", english: "laughter", chinese: "笑声"),
        "Cry": TagMarks(emoji: "\u{1F62D}", english: "crying", chinese: "哭声"),
        "Sneeze": TagMarks(emoji: "\u{1F927}", english: "sneeze", chinese: "喷嚏"),
        "Cough": TagMarks(emoji: "\u{1F927}", english: "cough", chinese: "咳嗽"),
    ]
}
