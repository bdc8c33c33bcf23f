// Engine benchmarks: each pipeline stage on its own, then end to end, on fixed synthetic or fixture
// inputs. Wall-clock time is the primary metric; the malloc counts show allocations in the hot path.
import Benchmark
import Foundation
import SenseVoiceAudio
import SenseVoiceEngine
import SenseVoiceTensor

/// Paths inside the main package (this file is Benchmarks/Benchmarks/EngineBenchmarks/…).
enum RepoPaths {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let tinyModel = root + "/Tests/Fixtures/tiny-sensevoice"
    static let longMixed = root + "/Tests/Fixtures/audio/long_mixed.wav"
    static var vadModel: String? {
        let candidates = [ProcessInfo.processInfo.environment["SENSEVOICE_TEST_VAD_MODEL"],
                          root + "/.cache/models/fsmn-vad"].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/model.pt") }
    }
}

/// Deterministic speech-like test signal: two tones plus a little noise, 16 kHz mono.
func syntheticAudio(seconds: Double) -> [Float] {
    let n = Int(seconds * 16_000)
    var rng = SplitMix64(seed: 42)
    return (0..<n).map { i in
        let t = Float(i) / 16_000
        return 0.2 * sinf(2 * .pi * 220 * t) + 0.1 * sinf(2 * .pi * 1_250 * t) + 0.02 * rng.nextSignedUnit()
    }
}

/// A random-weight model and what it needs, built once per process (the full one is 234 M parameters).
final class SyntheticSetup: Sendable {
    let model: SenseVoiceModel
    let frontend: WavFrontend

    init(_ name: String) {
        let config = try! SyntheticModel.config(named: name)
        model = SyntheticModel.make(config: config)
        frontend = WavFrontend(config: config.frontend, cmvn: nil)
    }

    static let small = SyntheticSetup("small")
    static let full = SyntheticSetup("full")
}

let benchmarks: @Sendable () -> Void = {
    let quick = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                        timeUnits: .milliseconds, warmupIterations: 1,
                                        maxDuration: .seconds(10), maxIterations: 50)
    let slow = Benchmark.Configuration(metrics: [.wallClock, .cpuTotal, .peakMemoryResident],
                                       timeUnits: .milliseconds, warmupIterations: 1,
                                       maxDuration: .seconds(30), maxIterations: 5)

    // Frontend: fbank (double FFT) → LFR → CMVN on 30 s of audio.
    Benchmark("frontend/30s", configuration: quick) { benchmark in
        let setup = SyntheticSetup.small
        let samples = syntheticAudio(seconds: 30)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(setup.frontend.features(samples))
        }
    }

    // Encoder + CTC head, per model size, audio length and BLAS threads.
    for (name, seconds, iterations) in [("small", 30.0, quick), ("full", 10.0, slow), ("full", 30.0, slow)] {
        for threads in [1, 2] {
            Benchmark("encoder/\(name)/\(Int(seconds))s/threads=\(threads)", configuration: iterations) { benchmark in
                let setup = name == "full" ? SyntheticSetup.full : SyntheticSetup.small
                let features = setup.frontend.features(syntheticAudio(seconds: seconds))
                let session = EncoderSession(model: setup.model, threads: threads)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    let encoded = try session.encode(features: features, language: .auto, useITN: true)
                    blackHole(try session.logProbabilities(encoded))
                }
            }
        }
    }

    // CTC head and greedy decoding over the full vocabulary (25055 tokens) for 30 s.
    Benchmark("ctc/greedy/full/30s", configuration: quick) { benchmark in
        let setup = SyntheticSetup.full
        let session = EncoderSession(model: setup.model, threads: 2)
        let features = setup.frontend.features(syntheticAudio(seconds: 30))
        let encoded = try session.encode(features: features, language: .auto, useITN: true)
        let decoder = CTCGreedyDecoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try session.withCTCLogits(of: encoded) { decoder.decode($0) })
        }
    }

    // FSMN-VAD (real model, when fetched by scripts/fetch-test-models.sh) over 60 s.
    if let vadDirectory = RepoPaths.vadModel {
        Benchmark("vad/fsmn/60s", configuration: quick) { benchmark in
            let vad = try FSMNVAD(modelDirectory: vadDirectory)
            let samples = syntheticAudio(seconds: 60)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try vad.segments(samples, options: VADOptions()))
            }
        }

        // End to end on the tiny fixture model: VAD → merge → per-segment ASR → text, 105 s file.
        Benchmark("pipeline/tiny/long_mixed", configuration: quick) { benchmark in
            let bundle = try SenseVoice(modelDirectory: RepoPaths.tinyModel)
            let transcriber = Transcriber(bundle: bundle, vad: try FSMNVAD(modelDirectory: vadDirectory),
                                          configuration: EngineConfiguration(threads: 2))
            let audio = try AudioDecoder().decode(path: RepoPaths.longMixed)
            let session = transcriber.makeSession()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try session.transcribe(audio, file: nil, options: TranscriptionOptions()))
            }
        }
    }

    // Model load from the official layout (tiny fixture: parsing, mmap, tokenizer).
    Benchmark("load/tiny", configuration: quick) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try SenseVoice(modelDirectory: RepoPaths.tinyModel))
        }
    }
}
