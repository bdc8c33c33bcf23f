// Reads an upload: the body up to the size limit, then a multipart form or a raw audio body.

import HTTPTypes
import Hummingbird
import NIOCore

/// One uploaded file.
struct UploadedFile: Sendable {
    /// The client's file name, reduced to a display name (no folders, no control characters).
    var displayName: String
    var bytes: [UInt8]
}

/// The fields and files of a request: `multipart/form-data`, or a raw audio body whose options
/// come from the query string.
struct UploadedForm: Sendable {
    var form: MultipartForm?
    var rawFile: UploadedFile?
    var query: [String: String]

    /// A field from the form, else from the query string.
    func value(_ name: String) -> String? {
        form?.value(name) ?? query[name]
    }

    /// Every value of a field (form parts, then the query).
    func values(_ name: String) -> [String] {
        let fromForm = form?.values(name) ?? []
        if !fromForm.isEmpty { return fromForm }
        return query[name].map { [$0] } ?? []
    }

    /// Uploaded files under any of `names` (or the raw body).
    func files(named names: [String]) -> [UploadedFile] {
        if let rawFile { return [rawFile] }
        guard let form else { return [] }
        return form.parts.filter { names.contains($0.name) && ($0.filename != nil || $0.body.count > 0) }.map { part in
            UploadedFile(displayName: UploadReader.displayName(part.filename ?? part.name), bytes: part.body)
        }
    }

    /// The one file of a single-file route.
    /// - Throws: 400 when there is none or more than one.
    func singleFile(named name: String) throws -> UploadedFile {
        let files = files(named: [name])
        guard let file = files.first else {
            throw APIError.badRequest("the request has no '\(name)' part; send the audio as multipart/form-data field '\(name)'", code: "missing_file")
        }
        guard files.count == 1 else {
            throw APIError.badRequest("this route takes one '\(name)' part, the request has \(files.count); use POST /api/v1/jobs for several files", code: "too_many_files")
        }
        guard !file.bytes.isEmpty else {
            throw APIError(.unsupportedMediaType, code: "audio_empty", message: "'\(file.displayName)' is empty (0 bytes); choose a recording with sound")
        }
        return file
    }
}

/// Reads request bodies under the server's upload limit.
enum UploadReader {
    /// Collects the body (413 beyond `limit`) and parses it.
    /// - Throws: ``APIError`` 413 when too large, 415 for bodies that are neither a form nor
    ///   audio, 400 for malformed forms.
    static func read(_ request: Request, limit: Int) async throws -> UploadedForm {
        let query = queryDictionary(request)
        let contentType = request.headers[.contentType] ?? ""
        let boundary = try MultipartForm.boundary(fromContentType: contentType)
        if boundary == nil {
            let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
            let rawTypes = ["application/octet-stream", ""]
            guard type.hasPrefix("audio/") || type.hasPrefix("video/") || rawTypes.contains(type) else {
                throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                               message: "send the audio as multipart/form-data (field 'file'), or as a raw audio body; '\(type)' is neither")
            }
        }
        let body = try await collect(request, limit: limit)
        if let boundary {
            return UploadedForm(form: try MultipartForm(body: body, boundary: boundary), rawFile: nil, query: query)
        }
        guard !body.isEmpty else {
            throw APIError.badRequest("the request body is empty; send the audio as multipart/form-data field 'file'", code: "missing_file")
        }
        let name = displayName(query["filename"] ?? "upload")
        return UploadedForm(form: nil, rawFile: UploadedFile(displayName: name, bytes: body), query: query)
    }

    /// The body bytes, refusing more than `limit` (by Content-Length first, then while reading).
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        var expected = 0
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            guard length <= limit else { throw APIError.payloadTooLarge(limitBytes: limit) }
            expected = length
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expected)
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else { throw APIError.payloadTooLarge(limitBytes: limit) }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    /// Query parameters (the last value of each name).
    static func queryDictionary(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            out[String(key)] = String(value)
        }
        return out
    }

    /// A client file name reduced to a display name: the last path component, no control
    /// characters, at most 200 characters; `upload` when nothing is left.
    static func displayName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingSpaces
        let short = String(cleaned.prefix(200))
        return short.isEmpty || short == "." || short == ".." ? "upload" : short
    }
}
