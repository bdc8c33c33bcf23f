// Follows FIPS 180-4 §6.1 (SHA-1) and git's object id `sha1("blob <size>\0" + content)`: the only
// checksum Hugging Face lists for files not stored in LFS (`siblings[].blobId`).

import Foundation
import SenseVoiceEngine

/// SHA-1 of a git blob, computed while streaming a file. Used only to compare with a hub's
/// published object id, never for security.
struct GitBlobSHA1 {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0)
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    /// Starts the hash of a blob of `size` bytes (feeds git's `blob <size>\0` header).
    init(size: Int64) {
        update(Array("blob \(size)\0".utf8))
    }

    /// Adds content bytes.
    mutating func update(_ bytes: some Collection<UInt8>) {
        length &+= UInt64(bytes.count)
        pending.append(contentsOf: bytes)
        let whole = pending.count / 64 * 64
        if whole > 0 {
            pending.withUnsafeBytes { compress($0.baseAddress!, blocks: whole / 64) }
            pending.removeFirst(whole)
        }
    }

    /// The hex object id.
    func finalize() -> String {
        var copy = self
        copy.update(MessagePadding.tail(byteLength: length, pendingCount: pending.count))
        let words = [copy.h.0, copy.h.1, copy.h.2, copy.h.3, copy.h.4]
        return words.map { String(format: "%08x", $0) }.joined()
    }

    /// The object id of a file's content.
    /// - Throws: `HubError(.ioError)`.
    static func hash(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw HubError(.ioError, "cannot open \(path)") }
        defer { try? handle.close() }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.int64Value ?? 0
        var hasher = GitBlobSHA1(size: size)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(chunk) }
        return hasher.finalize()
    }

    private mutating func compress(_ base: UnsafeRawPointer, blocks: Int) {
        var w = [UInt32](repeating: 0, count: 80)
        for block in 0..<blocks {
            let p = base + block * 64
            for i in 0..<16 { w[i] = UInt32(bigEndian: p.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var (a, b, c, d, e) = h
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A827999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC
                default: f = b ^ c ^ d; k = 0xCA62C1D6
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = rotl(b, 30); b = a; a = t
            }
            h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
        }
    }

    private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
