// `sensevoice denoise`: what the --denoise front end does to a recording, as a WAV file to listen to.

import ArgumentParser
import Foundation
import SenseVoiceAudio
import SenseVoiceEngine

/// Decodes one file to the model's 16 kHz mono, runs the chosen denoiser over it exactly as
/// recognition would, and writes the result (float WAV). Prints one JSON line with the audio
/// length and the CPU time the denoiser took; `scripts/denoise-bench.py` uses it for the README's
/// SNR and cost table.
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Write what --denoise does to a recording (16 kHz mono float WAV).",
        discussion: """
        Prints {"file", "method", "audio_seconds", "denoise_cpu_seconds"} as one JSON line. \
        --denoise off writes the decoded samples unchanged. Exit status: 0 done, 2 bad options \
        (an unknown method, an RNNoise model file that is missing or does not load), 4 audio \
        problem.
        """
    )

    @Argument(help: "The audio or video file.")
    var input: String

    @Option(name: [.short, .long], help: "The WAV file to write.")
    var output: String

    @Option(help: "off, afftdn or rnnoise:MODEL_FILE (as transcribe's --denoise).")
    var denoise: String = "afftdn"

    func validate() throws {
        do { _ = try DenoiseMethod(parsing: denoise) } catch let e as SenseVoiceError { throw ValidationError(e.message) }
    }

    func run() throws {
        do {
            let method = try DenoiseMethod(parsing: denoise)
            try Denoiser.check(method)
            let audio = try AudioDecoder().decode(path: input)
            let before = Self.cpuSeconds()
            let samples = try Denoiser.apply(method, to: audio.samples, sampleRate: audio.sampleRate)
            let cpu = Self.cpuSeconds() - before
            do {
                try Data(WAVWriter.bytes(interleaved: samples, sampleRate: audio.sampleRate, format: .float32)).write(to: URL(fileURLWithPath: output))
            } catch {
                throw SenseVoiceError(.ioError, "cannot write \(output): \(error.localizedDescription)")
            }
            let line: [String: Any] = ["file": input, "method": method.name, "audio_seconds": audio.duration,
                                       "denoise_cpu_seconds": cpu]
            let json = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: json, as: UTF8.self))
        } catch let e as SenseVoiceError {
            throw CLIError(e)
        }
    }

    /// User plus system CPU time of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
