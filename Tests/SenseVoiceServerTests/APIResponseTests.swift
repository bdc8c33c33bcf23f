// Response bodies: an encoding failure is a 500 error, never a 200 with a substitute body.

import Foundation
import HTTPTypes
import Hummingbird
import SenseVoiceEngine
@testable import SenseVoiceServer
import Testing

@Suite("API response bodies")
struct APIResponseTests {
    @Test("a JSON body that cannot be encoded is an internal error (500), not {} with 200")
    func jsonEncodingFailure() {
        let error = #expect(throws: SenseVoiceError.self) { try APIResponse.json(["ratio": Double.nan]) }
        #expect(error?.code == .internalError)
        if let error { #expect(APIError(error).status == .internalServerError) }
        #expect(throws: Never.self) { try APIResponse.json(["ratio": 0.5]) }
    }

    @Test("a result a writer cannot encode is an internal error in every JSON format")
    func transcriptEncodingFailure() throws {
        var result = TranscriptionResult(file: "a.wav", durationMs: 1000, segments: [], timings: Timings())
        result.timings.rtf = .infinity
        let json = try #require(TranscriptFormats.standard["json"])
        let error = #expect(throws: SenseVoiceError.self) {
            try APIResponse.transcript(result, format: json, options: TranscriptWriterOptions())
        }
        #expect(error?.code == .internalError)
        let text = try APIResponse.transcript(result, format: try #require(TranscriptFormats.standard["text"]), options: TranscriptWriterOptions())
        #expect(text.status == .ok)
    }
}
