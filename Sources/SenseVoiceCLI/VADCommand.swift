// `sensevoice vad`: FSMN-VAD speech segments of audio files (design.md, "Interfaces other tools rely on").

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// Prints the speech segments FSMN-VAD finds in each file.
struct VADCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vad",
        abstract: "Find the speech segments of audio files with FSMN-VAD.",
        discussion: """
        Prints one JSON line per file, {"file": …, "segments_ms": [[start, end], …]}, or with \
        --format text one "FILE<TAB>START_MS<TAB>END_MS" line per segment. Folders are searched \
        recursively for audio files. With --streaming the VAD runs in FunASR's online mode: the \
        audio is fed in chunks of --chunk-ms and each file prints one JSON array of the calls \
        that returned something, [{"chunk": i, "value": [[beg, -1] | [-1, end] | [beg, end]]}] \
        (--format text: "FILE<TAB>CHUNK<TAB>BEG<TAB>END" per event). Exit status: 0 all files \
        done, 1 some file failed, 2 bad options, 3 model problem, 4 audio problem.
        """
    )

    /// Output formats of this command.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @Argument(help: "Audio files or folders.")
    var paths: [String]

    @Option(name: .customLong("vad-model"),
            help: "FSMN-VAD model folder (config.yaml, model.pt, am.mvn). Default: $SENSEVOICE_VAD_MODEL.")
    var vadModel: String?

    @Option(name: .customLong("vad-mode"),
            help: "End-of-speech thresholds: dynamic (FunASR ≥ 1.3.9) or classic (FunASR ≤ 1.3.3).")
    var vadMode: String = VADOptions().mode.rawValue

    @Option(name: .customLong("max-segment-ms"),
            help: "Split speech segments longer than this many milliseconds.")
    var maxSegmentMs: Int = VADOptions().maxSingleSegmentMs

    @Option(help: "Output format: json or text.")
    var format: Format = .json

    @Flag(help: "Run the VAD in FunASR's online mode, fed chunk by chunk, and print its events per chunk.")
    var streaming: Bool = false

    @Option(name: .customLong("chunk-ms"), help: "With --streaming: chunk length in ms (FunASR's chunk_size).")
    var chunkMs: Int = StreamingVAD.defaultChunkMs

    func validate() throws {
        guard VADMode(rawValue: vadMode) != nil else {
            throw ValidationError("unknown --vad-mode '\(vadMode)'; use one of: \(VADMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxSegmentMs > 0 else {
            throw ValidationError("--max-segment-ms must be a positive number of milliseconds, e.g. 30000")
        }
        guard (10...60_000).contains(chunkMs) else {
            throw ValidationError("--chunk-ms must be 10…60000 milliseconds, e.g. 200")
        }
    }

    /// `--vad-model` (which `$SENSEVOICE_VAD_MODEL` sets through ``ConfigResolver``).
    var modelDirectory: String? {
        vadModel?.isEmpty == false ? vadModel : nil
    }

    func run() throws {
        let options = VADOptions(mode: VADMode(rawValue: vadMode) ?? .dynamic, maxSingleSegmentMs: maxSegmentMs)
        let files = try AudioFiles.expand(paths).map(\.path)
        let vad: FSMNVAD
        do {
            guard let modelDirectory else {
                throw SenseVoiceError(.modelNotFound,
                                      "no FSMN-VAD model given; pass --vad-model DIR (a folder with config.yaml, model.pt, am.mvn) or set SENSEVOICE_VAD_MODEL")
            }
            vad = try FSMNVAD(modelDirectory: modelDirectory)
        } catch let e as SenseVoiceError { throw CLIError(e) }

        let decoder = AudioDecoder()
        var failures = 0
        for file in files {
            do {
                let audio = try decoder.decode(path: file)
                if streaming {
                    print(try renderStreaming(file: file, calls: try Self.streamingCalls(vad, audio.samples, chunkMs: chunkMs, options: options)))
                    continue
                }
                let segments = try vad.segments(audio.samples, options: options)
                print(try render(file: file, segments: segments))
            } catch let e as SenseVoiceError {
                failures += 1
                printError("error [\(e.code)]: \(file): \(e.message)")
            }
        }
        if failures > 0 { throw CLIError.someInputsFailed }
    }

    /// One file's result in the chosen format (text: nothing for a file without speech).
    func render(file: String, segments: [[Int]]) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            return String(decoding: try encoder.encode(VADResult(file: file, segmentsMs: segments)), as: UTF8.self)
        case .text:
            return segments.map { "\(file)\t\($0[0])\t\($0[1])" }.joined(separator: "\n")
        }
    }
}

extension VADCommand {
    /// The online VAD's calls that returned events, fed in chunks of `chunkMs`.
    static func streamingCalls(_ vad: FSMNVAD, _ samples: [Float], chunkMs: Int, options: VADOptions) throws -> [StreamingVADCall] {
        try StreamingVAD.run(samples, vad: vad, chunkMs: chunkMs, options: options).map {
            StreamingVADCall(chunk: $0.chunk, value: $0.events.map(\.value))
        }
    }

    /// One file's streaming events in the chosen format.
    func renderStreaming(file: String, calls: [StreamingVADCall]) throws -> String {
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
            return String(decoding: try encoder.encode(calls), as: UTF8.self)
        case .text:
            return calls.flatMap { call in call.value.map { "\(file)\t\(call.chunk)\t\($0[0])\t\($0[1])" } }
                .joined(separator: "\n")
        }
    }
}

/// One call of the online VAD that returned events: `{"chunk": i, "value": [[beg, end], …]}`.
struct StreamingVADCall: Codable, Equatable {
    let chunk: Int
    let value: [[Int]]
}

/// The JSON line of one file: `{"file": …, "segments_ms": [[start, end], …]}`.
struct VADResult: Codable, Equatable {
    let file: String
    let segmentsMs: [[Int]]

    enum CodingKeys: String, CodingKey {
        case file
        case segmentsMs = "segments_ms"
    }
}
