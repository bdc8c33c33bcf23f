// What a worker does with a claimed job: a protocol, with the engine-backed default.

public import Foundation
public import SenseVoiceEngine

/// Turns a claimed job's audio into a result.
///
/// The default is ``TranscriptionJobProcessor``; tests inject fakes (slow, failing, counting).
public protocol JobProcessing: Sendable {
    /// Returns when the processor can take work (the model is loaded).
    /// - Throws: the loading error, or `CancellationError`.
    func waitUntilReady() async throws

    /// Transcribes one job.
    /// - Parameters:
    ///   - job: the claimed job (its options and display name).
    ///   - audio: the stored upload.
    ///   - cancellation: set when the job must stop (lease lost, job deleted, shutdown); checked
    ///     between files and segments.
    ///   - progress: called with the fraction done (0...1), from any thread.
    /// - Throws: `SenseVoiceError` (bad audio → the job fails; `.cancelled` → stopped).
    func process(_ job: JobRecord, audio: [UInt8], cancellation: InferenceCancellation,
                 progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult

    /// Transcribes one job whose audio is a file (a folder store's), without reading it into
    /// memory first. The default reads the file and calls ``process(_:audio:cancellation:progress:)``.
    func process(_ job: JobRecord, audioFile: URL, cancellation: InferenceCancellation,
                 progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult
}

extension JobProcessing {
    public func process(_ job: JobRecord, audioFile: URL, cancellation: InferenceCancellation,
                        progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: audioFile))
        } catch {
            throw JobError(.audioMissing, "the uploaded audio of job \(job.id) is unreadable: \(error)")
        }
        return try await process(job, audio: bytes, cancellation: cancellation, progress: progress)
    }
}

/// The default processor: decode and transcribe on the host's inference pool.
public struct TranscriptionJobProcessor: JobProcessing {
    public let host: ModelHost
    /// Decoding limits (the server's `--max-duration-s`).
    public let decoding: AudioDecodingOptions

    public init(host: ModelHost, decoding: AudioDecodingOptions) {
        self.host = host
        self.decoding = decoding
    }

    public func waitUntilReady() async throws {
        _ = try await host.waitUntilReady()
    }

    public func process(_ job: JobRecord, audio: [UInt8], cancellation: InferenceCancellation,
                        progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult
    {
        let pool = try await host.waitUntilReady()
        return try await pool.transcribe(data: audio, filename: job.fileName, options: job.options,
                                         decoder: AudioDecoder(options: decoding), cancellation: cancellation,
                                         progress: progress)
    }

    public func process(_ job: JobRecord, audioFile: URL, cancellation: InferenceCancellation,
                        progress: @escaping @Sendable (Double) -> Void) async throws -> TranscriptionResult
    {
        let pool = try await host.waitUntilReady()
        return try await pool.transcribe(path: audioFile.path, displayName: job.fileName, options: job.options,
                                         decoder: AudioDecoder(options: decoding), cancellation: cancellation,
                                         progress: progress)
    }
}
