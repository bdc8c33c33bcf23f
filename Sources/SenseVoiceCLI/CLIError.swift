// Maps engine errors to CLI messages and exit codes (exit codes are decided only here).

import ArgumentParser
import Logging
import SenseVoiceEngine

/// A failure the CLI reports on stderr and exits with.
struct CLIError: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32

    init(_ error: SenseVoiceError) {
        message = "error [\(error.code)]: \(error.message)"
        exitCode = CLIError.exitCode(for: error.code)
    }

    init(message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }

    /// 2: bad options; 3: model problems; 4: audio problems; 1: anything else.
    static func exitCode(for code: SenseVoiceError.Code) -> Int32 {
        switch code {
        case .unknownLanguage, .invalidOption: 2
        case .modelNotFound, .modelFileCorrupt, .checkpointMismatch, .configInvalid, .tokenizerInvalid: 3
        case .fileNotFound, .ioError, .audioEmpty, .audioTruncated, .audioUnsupported, .audioInvalidHeader,
             .audioInvalidSamples, .audioTooLong, .audioDecodeFailed: 4
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

import Foundation
