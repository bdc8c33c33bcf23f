// `sensevoice bench`: real-time factor of the engine on synthetic or real models.

import ArgumentParser
import Foundation
import SenseVoiceEngine

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the real-time factor (compute seconds ÷ audio seconds); prints one JSON line.",
        discussion: """
        With --synthetic full the real-size SenseVoiceSmall (512 wide, 50 + 20 layers, 25055 tokens) is
        built in memory with random weights, so no download is needed. Audio is synthetic (noise and
        tones) of --seconds length; the time covers fbank, LFR, CMVN, encoder and CTC decoding.
        """)

    @Option(help: "Model directory to benchmark (official layout).")
    var model: String?

    @Option(help: "Build a random-weight model in memory instead: small or full.")
    var synthetic: String?

    @Option(help: "Audio length in seconds.")
    var seconds: Double = 30

    @Option(help: "BLAS threads.")
    var threads: Int = 1

    @Option(help: "Timed repetitions (the median is reported).")
    var repeats: Int = 3

    @Option(help: "Untimed warm-up runs.")
    var warmup: Int = 1

    @Option(help: PrecisionOption.help)
    var precision: String = "fp32"

    func validate() throws {
        if (model == nil) == (synthetic == nil) { throw ValidationError("give exactly one of --model DIR or --synthetic small|full") }
        if seconds <= 0 || seconds > 3600 { throw ValidationError("--seconds must be in (0, 3600]") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        _ = try PrecisionOption.parse(precision)
    }

    func run() throws {
        BLAS.setThreads(threads)
        let precision = try PrecisionOption.parse(self.precision)
        if let note = PrecisionOption.note(precision) { printError(note) }
        let loadClock = Stopwatch()
        let pipeline: BenchPipeline
        do {
            if let synthetic {
                pipeline = try BenchPipeline(synthetic: synthetic, precision: precision)
            } else {
                pipeline = try BenchPipeline(directory: model!, precision: precision)
            }
        } catch let error as SenseVoiceError {
            throw CLIError(error)
        }
        let loadSeconds = loadClock.seconds
        let samples = BenchAudio.make(seconds: seconds)
        var times: [Double] = []
        var frames = 0
        for i in 0..<(warmup + repeats) {
            let clock = Stopwatch()
            frames = pipeline.run(samples)
            if i >= warmup { times.append(clock.seconds) }
        }
        times.sort()
        let median = times[times.count / 2]
        let report: [String: Any] = [
            "model": synthetic.map { "synthetic-\($0)" } ?? model!,
            "parameters": pipeline.parameterCount,
            "audio_seconds": seconds,
            "encoder_frames": frames,
            "threads": threads,
            "precision": precision.rawValue,
            "repeats": repeats,
            "compute_seconds": round6(median),
            "min_seconds": round6(times.first!),
            "rtf": round6(median / seconds),
            "load_seconds": round6(loadSeconds),
            "peak_rss_mb": (ProcessStats.peakResidentBytes() ?? 0) / (1 << 20),
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}

/// Deterministic bench audio: a few tones over low noise, in [-1, 1].
enum BenchAudio {
    static func make(seconds: Double) -> [Float] {
        let n = Int(seconds * 16_000)
        var rng = SplitMix64(seed: 42)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let t = Float(i) / 16_000
            out[i] = 0.2 * sinf(2 * .pi * 220 * t) + 0.1 * sinf(2 * .pi * 1_250 * t) + 0.02 * rng.nextSignedUnit()
        }
        return out
    }
}
