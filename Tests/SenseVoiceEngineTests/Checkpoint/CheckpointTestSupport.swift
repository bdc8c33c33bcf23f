// Helpers shared by the checkpoint tests: fixture paths, temporary files, error expectations.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

enum CheckpointFixtures {
    /// The tiny SenseVoice model's checkpoint (real torch.save output, 72 float32 tensors).
    static var tinyModel: String { Fixtures.tinyModel.appendingPathComponent("model.pt").path }

    /// A file written by scripts/make_test_checkpoints.py.
    static func synthetic(_ name: String) -> String {
        Fixtures.root.appendingPathComponent("checkpoints/\(name)").path
    }
}

/// A temporary folder removed when the value is deinitialised.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("sensevoice-checkpoint-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `bytes` to a new file called `name` and returns its path.
    func write(_ name: String, _ bytes: some Sequence<UInt8>) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A small deterministic generator (xorshift64*) for reproducible random bytes.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// Expects `body` to throw a `SenseVoiceError` with `code` whose message contains every string of
/// `mentioning`; returns the error.
@discardableResult
func expectSenseVoiceError<R>(_ code: SenseVoiceError.Code, mentioning: [String] = [],
                              sourceLocation: SourceLocation = #_sourceLocation,
                              _ body: () throws -> R) -> SenseVoiceError? {
    do {
        _ = try body()
        Issue.record("expected a \(code) error, but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as SenseVoiceError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        for text in mentioning {
            #expect(error.message.contains(text), "message lacks \"\(text)\": \(error.message)",
                    sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected a SenseVoiceError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
