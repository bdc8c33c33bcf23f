// `sensevoice transcribe`: files or folders in, transcripts out (stdout), progress on stderr.

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// Output formats of `transcribe`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, rich, raw, json, labels
}

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio files: text, language, emotion and audio events.",
        discussion: """
        Formats: text (clean text), rich (FunASR's emoji form), raw (model output with <|tags|>),
        json (one object per file and line: language, emotion, events, segments, timings),
        labels (readable tags such as [happy] … [laughter]; --label-style zh gives (开心)…(笑声)).
        Folders are searched recursively for audio files. Exit status: 0 all files done, 1 some file
        failed, 2 bad options, 3 model problem.
        """)

    @Argument(help: "Audio files or folders.")
    var paths: [String]

    @Option(help: "SenseVoiceSmall model directory (default: $SENSEVOICE_MODEL, then the usual caches).")
    var model: String?

    @Option(help: "FSMN-VAD model directory for long audio (default: $SENSEVOICE_VAD_MODEL).")
    var vadModel: String?

    @Flag(help: "Transcribe each file in one pass, without VAD segmentation.")
    var noVad: Bool = false

    @Option(help: "VAD end-of-speech thresholds: dynamic (FunASR ≥ 1.3.9) or classic.")
    var vadMode: String = "dynamic"

    @Option(help: "Longest VAD segment in ms before a forced split.")
    var maxSegmentMs: Int = 30_000

    @Option(name: .customLong("merge-length-s"), help: "Merge VAD segments up to this many seconds (0: no merging).")
    var mergeLengthSeconds: Double = 15

    @Option(name: .customLong("max-no-vad-s"), help: "Longest file transcribed without VAD, in seconds.")
    var maxNoVADSeconds: Double = 120

    @Flag(help: "Per-word times (JSON `words`).")
    var timestamps: Bool = false

    @Option(help: "Language: auto, zh, en, yue, ja or ko.")
    var language: String = "auto"

    @Flag(inversion: .prefixedNo, help: "Inverse text normalisation (punctuation, casing, digits).")
    var itn: Bool = true

    @Flag(name: .customLong("ban-emo-unk"), help: "Never output the unknown-emotion tag.")
    var banEmotionUnknown: Bool = false

    @Option(help: "Output format: text, rich, raw, json or labels.")
    var format: OutputFormat = .text

    @Option(help: "Label language for --format labels: en or zh.")
    var labelStyle: String = "en"

    @Option(help: "Compute threads (BLAS).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("max-duration-s"), help: "Refuse audio longer than this many seconds.")
    var maxDurationSeconds: Double?

    @Flag(help: "No progress on stderr.")
    var quiet: Bool = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if labelStyle != "en" && labelStyle != "zh" { throw ValidationError("--label-style must be en or zh") }
        if let m = maxDurationSeconds, !(m > 0) { throw ValidationError("--max-duration-s must be positive") }
        if VADMode(rawValue: vadMode) == nil { throw ValidationError("--vad-mode must be dynamic or classic") }
        if noVad && vadModel != nil { throw ValidationError("--no-vad and --vad-model exclude each other") }
        if !(mergeLengthSeconds >= 0 && mergeLengthSeconds <= 600) { throw ValidationError("--merge-length-s must be in 0…600") }
        if !(maxNoVADSeconds > 0) { throw ValidationError("--max-no-vad-s must be positive") }
    }

    func run() throws {
        let options: TranscriptionOptions
        do {
            options = TranscriptionOptions(language: try Language(parsing: language), useITN: itn,
                                           banEmotionUnknown: banEmotionUnknown, timestamps: timestamps,
                                           vadMode: VADMode(rawValue: vadMode) ?? .dynamic, maxSegmentMs: maxSegmentMs,
                                           mergeVAD: mergeLengthSeconds > 0,
                                           mergeLengthMs: Int((mergeLengthSeconds * 1000).rounded()))
            try options.validate()
        } catch let e as SenseVoiceError { throw CLIError(e) }
        let files = try AudioFiles.expand(paths)
        BLAS.setThreads(threads)
        let bundle: SenseVoice
        do {
            bundle = try SenseVoice(modelDirectory: try ModelLocator.senseVoice(explicit: model))
        } catch let e as SenseVoiceError { throw CLIError(e) }
        if !quiet { printError("loaded \(bundle.directory) in \(String(format: "%.2f", bundle.loadSeconds)) s") }

        var vad: FSMNVAD?
        let vadDirectory = noVad ? nil : (vadModel ?? ProcessInfo.processInfo.environment["SENSEVOICE_VAD_MODEL"].flatMap { $0.isEmpty ? nil : $0 })
        if let vadDirectory {
            do { vad = try FSMNVAD(modelDirectory: vadDirectory) } catch let e as SenseVoiceError { throw CLIError(e) }
        }
        let transcriber = Transcriber(bundle: bundle, vad: vad, maxWholeFileSeconds: maxNoVADSeconds)
        let session = bundle.makeSession()
        let decoder = AudioDecoder(options: AudioDecodingOptions(maxDurationSeconds: maxDurationSeconds))
        var failures = 0
        for (i, file) in files.enumerated() {
            do {
                let clock = Stopwatch()
                let audio = try decoder.decode(path: file)
                let result = try transcriber.transcribe(audio, file: file, options: options, session: session,
                                                        decodeSeconds: clock.seconds)
                try emit(result, multiple: files.count > 1)
                if !quiet {
                    printError(String(format: "[%d/%d] %@: %.2f s audio, %.0f ms, RTF %.3f", i + 1, files.count, file,
                                      audio.duration, result.timings.totalMs, result.timings.rtf))
                }
            } catch let e as SenseVoiceError {
                failures += 1
                printError("error [\(e.code)]: \(file): \(e.message)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func emit(_ r: TranscriptionResult, multiple: Bool) throws {
        let line: String
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            line = String(decoding: try encoder.encode(r), as: UTF8.self)
            print(line)
            return
        case .text: line = r.text
        case .rich: line = r.rich
        case .raw: line = r.raw
        case .labels: line = ReadableLabels.render(r.raw, style: labelStyle == "zh" ? .chinese : .english)
        }
        print(multiple ? "\(r.file ?? "")\t\(line)" : line)
    }
}

/// Expands folders into the audio files they contain.
enum AudioFiles {
    static let extensions: Set<String> = ["wav", "wave", "mp3", "flac", "ogg", "oga", "opus", "m4a", "aac", "mp4",
                                          "m4v", "mov", "mkv", "webm", "amr", "wma", "aif", "aiff", "3gp"]

    static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw CLIError(message: "error [file_not_found]: \(p) does not exist", exitCode: 4)
            }
            if !isDir.boolValue { out.append(p); continue }
            guard let walker = fm.enumerator(atPath: p) else { continue }
            var found: [String] = []
            for case let rel as String in walker
            where extensions.contains(URL(fileURLWithPath: rel).pathExtension.lowercased()) {
                found.append(URL(fileURLWithPath: p).appendingPathComponent(rel).path)
            }
            out += found.sorted()
        }
        return out
    }
}
