// Synchronous transcription: `POST /api/v1/transcriptions` and OpenAI's `POST /v1/audio/transcriptions`.

import Foundation
import HTTPTypes
import Hummingbird
import SenseVoiceEngine
import SenseVoiceJobs

/// Answers transcription requests while the client waits.
///
/// Order of checks: model ready (503) → body within the upload limits, spooled to disk as it
/// arrives (413, by `Content-Length` first) → form and options (400) → the file's header (413 for
/// long audio, 415 for bad or, with `strict=true`, cut-off audio) → a free place among
/// `--max-pending` (429; taken only now, so slow uploads hold none) → decoding → result.
struct TranscriptionController: Sendable {
    let configuration: ServerConfiguration
    let host: ModelHost
    let limiter: RequestLimiter
    let metrics: ServerMetrics
    let spool: UploadSpool

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/transcriptions", use: transcribe)
        router.post("/v1/audio/transcriptions", use: openAITranscribe)
        router.get("/v1/models", use: openAIModels)
    }

    /// `POST /api/v1/transcriptions`: multipart `file` + `language`, `use_itn`, `ban_emo_unk`,
    /// `timestamps`, `denoise` (off, afftdn, rnnoise; default: the server's `--denoise`), `format` (json by default), `markers` (subtitles), `label_style`, and for
    /// `format=markers` its `markers_format`, `only_events`, `only_emotions`, `edl_fps`, `edl_start`.
    @Sendable func transcribe(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await upload(request) { form in
            let file = try form.singleFile(named: "file")
            var options = try OptionParsing.transcriptionOptions(form.value)
            options.denoise = try OptionParsing.denoise(form.value, server: configuration.engine.denoise)
            let format = try OptionParsing.format(form.value("format") ?? form.value("response_format"),
                                                  field: "format", in: .standard)
            let writerOptions = try OptionParsing.writerOptions(form.value, words: options.timestamps,
                                                                speakers: options.givesSpeakers)
            let result = try await run(file: file, options: options, strict: OptionParsing.bool(form.value, "strict") ?? false)
            return try APIResponse.transcript(result, format: format, options: writerOptions)
        }
    }

    /// `POST /v1/audio/transcriptions`: OpenAI's fields `file`, `model` (any name), `language`,
    /// `prompt` and `temperature` (accepted, unused), `response_format`, `timestamp_granularities[]`,
    /// and speaches' extra `hotwords` (with `decoding`, `beam_size`, `hotword_score` as on our route),
    /// and our `denoise`.
    @Sendable func openAITranscribe(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await upload(request) { form in
            let file = try form.singleFile(named: "file")
            var options = try OptionParsing.transcriptionOptions(form.value)
            options.denoise = try OptionParsing.denoise(form.value, server: configuration.engine.denoise)
            let format = try OptionParsing.format(form.value("response_format"), field: "response_format", in: .openAI)
            var granularities = form.values("timestamp_granularities[]") + form.values("timestamp_granularities")
            granularities = granularities.flatMap { $0.split(separator: ",").map { $0.trimmingSpaces.lowercased() } }
            for g in granularities where g != "segment" && g != "word" {
                throw SenseVoiceError(.invalidOption, "timestamp_granularities[] '\(g.prefix(40))' is not supported; use segment or word")
            }
            if granularities.contains("word") {
                guard format.name == "verbose_json" else {
                    throw SenseVoiceError(.invalidOption, "timestamp_granularities[] needs response_format=verbose_json")
                }
                options.timestamps = true
            }
            if let t = form.value("temperature"), !t.trimmingSpaces.isEmpty {
                guard let value = Double(t.trimmingSpaces), (0...1).contains(value) else {
                    throw SenseVoiceError(.invalidOption, "temperature must be a number from 0 to 1 (it is accepted and ignored: decoding is greedy)")
                }
            }
            if let stream = try OptionParsing.bool(form.value, "stream"), stream {
                if options.channels != nil { throw ChannelSplitOptions.withStream }
                let strict = try OptionParsing.bool(form.value, "strict") ?? false
                _ = try UploadProbe.check(file, maxDurationSeconds: configuration.maxDurationSeconds, strict: strict)
                guard let pool = host.pool else { throw APIError.notReady() }
                return try await OpenAITranscriptStream(pool: pool, limiter: limiter, metrics: metrics,
                                                        decoding: decodingOptions(strict: strict))
                    .response(file: file, options: options)
            }
            let result = try await run(file: file, options: options, strict: OptionParsing.bool(form.value, "strict") ?? false)
            return try APIResponse.transcript(result, format: format,
                                              options: OptionParsing.openAIWriterOptions(words: granularities.contains("word"),
                                                                                         speakers: options.givesSpeakers))
        }
    }

    /// `GET /v1/models`: the one model, for OpenAI clients that list models first.
    @Sendable func openAIModels(_ request: Request, context: BasicRequestContext) async throws -> Response {
        struct Model: Encodable {
            var id = "sensevoice-small"
            var object = "model"
            var created = 0
            var owned_by = "FunAudioLLM"
        }
        struct List: Encodable {
            var object = "list"
            var data = [Model()]
        }
        return try APIResponse.json(List())
    }

    // MARK: - Helpers

    /// Reads the upload (to disk) once the model is ready, runs `body` with it and deletes the file.
    private func upload(_ request: Request, _ body: (UploadedForm) async throws -> Response) async throws -> Response {
        guard host.pool != nil else { throw APIError.notReady() }
        let form = try await UploadReader.read(request, spool: spool, limits: .singleFile(configuration))
        defer { form.discard() }
        return try await body(form)
    }

    /// The upload decoder's options: the server's duration limit, and `strict` (truncated audio refused).
    private func decodingOptions(strict: Bool) -> AudioDecodingOptions {
        var decoding = AudioDecodingOptions()
        decoding.maxDurationSeconds = configuration.maxDurationSeconds
        decoding.strict = strict
        return decoding
    }

    /// Checks the file's header, takes a place among `--max-pending`, then decodes and transcribes
    /// on the inference pool, recording metrics.
    private func run(file: UploadedFile, options: TranscriptionOptions, strict: Bool) async throws -> TranscriptionResult {
        do {
            _ = try UploadProbe.check(file, maxDurationSeconds: configuration.maxDurationSeconds, strict: strict, split: options.channels)
            guard let pool = host.pool else { throw APIError.notReady() }
            guard limiter.tryEnter() else {
                let perThread = max(1, limiter.current / max(1, pool.threadCount))
                throw APIError.busy(retryAfter: min(30, perThread),
                                    message: "the server is busy (\(limiter.current) transcriptions waiting or running, limit \(limiter.limit)); retry after the Retry-After seconds, or submit a job")
            }
            defer { limiter.leave() }
            let result = try await pool.transcribe(path: file.url.path, displayName: file.displayName, options: options,
                                                   decoder: AudioDecoder(options: decodingOptions(strict: strict)))
            metrics.transcription.recordSuccess(result, source: "sync")
            return result
        } catch let error as SenseVoiceError {
            metrics.transcription.recordFailure(code: error.code.rawValue, source: "sync")
            guard error.code == .audioTooLong, let jobs = configuration.maxJobDurationSeconds,
                  jobs > (configuration.maxDurationSeconds ?? .infinity) else { throw error }
            throw SenseVoiceError(.audioTooLong, error.message + " Jobs (POST /api/v1/jobs) take recordings up to \(Int(jobs / 60)) min.")
        }
    }
}
