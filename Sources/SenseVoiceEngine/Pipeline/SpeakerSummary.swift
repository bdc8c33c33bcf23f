// Per-speaker totals of one file: talk time, share, emotions and events (the `speakers` list of a result).

/// What one speaker of a file said, in totals: for call review (who was angry) and meetings (who talked).
public struct SpeakerSummary: Sendable, Equatable, Codable {
    /// The speaker's name as on the segments (`spk0`, `agent`, `ch1`, …).
    public var speaker: String
    /// Segments given to the speaker.
    public var segments: Int
    /// Summed segment durations, in milliseconds (overlapping channels both count).
    public var talkMs: Int
    /// `talkMs` over the summed talk time of all speakers (0…1).
    public var share: Double
    /// The emotion of the speaker's longest total duration (ties keep the first seen).
    public var emotion: String?
    /// Segments per emotion.
    public var emotions: [String: Int]
    /// Segments per audio event.
    public var events: [String: Int]

    enum CodingKeys: String, CodingKey {
        case speaker, segments, talkMs = "talk_ms", share, emotion, emotions, events
    }

    public init(speaker: String, segments: Int, talkMs: Int, share: Double, emotion: String?,
                emotions: [String: Int], events: [String: Int]) {
        self.speaker = speaker
        self.segments = segments
        self.talkMs = talkMs
        self.share = share
        self.emotion = emotion
        self.emotions = emotions
        self.events = events
    }

    /// The summaries of `segments` that carry a speaker, in order of first appearance.
    public static func summaries(of segments: [SegmentResult]) -> [SpeakerSummary] {
        var order: [String] = []
        var grouped: [String: [SegmentResult]] = [:]
        for s in segments {
            guard let name = s.speaker else { continue }
            if grouped[name] == nil { order.append(name) }
            grouped[name, default: []].append(s)
        }
        let total = grouped.values.joined().reduce(0) { $0 + max(0, $1.endMs - $1.startMs) }
        return order.map { name in
            let mine = grouped[name]!
            let talk = mine.reduce(0) { $0 + max(0, $1.endMs - $1.startMs) }
            var emotions: [String: Int] = [:]
            var events: [String: Int] = [:]
            for s in mine {
                if let e = s.emotion { emotions[e, default: 0] += 1 }
                for e in s.events { events[e, default: 0] += 1 }
            }
            let dominant = TranscriptionResult.dominant(mine.compactMap { s in s.emotion.map { ($0, s.endMs - s.startMs) } })
            return SpeakerSummary(speaker: name, segments: mine.count, talkMs: talk,
                                  share: total > 0 ? Double(talk) / Double(total) : 0, emotion: dominant,
                                  emotions: emotions, events: events)
        }
    }
}

extension TranscriptionResult {
    /// Gives segment `i` the speaker `names[i]` and fills ``speakers``.
    public mutating func assignSpeakers(_ names: [String]) {
        precondition(names.count == segments.count, "one speaker per segment")
        for i in segments.indices { segments[i].speaker = names[i] }
        speakers = SpeakerSummary.summaries(of: segments)
    }
}
