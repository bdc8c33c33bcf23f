// Speaks the Hugging Face Hub HTTP API: /api/models/{repo}/revision/{rev} and /{repo}/resolve/{rev}/{file}.

public import Foundation
import SenseVoiceEngine

/// The Hugging Face Hub (or a mirror named by `HF_ENDPOINT`).
///
/// Lists files with `GET {endpoint}/api/models/{repo}/revision/{rev}?blobs=true` (siblings carry
/// `size`, `blobId` (the git object id) and, for LFS files, `lfs.sha256`) and downloads with `GET {endpoint}/{repo}/resolve/{rev}/{file}`.
/// `HF_TOKEN` (or `HUGGING_FACE_HUB_TOKEN`) is sent as a Bearer token.
public struct HuggingFaceHub: HubSource {
    public let kind = HubKind.huggingface
    public let endpoint: URL
    public let defaultRevision = "main"
    /// The access token, if any.
    public let token: String?

    public init(endpoint: URL, token: String? = nil) {
        self.endpoint = endpoint
        self.token = token
    }

    /// Configured from `HF_ENDPOINT` (default https://huggingface.co) and `HF_TOKEN`.
    /// - Throws: `HubError(.invalidArgument)` when `HF_ENDPOINT` is not a URL.
    public init(environment: [String: String]) throws {
        let text = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        let token = environment["HF_TOKEN"] ?? environment["HUGGING_FACE_HUB_TOKEN"]
        self.init(endpoint: try HubSources.endpoint(text, variable: "HF_ENDPOINT"),
                  token: token.flatMap { $0.isEmpty ? nil : $0 })
    }

    var headers: [String: String] {
        token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
    }

    private struct ModelInfo: Decodable {
        struct Sibling: Decodable {
            struct LFS: Decodable {
                let sha256: String?
                let size: Int64?
            }
            let rfilename: String
            let size: Int64?
            let blobId: String?
            let lfs: LFS?
        }
        let sha: String?
        let siblings: [Sibling]?
    }

    public func listing(of repository: String, revision: String) async throws -> HubListing {
        let path = "api/models/\(HubSources.encodePath(repository))/revision/\(HubSources.encodeSegment(revision))?blobs=true"
        let what = "Hugging Face model \(repository) at revision \(revision)"
        let url = try HubSources.url(endpoint, path, what: what)
        let info = try await HubHTTP.getJSON(HubRequest(url: url, headers: headers), as: ModelInfo.self, what: what,
                                             authHint: "set HF_TOKEN if the repository is gated or private")
        guard let siblings = info.siblings else {
            throw HubError(.badResponse, "\(url.absoluteString) returned no file list (siblings)")
        }
        let files = siblings.map { s in
            // An LFS file's blobId is that of its pointer, not its content: only the LFS sha256 applies.
            HubFile(path: s.rfilename, size: s.lfs?.size ?? s.size, sha256: s.lfs?.sha256?.lowercased(),
                    gitBlobID: s.lfs == nil ? s.blobId?.lowercased() : nil)
        }
        return HubListing(repository: repository, revision: revision, commit: info.sha, files: files)
    }

    public func downloadRequest(repository: String, revision: String, file: String) throws -> HubRequest {
        let path = "\(HubSources.encodePath(repository))/resolve/\(HubSources.encodeSegment(revision))/\(HubSources.encodePath(file))"
        return HubRequest(url: try HubSources.url(endpoint, path, what: "\(file) of \(repository)@\(revision)"), headers: headers)
    }
}
