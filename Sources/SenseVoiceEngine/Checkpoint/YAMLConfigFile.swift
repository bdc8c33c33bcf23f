// A model folder's `config.yaml`, read from disk the same way for every model kind.

/// A model's `config.yaml` that parses from its text; reading the file comes with it.
public protocol YAMLConfigFile {
    /// What the file is, for the error when it cannot be read ("model config").
    static var fileDescription: String { get }
    /// Parses the file's text; `path` names the file in errors.
    init(yaml text: String, path: String) throws
}

extension YAMLConfigFile {
    /// Reads and parses the file at `path`.
    /// - Throws: `SenseVoiceError(.fileNotFound)` when it cannot be read, else what parsing throws.
    public init(path: String) throws {
        try self.init(yaml: ConfigReader.text(ofFile: path, Self.fileDescription), path: path)
    }
}
