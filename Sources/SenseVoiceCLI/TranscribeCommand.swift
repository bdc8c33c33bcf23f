// `sensevoice transcribe`: files or folders in, transcripts out (stdout), progress on stderr.

import ArgumentParser
import Foundation
import Logging
import SenseVoiceEngine

struct TranscribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcribe",
        abstract: "Transcribe audio files: text, language, emotion and audio events.",
        discussion: """
        Formats: text (clean text), rich (FunASR's emoji form), raw (model output with <|tags|>), \
        labels (readable tags such as [happy] … [laughter]; --label-style zh gives (开心)…(笑声)), \
        json (one object per file and line: language, emotion, events, segments, timings, warnings), \
        verbose_json (OpenAI's shape), srt and vtt (subtitles), tsv (one line per segment).

        Folders are searched recursively for audio files. A file that holds less audio than its \
        header declares is transcribed as far as it goes, with a warning on stderr and in the JSON \
        `warnings`; --strict refuses it instead.

        Exit status: 0 all files done; 1 some files failed; 2 bad options; 3 model problem; \
        4 audio problem (missing, empty, truncated under --strict, undecodable or too long), \
        also when every input failed that way.
        """)

    @Argument(help: "Audio files or folders.")
    var paths: [String]

    @OptionGroup(title: "Models")
    var engine: EngineOptions

    @Option(help: "VAD end-of-speech thresholds: dynamic (FunASR ≥ 1.3.9) or classic.")
    var vadMode: String = TranscriptionOptions().vadMode.rawValue

    @Option(help: "Longest VAD segment in ms before a forced split.")
    var maxSegmentMs: Int = TranscriptionOptions().maxSegmentMs

    @Option(name: .customLong("merge-length-s"), help: "Merge VAD segments up to this many seconds (0: no merging).")
    var mergeLengthSeconds: Double = Double(TranscriptionOptions().mergeLengthMs) / 1000

    @OptionGroup(title: "Recognition")
    var recognition: RecognitionFlags

    @Option(help: "Output format(s), comma-separated: \(TranscriptFormats.standard.names.joined(separator: ", ")).")
    var format: String = "text"

    @Option(help: "Write one file per input and format here (mirrors folders), skip inputs already done, and write summary.csv.")
    var outputDir: String?

    @Flag(help: "With --output-dir: redo inputs whose outputs already exist.")
    var overwrite: Bool = false

    @Option(help: "Subtitle marks for srt/vtt: none, emoji or labels.")
    var subtitleMarkers: String = "none"

    @Flag(help: "Give every segment a speaker (CAM++ speaker diarization, FunASR's spk_model; needs the VAD and --speaker-model).")
    var diarize: Bool = false

    @Option(help: "With --diarize: the number of speakers, when known (FunASR's preset_spk_num).")
    var numSpeakers: Int?

    @OptionGroup(title: "Channels")
    var channels: ChannelOptions

    @Flag(help: "Prefix srt/vtt cues with the segment's speaker.")
    var subtitleSpeakers: Bool = false

    @Option(help: "Label language for --format labels and markers: en or zh.")
    var labelStyle: String = "en"

    @OptionGroup(title: "Markers (--format markers)")
    var markers: MarkerOptions

    @Option(help: "Compute threads (BLAS; default: every core).")
    var threads: Int?

    @Option(name: .customLong("max-duration-s"), help: "Refuse audio longer than this many seconds.")
    var maxDurationSeconds: Double?

    @Flag(help: "Refuse a file that holds less audio than its header declares (exit 4) instead of transcribing what it holds with a warning.")
    var strict: Bool = false

    @Flag(help: "No progress on stderr (warnings and errors are still printed).")
    var quiet: Bool = false

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    @OptionGroup(title: "Decoding")
    var decodingOptions: DecodingOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if labelStyle != "en" && labelStyle != "zh" { throw ValidationError("--label-style must be en or zh") }
        guard let formats = TranscriptFormats.standard.parse(list: format) else {
            throw ValidationError("--format takes a comma-separated list of: \(TranscriptFormats.standard.names.joined(separator: ", "))")
        }
        if formats.count > 1 && outputDir == nil { throw ValidationError("several formats need --output-dir") }
        if !["none", "emoji", "labels"].contains(subtitleMarkers) { throw ValidationError("--subtitle-markers must be none, emoji or labels") }
        if let m = maxDurationSeconds, !(m > 0) { throw ValidationError("--max-duration-s must be positive") }
        _ = try markers.highlights()
        if VADMode(rawValue: vadMode) == nil { throw ValidationError("--vad-mode must be dynamic or classic") }
        if !(mergeLengthSeconds >= 0 && mergeLengthSeconds <= 600) { throw ValidationError("--merge-length-s must be in 0…600") }
        try channels.validate(diarize: diarize)
        if let numSpeakers {
            if !diarize { throw ValidationError("--num-speakers needs --diarize") }
            if !(1...DiarizationOptions.maxSpeakers).contains(numSpeakers) {
                throw ValidationError("--num-speakers must be between 1 and \(DiarizationOptions.maxSpeakers)")
            }
        }
    }

    func run() throws {
        logging.bootstrap()
        var options: TranscriptionOptions
        do {
            options = TranscriptionOptions(language: try Language(parsing: recognition.language), useITN: recognition.itn,
                                           banEmotionUnknown: recognition.banEmotionUnknown, timestamps: recognition.timestamps,
                                           vadMode: VADMode(rawValue: vadMode) ?? .dynamic, maxSegmentMs: maxSegmentMs,
                                           mergeVAD: mergeLengthSeconds > 0,
                                           mergeLengthMs: Int((mergeLengthSeconds * 1000).rounded()))
            options.beamSearch = try decodingOptions.beamSearch()
            if diarize { options.diarization = DiarizationOptions(speakers: numSpeakers) }
            options.channels = channels.split()
            try options.validate()
        } catch let e as SenseVoiceError { throw CLIError(e) }
        let files = try AudioFiles.expand(paths)
        let bases = outputDir == nil ? [:] : try OutputNaming.bases(for: files)
        if let outputDir { try Self.checkOutputDirectory(outputDir) }
        let configuration = try engine.configuration(maxNoVADSeconds: EngineConfiguration.defaultMaxNoVADSeconds, threads: threads,
                                                     speakers: diarize)
        if !quiet, let note = PrecisionOption.note(configuration.precision) { printError(note) }
        let transcriber: Transcriber
        do {
            transcriber = try Transcriber(configuration: configuration)
            _ = try transcriber.decoder(for: options)  // hotwords the tokenizer cannot spell fail here, once
        } catch let e as SenseVoiceError { throw CLIError(e) }
        if !quiet { printError("loaded \(transcriber.modelDirectory) in \(String(format: "%.2f", transcriber.loadSeconds)) s") }
        let session = transcriber.makeSession()
        var decoding = AudioDecodingOptions(maxDurationSeconds: maxDurationSeconds)
        decoding.strict = strict
        let decoder: any AudioDecoding = AudioDecoder(options: decoding)
        let formats = TranscriptFormats.standard.parse(list: format) ?? []  // validate() refused an empty or unknown list
        let style: ReadableLabels.Style = labelStyle == "zh" ? .chinese : .english
        var cues = SubtitleCueOptions(markers: subtitleMarkers == "emoji" ? .emoji : subtitleMarkers == "labels" ? .labels(style) : .none)
        cues.speakers = subtitleSpeakers
        let writerOptions = TranscriptWriterOptions(cues: cues, labelStyle: style, words: recognition.timestamps, highlights: try markers.highlights())
        var batch = outputDir.map { BatchOutput(directory: $0, formats: formats, options: writerOptions, overwrite: overwrite, bases: bases) }
        let progress = BatchProgress(files: files, quiet: quiet)
        for (i, input) in files.enumerated() {
            if let b = batch, b.isDone(input) {
                batch?.skip(input)
                progress.skipped(i, input)
                continue
            }
            do {
                let clock = Stopwatch()
                let result: TranscriptionResult
                let audioSeconds: Double
                if options.channels != nil {
                    result = try Self.transcribeChannels(input, session: session, decoder: decoder, options: options) { done, total in
                        progress.within(i, input, done: done, total: total)
                    }
                    audioSeconds = Double(result.durationMs) / 1000
                } else {
                    let audio = try decoder.decode(path: input.path)
                    for warning in audio.warnings { printError("warning: \(input.path): \(warning)", level: .warning) }
                    result = try session.transcribe(audio, file: input.path, options: options, decodeSeconds: clock.seconds,
                                                    progress: { done, total in progress.within(i, input, done: done, total: total) })
                    audioSeconds = audio.duration
                }
                if batch != nil {
                    try batch?.write(result, for: input)
                } else if let first = formats.first {
                    let writer = first.writer(writerOptions)
                    var text = try writer.write(result)
                    if text.hasSuffix("\n") { text.removeLast() }
                    print(writer.isPlainText && files.count > 1 ? "\(input.path)\t\(text)" : text)
                }
                progress.done(i, input, audioSeconds: audioSeconds, computeSeconds: clock.seconds)
            } catch let e as SenseVoiceError {
                batch?.fail(input, reason: "\(e.code): \(e.message)")
                progress.failed(i, input, reason: "error [\(e.code)]: \(Self.naming(input, e.message))", exitCode: CLIError(e).exitCode)
            } catch {
                batch?.fail(input, reason: "\(error.localizedDescription)")
                progress.failed(i, input, reason: "error: \(input.path): \(error.localizedDescription)", exitCode: 1)
            }
        }
        if let batch { try batch.writeSummary() }
        progress.finish()
        if progress.failures > 0 {
            throw progress.failures == files.count ? CLIError.inputsFailed(codes: progress.exitCodes) : CLIError.someInputsFailed
        }
    }
}

extension TranscribeCommand {
    /// `message` about `input`, naming it by the path given (messages name files by their last
    /// component; say the path once, not twice).
    static func naming(_ input: InputFile, _ message: String) -> String {
        let name = URL(fileURLWithPath: input.path).lastPathComponent
        if message.hasPrefix(name) { return input.path + message.dropFirst(name.count) }
        return "\(input.path): \(message)"
    }

    /// Refuses an `--output-dir` that exists but is not a folder (exit 2), before any work.
    static func checkOutputDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.badUsage("--output-dir \(path) is a file, not a folder; choose a folder (it is created if missing)")
        }
    }
}

/// An input audio file and its path relative to the folder it was found in.
struct InputFile {
    let path: String
    let relative: String
}

/// Expands folders into the audio files they contain.
enum AudioFiles {
    static let extensions: Set<String> = ["wav", "wave", "mp3", "flac", "ogg", "oga", "opus", "m4a", "aac", "mp4",
                                          "m4v", "mov", "mkv", "webm", "amr", "wma", "aif", "aiff", "3gp"]

    static func expand(_ paths: [String]) throws -> [InputFile] {
        var out: [InputFile] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw CLIError(SenseVoiceError(.fileNotFound, "\(p) does not exist"))
            }
            if !isDir.boolValue {
                out.append(InputFile(path: p, relative: URL(fileURLWithPath: p).lastPathComponent))
                continue
            }
            guard let walker = fm.enumerator(atPath: p) else { continue }
            var found: [String] = []
            for case let rel as String in walker
            where extensions.contains(URL(fileURLWithPath: rel).pathExtension.lowercased()) {
                found.append(rel)
            }
            out += found.sorted().map { InputFile(path: URL(fileURLWithPath: p).appendingPathComponent($0).path, relative: $0) }
        }
        return out
    }
}
