// Follows the ZIP file format specification (PKWARE APPNOTE.TXT 6.3.x, sections 4.3–4.5), the
// subset PyTorch's zip writer produces (caffe2/serialize/inline_container.cc): stored entries,
// ZIP64 end records, ZIP64 extra fields and data descriptors.

/// The table of contents of a ZIP archive held in memory (usually a memory-mapped file).
///
/// Only the central directory and the local headers are read; payloads are handed out as byte
/// ranges of the caller's buffer, so stored (method 0) entries cost nothing to "extract". Every
/// offset and size is checked against the buffer, so a truncated or random file throws
/// `SenseVoiceError` `.modelFileCorrupt` instead of reading out of bounds or allocating wildly.
///
/// The archive keeps no pointer to the bytes: pass the same buffer to ``payload(of:in:)``.
struct ZipArchive: Sendable {
    /// One file inside the archive, as described by its central-directory record.
    struct Entry: Sendable, Equatable {
        /// The entry's name (UTF-8), e.g. `model/data/0`.
        let name: String
        /// Compression method: 0 stored, 8 deflate, others possible.
        let method: Int
        /// General-purpose flags (bit 0: encrypted, bit 3: data descriptor, bit 11: UTF-8 name).
        let flags: Int
        /// Size of the payload as stored in the archive.
        let compressedSize: Int
        /// Size of the payload once decompressed (equal to `compressedSize` for stored entries).
        let uncompressedSize: Int
        /// Offset of the local file header.
        let localHeaderOffset: Int
        /// Offset of the first payload byte (after the local header, its name and its extra field).
        let dataOffset: Int

        /// Whether the payload can be read in place (stored and not encrypted).
        var isStored: Bool { method == 0 && flags & 1 == 0 }
    }

    /// Entries in central-directory order.
    let entries: [Entry]
    /// The path used in error messages.
    let path: String
    private let index: [String: Int]

    /// Reads the central directory of the archive in `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: the whole archive (typically `MappedFile.bytes`).
    ///   - path: the file name to put in error messages.
    /// - Throws: `SenseVoiceError` `.modelFileCorrupt` naming `path` and the problem when the end
    ///   record, the central directory or a local header is missing, malformed or out of bounds.
    init(bytes: UnsafeRawBufferPointer, path: String) throws {
        self.path = path
        let reader = ZipReader(bytes: bytes, path: path)
        let directory = try reader.centralDirectory()
        var entries: [Entry] = []
        // A central record is at least 46 bytes, so this never reserves more than the file justifies.
        entries.reserveCapacity(min(directory.count, directory.size / 46))
        var offset = directory.offset
        let end = directory.offset + directory.size
        for number in 0..<directory.count {
            let (entry, next) = try reader.centralRecord(at: offset, end: end, number: number)
            entries.append(entry)
            offset = next
        }
        var index: [String: Int] = [:]
        index.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() where index[entry.name] == nil {
            index[entry.name] = i
        }
        self.entries = entries
        self.index = index
    }

    /// The entry called exactly `name`, if any (the first one when a name repeats).
    func entry(named name: String) -> Entry? {
        index[name].map { entries[$0] }
    }

    /// The payload bytes of a stored entry, as a slice of `bytes`.
    ///
    /// - Parameters:
    ///   - entry: an entry of this archive.
    ///   - bytes: the same buffer the archive was read from.
    /// - Throws: `.modelFileCorrupt` when the entry is compressed or encrypted (its bytes cannot
    ///   be used in place).
    func payload(of entry: Entry, in bytes: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer {
        guard entry.isStored else {
            let why = entry.flags & 1 != 0 ? "encrypted" : "compressed (method \(entry.method))"
            throw SenseVoiceError(.modelFileCorrupt,
                                  "\(path): zip entry \(entry.name) is \(why); only stored entries can be "
                                  + "read. Re-save the checkpoint with torch.save, which stores entries uncompressed.")
        }
        precondition(entry.dataOffset + entry.compressedSize <= bytes.count, "payload of another buffer")
        return UnsafeRawBufferPointer(rebasing: bytes[entry.dataOffset ..< entry.dataOffset + entry.compressedSize])
    }
}

/// Bounds-checked little-endian reads over the archive bytes.
private struct ZipReader {
    let bytes: UnsafeRawBufferPointer
    let path: String

    static let endSignature: UInt32 = 0x0605_4b50
    static let zip64EndSignature: UInt32 = 0x0606_4b50
    static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    static let centralSignature: UInt32 = 0x0201_4b50
    static let localSignature: UInt32 = 0x0403_4b50

    func corrupt(_ problem: String) -> SenseVoiceError {
        SenseVoiceError(.modelFileCorrupt,
                        "\(path): \(problem). The file is truncated or is not a PyTorch zip checkpoint; "
                        + "download or export the model again.")
    }

    func u16(_ offset: Int) throws -> Int {
        guard offset >= 0, offset <= bytes.count - 2 else { throw corrupt("read past the end of the file at byte \(offset)") }
        return Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    func u32(_ offset: Int) throws -> UInt32 {
        guard offset >= 0, offset <= bytes.count - 4 else { throw corrupt("read past the end of the file at byte \(offset)") }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    func u64(_ offset: Int) throws -> UInt64 {
        guard offset >= 0, offset <= bytes.count - 8 else { throw corrupt("read past the end of the file at byte \(offset)") }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A 64-bit size or offset that must fit in the file.
    func fileRange(_ value: UInt64, _ what: String) throws -> Int {
        guard value <= UInt64(bytes.count) else {
            throw corrupt("\(what) \(value) lies beyond the end of the file (\(bytes.count) bytes)")
        }
        return Int(value)
    }

    /// Position, size and entry count of the central directory, from the (ZIP64) end records.
    func centralDirectory() throws -> (offset: Int, size: Int, count: Int) {
        let n = bytes.count
        guard n >= 22 else { throw corrupt("\(n) bytes is too small for a zip archive") }
        // The end record is 22 bytes plus a comment of at most 65,535 bytes; search backwards.
        var eocd = -1
        var position = n - 22
        let lowest = max(0, n - 22 - 65_535)
        while position >= lowest {
            if try u32(position) == Self.endSignature {
                let commentLength = try u16(position + 20)
                if position + 22 + commentLength <= n { eocd = position; break }
            }
            position -= 1
        }
        guard eocd >= 0 else { throw corrupt("no zip end-of-central-directory record") }
        let diskNumber = try u16(eocd + 4)
        let directoryDisk = try u16(eocd + 6)
        var count = UInt64(try u16(eocd + 10))
        var size = UInt64(try u32(eocd + 12))
        var offset = UInt64(try u32(eocd + 16))
        var multiDisk = diskNumber != 0 || directoryDisk != 0

        // ZIP64: a locator right before the end record points at the ZIP64 end record.
        let locator = eocd - 20
        if locator >= 0, try u32(locator) == Self.zip64LocatorSignature {
            let recordOffset = try fileRange(try u64(locator + 8), "ZIP64 end record offset")
            guard try u32(recordOffset) == Self.zip64EndSignature else {
                throw corrupt("the ZIP64 locator points at byte \(recordOffset), which holds no ZIP64 end record")
            }
            let thisDisk = try u32(recordOffset + 16)
            let startDisk = try u32(recordOffset + 20)
            multiDisk = multiDisk || thisDisk != 0 || startDisk != 0
            count = try u64(recordOffset + 32)
            size = try u64(recordOffset + 40)
            offset = try u64(recordOffset + 48)
        } else if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw corrupt("the end record needs a ZIP64 end record, which is missing")
        }
        guard !multiDisk else { throw corrupt("multi-disk (split) zip archives are not supported") }
        let start = try fileRange(offset, "central directory offset")
        let length = try fileRange(size, "central directory size")
        guard start + length <= n else {
            throw corrupt("the central directory (bytes \(start)..<\(start + length)) extends past the end of the file (\(n) bytes)")
        }
        guard count <= UInt64(length / 46) else {
            throw corrupt("the end record claims \(count) entries, more than a \(length)-byte central directory can hold")
        }
        return (start, length, Int(count))
    }

    /// Parses the central record at `offset` and the local header it points to.
    /// - Returns: the entry and the offset of the next central record.
    func centralRecord(at offset: Int, end: Int, number: Int) throws -> (ZipArchive.Entry, Int) {
        guard offset + 46 <= end, try u32(offset) == Self.centralSignature else {
            throw corrupt("central directory record \(number) at byte \(offset) is missing or damaged")
        }
        let flags = try u16(offset + 8)
        let method = try u16(offset + 10)
        var compressed = UInt64(try u32(offset + 20))
        var uncompressed = UInt64(try u32(offset + 24))
        let nameLength = try u16(offset + 28)
        let extraLength = try u16(offset + 30)
        let commentLength = try u16(offset + 32)
        let disk = try u16(offset + 34)
        var local = UInt64(try u32(offset + 42))
        let next = offset + 46 + nameLength + extraLength + commentLength
        guard next <= end else {
            throw corrupt("central directory record \(number) at byte \(offset) runs past the directory's end")
        }
        let nameStart = offset + 46
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart ..< nameStart + nameLength]),
                          as: UTF8.self)

        // ZIP64 extended information (0x0001): 8-byte values for the fields that overflowed, in order.
        var extra = nameStart + nameLength
        let extraEnd = extra + extraLength
        while extra + 4 <= extraEnd {
            let id = try u16(extra)
            let length = try u16(extra + 2)
            let data = extra + 4
            guard data + length <= extraEnd else {
                throw corrupt("extra field of zip entry \(name) runs past its record")
            }
            if id == 0x0001 {
                var field = data
                func next64() throws -> UInt64 {
                    guard field + 8 <= data + length else {
                        throw corrupt("ZIP64 extra field of zip entry \(name) is too short")
                    }
                    defer { field += 8 }
                    return try u64(field)
                }
                if uncompressed == 0xFFFF_FFFF { uncompressed = try next64() }
                if compressed == 0xFFFF_FFFF { compressed = try next64() }
                if local == 0xFFFF_FFFF { local = try next64() }
            }
            extra = data + length
        }
        guard disk == 0 || disk == 0xFFFF else { throw corrupt("zip entry \(name) lives on another disk") }

        let localOffset = try fileRange(local, "local header offset of zip entry \(name)")
        let compressedSize = try fileRange(compressed, "size of zip entry \(name)")
        guard uncompressed <= UInt64(Int.max) else { throw corrupt("zip entry \(name) has an impossible size") }
        guard localOffset + 30 <= bytes.count, try u32(localOffset) == Self.localSignature else {
            throw corrupt("local header of zip entry \(name) at byte \(localOffset) is missing or damaged")
        }
        // The local header's own name and extra lengths decide where the payload starts (PyTorch pads
        // the local extra field so that payloads are 64-byte aligned; the central one has no padding).
        let localNameLength = try u16(localOffset + 26)
        let localExtraLength = try u16(localOffset + 28)
        let dataOffset = localOffset + 30 + localNameLength + localExtraLength
        guard dataOffset <= bytes.count, compressedSize <= bytes.count - dataOffset else {
            throw corrupt("zip entry \(name) (\(compressedSize) bytes at byte \(dataOffset)) extends past the end of the file (\(bytes.count) bytes)")
        }
        if method == 0, compressed != uncompressed {
            throw corrupt("stored zip entry \(name) has different compressed (\(compressed)) and uncompressed (\(uncompressed)) sizes")
        }
        let entry = ZipArchive.Entry(name: name, method: method, flags: flags, compressedSize: compressedSize,
                                     uncompressedSize: Int(uncompressed), localHeaderOffset: localOffset,
                                     dataOffset: dataOffset)
        return (entry, next)
    }
}
