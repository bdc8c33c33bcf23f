// `sensevoice stream`: live transcription of raw PCM on stdin, a file, or a URL FFmpeg opens.

import ArgumentParser
import Foundation
import SenseVoiceEngine

#if canImport(Glibc)
import Glibc
#endif

/// Transcribes audio as it arrives: speech starts, partial text, finished segments.
struct StreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract: "Transcribe live audio as it arrives: raw PCM on stdin, a file, or a stream URL.",
        discussion: """
        SOURCE is - (raw mono PCM on stdin, --sample-rate and --encoding), an audio file (read as \
        fast as possible, or at real-time pace with --realtime), or a URL FFmpeg opens (http://, \
        https://, HLS .m3u8, rtmp://, rtsp://, udp://), read as it arrives. The FSMN-VAD model \
        (--vad-model) cuts speech; each finished segment is recognised exactly as the same \
        samples would be offline. On a terminal the partial text is rewritten in place and \
        finished segments scroll; --format jsonl prints one JSON event per line (type \
        speech_started, partial, final or done). --only-events and --only-emotions keep just the \
        finals that carry one of the given events or emotions. Exit status: 0 done, 2 bad options, \
        3 model problem, 4 audio problem.
        """)

    /// Output formats of this command.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, jsonl
    }

    @Argument(help: "- (raw PCM on stdin), an audio file, or a stream URL.")
    var source: String

    @OptionGroup(title: "Models")
    var engine: EngineOptions

    @Option(help: "With -: sample rate of the PCM on stdin, in Hz.")
    var sampleRate: Int = 16000

    @Option(help: "With -: sample encoding, \(PCMEncoding.allCases.map(\.rawValue).joined(separator: " or ")).")
    var encoding: String = PCMEncoding.s16le.rawValue

    @Flag(help: "Feed a file at real-time pace instead of as fast as possible.")
    var realtime: Bool = false

    @Option(name: .customLong("partial-interval-ms"), help: "Re-recognise the open segment every this many ms of audio (0: no partials).")
    var partialIntervalMs: Int = LiveOptions.defaultPartialIntervalMs

    @Option(name: .customLong("vad-chunk-ms"), help: "The streaming VAD's stride in ms: speech starts and ends are decided once per stride.")
    var vadChunkMs: Int = StreamingVAD.defaultChunkMs

    @Option(help: "VAD end-of-speech thresholds: dynamic (FunASR ≥ 1.3.9) or classic.")
    var vadMode: String = TranscriptionOptions().vadMode.rawValue

    @Option(help: "Longest segment in ms; longer speech is cut where the VAD cuts it.")
    var maxSegmentMs: Int = TranscriptionOptions().maxSegmentMs

    @OptionGroup(title: "Recognition")
    var recognition: RecognitionFlags

    @OptionGroup(title: "Decoding")
    var decodingOptions: DecodingOptions

    @Option(help: "Output format: text or jsonl.")
    var format: Format = .text

    @Option(name: .customLong("only-events"), help: "Keep only finals with one of these audio events (comma-separated, e.g. laughter,applause).")
    var onlyEvents: String?

    @Option(name: .customLong("only-emotions"), help: "Keep only finals with one of these emotions (comma-separated, e.g. angry,sad).")
    var onlyEmotions: String?

    @Option(help: "Compute threads (default: every core).")
    var threads: Int?

    @Flag(help: "No messages on stderr.")
    var quiet: Bool = false

    @OptionGroup(title: "Logging")
    var logging: LoggingOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if VADMode(rawValue: vadMode) == nil { throw ValidationError("--vad-mode must be dynamic or classic") }
        do { _ = try LiveEventFilter(events: onlyEvents, emotions: onlyEmotions) } catch let e as SenseVoiceError {
            throw ValidationError(e.message)
        }
    }

    func run() throws {
        logging.bootstrap()
        let options: LiveOptions
        let filter: LiveEventFilter
        let pcm: PCMEncoding
        do {
            pcm = try PCMEncoding(name: encoding)
            guard (1...PCMEncoding.maxSampleRate).contains(sampleRate) else {
                throw SenseVoiceError(.invalidOption, "--sample-rate \(sampleRate) Hz is out of range; give the rate of the PCM on stdin, 1…\(PCMEncoding.maxSampleRate) Hz (e.g. 16000)")
            }
            var transcription = TranscriptionOptions(language: try Language(parsing: recognition.language), useITN: recognition.itn,
                                                     banEmotionUnknown: recognition.banEmotionUnknown, timestamps: recognition.timestamps,
                                                     vadMode: VADMode(rawValue: vadMode) ?? .dynamic,
                                                     maxSegmentMs: maxSegmentMs, mergeVAD: false)
            transcription.beamSearch = try decodingOptions.beamSearch()
            options = LiveOptions(transcription: transcription, partialIntervalMs: partialIntervalMs, vadChunkMs: vadChunkMs)
            try options.validate()
            filter = try LiveEventFilter(events: onlyEvents, emotions: onlyEmotions)
        } catch let e as SenseVoiceError { throw CLIError(e) }
        guard engine.vadModelDirectory != nil else {
            throw CLIError(SenseVoiceError(.invalidOption, "live transcription needs the FSMN-VAD model; pass --vad-model DIR (a folder with config.yaml, model.pt, am.mvn) or set SENSEVOICE_VAD_MODEL"))
        }
        let configuration = try engine.configuration(maxNoVADSeconds: EngineConfiguration.defaultMaxNoVADSeconds, threads: threads)
        var printer = LiveEventPrinter(format: format, terminal: isatty(STDOUT_FILENO) != 0, filter: filter)
        do {
            let source = try LiveAudioSource(source, sampleRate: sampleRate, encoding: pcm)
            let transcriber = try Transcriber(configuration: configuration)
            if !quiet { printError("loaded \(transcriber.modelDirectory) in \(String(format: "%.2f", transcriber.loadSeconds)) s") }
            _ = try transcriber.decoder(for: options.transcription)  // hotwords the tokenizer cannot spell fail here, before any audio
            var live = try LiveSession(session: transcriber.makeSession(), inputSampleRate: source.sampleRate, options: options)
            let start = Date()
            var fed = 0
            while let chunk = try source.next() {
                if realtime {
                    let ahead = Double(fed) / Double(source.sampleRate) - Date().timeIntervalSince(start)
                    if ahead > 0 { Thread.sleep(forTimeInterval: ahead) }
                }
                fed += chunk.count
                for event in try live.feed(chunk) { try printer.print(event) }
            }
            for event in try live.finish() { try printer.print(event) }
        } catch let e as SenseVoiceError { throw CLIError(e) }
    }
}
