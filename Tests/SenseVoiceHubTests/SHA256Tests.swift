import Foundation
@testable import SenseVoiceHub
import SenseVoiceHubTestSupport
import SenseVoiceTestSupport
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-4 / NIST example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(SHA256.hash(Array(message.utf8)).hex == digest)
    }

    @Test func oneMillionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hasher.finalize().hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Every padding boundary (55, 56, 63, 64 … bytes) and any chunking give the one-shot digest.
    @Test func chunkingDoesNotChangeTheDigest() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let whole = SHA256.hash(bytes)
            var hasher = SHA256()
            var offset = 0
            while offset < length {
                let n = Int.random(in: 1...70, using: &generator)
                hasher.update(bytes[offset..<min(length, offset + n)])
                offset += n
            }
            #expect(hasher.finalize() == whole, "length \(length)")
        }
    }

    /// Agrees with coreutils on a real file. sha256sum is part of every Debian system and
    /// scripts/fetch-test-models.sh needs it too, so a machine without it fails this test.
    @Test func fileDigestMatchesSha256sum() throws {
        let tool = "/usr/bin/sha256sum"
        try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: install coreutils")
        let file = Fixtures.tinyModel.appendingPathComponent("model.pt").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let expected = try #require(output.split(separator: " ").first.map(String.init))
        #expect(try SHA256.hash(fileAt: file).hex == expected)
    }
}

@Suite("git blob SHA-1")
struct GitBlobSHA1Tests {
    /// `printf 'hello\n' | git hash-object --stdin` and the empty blob.
    @Test func knownObjectIDs() {
        var hello = GitBlobSHA1(size: 6)
        hello.update(Array("hello\n".utf8))
        #expect(hello.finalize() == "ce013625030ba8dba906f756967f9e9ca394464a")
        #expect(GitBlobSHA1(size: 0).finalize() == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")
    }

    // git is not among the packages scripts/install-deps.sh installs: where it is missing, this
    // case is recorded as skipped (not passed).
    @Test(.enabled(if: FakeHub.Repo.gitAvailable, "needs git (git hash-object is the reference)"))
    func fileIDMatchesGit() throws {
        let file = Fixtures.tinyModel.appendingPathComponent("config.yaml").path
        let expected = try #require(FakeHub.Repo.gitHashObject([file])?.first, "git hash-object \(file) failed")
        #expect(try GitBlobSHA1.hash(fileAt: file) == expected)
    }
}
