// Damaged checkpoints must throw SenseVoiceError .modelFileCorrupt naming the file — never crash,
// read out of bounds or allocate what the file does not justify.

import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

@Suite struct CheckpointCorruptionTests {
    @Test func missingFile() {
        expectSenseVoiceError(.fileNotFound, mentioning: ["/nonexistent/model.pt"]) {
            try TorchCheckpoint(path: "/nonexistent/model.pt")
        }
    }

    @Test func emptyFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("model.pt", [])
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "too small"]) { try TorchCheckpoint(path: path) }
    }

    @Test(arguments: [1, 21, 22, 1000, 100_000]) func randomBytes(size: Int) throws {
        var generator = SeededGenerator(seed: UInt64(size))
        let folder = try TemporaryFolder()
        let path = try folder.write("model.pt", (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path]) { try TorchCheckpoint(path: path) }
    }

    @Test func truncatedTinyModel() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: CheckpointFixtures.tinyModel))
        let n = original.count
        let folder = try TemporaryFolder()
        for cut in [0, 10, 30, 100, 13_000, 20_000, n / 2, n - 5_000, n - 100, n - 23, n - 22, n - 1] {
            let path = try folder.write("model-\(cut).pt", original.prefix(cut))
            expectSenseVoiceError(.modelFileCorrupt, mentioning: [path]) { try TorchCheckpoint(path: path) }
        }
    }

    @Test func zipWithoutDataPickle() throws {
        let path = CheckpointFixtures.synthetic("no_data_pkl.pt")
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "no data.pkl"]) { try TorchCheckpoint(path: path) }
    }

    @Test func storageShorterThanItsElements() throws {
        let path = CheckpointFixtures.synthetic("short_storage.pt")
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "archive/data/0 holds 40 bytes", "need 48", "tensor w"]) {
            try TorchCheckpoint(path: path)
        }
    }

    @Test func viewPastTheEndOfItsStorage() throws {
        let path = CheckpointFixtures.synthetic("view_out_of_range.pt")
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "tensor w", "element 15", "12 elements"]) {
            try TorchCheckpoint(path: path)
        }
    }

    @Test func notAZipButAPickle() throws {
        // A legacy (pre-1.6) torch.save file starts with a pickle, not a zip.
        let folder = try TemporaryFolder()
        let path = try folder.write("model.pt", [0x80, 0x02, 0x8A, 0x0A] + [UInt8](repeating: 0x6C, count: 64))
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "end-of-central-directory"]) {
            try TorchCheckpoint(path: path)
        }
    }

    /// Flips random bytes of the synthetic checkpoints: every outcome is a load or a
    /// `.modelFileCorrupt` error, and whatever loads can be read in full.
    @Test(arguments: ["synthetic_v2.pt", "synthetic_v4.pt"]) func randomDamage(file: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CheckpointFixtures.synthetic(file))))
        var generator = SeededGenerator(seed: 0xC0FFEE)
        let folder = try TemporaryFolder()
        var failures = 0
        for round in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                // Half of the damage hits the pickle at the start, half anywhere.
                let range = Bool.random(using: &generator) ? 0..<min(1500, bytes.count) : 0..<bytes.count
                bytes[Int.random(in: range, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let path = try folder.write("damaged-\(round).pt", bytes)
            do {
                let checkpoint = try TorchCheckpoint(path: path)
                for name in checkpoint.names {
                    do {
                        _ = try checkpoint.tensor(name)
                    } catch let error as SenseVoiceError {
                        #expect(error.code == .modelFileCorrupt && error.message.contains(path), "\(error.message)")
                    }
                }
            } catch let error as SenseVoiceError {
                failures += 1
                #expect(error.code == .modelFileCorrupt, "\(error.message)")
                #expect(error.message.contains(path))
            }
            try FileManager.default.removeItem(atPath: path)
        }
        #expect(failures > 0)
    }
}
