// The JSON shape of a job in the API.

import Foundation
import SenseVoiceEngine
import SenseVoiceJobs

/// A job as the API shows it (`GET /api/v1/jobs/{id}`, lists, submissions, SSE events).
struct JobDTO: Encodable, Equatable, Sendable {
    struct Options: Encodable, Equatable, Sendable {
        var language: String
        var use_itn: Bool
        var ban_emo_unk: Bool
        var timestamps: Bool
        /// Beam search only (absent for greedy): `beam`, its width, hotwords as `phrase[:score]`.
        var decoding: String?
        var beam_size: Int?
        var hotwords: [String]?
        var hotword_score: Double?
        /// The denoiser the job runs (`off`, `afftdn`, `rnnoise`; never a server path).
        var denoise: String? = nil
    }

    struct ErrorDetail: Encodable, Equatable, Sendable {
        var code: String
        var message: String
    }

    struct Links: Encodable, Equatable, Sendable {
        var `self`: String
        var result: String
        var events: String
    }

    var id: String
    var batch_id: String
    var file: String
    var bytes: Int
    var state: String
    var progress: Double
    var attempts: Int
    var duration_ms: Int?
    var options: Options
    var error: ErrorDetail?
    var created_at: Date
    var started_at: Date?
    var finished_at: Date?
    var links: Links
    /// What the file's header or decoding noticed (`truncated: …`), where known: on submission
    /// and on a finished job's own record; absent in lists.
    var warnings: [String]? = nil

    init(_ job: JobRecord) {
        id = job.id
        batch_id = job.batchID
        file = job.fileName
        bytes = job.audioBytes
        state = job.state.rawValue
        progress = (job.progress * 1000).rounded() / 1000
        attempts = job.attempts
        duration_ms = job.durationMs
        options = Options(language: job.options.language.rawValue, use_itn: job.options.useITN,
                          ban_emo_unk: job.options.banEmotionUnknown, timestamps: job.options.timestamps)
        if let beam = job.options.beamSearch {
            options.decoding = "beam"
            options.beam_size = beam.beamSize
            options.hotwords = beam.hotwords.map { h in h.score.map { "\(h.phrase):\($0)" } ?? h.phrase }
            options.hotword_score = beam.hotwordScore
        }
        options.denoise = job.options.denoise?.name
        error = job.errorCode.map { ErrorDetail(code: $0, message: job.errorMessage ?? "") }
        created_at = job.createdAt
        started_at = job.startedAt
        finished_at = job.finishedAt
        let base = "/api/v1/jobs/\(job.id)"
        links = Links(self: base, result: base + "/result", events: base + "/events")
    }
}

/// `POST /api/v1/jobs` answer.
struct JobSubmissionDTO: Encodable, Sendable {
    var batch_id: String
    var jobs: [JobDTO]
}

/// `GET /api/v1/jobs` answer.
struct JobListDTO: Encodable, Sendable {
    var jobs: [JobDTO]
    /// Offset of the next page, when this page is full.
    var next_offset: Int?
}
