// The formats a result can be returned in, and the HTTP response for each.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SenseVoiceEngine

/// Result formats of the HTTP API.
enum ResultFormat: String, Sendable, CaseIterable {
    case json, text, rich, raw, srt, vtt, tsv
    /// OpenAI's `verbose_json` (segments in seconds plus our `emotion` and `events`).
    case verboseJSON = "verbose_json"

    /// The formats of `/api/v1/transcriptions` and job results.
    static let native: [ResultFormat] = [.json, .text, .rich, .raw, .srt, .vtt, .tsv, .verboseJSON]
    /// The formats of the OpenAI route.
    static let openAI: [ResultFormat] = [.json, .text, .srt, .vtt, .verboseJSON]

    /// Renders a native result (the design-doc JSON for `.json`).
    /// - Parameter attachmentName: when set, a Content-Disposition download name (without extension).
    func response(for result: TranscriptionResult, markers: SubtitleCueOptions.Markers,
                  attachmentName: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let writer: any TranscriptWriting
        switch self {
        case .json: writer = TranscriptFormat.json.writer()
        case .text: writer = TranscriptFormat.text.writer()
        case .rich: writer = TranscriptFormat.rich.writer()
        case .raw: writer = TranscriptFormat.raw.writer()
        case .srt: writer = TranscriptFormat.srt.writer(cues: SubtitleCueOptions(markers: markers))
        case .vtt: writer = TranscriptFormat.vtt.writer(cues: SubtitleCueOptions(markers: markers))
        case .tsv: writer = TranscriptFormat.tsv.writer()
        case .verboseJSON:
            return Self.json(OpenAITranscription.verbose(result, words: result.segments.contains { $0.words != nil }),
                             attachmentName: attachmentName.map { $0 + ".json" }, status: status)
        }
        return Self.text(try writer.write(result), mediaType: writer.mediaType,
                         attachmentName: attachmentName.map { $0 + "." + writer.fileExtension }, status: status)
    }

    /// A UTF-8 text response.
    static func text(_ text: String, mediaType: String, attachmentName: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = mediaType
        if let attachmentName { headers[.contentDisposition] = contentDisposition(attachmentName) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON response of an `Encodable` value.
    static func json(_ value: some Encodable, attachmentName: String? = nil, status: HTTPResponse.Status = .ok,
                     headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = extra
        headers[.contentType] = "application/json; charset=utf-8"
        if let attachmentName { headers[.contentDisposition] = contentDisposition(attachmentName) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
