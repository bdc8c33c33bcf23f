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

        With --audio FILE --vad-model DIR it times the long-audio flow end to end instead: decoding,
        FSMN-VAD, merging, batched recognition (--batch-seconds of audio per encoder pass), once.
        --repeat-audio-to-s repeats the decoded audio up to that length (e.g. 600 for 10 minutes).

        Both modes run the same Transcriber as transcribe and serve. The model is --model DIR or
        --synthetic NAME, exactly one of them (the model caches are not searched).
        """)

    @OptionGroup(title: "Models")
    var engine: EngineOptions

    @Option(help: "Build a random-weight model in memory instead of --model: small or full.")
    var synthetic: String?

    @Option(help: "Audio length in seconds.")
    var seconds: Double = 30

    @Option(help: "BLAS threads.")
    var threads: Int = 1

    @Option(help: "Timed repetitions (the median is reported).")
    var repeats: Int = 3

    @Option(help: "Untimed warm-up runs.")
    var warmup: Int = 1

    @Option(help: "Long-audio mode: an audio file to decode, segment and recognise end to end.")
    var audio: String?

    @Option(name: .customLong("repeat-audio-to-s"), help: "Repeat the decoded --audio up to this many seconds.")
    var repeatAudioToSeconds: Double?

    @OptionGroup(title: "Decoding")
    var decodingOptions: DecodingOptions

    @Option(help: "Time beam search biased by this many random hotwords (2–4 random tokens each; for synthetic vocabularies, which spell no text).")
    var randomHotwords: Int = 0

    @Option(help: "Most seconds of audio per encoder batch in --audio mode.")
    var batchSeconds: Double = EngineConfiguration.defaultBatchSeconds

    func validate() throws {
        if (engine.model == nil) == (synthetic == nil) { throw ValidationError("give exactly one of --model DIR or --synthetic small|full") }
        if seconds <= 0 || seconds > 3600 { throw ValidationError("--seconds must be in (0, 3600]") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1") }
        if (audio == nil) != (engine.vadModelDirectory == nil) { throw ValidationError("--audio and --vad-model go together") }
        if batchSeconds <= 0 { throw ValidationError("--batch-seconds must be positive") }
    }

    func run() throws {
        let precision = try engine.parsedPrecision()
        if let note = PrecisionOption.note(precision) { printError(note) }
        var configuration = EngineConfiguration(precision: precision, threads: threads, batchSeconds: batchSeconds)
        do {
            configuration.denoise = try DenoiseMethod(parsing: engine.denoise)  // timed with decoding (--audio)
            try Denoiser.check(configuration.denoise)
        } catch let e as SenseVoiceError { throw CLIError(e) }
        let loadClock = Stopwatch()
        let bundle: SenseVoice
        do {
            if let synthetic {
                bundle = try SyntheticModel.bundle(named: synthetic, precision: precision)
            } else {
                bundle = try SenseVoice(modelDirectory: engine.model!, precision: precision)
            }
        } catch let error as SenseVoiceError {
            throw CLIError(error)
        }
        let loadSeconds = loadClock.seconds
        if let audio, let vadModel = engine.vadModelDirectory {
            try runLongAudio(bundle: bundle, configuration: configuration, path: audio, vadModel: vadModel, loadSeconds: loadSeconds)
            return
        }
        // Frontend → encoder → CTC → text on one stretch of audio, through the pipeline's own session.
        let transcriber = Transcriber(bundle: bundle, configuration: configuration)
        let session = transcriber.makeSession()
        let samples = BenchAudio.make(seconds: seconds)
        var options = TranscriptionOptions()
        do {
            options.beamSearch = try decodingOptions.beamSearch()
            _ = try transcriber.decoder(for: options)
        } catch let error as SenseVoiceError { throw CLIError(error) }
        var times: [Double] = []
        var frames = 0
        for i in 0..<(warmup + repeats) {
            let clock = Stopwatch()
            frames = try session.recognize(samples, options: options).encoderFrames
            if i >= warmup { times.append(clock.seconds) }
        }
        let decoding = try BenchDecoding.measure(session: session, transcriber: transcriber, samples: samples, options: options,
                                                 randomHotwords: randomHotwords, repeats: max(repeats, 3))
        times.sort()
        let median = times[times.count / 2]
        let report: [String: Any] = [
            "model": modelName,
            "parameters": bundle.model.parameterCount,
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
            "decoding": decoding.report,
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private var modelName: String { synthetic.map { "synthetic-\($0)" } ?? engine.model ?? "" }

    /// `--audio` mode: decode → VAD → merge → batched recognition, the ``Transcriber`` of `transcribe`
    /// and `serve` run once with a timing observer.
    private func runLongAudio(bundle: SenseVoice, configuration: EngineConfiguration, path: String, vadModel: String,
                              loadSeconds: Double) throws {
        let vad: FSMNVAD
        let decoded: AudioBuffer
        let decodeClock = Stopwatch()
        do {
            decoded = try AudioDecoder().decode(path: path)
        } catch let error as SenseVoiceError {
            throw CLIError(error)
        }
        let decodeSeconds = decodeClock.seconds
        do {
            vad = try FSMNVAD(modelDirectory: vadModel)
        } catch let error as SenseVoiceError {
            throw CLIError(error)
        }
        var samples = decoded.samples
        if let target = repeatAudioToSeconds, !samples.isEmpty {
            let want = Int(target * Double(decoded.sampleRate))
            samples.reserveCapacity(want)
            while samples.count < want { samples += decoded.samples.prefix(want - samples.count) }
        }
        // Decoding time scales with the audio decoded: charge it per repeated copy.
        let copies = Double(samples.count) / Double(max(decoded.samples.count, 1))
        let audioSeconds = Double(samples.count) / Double(decoded.sampleRate)
        let session = Transcriber(bundle: bundle, vad: vad, configuration: configuration).makeSession()
        var t = StageTotals()
        let clock = Stopwatch()
        do {
            _ = try session.transcribe(AudioBuffer(samples: samples, sampleRate: decoded.sampleRate), file: path,
                                       options: TranscriptionOptions(), observe: { t.add($0) })
        } catch let error as SenseVoiceError {
            throw CLIError(error)
        }
        let computeSeconds = clock.seconds
        let total = computeSeconds + decodeSeconds * copies
        let report: [String: Any] = [
            "model": modelName,
            "audio": path,
            "audio_seconds": round6(audioSeconds),
            "threads": threads,
            "precision": configuration.precision.rawValue,
            "batch_seconds": batchSeconds,
            "segments": t.segments,
            "batches": t.batches,
            "encoder_frames": t.encoderFrames,
            "decode_seconds": round6(decodeSeconds * copies),
            "vad_seconds": round6(t.vadSeconds),
            "features_seconds": round6(t.featuresSeconds),
            "encoder_seconds": round6(t.encoderSeconds),
            "total_seconds": round6(total),
            "rtf": round6(total / audioSeconds),
            "load_seconds": round6(loadSeconds),
            "peak_rss_mb": (ProcessStats.peakResidentBytes() ?? 0) / (1 << 20),
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}

/// The `--audio` report's sums of the pipeline's stage timings.
struct StageTotals {
    var vadSeconds = 0.0
    var featuresSeconds = 0.0
    var encoderSeconds = 0.0
    var segments = 0
    var batches = 0
    var encoderFrames = 0

    mutating func add(_ timing: StageTiming) {
        switch timing.stage {
        case .vad:
            vadSeconds += timing.seconds
            segments += timing.count
        case .features:
            featuresSeconds += timing.seconds
        case .encoder:
            encoderSeconds += timing.seconds
            encoderFrames += timing.count
            batches += 1
        }
    }
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
