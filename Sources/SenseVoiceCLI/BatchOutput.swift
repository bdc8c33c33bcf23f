// `transcribe --output-dir`: one file per input and format, resumable, with summary.csv.

import Foundation
import SenseVoiceEngine

/// Writes outputs for a folder run and keeps the summary rows.
struct BatchOutput {
    let directory: URL
    let formats: [TranscriptFormat]
    /// The writers' options (also decide suffixes that depend on them, like the markers layout).
    let options: TranscriptWriterOptions
    let overwrite: Bool
    private var rows: [String: SummaryRow] = [:]
    private var order: [String] = []
    private let previous: [String: SummaryRow]

    /// Output base names by input relative path (``OutputNaming``); inputs not listed use their stem.
    private let bases: [String: String]

    init(directory: String, formats: [TranscriptFormat], options: TranscriptWriterOptions, overwrite: Bool,
         bases: [String: String] = [:]) {
        self.directory = URL(fileURLWithPath: directory)
        self.formats = formats
        self.options = options
        self.overwrite = overwrite
        self.bases = bases
        var prev: [String: SummaryRow] = [:]
        if let text = try? String(contentsOf: self.directory.appendingPathComponent("summary.csv"), encoding: .utf8) {
            for line in text.split(separator: "\n").dropFirst() {
                guard let row = SummaryRow(csvLine: String(line)) else { continue }
                if row.speaker != nil { prev[row.file]?.speakerRows.append(row) } else { prev[row.file] = row }
            }
        }
        previous = prev
    }

    /// Output path of `input` in `format`: the input's relative path with its extension replaced
    /// (kept when another input of the run has the same stem, see ``OutputNaming``).
    func outputURL(_ input: InputFile, _ format: TranscriptFormat) -> URL {
        let base = bases[input.relative] ?? OutputNaming.stem(input.relative)
        return directory.appendingPathComponent(base + format.fileSuffix(options))
    }

    /// Whether `input` was finished by an earlier run (resume): every requested output of its own
    /// exists and is not empty (outputs are renamed into place only once complete), and the earlier
    /// run's summary row or its JSON output says what it found.
    func isDone(_ input: InputFile) -> Bool {
        guard !overwrite else { return false }
        let complete = formats.allSatisfy { format in
            let size = (try? FileManager.default.attributesOfItem(atPath: outputURL(input, format).path))?[.size] as? NSNumber
            return (size?.intValue ?? 0) > 0
        }
        return complete && previousRow(input) != nil
    }

    /// The summary row an earlier run left for `input`: its `summary.csv` row, else one rebuilt from
    /// its JSON output (a run stopped before writing the summary).
    private func previousRow(_ input: InputFile) -> SummaryRow? {
        if let row = previous[input.relative], row.status == "done" { return row }
        guard let json = formats.first(where: { $0.name == "json" }),
              let data = try? Data(contentsOf: outputURL(input, json)),
              let result = try? JSONDecoder().decode(TranscriptionResult.self, from: data) else { return nil }
        return SummaryRow(file: input.relative, result: result)
    }

    mutating func write(_ result: TranscriptionResult, for input: InputFile) throws {
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

    /// Records a file ``isDone(_:)`` found finished, with its earlier row.
    mutating func skip(_ input: InputFile) {
        if let row = previousRow(input) { record(row) }
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
    /// The exit code of each failed input's problem.
    private(set) var exitCodes: [Int32] = []
    private var fileClock = Stopwatch()
    private var lastWithin: Stopwatch?

    init(files: [InputFile], quiet: Bool) {
        self.files = files
        self.quiet = quiet
        totalBytes = files.reduce(0) { $0 + Self.size($1.path) }
    }

    private static func size(_ path: String) -> Double {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.doubleValue ?? 0
    }

    private func advance(_ input: InputFile) {
        bytesDone += Self.size(input.path)
        fileClock = Stopwatch()
        lastWithin = nil
    }

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

    func failed(_ i: Int, _ input: InputFile, reason: String, exitCode: Int32 = 1) {
        advance(input)
        failures += 1
        exitCodes.append(exitCode)
        reasons.append(reason)
        printError(reason)
    }

    /// Progress inside one file (`done` of `total` speech segments), at most one line a second.
    func within(_ i: Int, _ input: InputFile, done: Int, total: Int) {
        guard !quiet, total > 1, done > 0, done < total else { return }
        if let last = lastWithin, last.seconds < 1 { return }
        lastWithin = Stopwatch()
        let remaining = fileClock.seconds * Double(total - done) / Double(done)
        printError("[\(i + 1)/\(files.count)] \(input.path): \(done)/\(total) segments, ETA \(ProgressFormat.duration(remaining))")
    }

    func finish() {
        guard !quiet, files.count > 1 || skippedCount > 0 else { return }
        printError(String(format: "%d files: %d transcribed, %d skipped, %d failed; %@ audio in %.1f s (RTF %.3f)",
                          files.count, done, skippedCount, failures, ProgressFormat.duration(audioSeconds), computeSeconds,
                          audioSeconds > 0 ? computeSeconds / audioSeconds : 0))
        for r in reasons { printError("  failed: \(r)") }
    }
}
