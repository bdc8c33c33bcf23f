// The jobs API: submit files, list, get, fetch results in any format, follow progress (SSE), delete.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SenseVoiceEngine
import SenseVoiceJobs

/// Routes under `/api/v1/jobs`.
///
/// Job ids in paths are checked to be server-made UUIDs before anything else, so they are safe as
/// keys and file names; anything else is a 404.
struct JobsController: Sendable {
    let configuration: ServerConfiguration
    let store: any JobStore
    let blobs: any AudioBlobStore
    let wake: WakeSignal
    let shutdown: ShutdownFlag
    /// Where submissions are written while they arrive.
    let spool: UploadSpool
    /// Seconds between store polls of an event stream.
    var eventPollInterval: Duration = .milliseconds(250)
    /// Seconds between keep-alive comments of an event stream.
    var keepAliveInterval: Duration = .seconds(15)

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/api/v1/jobs", use: submit)
        router.get("/api/v1/jobs", use: list)
        router.get("/api/v1/jobs/{id}", use: get)
        router.delete("/api/v1/jobs/{id}", use: delete)
        router.get("/api/v1/jobs/{id}/result", use: result)
        router.get("/api/v1/jobs/{id}/events", use: events)
        router.get("/api/v1/jobs/{id}/audio", use: audio)
    }

    /// `POST /api/v1/jobs`: one or many `file` parts (also `files`, `file[]`) + the options of
    /// `/api/v1/transcriptions` (and `strict`). Answers 202 with the batch id and one job per file.
    ///
    /// Each file is written to disk as it arrives (at most `--max-upload-mb` each) and its header
    /// checked before anything is queued: a file over `--max-job-duration-s`, not audio, or cut off
    /// under `strict=true` refuses the whole submission with a message naming it. A cut-off file
    /// otherwise is queued with its `warnings`.
    @Sendable func submit(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let form = try await UploadReader.read(request, spool: spool, limits: .batch(configuration))
        defer { form.discard() }
        var options = try OptionParsing.transcriptionOptions(form.value)
        options.denoise = try OptionParsing.denoise(form.value, server: configuration.engine.denoise)
        let strict = try OptionParsing.bool(form.value, "strict") ?? false
        let files = form.files(named: ["file", "files", "file[]", "files[]"])
        guard !files.isEmpty else {
            throw APIError.badRequest("the request has no 'file' part; send one or more audio files as multipart/form-data fields 'file'", code: "missing_file")
        }
        guard files.count <= configuration.maxFilesPerSubmission else {
            throw APIError.badRequest("\(files.count) files in one request; the limit is \(configuration.maxFilesPerSubmission), so split the batch", code: "too_many_files")
        }
        if let empty = files.first(where: { $0.size == 0 }) {
            throw APIError(.unsupportedMediaType, code: "audio_empty", message: "'\(empty.displayName)' is empty (0 bytes); choose a recording with sound")
        }
        var warnings: [[String]] = []
        for file in files {
            warnings.append(try UploadProbe.check(file, maxDurationSeconds: configuration.maxJobDurationSeconds, strict: strict,
                                                  withoutVAD: configuration.engine.vadModelDirectory == nil ? configuration.engine.maxNoVADSeconds : nil,
                                                  split: options.channels))
        }
        let batchID = JobRecord.makeID()
        let now = Date()
        let jobs = files.enumerated().map { index, file in
            JobRecord(batchID: batchID, fileName: file.displayName, audioBytes: file.size, options: options,
                      createdAt: now.addingTimeInterval(Double(index) * 1e-6))
        }
        do {
            for (job, file) in zip(jobs, files) { try await blobs.put(id: job.id, moving: file.url) }
            try await store.insert(jobs, maxQueued: configuration.maxQueuedJobs)
        } catch {
            for job in jobs { try? await blobs.delete(id: job.id) }
            throw error
        }
        wake.signal()
        context.logger.info("jobs submitted", metadata: ["batch": "\(batchID)", "files": "\(jobs.count)"])
        var headers = HTTPFields()
        headers[.location] = "/api/v1/jobs/\(jobs[0].id)"
        let dtos = zip(jobs, warnings).map { job, warnings in
            var dto = JobDTO(job)
            dto.warnings = warnings
            return dto
        }
        return try APIResponse.json(JobSubmissionDTO(batch_id: batchID, jobs: dtos), status: .accepted, headers: headers)
    }

    /// `GET /api/v1/jobs?state=&batch=&limit=&offset=`: newest first.
    @Sendable func list(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let q = UploadReader.queryDictionary(request)
        var state: JobState?
        if let s = q["state"], !s.isEmpty {
            guard let parsed = JobState(rawValue: s.lowercased()) else {
                throw APIError.badRequest("state '\(s.prefix(40))' is not a job state; use queued, running, succeeded or failed", code: "invalid_option")
            }
            state = parsed
        }
        let batch = q["batch"] ?? q["batch_id"]
        if let batch, !batch.isEmpty, !JobRecord.isValidID(batch) {
            throw APIError.badRequest("batch '\(batch.prefix(40))' is not a batch id", code: "invalid_option")
        }
        let limit = try Self.integer(q["limit"], name: "limit", range: 1...500) ?? 50
        let offset = try Self.integer(q["offset"], name: "offset", range: 0...Int(Int32.max)) ?? 0
        let jobs = try await store.list(JobQuery(state: state, batchID: batch?.isEmpty == false ? batch : nil, limit: limit, offset: offset))
        return try APIResponse.json(JobListDTO(jobs: jobs.map(JobDTO.init), next_offset: jobs.count == limit ? offset + limit : nil))
    }

    /// `GET /api/v1/jobs/{id}`; a finished job carries its result's `warnings`.
    @Sendable func get(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let job = try await job(context)
        var dto = JobDTO(job)
        if job.state == .succeeded { dto.warnings = try await store.result(id: job.id)?.warnings }
        return try APIResponse.json(dto)
    }

    /// `DELETE /api/v1/jobs/{id}`: removes the job and its audio in any state (a running job stops).
    @Sendable func delete(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let id = try Self.id(context)
        guard try await store.delete(id: id) != nil else { throw Self.missing(id) }
        try? await blobs.delete(id: id)
        return Response(status: .noContent)
    }

    /// `GET /api/v1/jobs/{id}/result?format=…&markers=…&download=1`: any format of `TranscriptFormats.standard`
    /// (with `format=markers`: `markers_format`, `only_events`, `only_emotions`, `edl_fps`, `edl_start`).
    @Sendable func result(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let q = UploadReader.queryDictionary(request)
        let format = try OptionParsing.format(q["format"], field: "format", in: .standard)
        let download = try OptionParsing.bool({ q[$0] }, "download") ?? false
        let job = try await job(context)
        switch job.state {
        case .queued, .running:
            throw APIError(.conflict, code: "job_not_finished",
                           message: "job \(job.id) is \(job.state.rawValue) (\(Int(job.progress * 100))% done); wait until its state is succeeded (GET \(JobDTO(job).links.events) streams progress)")
        case .failed:
            throw APIError(.conflict, code: "job_failed",
                           message: "job \(job.id) failed [\(job.errorCode ?? "error")]: \(job.errorMessage ?? "no message"); fix the file and submit it again")
        case .succeeded:
            guard let result = try await store.result(id: job.id) else { throw Self.missing(job.id) }
            let options = try OptionParsing.writerOptions({ q[$0] }, words: job.options.timestamps,
                                                          speakers: job.options.givesSpeakers)
            return try APIResponse.transcript(result, format: format, options: options,
                                              attachmentName: download ? APIResponse.baseName(job.fileName) : nil)
        }
    }

    /// `GET /api/v1/jobs/{id}/events`: Server-Sent Events. `event: progress` with the job JSON on
    /// every change, then `event: done` with the final job, then the stream ends; `event: deleted`
    /// when the job disappears. A comment line every 15 s keeps proxies from closing it.
    @Sendable func events(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let first = try await job(context)
        let id = first.id
        let store = self.store
        let shutdown = self.shutdown
        let poll = eventPollInterval
        let keepAlive = keepAliveInterval
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            func send(_ event: String, _ dto: JobDTO?) async throws {
                var text = "event: \(event)\n"
                // A deleted job has no body; a job that cannot be encoded ends the stream with an error.
                let data = try dto.map { String(decoding: try APIResponse.encode($0), as: UTF8.self) } ?? "{}"
                text += "data: \(data)\n"
                try await writer.write(ByteBuffer(string: text + "\n"))
            }
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            let clock = ContinuousClock()
            var lastSent: JobDTO?
            var lastWrite = clock.now
            var current: JobRecord? = first
            while true {
                guard let job = current else {
                    try await send("deleted", nil)
                    break
                }
                let dto = JobDTO(job)
                if job.state.isFinished {
                    try await send("done", dto)
                    break
                }
                if dto != lastSent {
                    try await send("progress", dto)
                    lastSent = dto
                    lastWrite = clock.now
                } else if clock.now - lastWrite >= keepAlive {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                    lastWrite = clock.now
                }
                if shutdown.isSet || Task.isCancelled {
                    try await send("shutdown", dto)
                    break
                }
                try await Task.sleep(for: poll)
                current = try await store.job(id: id)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `GET /api/v1/jobs/{id}/audio`: the uploaded audio, for playback in the web UI. The media
    /// type is sniffed from the bytes; `nosniff` and a sandboxing CSP keep browsers from treating
    /// an upload as a page.
    @Sendable func audio(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let job = try await job(context)
        let bytes: [UInt8]
        do {
            bytes = try await blobs.get(id: job.id)
        } catch let error as JobError where error.code == .audioMissing {
            throw Self.missing(job.id)
        }
        var headers = HTTPFields()
        headers[.contentType] = Self.audioMediaType(bytes)
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'"
        headers[.cacheControl] = "private, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A playback media type from the first bytes (`application/octet-stream` when unknown).
    static func audioMediaType(_ b: [UInt8]) -> String {
        func starts(_ s: String, at offset: Int = 0) -> Bool {
            let p = Array(s.utf8)
            return b.count >= offset + p.count && Array(b[offset..<offset + p.count]) == p
        }
        if starts("RIFF") && starts("WAVE", at: 8) { return "audio/wav" }
        if starts("ID3") || (b.count > 1 && b[0] == 0xFF && b[1] & 0xE0 == 0xE0) { return "audio/mpeg" }
        if starts("OggS") { return "audio/ogg" }
        if starts("fLaC") { return "audio/flac" }
        if b.starts(with: [0x1A, 0x45, 0xDF, 0xA3]) { return "audio/webm" }
        if starts("ftyp", at: 4) { return "audio/mp4" }
        return "application/octet-stream"
    }

    // MARK: - Helpers

    private func job(_ context: BasicRequestContext) async throws -> JobRecord {
        let id = try Self.id(context)
        guard let job = try await store.job(id: id) else { throw Self.missing(id) }
        return job
    }

    private static func id(_ context: BasicRequestContext) throws -> String {
        let raw = context.parameters.get("id") ?? ""
        guard JobRecord.isValidID(raw) else { throw missing(raw) }
        return raw
    }

    private static func missing(_ id: String) -> APIError {
        .notFound("no job '\(id.prefix(64))'; it may have been deleted or passed the retention period (GET /api/v1/jobs lists jobs)")
    }

    private static func integer(_ text: String?, name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)", code: "invalid_option")
        }
        return value
    }
}
