// Follows spec §3.4 (tags parsed by pattern) and §8.2 "Recommended" — funasr/auto/auto_model.py:
// _join_vad_texts (strip `<\|[^|]*\|>` per segment, join with spaces except between CJK).

/// Reading the `<|…|>` tags of raw SenseVoice output and removing them.
public enum TranscriptTags {
    /// The language tag names SenseVoice emits (`nospeech` for no speech).
    public static let languages: [String] = ["zh", "en", "yue", "ja", "ko", "nospeech"]

    /// Whether `piece` is a whole `<|…|>` tag.
    static func isTag(_ piece: String) -> Bool {
        piece.hasPrefix("<|") && piece.hasSuffix("|>") && piece.utf8.count >= 4
    }

    /// The name inside a `<|…|>` tag (`<|BGM|>` → `BGM`); other text is returned unchanged.
    static func tagName(_ tag: String) -> String {
        isTag(tag) ? String(tag.dropFirst(2).dropLast(2)) : tag
    }

    /// Reads language, emotion, events and text normalisation from raw output, by pattern.
    ///
    /// Every `<|name|>` anywhere in the text is examined, not just the first four tokens, so
    /// missing tags, repeated tags and tags in the middle of the text are all fine: the first
    /// language, emotion and text-norm tag win, events are collected once each in order of
    /// appearance. Unknown tags (closing tags such as `<|/Speech|>`, unnamed vocabulary entries)
    /// are ignored but removed from the text.
    ///
    /// - Parameter raw: e.g. `<|en|><|HAPPY|><|Speech|><|withitn|>Hello world.`
    /// - Returns: e.g. language `en`, emotion `.happy`, events `[.speech]`, itn `true`,
    ///   text `Hello world.`
    public static func parse(_ raw: String) -> ParsedTranscript {
        let scalars = ScalarText.scalars(raw)
        var result = ParsedTranscript(text: "")
        for range in ScalarText.tagRanges(scalars) {
            let name = ScalarText.string(scalars[(range.lowerBound + 2)..<(range.upperBound - 2)])
            if languages.contains(name) {
                if result.language == nil { result.language = name }
            } else if let emotion = Emotion(rawValue: name) {
                if result.emotion == nil { result.emotion = emotion }
            } else if let event = AudioEvent(rawValue: name) {
                if !result.events.contains(event) { result.events.append(event) }
            } else if name == "withitn" || name == "woitn" {
                if result.itn == nil { result.itn = name == "withitn" }
            }
        }
        result.text = strip(raw)
        return result
    }

    /// Removes every `<|…|>` tag (the regular expression `<\|[^|]*\|>`) and trims whitespace.
    ///
    /// - Parameter raw: raw model output.
    /// - Returns: the clean text.
    public static func strip(_ raw: String) -> String {
        let clean = ScalarText.removingTags(ScalarText.scalars(raw))
        return ScalarText.string(ScalarText.strip(clean[...]))
    }

    /// Joins the raw texts of several segments into one clean text (spec §8.2, "Recommended").
    ///
    /// Each segment loses its tags and surrounding whitespace; empty segments are dropped; the
    /// rest are joined with one space, except that no space goes between two segments when the
    /// first ends and the second starts with a CJK ideograph (U+3400–U+9FFF). This is FunASR's
    /// `_join_vad_texts`, not SenseVoice `api.py`'s greedy `<\|.*\|>`, which would delete
    /// everything between the first and the last tag of a multi-segment text.
    ///
    /// - Parameter segments: raw segment texts in time order.
    /// - Returns: e.g. `["<|zh|>…你好", "<|zh|>…世界", "<|en|>…OK"]` → `你好世界 OK`.
    public static func cleanJoin(_ segments: [String]) -> String {
        var out: [Unicode.Scalar] = []
        for segment in segments {
            let clean = ScalarText.strip(ScalarText.removingTags(ScalarText.scalars(segment))[...])
            guard let first = clean.first else { continue }
            if let last = out.last, !(isCJK(last) && isCJK(first)) {
                out.append(" ")
            }
            out.append(contentsOf: clean)
        }
        return ScalarText.string(out)
    }

    /// U+3400–U+9FFF: CJK Unified Ideographs and Extension A.
    private static func isCJK(_ s: Unicode.Scalar) -> Bool {
        (0x3400...0x9FFF).contains(s.value)
    }
}
