// The one error type of the engine, audio and model loading domains.

/// An error a user can act on: a stable `code` for programs, a `message` for people.
///
/// Every data problem the engine meets (bad audio, a corrupt model file, an unknown language)
/// is thrown as a `SenseVoiceError`. HTTP statuses are decided only by the server and exit codes
/// only by the CLI; both switch on `code`.
public struct SenseVoiceError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable error kind (also used as the HTTP `error.code`).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        // Model files.
        public static let modelNotFound = Code(rawValue: "model_not_found")
        public static let modelFileCorrupt = Code(rawValue: "model_file_corrupt")
        public static let checkpointMismatch = Code(rawValue: "checkpoint_mismatch")
        public static let configInvalid = Code(rawValue: "config_invalid")
        public static let tokenizerInvalid = Code(rawValue: "tokenizer_invalid")
        // Options.
        public static let unknownLanguage = Code(rawValue: "unknown_language")
        public static let invalidOption = Code(rawValue: "invalid_option")
        // Audio.
        public static let fileNotFound = Code(rawValue: "file_not_found")
        public static let ioError = Code(rawValue: "io_error")
        public static let audioEmpty = Code(rawValue: "audio_empty")
        public static let audioTruncated = Code(rawValue: "audio_truncated")
        public static let audioUnsupported = Code(rawValue: "audio_unsupported")
        public static let audioInvalidHeader = Code(rawValue: "audio_invalid_header")
        public static let audioInvalidSamples = Code(rawValue: "audio_invalid_samples")
        public static let audioTooLong = Code(rawValue: "audio_too_long")
        public static let audioDecodeFailed = Code(rawValue: "audio_decode_failed")
        // Inference.
        public static let cancelled = Code(rawValue: "cancelled")
        public static let internalError = Code(rawValue: "internal_error")
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }

    public static func == (lhs: SenseVoiceError, rhs: SenseVoiceError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
