// FIPS 180-4 §5.1.1: the padding SHA-1 and SHA-256 append to a message before its last block.

/// The bytes that end a SHA-1 or SHA-256 message: `0x80`, zeros up to 56 mod 64, then the message
/// length in bits as a big-endian 64-bit number.
enum MessagePadding {
    /// - Parameters:
    ///   - byteLength: the whole message's length in bytes.
    ///   - pendingCount: bytes already buffered in the unfinished block (0…63).
    static func tail(byteLength: UInt64, pendingCount: Int) -> [UInt8] {
        let bitLength = byteLength &* 8
        var tail: [UInt8] = [0x80]
        let used = (pendingCount + 1) % 64
        tail += [UInt8](repeating: 0, count: used <= 56 ? 56 - used : 120 - used)
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return tail
    }
}
