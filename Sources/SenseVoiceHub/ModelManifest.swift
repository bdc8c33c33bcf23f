// The record `models pull` leaves in an installed model folder: where it came from and each file's size and SHA-256.

public import Foundation
import SenseVoiceEngine

/// `.sensevoice-manifest.json`: what was installed, from where, with every file's size and SHA-256.
public struct ModelManifest: Sendable, Codable, Equatable {
    /// The file name inside a model folder.
    public static let fileName = ".sensevoice-manifest.json"

    /// One installed file.
    public struct Entry: Sendable, Codable, Equatable {
        public var path: String
        public var size: Int64
        public var sha256: String
    }

    /// Manifest format version.
    public var format: Int = 1
    /// The catalog name (`sensevoice-small`).
    public var model: String
    /// The hub it came from.
    public var source: HubKind
    /// The hub's base URL.
    public var endpoint: String
    /// The repository id on the hub.
    public var repository: String
    /// The revision asked for.
    public var revision: String
    /// The commit the revision resolved to, when the hub said.
    public var commit: String?
    /// When it was installed (ISO 8601).
    public var installedAt: String
    /// The files, sorted by path.
    public var files: [Entry]

    public init(model: String, source: HubKind, endpoint: String, repository: String, revision: String,
                commit: String?, installedAt: Date = Date(), files: [Entry]) {
        self.model = model
        self.source = source
        self.endpoint = endpoint
        self.repository = repository
        self.revision = revision
        self.commit = commit
        self.installedAt = ISO8601DateFormatter().string(from: installedAt)
        self.files = files.sorted { $0.path < $1.path }
    }

    enum CodingKeys: String, CodingKey {
        case format, model, source, endpoint, repository, revision, commit
        case installedAt = "installed_at"
        case files
    }

    /// Reads the manifest of a model folder; nil when it has none.
    /// - Throws: `HubError(.verificationFailed)` when the file exists but cannot be read.
    public static func read(directory: String) throws -> ModelManifest? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(ModelManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HubError(.verificationFailed, "\(path) is not a readable manifest; run `sensevoice models pull` again", underlying: error)
        }
    }

    /// Writes the manifest into a folder.
    /// - Throws: `HubError(.ioError)`.
    public func write(directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw HubError(.ioError, "cannot write \(path)", underlying: error)
        }
    }
}
