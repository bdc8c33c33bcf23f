// Structured logs: one JSON object per line (for log collectors), metadata flattened into it.

public import Foundation
public import Logging
import Synchronization

/// A swift-log handler that writes each record as one line of JSON.
///
/// `{"ts":"2026-11-24T23:40:01.123Z","level":"info","msg":"job started","logger":"sensevoice.jobs","job_id":"…"}`:
/// `ts` is ISO-8601 UTC with milliseconds; the handler's, the metadata provider's and the call's
/// metadata (in rising precedence) follow as top-level keys, sorted; nested metadata stays nested
/// JSON. A metadata key that collides with `ts`, `level`, `msg` or `logger` is written as
/// `meta.<key>`. Lines are written whole, so concurrent loggers never interleave.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - label: the logger's label, written as `logger`.
    ///   - write: receives each line, newline included (default: standard error).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil,
                write: @escaping @Sendable (String) -> Void = JSONLogHandler.writeToStandardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string("\(error)") }
        write(Self.line(date: Date(), level: event.level, message: event.message.description, label: label, metadata: merged))
    }

    /// The JSON line (newline included) for one record.
    public static func line(date: Date, level: Logger.Level, message: String, label: String,
                            metadata: Logger.Metadata) -> String {
        var out = "{\"ts\":"
        appendString(timestamp(date), to: &out)
        out += ",\"level\":"
        appendString(level.rawValue, to: &out)
        out += ",\"msg\":"
        appendString(message, to: &out)
        out += ",\"logger\":"
        appendString(label, to: &out)
        for key in metadata.keys.sorted() {
            out += ","
            appendString(reserved.contains(key) ? "meta." + key : key, to: &out)
            out += ":"
            appendValue(metadata[key]!, to: &out)
        }
        out += "}\n"
        return out
    }

    private static let reserved: Set<String> = ["ts", "level", "msg", "logger"]

    /// `2026-11-24T23:40:01.123Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let s):
            appendString(s, to: &out)
        case .stringConvertible(let c):
            appendString(c.description, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                appendValue(item, to: &out)
            }
            out += "]"
        case .dictionary(let dictionary):
            out += "{"
            for (i, key) in dictionary.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                appendString(key, to: &out)
                out += ":"
                appendValue(dictionary[key]!, to: &out)
            }
            out += "}"
        }
    }

    /// Appends `text` as a JSON string literal (RFC 8259 escapes).
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Writes a line to standard error in one `write`, under a process-wide lock.
    @Sendable public static func writeToStandardError(_ line: String) {
        standardErrorLock.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    private static let standardErrorLock = Mutex(())
}
