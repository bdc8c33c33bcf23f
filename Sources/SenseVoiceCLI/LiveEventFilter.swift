// `--only-events` / `--only-emotions` of `sensevoice stream`: which finals to keep.

import Foundation
import SenseVoiceEngine

/// Keeps the finals that carry one of the chosen audio events and one of the chosen emotions.
struct LiveEventFilter {
    /// Event names to keep (nil: any).
    let events: Set<String>?
    /// Emotion names to keep (nil: any).
    let emotions: Set<String>?

    /// Parses the comma-separated lists.
    /// - Throws: `SenseVoiceError(.invalidOption)` naming an unknown event or emotion and the valid ones.
    init(events: String?, emotions: String?) throws {
        self.events = try Self.parse(events, option: "--only-events", valid: AudioEvent.allCases.map(\.jsonName))
        self.emotions = try Self.parse(emotions, option: "--only-emotions", valid: Emotion.allCases.map(\.jsonName))
    }

    private static func parse(_ list: String?, option: String, valid: [String]) throws -> Set<String>? {
        guard let list else { return nil }
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        guard !names.isEmpty else {
            throw SenseVoiceError(.invalidOption, "\(option) needs at least one name; use some of: \(valid.joined(separator: ", "))")
        }
        for name in names where !valid.contains(name) {
            throw SenseVoiceError(.invalidOption, "\(option): unknown name '\(name)'; use some of: \(valid.joined(separator: ", "))")
        }
        return Set(names)
    }

    /// Whether any filter is set (then only matching finals and `done` are printed).
    var isActive: Bool { events != nil || emotions != nil }

    /// Whether `event` is printed.
    func keeps(_ event: LiveEvent) -> Bool {
        guard isActive else { return true }
        switch event {
        case .final(let segment):
            if let events, segment.events.allSatisfy({ !events.contains($0) }) { return false }
            if let emotions, !emotions.contains(segment.emotion ?? "") { return false }
            return true
        case .done: return true
        case .speechStarted, .partial: return false
        }
    }
}
