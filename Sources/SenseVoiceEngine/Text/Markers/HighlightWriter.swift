// `--format markers`: the emotions and events of a result as a marker list editors import.

import Foundation

/// Writes ``HighlightMarker``s as CSV, YouTube-style chapters or a CMX 3600 EDL with DaVinci
/// Resolve marker comments. A result without markers gives an empty file (the EDL keeps its two
/// header lines, which is an EDL with no events).
public struct HighlightWriter: TranscriptWriting {
    public let options: HighlightOptions
    public let labels: ReadableLabels.Style

    public init(_ options: HighlightOptions, labels: ReadableLabels.Style = .english) {
        self.options = options
        self.labels = labels
    }

    public var fileExtension: String {
        switch options.layout {
        case .csv: "csv"
        case .chapters: "txt"
        case .edl: "edl"
        }
    }

    public var mediaType: String {
        switch options.layout {
        case .csv: "text/csv; charset=utf-8"
        case .chapters: "text/plain; charset=utf-8"
        case .edl: "text/x-edl; charset=utf-8"
        }
    }

    /// - Throws: `SenseVoiceError(.invalidOption)` when an EDL cannot hold the markers (more than
    ///   999 events, or record times past 23:59:59) or its frame rate is not one of
    ///   ``HighlightOptions/frameRates``.
    public func write(_ result: TranscriptionResult) throws -> String {
        let markers = HighlightMarker.list(in: result, options: options, labels: labels)
        switch options.layout {
        case .csv: return csv(markers)
        case .chapters: return chapters(markers, durationMs: result.durationMs)
        case .edl: return try edl(markers, title: result.file.map { ($0 as NSString).lastPathComponent } ?? "sensevoice")
        }
    }

    // MARK: - CSV

    private func csv(_ markers: [HighlightMarker]) -> String {
        guard !markers.isEmpty else { return "" }
        var out = "start,end,kind,label,text\n"
        for m in markers {
            let fields = [seconds(m.startMs), seconds(m.endMs), m.kind.rawValue, m.label, m.text]
            out += fields.map(Self.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    private func seconds(_ ms: Int) -> String { String(format: "%.3f", Double(ms) / 1000) }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, quotes doubled.
    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Chapters

    /// One line per second that holds markers (labels joined), strictly increasing; a first
    /// `0:00` line opens the list when the first marker starts later, as YouTube requires.
    private func chapters(_ markers: [HighlightMarker], durationMs: Int) -> String {
        guard !markers.isEmpty else { return "" }
        let long = durationMs >= 3_600_000
        var lines: [(second: Int, labels: [String], text: String)] = []
        for m in markers {
            let second = m.startMs / 1000
            let label = labels == .english ? m.label.prefix(1).uppercased() + m.label.dropFirst() : m.label
            if let last = lines.last, last.second == second {
                if !last.labels.contains(label) { lines[lines.count - 1].labels.append(label) }
                if lines[lines.count - 1].text.isEmpty { lines[lines.count - 1].text = m.text }
            } else {
                lines.append((second, [label], m.text))
            }
        }
        if lines[0].second > 0 { lines.insert((0, [labels == .chinese ? "开始" : "Start"], ""), at: 0) }
        return lines.map { line in
            var title = line.labels.joined(separator: ", ")
            let text = Self.oneLine(line.text, limit: 60)
            if !text.isEmpty { title += " — " + text }
            return "\(Self.clock(line.second, hours: long)) \(title)"
        }.joined(separator: "\n") + "\n"
    }

    /// `m:ss`, or `h:mm:ss` for files of an hour or more.
    static func clock(_ second: Int, hours: Bool) -> String {
        let h = second / 3600, m = (second % 3600) / 60, s = second % 60
        return hours ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", h * 60 + m, s)
    }

    /// The text on one line without control characters, cut at `limit` characters with an ellipsis.
    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = String(text.map { $0.isNewline || ($0.unicodeScalars.first?.properties.generalCategory == .control) ? " " : $0 })
            .trimmingCharacters(in: .whitespaces)
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    // MARK: - EDL

    /// CMX 3600: `TITLE:` and `FCM:` lines, then per marker a one-frame event on reel `001` whose
    /// source and record times are the marker's start, followed by Resolve's marker comment
    /// (` |C:colour |M:name |D:duration in frames`).
    private func edl(_ markers: [HighlightMarker], title: String) throws -> String {
        let fps = options.framesPerSecond
        guard HighlightOptions.frameRates.contains(fps) else {
            throw SenseVoiceError(.invalidOption, "EDL frame rate \(fps) is not supported; use one of \(HighlightOptions.frameRates.map(String.init).joined(separator: ", "))")
        }
        guard markers.count <= 999 else {
            throw SenseVoiceError(.invalidOption, "\(markers.count) markers do not fit one CMX 3600 EDL (999 events at most); narrow them with --only-events / --only-emotions, or use the csv layout")
        }
        var out = "TITLE: \(Self.oneLine(title.replacingOccurrences(of: "|", with: " "), limit: 60))\nFCM: NON-DROP FRAME\n"
        for (i, m) in markers.enumerated() {
            let startFrame = options.timelineStartSeconds * fps + Int((Double(m.startMs) * Double(fps) / 1000).rounded(.down))
            let frames = max(1, Int((Double(m.endMs - m.startMs) * Double(fps) / 1000).rounded()))
            let tcIn = try timecode(startFrame), tcOut = try timecode(startFrame + 1)
            let number = String(format: "%03d", i + 1)
            out += "\n\(number)  001      V     C        \(tcIn) \(tcOut) \(tcIn) \(tcOut)\n"
            var name = m.label
            let text = Self.oneLine(m.text, limit: 60)
            if !text.isEmpty { name += " — " + text }
            name = name.replacingOccurrences(of: "|", with: "/")
            out += " |C:\(Self.resolveColour(m)) |M:\(name) |D:\(frames)\n"
        }
        return out
    }

    /// `HH:MM:SS:FF` of a frame count at the options' rate.
    private func timecode(_ frame: Int) throws -> String {
        let fps = options.framesPerSecond
        let totalSeconds = frame / fps
        guard totalSeconds < 24 * 3600 else {
            throw SenseVoiceError(.invalidOption, "a marker falls past 23:59:59 of the EDL timeline; lower the timeline start")
        }
        return String(format: "%02d:%02d:%02d:%02d", totalSeconds / 3600, (totalSeconds / 60) % 60, totalSeconds % 60, frame % fps)
    }

    /// A Resolve marker colour per tag, so kinds stand apart on the timeline.
    static func resolveColour(_ marker: HighlightMarker) -> String {
        let colour = switch marker.name {
        case "angry": "Red"
        case "happy": "Yellow"
        case "sad": "Blue"
        case "fearful": "Purple"
        case "disgusted": "Cocoa"
        case "surprised": "Pink"
        case "laughter": "Green"
        case "applause": "Cyan"
        case "bgm": "Lavender"
        case "cry": "Sky"
        case "cough", "sneeze": "Sand"
        default: marker.kind == .emotion ? "Rose" : "Mint"
        }
        return "ResolveColor" + colour
    }
}
