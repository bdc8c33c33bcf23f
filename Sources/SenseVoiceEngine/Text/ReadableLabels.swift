// Follows funasr/utils/postprocess_utils.py: rich_transcription_postprocess (placement and merging
// of event / emotion marks, spec §8.1), rendering words instead of emoji.

/// Renders raw SenseVoice output with human-readable labels instead of emoji.
///
/// Placement is exactly that of ``RichTranscription/postprocess(_:)``: events in front of their
/// segment, the dominant emotion at its end, segments glued, repeated marks at segment joins
/// merged, `The.` dropped. Only the marks differ, and sneeze and cough stay distinct (FunASR
/// draws both as 🤧). Emoji already present in the text are kept as text.
///
/// | mark | `.chinese` | `.english` |
/// |---|---|---|
/// | happy / sad / angry | (开心) (伤心) (生气) | [happy] [sad] [angry] |
/// | fearful / disgusted / surprised | (恐惧) (厌恶) (惊讶) | [fearful] [disgusted] [surprised] |
/// | background music / applause / laughter | (背景音乐) (掌声) (笑声) | [music] [applause] [laughter] |
/// | cry / sneeze / cough | (哭声) (喷嚏) (咳嗽) | [crying] [sneeze] [cough] |
/// | no speech (nospeech + Event_UNK tags, FunASR's ❓) | (无语音) | [no speech] |
///
/// Neutral and unknown emotions and the speech, breath, singing, noise events render nothing.
public enum ReadableLabels {
    /// The label language and punctuation.
    public enum Style: String, Sendable, Hashable, CaseIterable, Codable {
        /// Chinese labels in ASCII parentheses, glued to the text: `(笑声)你好(开心)`.
        case chinese
        /// English labels in brackets, one space from the text: `[laughter] Hello world. [happy]`.
        case english
    }

    /// Renders raw model output with labels.
    ///
    /// - Parameters:
    ///   - raw: model output with tags, one segment or several joined with spaces.
    ///   - style: ``Style/chinese`` or ``Style/english``.
    /// - Returns: e.g. `[laughter] Hello world. [happy]` or `(笑声)你好(开心)`.
    public static func render(_ raw: String, style: Style) -> String {
        let elements = RichTranscription.process(raw, rendering: rendering)
        var out = String.UnicodeScalarView()
        var previous: RichTranscription.Element? = nil
        for element in elements {
            if style == .english, let previous, isMark(previous) || isMark(element),
               !isWhitespace(previous), !isWhitespace(element) {
                out.append(" ")
            }
            switch element {
            case .scalar(let s): out.append(s)
            case .emotion(let e): out.append(contentsOf: (label(for: e, style: style) ?? "").unicodeScalars)
            case .event(let e): out.append(contentsOf: (label(for: e, style: style) ?? "").unicodeScalars)
            case .noSpeech: out.append(contentsOf: noSpeechLabel(style).unicodeScalars)
            }
            previous = element
        }
        return String(out)
    }

    /// The label of an emotion or event, or `nil` for tags that are not shown (neutral, other and
    /// unknown emotions; speech, breath, sing, speech noise, unknown and garbage events).
    public static func label(for tag: some TranscriptTag, style: Style) -> String? {
        tag.label(style)
    }

    /// The label for "no speech" (`<|nospeech|><|Event_UNK|>`).
    public static func noSpeechLabel(_ style: Style) -> String {
        style == .chinese ? "(无语音)" : "[no speech]"
    }

    // MARK: - Private

    /// Marks are placeholders; only shown emotions and events become marks, so placement matches
    /// the emoji rendering exactly.
    private static let rendering: RichTranscription.Rendering = {
        let shownEmotions = Emotion.allCases.filter { label(for: $0, style: .english) != nil }
        let shownEvents = AudioEvent.allCases.filter { label(for: $0, style: .english) != nil }
        return RichTranscription.Rendering(
            noSpeech: [.noSpeech],
            event: { e in label(for: e, style: .english) == nil ? [] : [.event(e)] },
            emotion: { e in label(for: e, style: .english) == nil ? [] : [.emotion(e)] },
            emotionGlyphs: Set(shownEmotions.map { .emotion($0) }),
            eventGlyphs: Set(shownEvents.map { .event($0) }))
    }()

    private static func isMark(_ e: RichTranscription.Element) -> Bool {
        if case .scalar = e { return false }
        return true
    }

    private static func isWhitespace(_ e: RichTranscription.Element) -> Bool {
        if case .scalar(let s) = e { return ScalarText.isWhitespace(s) }
        return false
    }
}
