// The one error type of the model hub domain: listing, downloading, verifying and installing models.

/// A model-management failure a user can act on: a stable `code` for programs, a `message` for people.
///
/// Exit codes are decided only by the CLI, which switches on `code`.
public struct HubError: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable error kind.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The name is not a model this tool knows (`sensevoice-small`, `fsmn-vad`), or an option is bad.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The hub answered 404 for the model id, revision or a file.
        public static let modelNotOnHub = Code(rawValue: "model_not_on_hub")
        /// The hub refused access (401/403): a token is missing or lacks rights.
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The hub could not be reached, the connection broke, or it answered with a server error.
        public static let network = Code(rawValue: "network_error")
        /// The hub answered something this tool cannot read.
        public static let badResponse = Code(rawValue: "bad_response")
        /// A downloaded file kept failing its size or SHA-256 check.
        public static let checksumMismatch = Code(rawValue: "checksum_mismatch")
        /// A model folder is incomplete, does not load, or its files differ from its manifest.
        public static let verificationFailed = Code(rawValue: "verification_failed")
        /// Another pull of the same model into the same cache is running.
        public static let busy = Code(rawValue: "busy")
        /// Reading or writing the local cache failed.
        public static let ioError = Code(rawValue: "io_error")
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

    public static func == (lhs: HubError, rhs: HubError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
