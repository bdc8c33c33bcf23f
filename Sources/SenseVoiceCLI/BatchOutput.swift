// `transcribe --output-dir`: one file per input and format, resumable, with summary.csv.

import Foundation
import SenseVoiceEngine

/// Writes outputs for a folder run and keeps the summary rows.
struct BatchOutput {
    let directory: URL
    let formats: [TranscriptFormat]
    let overwrite: Bool
    private var rows: [String: SummaryRow] = [:]
    private var order: [String] = []
    private let previous: [String: SummaryRow]

    init(directory: String, formats: [TranscriptFormat], overwrite: Bool) {
        self.directory = URL(fileURLWithPath: directory)
        self.formats = formats
        self.overwrite = overwrite
        var prev: [String: SummaryRow] = [:]
        if let text = try? String(contentsOf: self.directory.appendingPathComponent("summary.csv"), encoding: .utf8) {
            for line in text.split(separator: "\n").dropFirst() {
                guard let row = SummaryRow(csvLine: String(line)) else { continue }
                if row.speaker != nil { prev[row.file]?.speakerRows.append(row) } else { prev[row.file] = row }
            }
        }
        previous = prev
    }

    /// Output path of `input` in `format`: the input's relative path with its extension replaced.
    func outputURL(_ input: InputFile, _ format: TranscriptFormat) -> URL {
        let base = (input.relative as NSString).deletingPathExtension
        return directory.appendingPathComponent(base + format.fileSuffix)
    }

    /// Whether every requested output of `input` exists already (resume).
    func isDone(_ input: InputFile) -> Bool {
        !overwrite && formats.allSatisfy { FileManager.default.fileExists(atPath: outputURL(input, $0).path) }
    }

    mutating func write(_ result: TranscriptionResult, for input: InputFile, options: TranscriptWriterOptions) throws {
        for format in formats {
            let url = outputURL(input, format)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            var text = try format.writer(options).write(result)
            if !text.hasSuffix("\n") { text += "\n" }
            // Write to a temporary name and rename, so an interrupted run never leaves a half file
            // that a resumed run would take as done.
            let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
            try Data(text.utf8).write(to: tmp)
            _ = try? FileManager.default.removeItem(at: url)
            try FileManager.default.moveItem(at: tmp, to: url)
        }
        record(SummaryRow(file: input.relative, result: result))
    }

    mutating func skip(_ input: InputFile) {
        var row = previous[input.relative] ?? SummaryRow(file: input.relative, error: "")
        if previous[input.relative] == nil { row.status = "done" }
        record(row)
    }

    mutating func fail(_ input: InputFile, reason: String) {
        record(SummaryRow(file: input.relative, error: reason))
    }

    private mutating func record(_ row: SummaryRow) {
        if rows[row.file] == nil { order.append(row.file) }
        rows[row.file] = row
    }

    func writeSummary() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var text = SummaryRow.header + "\n"
        for file in order { if let row = rows[file] { text += row.csvLine + "\n" } }
        try Data(text.utf8).write(to: directory.appendingPathComponent("summary.csv"), options: .atomic)
    }
}

/// Progress on stderr: one line per file with an ETA, and a summary at the end.
final class BatchProgress {
    let files: [InputFile]
    let quiet: Bool
    private let clock = Stopwatch()
    private let totalBytes: Double
    private var bytesDone: Double = 0
    private(set) var failures = 0
    private var done = 0
    private var skippedCount = 0
    private var audioSeconds: Double = 0
    private var computeSeconds: Double = 0
    private var reasons: [String] = []

    init(files: [InputFile], quiet: Bool) {
        self.files = files
        self.quiet = quiet
        totalBytes = files.reduce(0) { $0 + Self.size($1.path) }
    }

    private static func size(_ path: String) -> Double {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
    }

    private func advance(_ input: InputFile) { bytesDone += Self.size(input.path) }

    private func eta() -> String {
        guard bytesDone > 0, totalBytes > bytesDone else { return "" }
        let remaining = clock.seconds * (totalBytes - bytesDone) / bytesDone
        return remaining >= 60 ? String(format: " ETA %dm%02ds", Int(remaining) / 60, Int(remaining) % 60)
                               : String(format: " ETA %ds", Int(remaining.rounded(.up)))
    }

    private func line(_ i: Int, _ text: String) {
        guard !quiet else { return }
        let pct = totalBytes > 0 ? Int(100 * bytesDone / totalBytes) : 100
        printError("[\(i + 1)/\(files.count) \(pct)%] \(text)\(eta())")
    }

    func done(_ i: Int, _ input: InputFile, audioSeconds a: Double, computeSeconds c: Double) {
        advance(input)
        done += 1
        audioSeconds += a
        computeSeconds += c
        line(i, String(format: "%@: %.1f s audio, RTF %.3f", input.path, a, a > 0 ? c / a : 0))
    }

    func skipped(_ i: Int, _ input: InputFile) {
        advance(input)
        skippedCount += 1
        line(i, "\(input.path): already done, skipped")
    }

    func failed(_ i: Int, _ input: InputFile, reason: String) {
        advance(input)
        failures += 1
        reasons.append(reason)
        printError(reason)
    }

    func finish() {
        guard !quiet, files.count > 1 || skippedCount > 0 else { return }
        printError(String(format: "%d files: %d transcribed, %d skipped, %d failed; %.2f h audio in %.1f s (RTF %.3f)",
                          files.count, done, skippedCount, failures, audioSeconds / 3600, computeSeconds,
                          audioSeconds > 0 ? computeSeconds / audioSeconds : 0))
        for r in reasons { printError("  failed: \(r)") }
    }
}
