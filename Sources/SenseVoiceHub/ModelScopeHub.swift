// Speaks the ModelScope HTTP API: /api/v1/models/{id}/repo/files and /api/v1/models/{id}/repo?FilePath=.

public import Foundation
import SenseVoiceEngine

/// ModelScope (or the site named by `MODELSCOPE_DOMAIN`).
///
/// Lists files with `GET {endpoint}/api/v1/models/{id}/repo/files?Revision={rev}&Recursive=true`
/// (`{"Code":200,"Data":{"Files":[{"Path","Type","Size","Sha256"}]}}`) and downloads with
/// `GET {endpoint}/api/v1/models/{id}/repo?Revision={rev}&FilePath={file}`.
public struct ModelScopeHub: HubSource {
    public let kind = HubKind.modelscope
    public let endpoint: URL
    public let defaultRevision = "master"

    public init(endpoint: URL) {
        self.endpoint = endpoint
    }

    /// Configured from `MODELSCOPE_DOMAIN`: a host name (`www.modelscope.cn`, used over https) or a full URL.
    /// - Throws: `HubError(.invalidArgument)` when it is neither.
    public init(environment: [String: String]) throws {
        let domain = environment["MODELSCOPE_DOMAIN"].flatMap { $0.isEmpty ? nil : $0 } ?? "www.modelscope.cn"
        let text = domain.contains("://") ? domain : "https://\(domain)"
        self.init(endpoint: try HubSources.endpoint(text, variable: "MODELSCOPE_DOMAIN"))
    }

    private struct FilesResponse: Decodable {
        struct Payload: Decodable {
            let files: [Entry]?
            enum CodingKeys: String, CodingKey { case files = "Files" }
        }
        struct Entry: Decodable {
            let path: String
            let type: String?
            let size: Int64?
            let sha256: String?
            let revision: String?
            enum CodingKeys: String, CodingKey {
                case path = "Path", type = "Type", size = "Size", sha256 = "Sha256", revision = "Revision"
            }
        }
        let code: Int?
        let message: String?
        let data: Payload?
        enum CodingKeys: String, CodingKey { case code = "Code", message = "Message", data = "Data" }
    }

    public func listing(of repository: String, revision: String) async throws -> HubListing {
        let query = "Revision=\(HubSources.encodeQuery(revision))&Recursive=true"
        let what = "ModelScope model \(repository) at revision \(revision)"
        let url = try HubSources.url(endpoint, "api/v1/models/\(HubSources.encodePath(repository))/repo/files?\(query)", what: what)
        let response = try await HubHTTP.getJSON(HubRequest(url: url), as: FilesResponse.self, what: what,
                                                 authHint: "the model may be private")
        if let code = response.code, code != 200 {
            throw HubError(.modelNotOnHub, "ModelScope has no \(repository) at revision \(revision) (Code \(code): \(response.message ?? "no message")); check the model id and --revision")
        }
        guard let entries = response.data?.files else {
            throw HubError(.badResponse, "\(url.absoluteString) returned no file list (Data.Files)")
        }
        let files = entries.filter { ($0.type ?? "blob") == "blob" }.map {
            HubFile(path: $0.path, size: $0.size, sha256: $0.sha256.flatMap { $0.isEmpty ? nil : $0.lowercased() })
        }
        let commit = entries.compactMap(\.revision).first
        return HubListing(repository: repository, revision: revision, commit: commit, files: files)
    }

    public func downloadRequest(repository: String, revision: String, file: String) throws -> HubRequest {
        let query = "Revision=\(HubSources.encodeQuery(revision))&FilePath=\(HubSources.encodeQuery(file))"
        return HubRequest(url: try HubSources.url(endpoint, "api/v1/models/\(HubSources.encodePath(repository))/repo?\(query)",
                                                  what: "\(file) of \(repository)@\(revision)"))
    }
}
