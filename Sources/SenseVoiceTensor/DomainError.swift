// The one error shape of every domain (engine, model hub, jobs): code, message, underlying error.

/// A marker type naming an error domain, so each domain's codes are a type of their own.
///
/// Domains declare an empty enum (`enum HubErrorDomain: ErrorDomain {}`), a typealias
/// (`typealias HubError = DomainError<HubErrorDomain>`) documenting its codes in a table, and the
/// codes as static constants in an extension of `HubError.Code`.
public protocol ErrorDomain: Sendable {}

/// An error a user can act on: a stable `code` for programs, a `message` for people, and the
/// error that caused it, if any.
///
/// Every domain throws this one shape (``SenseVoiceError``, `HubError`, `JobError` are aliases of
/// it), so logging, tests and the mappings to exit codes (CLI, `CLIError`) and HTTP statuses
/// (server, `APIError`) treat them alike. Codes are an open `RawRepresentable` struct, so a module
/// can add codes without breaking a `switch`.
public struct DomainError<Domain: ErrorDomain>: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable, machine-readable error kind (also the HTTP `error.code` of the server).
    ///
    /// A domain declares its codes as constants: `public static let queueFull: Self = "queue_full"`.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }
    }

    public let code: Code
    /// What happened and what to do next, for people.
    public let message: String
    /// The lower-level error, kept for logs.
    public let underlying: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message, then the underlying error in parentheses when there is one.
    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }

    /// Errors are equal when code and message are (the underlying error is not compared).
    public static func == (lhs: DomainError, rhs: DomainError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
