// Reads an upload as it arrives: files to disk under per-file and per-request limits, fields to memory.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// One uploaded file, spooled to disk (owner-only) while it arrived.
struct UploadedFile: Sendable {
    /// The client's file name, reduced to a display name (no folders, no control characters).
    var displayName: String
    /// The spooled bytes; removed by ``UploadedForm/discard()`` unless moved away first.
    var url: URL
    /// Bytes received.
    var size: Int
}

/// The fields and files of a request: `multipart/form-data`, or a raw audio body whose options
/// come from the query string.
struct UploadedForm: Sendable {
    /// Text fields in order (name, value).
    var fields: [Field] = []
    /// File parts in order (part name, file).
    var fileParts: [FilePart] = []
    var query: [String: String]

    struct Field: Sendable {
        var name: String
        var value: String
    }

    struct FilePart: Sendable {
        var name: String
        var file: UploadedFile
    }

    /// A field from the form (the last of its name), else from the query string.
    func value(_ name: String) -> String? {
        fields.last { $0.name == name }?.value ?? query[name]
    }

    /// Every value of a field (form parts, then the query).
    func values(_ name: String) -> [String] {
        let fromForm = fields.filter { $0.name == name }.map(\.value)
        if !fromForm.isEmpty { return fromForm }
        return query[name].map { [$0] } ?? []
    }

    /// Uploaded files under any of `names` (a raw body is one file named `file`).
    func files(named names: [String]) -> [UploadedFile] {
        fileParts.filter { names.contains($0.name) }.map(\.file)
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
        guard file.size > 0 else {
            throw APIError(.unsupportedMediaType, code: "audio_empty", message: "'\(file.displayName)' is empty (0 bytes); choose a recording with sound")
        }
        return file
    }

    /// Deletes the spooled files (those moved away are gone already).
    func discard() {
        for part in fileParts { unlink(part.file.url.path) }
    }
}

/// What one route accepts.
struct UploadLimits: Sendable {
    /// Largest file (`--max-upload-mb`), checked per file while it arrives.
    var fileBytes: Int
    /// Largest whole body (files, fields and multipart framing).
    var requestBytes: Int
    /// Most files in one request.
    var maxFiles: Int
    /// Part names that are files even without a `filename` (any other part is a text field).
    var fileFields: Set<String> = ["file", "files", "file[]", "files[]"]

    /// One file and its fields (the synchronous routes).
    static func singleFile(_ configuration: ServerConfiguration) -> UploadLimits {
        UploadLimits(fileBytes: configuration.maxUploadBytes, requestBytes: configuration.maxUploadBytes + 1_048_576, maxFiles: 1)
    }

    /// Up to `--max-files` files of up to `--max-upload-mb` each (job submissions).
    static func batch(_ configuration: ServerConfiguration) -> UploadLimits {
        let files = configuration.maxFilesPerSubmission
        let (total, overflow) = configuration.maxUploadBytes.multipliedReportingOverflow(by: files)
        return UploadLimits(fileBytes: configuration.maxUploadBytes, requestBytes: overflow ? Int.max / 2 : total + 1_048_576,
                            maxFiles: files)
    }
}

/// Reads request bodies as they arrive: files to disk, fields to memory, limits on the way.
enum UploadReader {
    /// Reads the body into `spool` and parses it.
    ///
    /// The body is refused before it is read when its `Content-Length` is over
    /// ``UploadLimits/requestBytes``, and as soon as a file passes ``UploadLimits/fileBytes``
    /// (the message names the file). Nothing but one network buffer and the form's text fields is
    /// held in memory.
    /// - Throws: ``APIError`` 413 when too large, 415 for bodies that are neither a form nor
    ///   audio, 400 for malformed forms or too many files, 503 when the upload budget is spent.
    static func read(_ request: Request, spool: UploadSpool, limits: UploadLimits) async throws -> UploadedForm {
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
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > limits.requestBytes { throw requestTooLarge(length, limits) }
        // Without a length (a chunked body), one file's limit is reserved: reserving the whole
        // request limit (50 files for a submission) would leave no room for anyone else.
        let reserved = min(length ?? limits.fileBytes, limits.requestBytes)
        try spool.reserve(reserved)
        defer { spool.release(reserved) }

        var sink = SpoolSink(spool: spool, limits: limits)
        do {
            var total = 0
            if let boundary {
                var parser = MultipartStreamParser(boundary: boundary)
                for try await buffer in request.body {
                    total += buffer.readableBytes
                    guard total <= limits.requestBytes else { throw requestTooLarge(total, limits) }
                    try buffer.withUnsafeReadableBytes { try parser.feed($0, into: &sink) }
                }
                try parser.finish()
            } else {
                try sink.partBegan(MultipartForm.Part(name: "file", filename: displayName(query["filename"] ?? "upload"), contentType: nil, body: []))
                for try await buffer in request.body {
                    try buffer.withUnsafeReadableBytes { try sink.partData($0) }
                }
                try sink.partEnded()
                guard sink.form.fileParts.first.map({ $0.file.size > 0 }) == true else {
                    throw APIError.badRequest("the request body is empty; send the audio as multipart/form-data field 'file'", code: "missing_file")
                }
            }
        } catch {
            sink.discard()
            throw error
        }
        var form = sink.form
        form.query = query
        return form
    }

    private static func requestTooLarge(_ bytes: Int, _ limits: UploadLimits) -> APIError {
        let mb = { (b: Int) in b / 1_048_576 }
        let what = limits.maxFiles == 1
            ? "this route takes one file of at most \(mb(limits.fileBytes)) MB (--max-upload-mb)"
            : "a submission takes at most \(limits.maxFiles) files of \(mb(limits.fileBytes)) MB each"
        return APIError(.contentTooLarge, code: "payload_too_large",
                        message: "the request is \(mb(bytes)) MB or more; \(what). Send a shorter or compressed recording\(limits.maxFiles == 1 ? ", or submit it as a job (POST /api/v1/jobs)" : ", or split the batch")")
    }

    /// Writes file parts to the spool and keeps text fields, checking limits part by part.
    private struct SpoolSink: MultipartStreamParser.Sink {
        let spool: UploadSpool
        let limits: UploadLimits
        var form = UploadedForm(query: [:])
        private var file: (name: String, display: String, named: Bool, spooled: SpoolFile)?
        private var field: (name: String, bytes: [UInt8])?
        private let maxFieldBytes = MultipartForm.Limits().maxFieldBytes

        init(spool: UploadSpool, limits: UploadLimits) {
            self.spool = spool
            self.limits = limits
        }

        mutating func partBegan(_ part: MultipartForm.Part) throws {
            guard part.filename != nil || limits.fileFields.contains(part.name) else {
                field = (part.name, [])
                return
            }
            guard form.fileParts.count < limits.maxFiles else {
                throw APIError.badRequest(limits.maxFiles == 1
                    ? "this route takes one '\(part.name)' part, the request has more; use POST /api/v1/jobs for several files"
                    : "more than \(limits.maxFiles) files in one request; the limit is \(limits.maxFiles), so split the batch",
                    code: "too_many_files")
            }
            file = (part.name, UploadReader.displayName(part.filename ?? part.name), part.filename != nil, try spool.makeFile())
        }

        mutating func partData(_ bytes: UnsafeRawBufferPointer) throws {
            if file != nil {
                guard file!.spooled.size + bytes.count <= limits.fileBytes else {
                    throw APIError(.contentTooLarge, code: "payload_too_large",
                                   message: "'\(file!.display)' is larger than the limit of \(limits.fileBytes / 1_048_576) MB per file (--max-upload-mb); send a shorter or compressed recording, or split it")
                }
                try file!.spooled.write(bytes)
            } else if field != nil {
                guard field!.bytes.count + bytes.count <= maxFieldBytes else {
                    throw MultipartError("the form field '\(field!.name)' is longer than \(maxFieldBytes) bytes; send files with a filename")
                }
                field!.bytes.append(contentsOf: bytes)
            }
        }

        mutating func partEnded() throws {
            if var current = file {
                current.spooled.close()
                file = nil
                // A file-named part without a filename and without bytes is an empty form field.
                if current.spooled.size == 0 && !current.named {
                    current.spooled.discard()
                    return
                }
                form.fileParts.append(.init(name: current.name, file: UploadedFile(displayName: current.display, url: current.spooled.url,
                                                                                  size: current.spooled.size)))
            } else if let current = field {
                form.fields.append(.init(name: current.name, value: String(decoding: current.bytes, as: UTF8.self)))
                field = nil
            }
        }

        /// Deletes every file written so far.
        mutating func discard() {
            file?.spooled.discard()
            file = nil
            form.discard()
        }
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
