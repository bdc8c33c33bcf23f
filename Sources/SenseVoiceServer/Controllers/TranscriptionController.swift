// Synchronous transcription: `POST /api/v1/transcriptions` and OpenAI's `POST /v1/audio/transcriptions`.

import HTTPTypes
import Hummingbird
import SenseVoiceEngine
import SenseVoiceJobs

/// Answers transcription requests while the client waits.
///
/// Order of checks: model ready (503) → a free place among `--max-pending` (429) → body within
/// the upload limit (413) → form and options (400) → decoding (415, 413 for long audio) → result.
struct TranscriptionController: Sendable {
    let configuration: ServerConfiguration
    let host: ModelHost
    let limiter: RequestLimiter
    let metrics: ServerMetrics

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/transcriptions", use: transcribe)
        router.post("/v1/audio/transcriptions", use: openAITranscribe)
        router.get("/v1/models", use: openAIModels)
    }

    /// `POST /api/v1/transcriptions`: multipart `file` + `language`, `use_itn`, `ban_emo_unk`,
    /// `timestamps`, `format` (json by default), `markers` (subtitles).
    @Sendable func transcribe(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await admitted { pool in
            let form = try await UploadReader.read(request, limit: configuration.maxUploadBytes)
            let file = try form.singleFile(named: "file")
            let options = try OptionParsing.transcriptionOptions(form.value)
            let format = try OptionParsing.format(form.value("format") ?? form.value("response_format"),
                                                  field: "format", in: .standard)
            let markers = try OptionParsing.markers(form.value("markers"))
            let result = try await run(pool, file: file, options: options)
            return try APIResponse.transcript(result, format: format,
                                              options: OptionParsing.writerOptions(markers: markers, words: options.timestamps))
        }
    }

    /// `POST /v1/audio/transcriptions`: OpenAI's fields `file`, `model` (any name), `language`,
    /// `prompt` and `temperature` (accepted, unused), `response_format`, `timestamp_granularities[]`.
    @Sendable func openAITranscribe(_ request: Request, context: BasicRequestContext) async throws -> Response {
        try await admitted { pool in
            let form = try await UploadReader.read(request, limit: configuration.maxUploadBytes)
            let file = try form.singleFile(named: "file")
            var options = try OptionParsing.transcriptionOptions(form.value)
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
                return try await OpenAITranscriptStream(pool: pool, limiter: limiter, metrics: metrics, decoding: decodingOptions)
                    .response(file: file, options: options)
            }
            let result = try await run(pool, file: file, options: options)
            return try APIResponse.transcript(result, format: format,
                                              options: OptionParsing.writerOptions(markers: .none, words: granularities.contains("word")))
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

    /// Runs `body` when the model is ready and a place is free.
    private func admitted(_ body: (InferencePool) async throws -> Response) async throws -> Response {
        guard let pool = host.pool else { throw APIError.notReady() }
        guard limiter.tryEnter() else {
            let perThread = max(1, limiter.current / max(1, pool.threadCount))
            throw APIError.busy(retryAfter: min(30, perThread),
                                message: "the server is busy (\(limiter.current) transcriptions waiting or running, limit \(limiter.limit)); retry after the Retry-After seconds, or submit a job")
        }
        defer { limiter.leave() }
        return try await body(pool)
    }

    /// The upload decoder's options: the server's duration limit.
    private var decodingOptions: AudioDecodingOptions {
        var decoding = AudioDecodingOptions()
        decoding.maxDurationSeconds = configuration.maxDurationSeconds
        return decoding
    }

    /// Decodes and transcribes on the inference pool, recording metrics.
    private func run(_ pool: InferencePool, file: UploadedFile, options: TranscriptionOptions) async throws -> TranscriptionResult {
        do {
            let result = try await pool.transcribe(data: file.bytes, filename: file.displayName, options: options,
                                                   decoder: AudioDecoder(options: decodingOptions))
            metrics.transcription.recordSuccess(result, source: "sync")
            return result
        } catch let error as SenseVoiceError {
            metrics.transcription.recordFailure(code: error.code.rawValue, source: "sync")
            throw error
        }
    }
}
