// A job's result as both job stores keep it: the JSON result document in one text column.

import Foundation
import SenseVoiceEngine

extension TranscriptionResult {
    /// Decodes a result column read from a job store.
    /// - Parameters:
    ///   - json: the stored text; `nil` when the job has no result (not succeeded).
    ///   - jobID: the job, named in the error.
    /// - Throws: `JobError(.storage)` when the stored text is not a result.
    static func stored(_ json: String?, jobID: String) throws -> TranscriptionResult? {
        guard let json else { return nil }
        do {
            return try JSONDecoder().decode(TranscriptionResult.self, from: Data(json.utf8))
        } catch {
            throw JobError(.storage, "the stored result of job \(jobID) is unreadable: \(error)")
        }
    }
}
