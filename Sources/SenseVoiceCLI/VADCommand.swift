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
        --format text one "FILE<TAB>START_MS<TAB>END_MS" line per segment.

        Input: 16 kHz WAV files (16-bit PCM or 32-bit float; channels are averaged), or folders, \
        searched recursively for .wav files.
        """
    )

    /// Output formats of this command.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @Argument(help: "Audio files or folders (searched recursively).")
    var paths: [String]

    @Option(name: .customLong("vad-model"),
            help: "FSMN-VAD model folder (config.yaml, model.pt, am.mvn). Default: $SENSEVOICE_VAD_MODEL.")
    var vadModel: String?

    @Option(name: .customLong("vad-mode"),
            help: "End-of-speech thresholds: dynamic (FunASR ≥ 1.3.9) or classic (FunASR ≤ 1.3.3).")
    var vadMode: String = VADMode.dynamic.rawValue

    @Option(name: .customLong("max-segment-ms"),
            help: "Split speech segments longer than this many milliseconds.")
    var maxSegmentMs: Int = 60000

    @Option(help: "Output format: json or text.")
    var format: Format = .json

    func validate() throws {
        guard VADMode(rawValue: vadMode) != nil else {
            throw ValidationError("unknown --vad-mode '\(vadMode)'; use one of: \(VADMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxSegmentMs > 0 else {
            throw ValidationError("--max-segment-ms must be a positive number of milliseconds, e.g. 30000")
        }
        guard modelDirectory != nil else {
            throw ValidationError("no FSMN-VAD model given; pass --vad-model DIR or set SENSEVOICE_VAD_MODEL")
        }
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(path) does not exist; pass audio files or folders")
        }
    }

    /// `--vad-model`, else `$SENSEVOICE_VAD_MODEL`.
    var modelDirectory: String? {
        let dir = vadModel ?? ProcessInfo.processInfo.environment["SENSEVOICE_VAD_MODEL"]
        return dir?.isEmpty == false ? dir : nil
    }

    func run() throws {
        guard let modelDirectory else { throw ExitCode(64) }
        let options = VADOptions(mode: VADMode(rawValue: vadMode) ?? .dynamic, maxSingleSegmentMs: maxSegmentMs)
        let vad: FSMNVAD
        do {
            vad = try FSMNVAD(modelDirectory: modelDirectory)
        } catch {
            Self.printError(error)
            throw ExitCode(2)
        }
        var failed = 0
        for file in Self.audioFiles(paths) {
            do {
                // TODO(lead): switch to AudioDecoder
                let samples = try Self.readWAV(file)
                let segments = try vad.segments(samples, options: options)
                print(render(file: file, segments: segments))
            } catch {
                Self.printError(error, file: file)
                failed += 1
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// One file's result in the chosen format.
    func render(file: String, segments: [[Int]]) -> String {
        switch format {
        case .json:
            let object: [String: Any] = ["file": file, "segments_ms": segments]
            let data = (try? JSONSerialization.data(withJSONObject: object,
                                                    options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .text:
            return segments.map { "\(file)\t\($0[0])\t\($0[1])" }.joined(separator: "\n")
        }
    }

    /// Files named directly, plus the `.wav` files under named folders (sorted, recursive).
    static func audioFiles(_ paths: [String]) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            if !fm.fileExists(atPath: path, isDirectory: &isDir) || !isDir.boolValue {
                files.append(path)
                continue
            }
            let root = URL(fileURLWithPath: path)
            var found: [String] = []
            if let walker = fm.enumerator(at: root, includingPropertiesForKeys: nil) {
                for case let url as URL in walker where url.pathExtension.lowercased() == "wav" {
                    found.append(url.path)
                }
            }
            files += found.sorted()
        }
        return files
    }

    static func printError(_ error: any Error, file: String? = nil) {
        let text = "\(error)"
        let prefix = file.map { text.contains($0) ? "" : "\($0): " } ?? ""
        FileHandle.standardError.write(Data("sensevoice vad: \(prefix)\(text)\n".utf8))
    }

    /// Reads a 16 kHz WAV file (16-bit PCM or 32-bit float, any channel count) as mono floats.
    // TODO(lead): switch to AudioDecoder
    static func readWAV(_ path: String) throws -> [Float] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) } catch {
            throw SenseVoiceError(.ioError, "cannot read \(path): \(error.localizedDescription)")
        }
        let d = [UInt8](data)
        func u16(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard d.count >= 12, d[0..<4].elementsEqual("RIFF".utf8), d[8..<12].elementsEqual("WAVE".utf8) else {
            throw SenseVoiceError(.audioUnsupported, "\(path) is not a WAV file; convert it with ffmpeg -i IN -ar 16000 -ac 1 OUT.wav")
        }
        var pos = 12
        var format = 0, channels = 0, rate = 0, bits = 0
        while pos + 8 <= d.count {
            let size = u32(pos + 4)
            if d[pos..<pos + 4].elementsEqual("fmt ".utf8), pos + 24 <= d.count {
                format = u16(pos + 8)
                channels = u16(pos + 10)
                rate = u32(pos + 12)
                bits = u16(pos + 22)
                if format == 0xFFFE, size >= 26, pos + 34 <= d.count { format = u16(pos + 32) }
            } else if d[pos..<pos + 4].elementsEqual("data".utf8) {
                guard channels > 0 else {
                    throw SenseVoiceError(.audioInvalidHeader, "\(path): data chunk before the fmt chunk")
                }
                guard rate == AudioBuffer.modelSampleRate else {
                    throw SenseVoiceError(.audioUnsupported,
                                          "\(path) is sampled at \(rate) Hz; this build reads 16000 Hz WAV only — resample with ffmpeg -i IN -ar 16000 -ac 1 OUT.wav")
                }
                let bytesPerSample: Int
                switch (format, bits) {
                case (1, 16): bytesPerSample = 2
                case (3, 32): bytesPerSample = 4
                default:
                    throw SenseVoiceError(.audioUnsupported,
                                          "\(path): WAV format \(format) with \(bits) bits is not supported here; use 16-bit PCM")
                }
                let available = min(size, d.count - pos - 8)
                let frames = available / (bytesPerSample * channels)
                var out = [Float](repeating: 0, count: frames)
                let base = pos + 8
                for f in 0..<frames {
                    var sum: Float = 0
                    for c in 0..<channels {
                        let o = base + (f * channels + c) * bytesPerSample
                        if bytesPerSample == 2 {
                            sum += Float(Int16(bitPattern: UInt16(u16(o)))) / 32768
                        } else {
                            sum += Float(bitPattern: UInt32(u32(o)))
                        }
                    }
                    out[f] = channels == 1 ? sum : sum / Float(channels)
                }
                return out
            }
            pos += 8 + size + (size & 1)
        }
        throw SenseVoiceError(.audioInvalidHeader, "\(path) has no audio data chunk")
    }
}
