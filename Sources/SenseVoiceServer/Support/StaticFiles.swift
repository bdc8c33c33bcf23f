// The web UI and the OpenAPI document, read once at start from the server's resources.

import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The files of `Resources/Public`, served from memory under fixed routes.
///
/// The file list comes from the server's own resource folder at start; request paths are only
/// looked up in that list, never joined to a file-system path.
struct StaticFiles: Sendable {
    struct File: Sendable {
        var bytes: ByteBuffer
        var mediaType: String
    }

    /// Files by name (`index.html`, `app.js`, …).
    let files: [String: File]
    /// Where they were read from (nil: none found).
    let directory: URL?

    /// Reads the resource folder: `$SENSEVOICE_UI_DIR`, else the SwiftPM resource bundle beside
    /// the executable, else the source tree (development builds).
    static func load() -> StaticFiles {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["SENSEVOICE_UI_DIR"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            candidates.append(exe.appendingPathComponent("sensevoice-swift_SenseVoiceServer.resources/Public"))
            candidates.append(exe.appendingPathComponent("sensevoice-swift_SenseVoiceServer.bundle/Public"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/Public"))
        for dir in candidates where fm.fileExists(atPath: dir.appendingPathComponent("index.html").path) {
            var files: [String: File] = [:]
            for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !name.hasPrefix(".") {
                guard let data = fm.contents(atPath: dir.appendingPathComponent(name).path) else { continue }
                files[name] = File(bytes: ByteBuffer(bytes: data), mediaType: mediaType(name))
            }
            files[TagLabelScript.fileName] = File(bytes: ByteBuffer(string: TagLabelScript.source), mediaType: mediaType(TagLabelScript.fileName))
            return StaticFiles(files: files, directory: dir)
        }
        return StaticFiles(files: [:], directory: nil)
    }

    /// The public paths: `/` and one per file.
    var publicPaths: Set<String> {
        Set(["/"] + files.keys.map { "/" + $0 })
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in self.response("index.html") }
        for name in files.keys where name != "index.html" {
            router.get(RouterPath(stringLiteral: "/" + name)) { _, _ in self.response(name) }
        }
    }

    func response(_ name: String) -> Response {
        guard let file = files[name] else {
            return APIResponse.text("""
                <!doctype html><meta charset="utf-8"><title>SenseVoice</title>
                <p>The web UI files were not found next to the server binary. Set SENSEVOICE_UI_DIR to the
                folder Sources/SenseVoiceServer/Resources/Public. The API works: see /openapi.json.</p>
                """, mediaType: "text/html; charset=utf-8")
        }
        var headers = HTTPFields()
        headers[.contentType] = file.mediaType
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        if file.mediaType.hasPrefix("text/html") {
            headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: file.bytes))
    }

    static func mediaType(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        default: "application/octet-stream"
        }
    }
}
