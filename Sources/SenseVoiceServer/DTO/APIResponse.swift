// HTTP response bodies: a transcript in a registered format, JSON values, plain text, downloads.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SenseVoiceEngine

/// Builds the responses of the API routes.
enum APIResponse {
    /// A result in `format` (a ``TranscriptFormats`` entry), with its writer's media type.
    /// - Parameter attachmentName: when set, a Content-Disposition download name (without extension).
    /// - Throws: `SenseVoiceError(.internalError)` when the writer cannot encode the result.
    static func transcript(_ result: TranscriptionResult, format: TranscriptFormat, options: TranscriptWriterOptions,
                           attachmentName: String? = nil) throws -> Response {
        let writer = format.writer(options)
        let text: String
        do {
            text = try writer.write(result)
        } catch {
            throw encodingFailed(error)
        }
        return Self.text(text, mediaType: writer.mediaType,
                         attachmentName: attachmentName.map { $0 + "." + writer.fileExtension })
    }

    /// A UTF-8 text response.
    static func text(_ text: String, mediaType: String, attachmentName: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = mediaType
        if let attachmentName { headers[.contentDisposition] = contentDisposition(attachmentName) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON response of an `Encodable` value.
    /// - Throws: `SenseVoiceError(.internalError)` (a 500) when the value cannot be encoded.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws -> Response {
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// The JSON bytes of a value, spelt as every JSON body of the API.
    /// - Throws: `SenseVoiceError(.internalError)` when the value cannot be encoded.
    static func encode(_ value: some Encodable) throws -> Data {
        do {
            return try JSONTranscriptWriter.encode(value)
        } catch {
            throw encodingFailed(error)
        }
    }

    private static func encodingFailed(_ error: any Error) -> SenseVoiceError {
        SenseVoiceError(.internalError, "the response could not be encoded as JSON; retry, and report it if it persists",
                        underlying: error)
    }

    /// `attachment; filename="…"; filename*=UTF-8''…` with an ASCII fallback.
    static func contentDisposition(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { s -> Character in
            (s.value >= 0x20 && s.value < 0x7F && s != "\"" && s != "\\" && s != ";") ? Character(s) : "_"
        })
        var encoded = ""
        for byte in name.utf8 {
            let c = Character(UnicodeScalar(byte))
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "-._~".contains(c) {
                encoded.append(c)
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    /// A download name without extension: the upload's name minus its extension.
    static func baseName(_ displayName: String) -> String {
        if let dot = displayName.lastIndex(of: "."), dot != displayName.startIndex {
            return String(displayName[..<dot])
        }
        return displayName
    }
}
