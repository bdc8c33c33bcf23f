// A local stand-in for ModelScope and the Hugging Face Hub: both hubs' listing and download routes
// over the fixture model folders, with range requests and switchable faults. Tests only; no network.

public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SenseVoiceHub
import SenseVoiceTestSupport
import Synchronization

/// A fake hub on 127.0.0.1 (a free port) speaking both hubs' HTTP APIs.
///
/// Routes: Hugging Face `GET /api/models/{owner}/{name}/revision/{rev}[?blobs=true]` and
/// `GET /{owner}/{name}/resolve/{rev}/{file}` (LFS files answer 302 to `http://localhost:{port}/lfs-cdn/…`,
/// another host, as the real hub redirects to its CDN); ModelScope
/// `GET /api/v1/models/{owner}/{name}/repo/files?Revision=…&Recursive=true` and
/// `GET /api/v1/models/{owner}/{name}/repo?Revision=…&FilePath=…`. Downloads honour
/// `Range: bytes=N-` (206, or 416 past the end). ``Faults`` corrupt or cut a file's first download.
public final class FakeHub: Sendable {
    /// A repository: its files' bytes.
    public struct Repo: Sendable {
        public var files: [String: [UInt8]]
        /// SHA-256 (hex) of each file.
        public var sha256: [String: String]
        /// Git object ids from `git hash-object` (empty where git is missing), listed as Hugging Face `blobId`s.
        public var gitBlobIDs: [String: String] = [:]
        /// Reads every file of a folder.
        public init(directory: URL) throws {
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where !name.hasPrefix(".") {
                files[name] = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            }
            self.files = files
            self.sha256 = files.mapValues { SHA256.hash($0).hex }
            let names = files.keys.sorted()
            if let ids = Self.gitHashObject(names.map { directory.appendingPathComponent($0).path }), ids.count == names.count {
                self.gitBlobIDs = Dictionary(uniqueKeysWithValues: zip(names, ids))
            }
        }

        /// Whether `git` runs here (the Hugging Face object-id cases need it; a machine without it
        /// records those tests as skipped).
        public static let gitAvailable: Bool = {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "--version"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }()

        /// `git hash-object FILE…`, one id per file; nil when git cannot run.
        public static func gitHashObject(_ paths: [String]) -> [String]? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "hash-object", "--no-filters"] + paths
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return nil }
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return output.split(separator: "\n").map(String.init)
        }
    }

    /// Faults applied to downloads.
    public struct Faults: Sendable {
        /// Files whose first download has one byte flipped (same length).
        public var corruptFirstDownload: Set<String> = []
        /// Files whose every download has one byte flipped.
        public var corruptAlways: Set<String> = []
        /// Files whose first download sends this many bytes, then drops the connection.
        public var dropFirstDownloadAfter: [String: Int] = [:]
        /// Files sent in 10 pieces with this many milliseconds between them.
        public var slowDownload: [String: Int] = [:]
        /// Answer range requests with a plain 200 and the whole file.
        public var ignoreRange = false
        public init() {}
    }

    /// One request the hub received.
    public struct Record: Sendable {
        public var path: String
        public var query: String
        public var range: String?
        public var authorization: String?
        /// The Host header.
        public var host: String?
        /// The repository file a download request asked for.
        public var file: String?
    }

    /// The commit every revision resolves to.
    public static let commit = "0123456789abcdef0123456789abcdef01234567"
    /// Files served as Git LFS objects on the Hugging Face side (`lfs.sha256` in the listing).
    static let lfsSuffixes = [".pt", ".model", ".bin"]

    private struct State {
        var faults = Faults()
        var records: [Record] = []
        var downloads: [String: Int] = [:]
    }

    private let repos: [String: Repo]
    private let state = Mutex(State())

    /// A hub serving `repos` (repository id → files), under both hubs' ids.
    public init(repos: [String: Repo]) {
        self.repos = repos
    }

    /// The standard repositories: the tiny SenseVoice fixture as `iic/SenseVoiceSmall` and
    /// `FunAudioLLM/SenseVoiceSmall`; the FSMN-VAD model (when fetched) under its two ids.
    public static func standard() throws -> FakeHub {
        let tiny = try Repo(directory: Fixtures.tinyModel)
        var repos = ["iic/SenseVoiceSmall": tiny, "FunAudioLLM/SenseVoiceSmall": tiny]
        if let vad = Fixtures.vadModel {
            let repo = try Repo(directory: vad)
            repos["iic/speech_fsmn_vad_zh-cn-16k-common-pytorch"] = repo
            repos["funasr/fsmn-vad"] = repo
        }
        // The random-weight CAM++ in the official layout (../shared/fixtures/tiny-campplus), when present.
        if let shared = Fixtures.shared, FileManager.default.fileExists(atPath: shared.appendingPathComponent("tiny-campplus/config.yaml").path) {
            let repo = try Repo(directory: shared.appendingPathComponent("tiny-campplus"))
            repos["iic/speech_campplus_sv_zh-cn_16k-common"] = repo
            repos["funasr/campplus"] = repo
        }
        return FakeHub(repos: repos)
    }

    /// Replaces the faults.
    public func setFaults(_ faults: Faults) { state.withLock { $0.faults = faults } }
    /// Every request so far, in order.
    public var records: [Record] { state.withLock { $0.records } }
    /// The download requests for a file.
    public func downloads(of file: String) -> [Record] { records.filter { $0.file == file } }
    /// The bytes of a repository file.
    public func bytes(repo: String, file: String) -> [UInt8]? { repos[repo]?.files[file] }

    /// Start, stop and cancelled connections are expected here: only critical messages are shown.
    private static let quietLogger: Logger = {
        var logger = Logger(label: "fake-hub")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs the hub on a free port for the duration of `body`, which gets its base URL.
    public func run<T: Sendable>(_ body: @Sendable (URL) async throws -> T) async throws -> T {
        let router = Router()
        addRoutes(router)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router,
                              configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "fake-hub"),
                              onServerRunning: { channel in
                                  portContinuation.yield(channel.localAddress?.port ?? 0)
                                  portContinuation.finish()
                              },
                              logger: Self.quietLogger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var port = 0
            for await p in ports { port = p }
            let url = URL(string: "http://127.0.0.1:\(port)")!
            let result = try await body(url)
            group.cancelAll()
            return result
        }
    }

    // MARK: - routes

    private func addRoutes(_ router: Router<BasicRequestContext>) {
        // Hugging Face
        router.get("/api/models/:owner/:name/revision/:rev") { request, context in
            self.log(request, file: nil)
            let id = "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")"
            guard let repo = self.repos[id], self.knownRevision(context.parameters.get("rev") ?? "", hub: .huggingface) else {
                return self.json(["error": "Repository not found"], status: .notFound)
            }
            let blobs = request.uri.queryParameters.get("blobs") == "true"
            let siblings: [[String: Any]] = repo.files.keys.sorted().map { name in
                guard blobs else { return ["rfilename": name] }
                let bytes = repo.files[name]!
                var sibling: [String: Any] = ["rfilename": name, "size": bytes.count]
                if let id = repo.gitBlobIDs[name] { sibling["blobId"] = id }
                if Self.lfsSuffixes.contains(where: { name.hasSuffix($0) }) {
                    // The blobId of an LFS file is its pointer's; any value other than the content's id.
                    sibling["blobId"] = String(repeating: "f", count: 40)
                    sibling["lfs"] = ["sha256": repo.sha256[name]!, "size": bytes.count, "pointerSize": 134]
                }
                return sibling
            }
            return self.json(["id": id, "sha": Self.commit, "siblings": siblings])
        }
        router.get("/:owner/:name/resolve/:rev/**") { request, context in
            let id = "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")"
            let file = context.parameters.getCatchAll().joined(separator: "/")
            self.log(request, file: nil)
            guard self.knownRevision(context.parameters.get("rev") ?? "", hub: .huggingface) else {
                return self.json(["error": "Revision not found"], status: .notFound)
            }
            // Like the real hub, LFS files redirect to a CDN on another host (here: localhost).
            if Self.lfsSuffixes.contains(where: { file.hasSuffix($0) }), self.repos[id]?.files[file] != nil,
               let authority = request.head.authority, let port = authority.split(separator: ":").last {
                var headers: HTTPFields = [.location: "http://localhost:\(port)/lfs-cdn/\(id)/\(file)"]
                headers[HTTPField.Name("X-Repo-Commit")!] = Self.commit
                return Response(status: .found, headers: headers)
            }
            self.log(request, file: file)
            return self.serve(repo: id, file: file, request: request)
        }
        router.get("/lfs-cdn/:owner/:name/**") { request, context in
            let id = "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")"
            let file = context.parameters.getCatchAll().joined(separator: "/")
            self.log(request, file: file)
            return self.serve(repo: id, file: file, request: request)
        }
        // ModelScope
        router.get("/api/v1/models/:owner/:name/repo/files") { request, context in
            self.log(request, file: nil)
            let id = "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")"
            guard let repo = self.repos[id],
                  self.knownRevision(request.uri.queryParameters.get("Revision") ?? "master", hub: .modelscope) else {
                return self.json(["Code": 10010205, "Message": "model \(id) not exists", "Success": false], status: .notFound)
            }
            var files: [[String: Any]] = [["Name": "example", "Path": "example", "Type": "tree", "Size": 0, "Sha256": ""]]
            files += repo.files.keys.sorted().map { name in
                let bytes = repo.files[name]!
                return ["Name": name, "Path": name, "Type": "blob", "Size": bytes.count,
                        "Sha256": repo.sha256[name]!, "Revision": Self.commit]
            }
            return self.json(["Code": 200, "Data": ["Files": files], "Message": "success", "Success": true])
        }
        router.get("/api/v1/models/:owner/:name/repo") { request, context in
            let id = "\(context.parameters.get("owner") ?? "")/\(context.parameters.get("name") ?? "")"
            let file = request.uri.queryParameters.get("FilePath") ?? ""
            self.log(request, file: file)
            guard self.knownRevision(request.uri.queryParameters.get("Revision") ?? "master", hub: .modelscope) else {
                return self.json(["Code": 10010205, "Message": "revision not exists", "Success": false], status: .notFound)
            }
            return self.serve(repo: id, file: file, request: request)
        }
    }

    private func knownRevision(_ revision: String, hub: HubKind) -> Bool {
        revision == Self.commit || revision == (hub == .huggingface ? "main" : "master") || revision == "v2.0.4"
    }

    private func log(_ request: Request, file: String?) {
        let record = Record(path: request.uri.path, query: request.uri.query ?? "",
                            range: request.headers[.range], authorization: request.headers[.authorization],
                            host: request.head.authority, file: file)
        state.withLock { $0.records.append(record) }
    }

    private func json(_ object: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct Dropped: Error {}

    /// Serves a file with range support and the configured faults.
    private func serve(repo id: String, file: String, request: Request) -> Response {
        guard var bytes = repos[id]?.files[file] else {
            return json(["error": "Entry not found"], status: .notFound)
        }
        let (faults, attempt) = state.withLock { s -> (Faults, Int) in
            s.downloads["\(id)/\(file)", default: 0] += 1
            return (s.faults, s.downloads["\(id)/\(file)"]!)
        }
        if faults.corruptAlways.contains(file) || (attempt == 1 && faults.corruptFirstDownload.contains(file)) {
            bytes[bytes.count / 2] ^= 0xFF
        }
        var status = HTTPResponse.Status.ok
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
        headers[HTTPField.Name("X-Repo-Commit")!] = Self.commit
        var slice = bytes[...]
        if !faults.ignoreRange, let range = request.headers[.range], range.hasPrefix("bytes=") {
            let parts = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
            let start = Int(parts.first ?? "") ?? 0
            let end = parts.count > 1 ? Int(parts[1]) ?? bytes.count - 1 : bytes.count - 1
            guard start < bytes.count else {
                headers[.contentRange] = "bytes */\(bytes.count)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            slice = bytes[start...min(end, bytes.count - 1)]
            status = .partialContent
            headers[.contentRange] = "bytes \(start)-\(slice.endIndex - 1)/\(bytes.count)"
        }
        let body = Array(slice)
        if attempt == 1, let cut = faults.dropFirstDownloadAfter[file], cut < body.count {
            let first = Array(body[..<cut])
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: body.count) { writer in
                try await writer.write(ByteBuffer(bytes: first))
                try await Task.sleep(for: .milliseconds(100))
                throw Dropped()
            })
        }
        if let pause = faults.slowDownload[file] {
            return Response(status: status, headers: headers, body: ResponseBody(contentLength: body.count) { writer in
                let piece = max(1, (body.count + 9) / 10)
                for start in stride(from: 0, to: body.count, by: piece) {
                    try await Task.sleep(for: .milliseconds(pause))
                    try await writer.write(ByteBuffer(bytes: body[start..<min(body.count, start + piece)]))
                }
            })
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
