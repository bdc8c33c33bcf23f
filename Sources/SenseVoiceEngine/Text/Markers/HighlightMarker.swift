// One moment an editor may want to cut to: an audio event or a non-neutral emotion, with its segment's times.

/// An emotion or audio event of one segment, placed at that segment's start and end.
public struct HighlightMarker: Sendable, Equatable {
    /// Which tag family the marker comes from.
    public enum Kind: String, Sendable {
        case event, emotion
    }

    public var startMs: Int
    public var endMs: Int
    public var kind: Kind
    /// The JSON name of the tag (`laughter`, `angry`).
    public var name: String
    /// The readable word in the chosen label language (`laughter` / `笑声`; the JSON name for tags
    /// without a label).
    public var label: String
    /// The segment's clean text.
    public var text: String

    /// The markers of a result, in time order; within one segment its events come first (in the
    /// model's order), then its emotion, as FunASR's rich text places them.
    public static func list(in result: TranscriptionResult, options: HighlightOptions,
                            labels: ReadableLabels.Style) -> [HighlightMarker] {
        var out: [HighlightMarker] = []
        for segment in result.segments.sorted(by: { ($0.startMs, $0.endMs) < ($1.startMs, $1.endMs) }) {
            func add(_ kind: Kind, _ tag: some TranscriptTag) {
                let marks = TagMarks.table[tag.rawValue]
                let word = marks.map { labels == .chinese ? $0.chinese : $0.english } ?? tag.jsonName
                out.append(HighlightMarker(startMs: segment.startMs, endMs: max(segment.endMs, segment.startMs), kind: kind,
                                           name: tag.jsonName, label: word, text: segment.text))
            }
            var seen = Set<AudioEvent>()
            for name in segment.events {
                guard let event = AudioEvent(jsonName: name), options.keeps(event), seen.insert(event).inserted else { continue }
                add(.event, event)
            }
            if let name = segment.emotion, let emotion = Emotion(jsonName: name), options.keeps(emotion) {
                add(.emotion, emotion)
            }
        }
        return out
    }
}
