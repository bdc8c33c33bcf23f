// A strict reader of CMX 3600 edit decision lists, written for the markers tests.

import Foundation

/// Parses a CMX 3600 EDL and refuses anything the format does not allow: a missing or long
/// `TITLE:`, an unknown `FCM:`, event numbers out of order or beyond 999, reel names longer than
/// eight characters, unknown channels or transitions, malformed or impossible timecodes (frames
/// beyond the rate), out points not after in points, source and record durations that differ,
/// comment lines before the first event, and DaVinci Resolve marker comments that are not
/// ` |C:ResolveColor… |M:name |D:frames`.
struct CMX3600Parser {
    struct Event: Equatable {
        var number: Int
        var reel: String
        /// Record in and out, in frames since 00:00:00:00.
        var recordIn: Int
        var recordOut: Int
        var markerColour: String?
        var markerName: String?
        var markerFrames: Int?
    }

    struct Failure: Error, CustomStringConvertible {
        var line: Int
        var problem: String
        var description: String { "line \(line): \(problem)" }
    }

    let fps: Int
    private(set) var title = ""
    private(set) var events: [Event] = []

    init(_ text: String, fps: Int) throws {
        self.fps = fps
        let lines = text.components(separatedBy: "\n")
        func fail(_ i: Int, _ problem: String) -> Failure { Failure(line: i + 1, problem: problem) }
        guard lines.count >= 2, lines[0].hasPrefix("TITLE: ") else { throw fail(0, "first line must be 'TITLE: …'") }
        title = String(lines[0].dropFirst(7))
        guard !title.isEmpty, title.count <= 70 else { throw fail(0, "title must hold 1…70 characters") }
        guard lines[1] == "FCM: NON-DROP FRAME" || lines[1] == "FCM: DROP FRAME" else { throw fail(1, "second line must be an FCM line") }
        let eventPattern = try NSRegularExpression(pattern:
            #"^(\d{3})  (\S{1,8}) +(V|A|A2|AA|B|AA/V|A/V) +(C|D +\d{3}|W\d{3} +\d{3}) +(\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) (\d\d:\d\d:\d\d:\d\d) *$"#)
        let markerPattern = try NSRegularExpression(pattern: #"^ \|C:ResolveColor([A-Z][a-z]+) \|M:([^|\n]+) \|D:(\d+)$"#)
        for i in 2..<lines.count {
            let line = lines[i]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let range = NSRange(line.startIndex..., in: line)
            if let m = eventPattern.firstMatch(in: line, range: range) {
                func group(_ k: Int) -> String { String(line[Range(m.range(at: k), in: line)!]) }
                let number = Int(group(1))!
                guard number == events.count + 1, number <= 999 else { throw fail(i, "event \(number) out of order") }
                let tcs = try (5...8).map { k -> Int in
                    guard let frames = frames(group(k)) else { throw fail(i, "impossible timecode \(group(k))") }
                    return frames
                }
                guard tcs[1] > tcs[0], tcs[3] > tcs[2] else { throw fail(i, "out point not after in point") }
                guard tcs[1] - tcs[0] == tcs[3] - tcs[2] else { throw fail(i, "source and record durations differ") }
                events.append(Event(number: number, reel: group(2), recordIn: tcs[2], recordOut: tcs[3]))
            } else if let m = markerPattern.firstMatch(in: line, range: range) {
                guard !events.isEmpty else { throw fail(i, "marker comment before the first event") }
                guard events[events.count - 1].markerName == nil else { throw fail(i, "second marker comment for one event") }
                func group(_ k: Int) -> String { String(line[Range(m.range(at: k), in: line)!]) }
                guard let d = Int(group(3)), d >= 1 else { throw fail(i, "marker duration must be at least one frame") }
                events[events.count - 1].markerColour = group(1)
                events[events.count - 1].markerName = group(2)
                events[events.count - 1].markerFrames = d
            } else if line.hasPrefix("*") {
                guard !events.isEmpty else { throw fail(i, "comment before the first event") }
            } else {
                throw fail(i, "not an event, comment or marker line: \(line)")
            }
        }
    }

    /// Frames of `HH:MM:SS:FF`, or nil when a field is out of range.
    private func frames(_ tc: String) -> Int? {
        let p = tc.split(separator: ":").compactMap { Int($0) }
        guard p.count == 4, p[0] < 24, p[1] < 60, p[2] < 60, p[3] < fps else { return nil }
        return ((p[0] * 60 + p[1]) * 60 + p[2]) * fps + p[3]
    }
}
