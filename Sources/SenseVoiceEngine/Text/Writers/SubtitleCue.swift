// Cuts recognised segments into readable subtitle cues (≤ maxLines lines of ≤ maxLineWidth columns).

/// One subtitle: a time span and its lines.
public struct SubtitleCue: Sendable, Equatable {
    public var startMs: Int
    public var endMs: Int
    public var lines: [String]

    public init(startMs: Int, endMs: Int, lines: [String]) {
        self.startMs = startMs
        self.endMs = endMs
        self.lines = lines
    }

    /// Cues of a whole result, in segment order.
    ///
    /// Each segment's clean text (with the chosen markers) is wrapped greedily into lines of at
    /// most `maxLineWidth` display columns — words stay whole in spaced scripts, Chinese and
    /// Japanese break between characters, punctuation never starts a line — and the lines are
    /// grouped `maxLines` to a cue. A segment's time is shared between its cues in proportion to
    /// their text width (the model gives no finer times without `timestamps`). Segments without
    /// text or marks give no cue.
    public static func cues(for result: TranscriptionResult, options: SubtitleCueOptions) -> [SubtitleCue] {
        var cues: [SubtitleCue] = []
        for segment in result.segments {
            var (prefix, suffix) = marks(of: segment, options.markers)
            if options.speakers, let speaker = segment.speaker {
                prefix = prefix.isEmpty ? speaker + ":" : speaker + ": " + prefix
            }
            // Labels stand one space from the text; glyphs are glued to it, as FunASR writes them.
            var spaced = false
            if case .labels = options.markers { spaced = true }
            if options.speakers, segment.speaker != nil { spaced = true }
            var units = TextUnits.split(prefix)
            for var part in [TextUnits.split(segment.text), TextUnits.split(suffix)] where !part.isEmpty {
                part[0].spaceBefore = spaced && !units.isEmpty
                units += part
            }
            guard !units.isEmpty else { continue }
            let lines = TextUnits.wrap(units, width: options.maxLineWidth)
            var groups: [[TextUnits.Line]] = []
            var index = 0
            while index < lines.count {
                groups.append(Array(lines[index..<min(lines.count, index + options.maxLines)]))
                index += options.maxLines
            }
            let widths = groups.map { $0.reduce(0) { $0 + max(1, $1.width) } }
            let total = max(1, widths.reduce(0, +))
            let span = max(0, segment.endMs - segment.startMs)
            var done = 0
            for (group, width) in zip(groups, widths) {
                let start = segment.startMs + span * done / total
                done += width
                let end = segment.startMs + span * done / total
                cues.append(SubtitleCue(startMs: start, endMs: end, lines: group.map(\.text)))
            }
        }
        return cues
    }

    /// The marks placed before (events) and after (emotion) a segment's text.
    static func marks(of segment: SegmentResult, _ markers: SubtitleCueOptions.Markers) -> (String, String) {
        let events = segment.events.compactMap(AudioEvent.init(jsonName:))
        let emotion = segment.emotion.flatMap(Emotion.init(jsonName:))
        var seen: Set<String> = []
        switch markers {
        case .none:
            return ("", "")
        case .emoji:
            let before = events.compactMap(\.emoji).filter { seen.insert($0).inserted }.joined()
            return (before, emotion?.emoji ?? "")
        case .labels(let style):
            let before = events.compactMap { $0.label(style) }.filter { seen.insert($0).inserted }.joined(separator: " ")
            return (before, emotion?.label(style) ?? "")
        }
    }
}

/// Words (or CJK characters) with their display width, for line wrapping.
enum TextUnits {
    struct Unit: Equatable {
        var text: String
        var width: Int
        /// Whether the source had white space before this unit.
        var spaceBefore: Bool
    }

    struct Line: Equatable {
        var text: String
        var width: Int
    }

    /// Splits text into wrap units: words in spaced scripts, single characters in Chinese and
    /// Japanese; closing punctuation sticks to the unit before it.
    static func split(_ text: String) -> [Unit] {
        var units: [Unit] = []
        var current: Unit? = nil
        var pendingSpace = false
        func flush() {
            if let c = current { units.append(c) }
            current = nil
        }
        for ch in text {
            if ch.isWhitespace {
                flush()
                pendingSpace = true
                continue
            }
            let w = width(of: ch)
            if isClosingPunctuation(ch), !pendingSpace {
                if current != nil {
                    current!.text.append(ch)
                    current!.width += w
                    continue
                }
                if !units.isEmpty {
                    units[units.count - 1].text.append(ch)
                    units[units.count - 1].width += w
                    continue
                }
            }
            if breaksAnywhere(ch) {
                flush()
                units.append(Unit(text: String(ch), width: w, spaceBefore: pendingSpace && !units.isEmpty))
            } else if current != nil {
                current!.text.append(ch)
                current!.width += w
            } else {
                current = Unit(text: String(ch), width: w, spaceBefore: pendingSpace && !units.isEmpty)
            }
            pendingSpace = false
        }
        flush()
        return units
    }

    /// Greedy wrapping into lines of at most `width` columns; a unit wider than a line is cut.
    static func wrap(_ units: [Unit], width: Int) -> [Line] {
        var lines: [Line] = []
        var line = Line(text: "", width: 0)
        for unit in units {
            let gap = (unit.spaceBefore && line.width > 0) ? 1 : 0
            if line.width > 0 && line.width + gap + unit.width > width {
                lines.append(line)
                line = Line(text: "", width: 0)
            }
            if unit.width > width {
                // Cut an over-long word into pieces that fit.
                for ch in unit.text {
                    let w = TextUnits.width(of: ch)
                    if line.width > 0 && line.width + w > width {
                        lines.append(line)
                        line = Line(text: "", width: 0)
                    }
                    line.text.append(ch)
                    line.width += w
                }
                continue
            }
            if unit.spaceBefore && line.width > 0 {
                line.text.append(" ")
                line.width += 1
            }
            line.text += unit.text
            line.width += unit.width
        }
        if line.width > 0 { lines.append(line) }
        return lines
    }

    /// Display columns of a character: 2 for East Asian wide characters and emoji, else 1.
    static func width(of ch: Character) -> Int {
        guard let v = ch.unicodeScalars.first?.value else { return 1 }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// Chinese and Japanese characters: lines may break between any two.
    static func breaksAnywhere(_ ch: Character) -> Bool {
        guard let v = ch.unicodeScalars.first?.value else { return false }
        switch v {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFD,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x1FA70...0x1FAFF:
            return true
        default:
            return false
        }
    }

    /// Punctuation that must not start a line.
    static func isClosingPunctuation(_ ch: Character) -> Bool {
        ",.!?;:%)]}\u{201D}\u{2019}…，。！？；：、）」』】》〉".contains(ch)
    }
}
