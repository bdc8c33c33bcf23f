// The JSON result of one file (design doc "Interfaces"), as the CLI and the HTTP API print it.

public import Foundation

/// Writes the ``TranscriptionResult`` JSON object.
public struct JSONTranscriptWriter: TranscriptWriting {
    /// Indented output (for people); compact otherwise (one line per file). Keys are sorted either way.
    public var pretty: Bool

    public init(pretty: Bool = false) {
        self.pretty = pretty
    }

    public var fileExtension: String { "json" }
    public var mediaType: String { "application/json; charset=utf-8" }

    /// - Throws: `EncodingError` when a timing is not finite.
    public func write(_ result: TranscriptionResult) throws -> String {
        String(decoding: try encode(result), as: UTF8.self)
    }

    /// The UTF-8 JSON bytes.
    public func encode(_ result: TranscriptionResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.withoutEscapingSlashes, .prettyPrinted, .sortedKeys] : [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(result)
    }
}
