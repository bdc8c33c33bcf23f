// `--log-format` and `--log-level`, shared by the long-running subcommands, and the one place the
// process's logging system is bootstrapped.

import ArgumentParser
import Logging
import SenseVoiceJobs
import Synchronization

/// Log format and level options (`@OptionGroup var logging: LoggingOptions`).
struct LoggingOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(name: .customLong("log-format"), help: "Log lines on stderr: text, or json (one object per line with ts, level, msg, logger and metadata such as request_id and job_id).")
    var logFormat: Format = .text

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    /// Sets up swift-log for the whole process (call once, before the first `Logger` is made).
    /// Under `--log-format json` the command's own stderr messages (`printError`: progress,
    /// per-file errors, the final error) become JSON log records too.
    func bootstrap() {
        let level = self.level
        switch logFormat {
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            Self.diagnosticsLogger.withLock { $0 = Logger(label: "sensevoice") }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// The logger `printError` writes through, once a command asked for JSON logs.
    static var diagnostics: Logger? { diagnosticsLogger.withLock { $0 } }

    private static let diagnosticsLogger = Mutex<Logger?>(nil)
}
