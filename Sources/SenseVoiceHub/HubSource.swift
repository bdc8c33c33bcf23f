// What a model hub offers the downloader: a file listing of a repository and a URL per file.

public import Foundation
import SenseVoiceEngine

/// A file in a hub repository, with what the hub says about it.
public struct HubFile: Sendable, Hashable, Codable {
    /// The path inside the repository (`model.pt`).
    public var path: String
    /// The size in bytes, when the hub reports it.
    public var size: Int64?
    /// The lowercase hex SHA-256, when the hub reports it (ModelScope: every file; Hugging Face: LFS files).
    public var sha256: String?
    /// The git object id (SHA-1 of `blob <size>\0` + content), which Hugging Face lists for files not in LFS.
    public var gitBlobID: String?
}

/// A repository's files at one revision.
public struct HubListing: Sendable {
    /// The repository id on the hub.
    public var repository: String
    /// The revision asked for (`main`, `master`, a tag or a commit).
    public var revision: String
    /// The commit the revision resolved to, when the hub says.
    public var commit: String?
    /// Every file (no folders).
    public var files: [HubFile]
}

/// An HTTP GET: a URL and the headers it needs (authorisation).
public struct HubRequest: Sendable {
    public var url: URL
    public var headers: [String: String]

    public init(url: URL, headers: [String: String] = [:]) {
        self.url = url
        self.headers = headers
    }
}

/// A model hub's protocol: how to list a repository and where each file downloads from.
public protocol HubSource: Sendable {
    /// Which hub this is.
    var kind: HubKind { get }
    /// The base URL requests go to.
    var endpoint: URL { get }
    /// The revision used when none is given (`main` on Hugging Face, `master` on ModelScope).
    var defaultRevision: String { get }
    /// Lists a repository's files at a revision.
    /// - Throws: `HubError` `.modelNotOnHub` (404), `.unauthorized`, `.network`, `.badResponse`.
    func listing(of repository: String, revision: String) async throws -> HubListing
    /// The request that downloads one file.
    /// - Throws: `HubError(.invalidArgument)` when the endpoint and the file do not form a URL.
    func downloadRequest(repository: String, revision: String, file: String) throws -> HubRequest
}

/// Builds the hub client a CLI option names, reading its endpoint and credentials from the environment.
public enum HubSources {
    /// The client for `kind` configured from `environment` (`HF_ENDPOINT`, `HF_TOKEN`, `MODELSCOPE_DOMAIN`).
    /// - Throws: `HubError(.invalidArgument)` for an endpoint that is not a URL.
    public static func make(_ kind: HubKind, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any HubSource {
        switch kind {
        case .huggingface: try HuggingFaceHub(environment: environment)
        case .modelscope: try ModelScopeHub(environment: environment)
        }
    }

    /// Parses an endpoint, dropping a trailing slash.
    /// - Throws: `HubError(.invalidArgument)` naming `variable` unless `text` is an http(s) URL
    ///   with a host, a valid port and neither query nor fragment (request paths are appended to it).
    static func endpoint(_ text: String, variable: String) throws -> URL {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            throw HubError(.invalidArgument, "\(variable)=\(text) is not an http(s) URL or host name")
        }
        guard url.query == nil, url.fragment == nil, !trimmed.contains("?"), !trimmed.contains("#") else {
            throw HubError(.invalidArgument, "\(variable)=\(text) has a query or fragment; give the hub's base URL only (e.g. https://hf-mirror.com)")
        }
        if let port = url.port, !(1...65535).contains(port) {
            throw HubError(.invalidArgument, "\(variable)=\(text) has port \(port); use a port from 1 to 65535")
        }
        return url
    }

    /// A request URL: the endpoint followed by `/` and an already percent-encoded path and query.
    /// - Throws: `HubError(.invalidArgument)` when they do not form a URL (an endpoint given to
    ///   `init(endpoint:)` that ``endpoint(_:variable:)`` would have refused).
    static func url(_ endpoint: URL, _ pathAndQuery: String, what: String) throws -> URL {
        guard let url = URL(string: "\(endpoint.absoluteString)/\(pathAndQuery)"), url.host != nil else {
            throw HubError(.invalidArgument, "cannot form a URL for \(what) from the hub endpoint \(endpoint.absoluteString); check HF_ENDPOINT or MODELSCOPE_DOMAIN")
        }
        return url
    }

    /// Percent-encodes each segment of a repository path, keeping the slashes.
    static func encodePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    /// Percent-encodes one path segment, slashes included (`refs/pr/1` → `refs%2Fpr%2F1`, as the hub expects).
    static func encodeSegment(_ segment: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return segment.addingPercentEncoding(withAllowedCharacters: allowed) ?? segment
    }

    /// Percent-encodes a query value.
    static func encodeQuery(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#%")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
