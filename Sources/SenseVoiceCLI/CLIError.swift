// Maps every error that ends the process to a message and an exit code: exit codes are decided only here.

import ArgumentParser
import Foundation
import Logging
import SenseVoiceEngine
import SenseVoiceHub
import SenseVoiceJobs

/// A failure the CLI reports on stderr and exits with.
///
/// `SenseVoiceCommand.main` turns whatever a command throws into a `CLIError` (``init(any:)``)
/// and exits with its ``exitCode``; nothing else in the CLI picks an exit status. The codes are
/// documented in each command's help and in `docs/decisions.md`.
struct CLIError: Error, CustomStringConvertible {
    /// What to print (nothing when empty); on stdout when ``exitCode`` is 0 (help), else on stderr.
    let message: String
    let exitCode: Int32

    private init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }

    /// Some inputs failed; each was reported when it failed, so nothing more is printed. Exit 1.
    static let someInputsFailed = CLIError(message: "", exitCode: 1)

    /// Every input failed with problems of one kind: exit with that kind's code (a missing, an empty
    /// and an undecodable file all exit 4). Each failure was reported already.
    static func inputsFailed(codes: [Int32]) -> CLIError {
        guard let first = codes.first, codes.allSatisfy({ $0 == first }) else { return someInputsFailed }
        return CLIError(message: "", exitCode: first)
    }

    /// A command line that cannot work as given (exit 2), with what to do instead.
    static func badUsage(_ message: String) -> CLIError {
        CLIError(message: "error: \(message)", exitCode: 2)
    }

    /// An engine error: 2 bad options, 3 model problem, 4 audio problem, 1 anything else.
    init(_ error: SenseVoiceError) {
        self.init(message: "error [\(error.code)]: \(error.message)", exitCode: Self.exitCode(for: error.code))
    }

    /// A model-hub error: 2 bad options, 3 model problem, 5 network or hub problem, 6 checksum, 1 local I/O.
    init(_ error: HubError) {
        self.init(message: "error [\(error.code)]: \(error.message)", exitCode: Self.exitCode(for: error.code))
    }

    /// A job-store error: 1.
    init(_ error: JobError) {
        self.init(message: "error [\(error.code)]: \(error.message)", exitCode: 1)
    }

    /// Any error a command throws, including ArgumentParser's own: help is 0 (printed on stdout),
    /// bad options and bad configuration 2 (as every command's help documents; ArgumentParser's
    /// own code for them is 64).
    init(any error: any Error) {
        switch error {
        case let e as CLIError: self = e
        case let e as SenseVoiceError: self.init(e)
        case let e as HubError: self.init(e)
        case let e as JobError: self.init(e)
        case let e as ConfigResolver.Failure: self.init(message: "error: \(e.message)", exitCode: 2)
        default:
            let code = SenseVoiceCommand.exitCode(for: error)
            self.init(message: SenseVoiceCommand.fullMessage(for: error),
                      exitCode: code == .validationFailure ? 2 : code.rawValue)
        }
    }

    static func exitCode(for code: SenseVoiceError.Code) -> Int32 {
        switch code {
        case .unknownLanguage, .invalidOption: 2
        case .modelNotFound, .modelFileCorrupt, .checkpointMismatch, .configInvalid, .tokenizerInvalid: 3
        case .fileNotFound, .ioError, .audioEmpty, .audioTruncated, .audioUnsupported, .audioInvalidHeader,
             .audioInvalidSamples, .audioTooLong, .audioDecodeFailed: 4
        default: 1
        }
    }

    static func exitCode(for code: HubError.Code) -> Int32 {
        switch code {
        case .invalidArgument: 2
        case .modelNotOnHub, .verificationFailed: 3
        case .network, .unauthorized, .badResponse: 5
        case .checksumMismatch: 6
        default: 1
        }
    }
}

/// Prints a message to standard error (a JSON log record at `level` under `--log-format json`).
func printError(_ text: String, level: Logger.Level = .info) {
    if let logger = LoggingOptions.diagnostics {
        logger.log(level: level, "\(text)")
        return
    }
    var stderr = StandardError()
    print(text, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
