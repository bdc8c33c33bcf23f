// Temporary folders and an isolated environment for model-management tests.

public import Foundation

/// A temporary home for one test: its own cache folders, so no real cache is read or written.
public struct HubTestEnvironment: Sendable {
    /// The root folder (removed by ``remove()``).
    public let root: URL

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("sv-hub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The folder `models pull --cache` writes into.
    public var cache: String { root.appendingPathComponent("cache").path }

    /// Environment variables pointing every cache into the temporary folder and both hubs at `hub`.
    public func variables(hub: URL? = nil) -> [String: String] {
        var env = [
            "HOME": root.appendingPathComponent("home").path,
            "XDG_CACHE_HOME": root.appendingPathComponent("xdg").path,
            "MODELSCOPE_CACHE": root.appendingPathComponent("modelscope").path,
            "HF_HOME": root.appendingPathComponent("hf").path,
            "HF_HUB_CACHE": root.appendingPathComponent("hf/hub").path,
            "SENSEVOICE_MODEL": "",
            "SENSEVOICE_VAD_MODEL": "",
        ]
        if let hub {
            env["HF_ENDPOINT"] = hub.absoluteString
            env["MODELSCOPE_DOMAIN"] = hub.absoluteString
        }
        return env
    }

    /// Deletes the temporary folder.
    public func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
