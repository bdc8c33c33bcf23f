// Follows funasr/utils/postprocess_utils.py: rich_transcription_postprocess (with format_str_v2)
// — spec §8.1.

/// FunASR's "rich transcription" rendering of SenseVoice output: tags become emoji.
///
/// The language, text-norm and neutral/unknown tags disappear; events become a glyph in front of
/// their segment (🎼 👏 😀 😭 🤧) and the dominant emotion a glyph at its end (😊 😔 😡 😰 🤢 😮);
/// segments are glued without separators and repeated glyphs at segment joins are merged.
/// `<|nospeech|><|Event_UNK|>` becomes ❓.
public enum RichTranscription {
    /// Applies FunASR's `rich_transcription_postprocess` to raw model output, code point for code
    /// point.
    ///
    /// Algorithm (Python `str` semantics on Unicode scalars):
    /// 1. `<|nospeech|><|Event_UNK|>` → ❓; each language tag (`zh en yue ja ko nospeech`) marks
    ///    the start of a segment; the text is split there.
    /// 2. Per segment: count and delete each known tag in FunASR's order; the dominant emotion is
    ///    the first of HAPPY SAD ANGRY NEUTRAL FEARFUL DISGUSTED SURPRISED with a strictly larger
    ///    count than the current choice (starting at NEUTRAL); each present event of
    ///    BGM Speech Applause Laughter Cry Sneeze Breath Cough is *prepended* (so the later one is
    ///    leftmost); the emotion glyph is appended; one space on each side of every glyph is
    ///    removed; whitespace is stripped.
    /// 3. Segments are glued: a segment's leading event glyph is dropped when it repeats the
    ///    previous segment's, and the previous emotion glyph is dropped when the segment ends with
    ///    the same one.
    /// 4. Every `The.` becomes a space; whitespace is stripped.
    ///
    /// - Parameter raw: model output with tags, one segment or several joined with spaces, e.g.
    ///   `<|en|><|HAPPY|><|Speech|><|withitn|>Hello world.`
    /// - Returns: e.g. `Hello world.😊`
    public static func postprocess(_ raw: String) -> String {
        let out = process(raw, rendering: .emoji)
        var result = String.UnicodeScalarView()
        for element in out {
            if case .scalar(let s) = element { result.append(s) }
        }
        return String(result)
    }

    // MARK: - Shared core (also drives ReadableLabels)

    /// One unit of the text being post-processed: a code point, or (for label rendering) a
    /// placeholder that is rendered later.
    enum Element: Hashable, Sendable {
        case scalar(Unicode.Scalar)
        case emotion(Emotion)
        case event(AudioEvent)
        /// `<|nospeech|><|Event_UNK|>` when not rendered as ❓.
        case noSpeech
    }

    /// How tags turn into elements and which elements count as event / emotion glyphs.
    struct Rendering: Sendable {
        /// What replaces `<|nospeech|><|Event_UNK|>`.
        let noSpeech: [Element]
        /// What an event tag becomes (empty for none).
        let event: @Sendable (AudioEvent) -> [Element]
        /// What the dominant emotion becomes (empty for none).
        let emotion: @Sendable (Emotion) -> [Element]
        /// The elements that are "emotion glyphs" (FunASR's `emo_set`).
        let emotionGlyphs: Set<Element>
        /// The elements that are "event glyphs" (FunASR's `event_set`).
        let eventGlyphs: Set<Element>
        /// Every glyph in a fixed order, for the space-removal pass (the result does not depend on
        /// the order: each glyph removes at most one space on each side — Python iterates a set).
        let orderedGlyphs: [Element]

        init(noSpeech: [Element], event: @escaping @Sendable (AudioEvent) -> [Element],
             emotion: @escaping @Sendable (Emotion) -> [Element],
             emotionGlyphs: Set<Element>, eventGlyphs: Set<Element>) {
            self.noSpeech = noSpeech
            self.event = event
            self.emotion = emotion
            self.emotionGlyphs = emotionGlyphs
            self.eventGlyphs = eventGlyphs
            self.orderedGlyphs = emotionGlyphs.union(eventGlyphs).sorted { String(describing: $0) < String(describing: $1) }
        }

        /// FunASR's own rendering: glyphs are ordinary code points, so glyphs already present in
        /// the text are treated like generated ones, exactly as in Python.
        static let emoji: Rendering = {
            let emo: Set<Element> = Set(["\u{1F60A}", "\u{1F614}", "\u{1F621}", "\u{1F630}", "\u{1F922}", "\u{1F62E}"]
                .map { Element.scalar($0) })
            let events: Set<Element> = Set(["\u{1F3BC}", "\u{1F44F}", "\u{1F600}", "\u{1F62D}", "\u{1F927}", "\u{1F637}"]
                .map { Element.scalar($0) })
            return Rendering(
                noSpeech: [.scalar("\u{2753}")],
                event: { e in e.emoji.map { $0.unicodeScalars.map(Element.scalar) } ?? [] },
                emotion: { e in e.emoji.map { $0.unicodeScalars.map(Element.scalar) } ?? [] },
                emotionGlyphs: emo, eventGlyphs: events)
        }()
    }

    /// The tags `format_str_v2` counts and deletes, in FunASR's order (`emoji_dict`).
    static let removableTags: [String] = [
        "<|nospeech|><|Event_UNK|>", "<|zh|>", "<|en|>", "<|yue|>", "<|ja|>", "<|ko|>", "<|nospeech|>",
        "<|HAPPY|>", "<|SAD|>", "<|ANGRY|>", "<|NEUTRAL|>", "<|BGM|>", "<|Speech|>", "<|Applause|>",
        "<|Laughter|>", "<|FEARFUL|>", "<|DISGUSTED|>", "<|SURPRISED|>", "<|Cry|>", "<|EMO_UNKNOWN|>",
        "<|Sneeze|>", "<|Breath|>", "<|Cough|>", "<|Sing|>", "<|Speech_Noise|>", "<|withitn|>",
        "<|woitn|>", "<|GBG|>", "<|Event_UNK|>",
    ]
    /// Emotions in the order the dominant one is chosen (`emo_dict`).
    static let emotionOrder: [Emotion] = [.happy, .sad, .angry, .neutral, .fearful, .disgusted, .surprised]
    /// Events in the order they are prepended (`event_dict`).
    static let eventOrder: [AudioEvent] = [.bgm, .speech, .applause, .laughter, .cry, .sneeze, .breath, .cough]
    /// The language tags that start a segment (`lang_dict`).
    static let languageTags: [String] = ["<|zh|>", "<|en|>", "<|yue|>", "<|ja|>", "<|ko|>", "<|nospeech|>"]

    private static func elements(_ s: String) -> [Element] { s.unicodeScalars.map(Element.scalar) }
    private static let removable: [[Element]] = removableTags.map(elements)
    private static let languageMarks: [[Element]] = languageTags.map(elements)
    private static let langMarker: [Element] = elements("<|lang|>")
    private static let noSpeechTag: [Element] = elements("<|nospeech|><|Event_UNK|>")
    private static let space = Element.scalar(" ")
    private static let theDot: [Element] = elements("The.")

    /// Runs the whole algorithm and returns the elements of the result.
    static func process(_ raw: String, rendering: Rendering) -> [Element] {
        var s = elements(raw)
        s.replaceOccurrences(of: noSpeechTag, with: rendering.noSpeech)
        for lang in languageMarks { s.replaceOccurrences(of: lang, with: langMarker) }
        let segments = s.split(bySequence: langMarker).map {
            stripSpaces(formatSegment(Array($0), rendering: rendering)[...])
        }

        var out: [Element] = [space] + segments[0]
        var currentEvent: Element? = nil  // the first element of " " + P0 is never an event glyph
        for var piece in segments.dropFirst() {
            if piece.isEmpty { continue }
            if let first = piece.first, rendering.eventGlyphs.contains(first), first == currentEvent {
                piece = piece.dropFirst()
                if piece.isEmpty { continue }
            }
            currentEvent = piece.first.flatMap { rendering.eventGlyphs.contains($0) ? $0 : nil }
            if let last = piece.last, rendering.emotionGlyphs.contains(last), out.last == last {
                out.removeLast()
            }
            out.append(contentsOf: strip(piece))
        }
        out.replaceOccurrences(of: theDot, with: [space])
        return Array(strip(out[...]))
    }

    /// `format_str_v2`: tags → glyphs for one segment.
    private static func formatSegment(_ segment: [Element], rendering: Rendering) -> [Element] {
        var s = segment
        var counts: [String: Int] = [:]
        for (i, tag) in removable.enumerated() {
            counts[removableTags[i]] = s.replaceOccurrences(of: tag, with: [])
        }
        var dominant = Emotion.neutral
        for e in emotionOrder where counts[e.tag, default: 0] > counts[dominant.tag, default: 0] {
            dominant = e
        }
        for e in eventOrder where counts[e.tag, default: 0] > 0 {
            s.insert(contentsOf: rendering.event(e), at: 0)
        }
        s.append(contentsOf: rendering.emotion(dominant))
        for glyph in rendering.orderedGlyphs {
            s.replaceOccurrences(of: [space, glyph], with: [glyph])
            s.replaceOccurrences(of: [glyph, space], with: [glyph])
        }
        return Array(strip(s[...]))
    }

    /// Python `strip()`: Unicode whitespace at both ends.
    static func strip(_ s: ArraySlice<Element>) -> ArraySlice<Element> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi, case .scalar(let c) = s[lo], ScalarText.isWhitespace(c) { lo += 1 }
        while hi > lo, case .scalar(let c) = s[hi - 1], ScalarText.isWhitespace(c) { hi -= 1 }
        return s[lo..<hi]
    }

    /// Python `strip(" ")`: ASCII spaces only.
    private static func stripSpaces(_ s: ArraySlice<Element>) -> ArraySlice<Element> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi && s[lo] == space { lo += 1 }
        while hi > lo && s[hi - 1] == space { hi -= 1 }
        return s[lo..<hi]
    }
}
