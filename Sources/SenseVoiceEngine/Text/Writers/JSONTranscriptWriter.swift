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
        try Self.encode(result, pretty: pretty)
    }

    /// The project's JSON spelling of any value: sorted keys, slashes unescaped, ISO 8601 dates;
    /// compact unless `pretty`. Every JSON writer and HTTP body uses it.
    /// - Throws: `EncodingError` for a non-finite number.
    public static func encode(_ value: some Encodable, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.withoutEscapingSlashes, .prettyPrinted, .sortedKeys] : [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(value)
    }
}
