// What `--format markers` lists and how: the layout (CSV, chapters, EDL), the tag filters and the EDL clock.

import Foundation

/// The choices of the `markers` format: which emotions and events become markers and which file
/// layout they are written in.
public struct HighlightOptions: Sendable, Equatable {
    /// The file layout of the marker list.
    public enum Layout: String, Sendable, CaseIterable {
        /// `start,end,kind,label,text` rows, times in seconds.
        case csv
        /// YouTube-style chapter lines (`1:05 Laughter — …`), one per marked second.
        case chapters
        /// A CMX 3600 edit decision list whose events carry DaVinci Resolve marker comments.
        case edl
    }

    /// The layout; CSV unless chosen.
    public var layout: Layout
    /// Only these events become markers; `nil` keeps every shown event (not `speech` and the
    /// other unlabelled events) — unless ``onlyEmotions`` is set alone, which keeps no events.
    public var onlyEvents: Set<AudioEvent>?
    /// Only these emotions become markers; `nil` keeps every shown emotion (not neutral, other or
    /// unknown) — unless ``onlyEvents`` is set alone, which keeps no emotions.
    public var onlyEmotions: Set<Emotion>?
    /// EDL timecode rate, in whole frames per second (non-drop frame).
    public var framesPerSecond: Int
    /// EDL record time of the file's first sample, in seconds (DaVinci Resolve's timelines start
    /// at 01:00:00:00 unless set otherwise).
    public var timelineStartSeconds: Int

    /// The frame rates an EDL can be written at.
    public static let frameRates = [24, 25, 30, 48, 50, 60]

    public init(layout: Layout = .csv, onlyEvents: Set<AudioEvent>? = nil, onlyEmotions: Set<Emotion>? = nil,
                framesPerSecond: Int = 25, timelineStartSeconds: Int = 3600) {
        self.layout = layout
        self.onlyEvents = onlyEvents
        self.onlyEmotions = onlyEmotions
        self.framesPerSecond = framesPerSecond
        self.timelineStartSeconds = timelineStartSeconds
    }

    /// Whether a segment's event is listed.
    func keeps(_ event: AudioEvent) -> Bool {
        if let onlyEvents { return onlyEvents.contains(event) }
        return onlyEmotions == nil && event.label(.english) != nil
    }

    /// Whether a segment's emotion is listed.
    func keeps(_ emotion: Emotion) -> Bool {
        if let onlyEmotions { return onlyEmotions.contains(emotion) }
        return onlyEvents == nil && emotion.label(.english) != nil
    }

    /// Parses a comma-separated list of JSON names (`laughter,applause`, `angry`) of one tag family.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the unknown names and the known ones.
    public static func tags<Tag: TranscriptTag>(_ list: String, of _: Tag.Type, option: String) throws -> Set<Tag> {
        var out = Set<Tag>()
        var unknown: [String] = []
        for part in list.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty { continue }
            if let tag = Tag(jsonName: name) { out.insert(tag) } else { unknown.append(String(name.prefix(40))) }
        }
        if !unknown.isEmpty || out.isEmpty {
            let known = Tag.allCases.map(\.jsonName).joined(separator: ", ")
            let what = unknown.isEmpty ? "is empty" : "names unknown value(s) \(unknown.joined(separator: ", "))"
            throw SenseVoiceError(.invalidOption, "\(option) \(what); use a comma-separated list of: \(known)")
        }
        return out
    }
}

extension HighlightOptions {
    /// Builds the options from request text, as the CLI and the HTTP routes receive them.
    /// - Parameters:
    ///   - layout: `csv`, `chapters` or `edl` (`nil`: csv).
    ///   - onlyEvents: comma-separated event names, or `nil`.
    ///   - onlyEmotions: comma-separated emotion names, or `nil`.
    ///   - fps: EDL frame rate, or `nil` (25).
    ///   - start: EDL timeline start `HH:MM:SS`, or `nil` (01:00:00).
    ///   - names: how the caller spells each option in messages (`--only-events` or `only_events`).
    /// - Throws: `SenseVoiceError(.invalidOption)` naming the option and what it accepts.
    public init(layout: String?, onlyEvents: String?, onlyEmotions: String?, fps: Int?, start: String?,
                names: (layout: String, events: String, emotions: String, fps: String, start: String)) throws {
        self.init()
        if let layout {
            guard let value = Layout(rawValue: layout.lowercased()) else {
                throw SenseVoiceError(.invalidOption, "\(names.layout) '\(layout.prefix(40))' is not supported; use csv, chapters or edl")
            }
            self.layout = value
        }
        if let onlyEvents { self.onlyEvents = try Self.tags(onlyEvents, of: AudioEvent.self, option: names.events) }
        if let onlyEmotions { self.onlyEmotions = try Self.tags(onlyEmotions, of: Emotion.self, option: names.emotions) }
        if let fps {
            guard Self.frameRates.contains(fps) else {
                throw SenseVoiceError(.invalidOption, "\(names.fps) must be one of \(Self.frameRates.map(String.init).joined(separator: ", "))")
            }
            framesPerSecond = fps
        }
        if let start {
            let parts = start.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, let h = parts[0], let m = parts[1], let s = parts[2],
                  (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s) else {
                throw SenseVoiceError(.invalidOption, "\(names.start) '\(start.prefix(40))' is not a time of day HH:MM:SS")
            }
            timelineStartSeconds = h * 3600 + m * 60 + s
        }
    }
}
