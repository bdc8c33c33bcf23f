// Servers for the live-transcription tests: the tiny model with the FSMN-VAD, so streams have segments.

import Foundation
import SenseVoiceEngine
import SenseVoiceJobs
@testable import SenseVoiceServer
import SenseVoiceTestSupport
import Testing

/// The tiny model plus the fetched FSMN-VAD model (`scripts/fetch-test-models.sh`).
enum LiveTestServer {
    /// The pipeline with VAD; `nil` (and the tests that need it fail) when the VAD model is missing.
    static let transcriber: Transcriber? = {
        guard let vadDirectory = Fixtures.vadModel else { return nil }
        do {
            let vad = try FSMNVAD(modelDirectory: vadDirectory.path)
            return Transcriber(bundle: TestServer.bundle, vad: vad, configuration: EngineConfiguration(
                modelDirectory: Fixtures.tinyModel.path, vadModelDirectory: vadDirectory.path, workers: 2,
                maxNoVADSeconds: EngineConfiguration.serviceMaxNoVADSeconds))
        } catch {
            return nil
        }
    }()

    /// A pool over ``transcriber`` shared by the live tests.
    static let pool: InferencePool? = transcriber.map { InferencePool(transcriber: $0, threads: 2, name: "test-live") }

    /// The VAD pool, or a recorded failure naming the missing model.
    static func requirePool(sourceLocation: SourceLocation = #_sourceLocation) throws -> InferencePool {
        _ = try Fixtures.requireVADModel(sourceLocation: sourceLocation)
        return try #require(pool, "the FSMN-VAD model did not load", sourceLocation: sourceLocation)
    }

    /// A server environment on the VAD pool.
    static func environment(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> ServerEnvironment {
        try TestServer.environment(pool: try requirePool(), configure)
    }
}
