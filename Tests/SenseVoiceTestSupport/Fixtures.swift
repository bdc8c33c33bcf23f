// Fixture locator for tests: the committed Tests/Fixtures tree and the optional ../shared tree.

public import Foundation
public import SenseVoiceTensor
public import Testing

/// Paths of the test fixtures.
public enum Fixtures {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        // Tests/SenseVoiceTestSupport/Fixtures.swift → package root
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Tests/Fixtures`, committed with the repository.
    public static let root = packageRoot.appendingPathComponent("Tests/Fixtures")
    /// The tiny random-weight SenseVoiceSmall model in the official layout.
    public static let tinyModel = root.appendingPathComponent("tiny-sensevoice")
    /// Synthetic 16 kHz WAV clips.
    public static func audio(_ name: String) -> URL { root.appendingPathComponent("audio/\(name)") }
    /// Golden outputs of a clip (`en`, `zh`, …).
    public static func golden(_ clip: String) -> URL { root.appendingPathComponent("golden/\(clip)") }
    /// The clips that have goldens.
    public static let clips = ["en", "zh", "yue", "ja", "ko", "silence_2s", "long_mixed"]
    /// The three decoding configurations of the goldens.
    public static let tags = ["auto_itn", "zh_noitn", "en_itn"]

    /// `../shared/fixtures` beside the checkout, when present (real recordings that are not committed).
    public static var shared: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The FSMN-VAD model folder fetched by `scripts/fetch-test-models.sh`, when present.
    public static var vadModel: URL? {
        if let env = ProcessInfo.processInfo.environment["SENSEVOICE_TEST_VAD_MODEL"],
           FileManager.default.fileExists(atPath: env + "/model.pt") {
            return URL(fileURLWithPath: env)
        }
        let url = packageRoot.appendingPathComponent(".cache/models/fsmn-vad")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("model.pt").path) ? url : nil
    }

    /// What a test that needs the FSMN-VAD model says when it is missing.
    public static let vadModelMissing: Comment =
        "the FSMN-VAD model is missing (.cache/models/fsmn-vad or $SENSEVOICE_TEST_VAD_MODEL): run scripts/fetch-test-models.sh (scripts/test.sh does)"

    /// The FSMN-VAD model folder, or a recorded failure.
    ///
    /// `scripts/test.sh` fetches the model before it runs the suite, so a run without it has not
    /// tested the VAD: the tests that need it fail rather than pass or skip.
    public static func requireVADModel(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(vadModel, vadModelMissing, sourceLocation: sourceLocation)
    }

    /// Loads a golden `.npy`.
    public static func npy(_ clip: String, _ name: String) throws -> NpyArray {
        try NpyArray(contentsOf: golden(clip).appendingPathComponent(name))
    }

    /// Loads a clip's `result.json` as a dictionary.
    public static func result(_ clip: String) throws -> [String: Any] {
        let data = try Data(contentsOf: golden(clip).appendingPathComponent("result.json"))
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }
}
