// How `sensevoice stream` prints live events: JSON lines, or text with the partial rewritten in place.

import Foundation
import SenseVoiceEngine

/// Prints live events to stdout as they come, flushing after each.
struct LiveEventPrinter {
    let format: StreamCommand.Format
    /// Whether stdout is a terminal (text format: the partial line is rewritten in place).
    let terminal: Bool
    let filter: LiveEventFilter
    private var partialShown = false
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }()

    init(format: StreamCommand.Format, terminal: Bool, filter: LiveEventFilter) {
        self.format = format
        self.terminal = terminal
        self.filter = filter
    }

    /// Prints one event if the filter keeps it.
    /// - Throws: `SenseVoiceError(.internalError)` when the event does not encode as JSON.
    mutating func print(_ event: LiveEvent) throws {
        guard filter.keeps(event) else { return }
        switch format {
        case .jsonl:
            let data: Data
            do { data = try encoder.encode(event) } catch {
                throw SenseVoiceError(.internalError, "a \(event.type) event could not be encoded as JSON: \(error)")
            }
            write(String(decoding: data, as: UTF8.self) + "\n")
        case .text:
            switch event {
            case .partial(let s) where terminal:
                // Grey, on one line rewritten in place.
                write("\r\u{1B}[2K\u{1B}[90m[\(Self.time(s.startMs)) …] \(Self.oneLine(s.text))\u{1B}[0m")
                partialShown = true
            case .final(let s):
                write(clearPartial() + "[\(Self.time(s.startMs)) - \(Self.time(s.endMs))] \(RichTranscription.postprocess(s.raw))\n")
            case .done:
                write(clearPartial())
            case .partial, .speechStarted:
                break
            }
        }
    }

    /// The escape sequence that erases a partial line on the terminal, if one is shown.
    private mutating func clearPartial() -> String {
        guard partialShown else { return "" }
        partialShown = false
        return "\r\u{1B}[2K"
    }

    private func write(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// `m:ss.cc` (or `h:mm:ss.cc`) of a time in ms.
    static func time(_ ms: Int) -> String {
        let s = ms / 1000, cs = ms % 1000 / 10
        let body = s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
        return body + String(format: ".%02d", cs)
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }
}
