// NumPy .npy reader/writer (format 1.0/2.0/3.0; little-endian <f4, <i4, <i8, <f8; C order).

public import Foundation

/// A NumPy array as read from a `.npy` file, converted to float32 or int32.
public struct NpyArray: Sendable {
    public let shape: [Int]
    /// Float view (int arrays are converted).
    public let floats: [Float]
    /// Int view (float arrays are truncated).
    public let ints: [Int32]

    /// The array as a `Tensor`.
    public var tensor: Tensor { Tensor(shape: shape.isEmpty ? [1] : shape, values: floats) }

    /// Parses `.npy` bytes.
    /// - Throws: `SenseVoiceError(.modelFileCorrupt)` for anything that is not a supported .npy.
    public init(data: Data) throws {
        func fail(_ why: String) -> SenseVoiceError { SenseVoiceError(.modelFileCorrupt, "not a supported .npy file: \(why)") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, bytes[1...5].elementsEqual(Array("NUMPY".utf8)) else {
            throw fail("bad magic")
        }
        let major = bytes[6]
        var headerLen: Int
        var start: Int
        if major == 1 {
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        } else {
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        }
        guard start + headerLen <= bytes.count,
              let header = String(bytes: bytes[start..<start + headerLen], encoding: .utf8) else {
            throw fail("truncated header")
        }
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descrField = field("descr"), let q1 = descrField.firstIndex(of: "'") else { throw fail("no descr") }
        let afterQ = descrField[descrField.index(after: q1)...]
        guard let q2 = afterQ.firstIndex(of: "'") else { throw fail("bad descr") }
        let descr = String(afterQ[..<q2])
        if let fo = field("fortran_order"), fo.hasPrefix("True") { throw fail("Fortran order") }
        guard let shapeField = field("shape"), let open = shapeField.firstIndex(of: "("),
              let close = shapeField.firstIndex(of: ")") else { throw fail("no shape") }
        let dims = shapeField[shapeField.index(after: open)..<close]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw fail("bad shape") }
            shape.append(v)
        }
        let n = shape.reduce(1, *)
        let body = start + headerLen
        let itemSize: Int
        switch descr {
        case "<f4", "<i4": itemSize = 4
        case "<f8", "<i8": itemSize = 8
        default: throw fail("dtype \(descr)")
        }
        guard bytes.count - body >= n * itemSize else { throw fail("truncated data") }
        var f = [Float](repeating: 0, count: n)
        var i = [Int32](repeating: 0, count: n)
        bytes.withUnsafeBytes { raw in
            let p = raw.baseAddress! + body
            for k in 0..<n {
                switch descr {
                case "<f4":
                    let v = Float(bitPattern: p.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).littleEndian)
                    f[k] = v; i[k] = v.isFinite ? Int32(clamping: Int64(v)) : 0
                case "<i4":
                    let v = Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
                    f[k] = Float(v); i[k] = v
                case "<f8":
                    let v = Double(bitPattern: p.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).littleEndian)
                    f[k] = Float(v); i[k] = v.isFinite ? Int32(clamping: Int64(v)) : 0
                default:
                    let v = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * k, as: Int64.self))
                    f[k] = Float(v); i[k] = Int32(clamping: v)
                }
            }
        }
        self.shape = shape
        self.floats = f
        self.ints = i
    }

    /// Reads a `.npy` file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SenseVoiceError(.fileNotFound, "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(data: data)
    }

    /// Serialises a float32 array as `.npy` (format 1.0, `<f4`, C order).
    public static func encode(shape: [Int], floats: [Float]) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var out = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let len = UInt16(header.utf8.count)
        out.append(contentsOf: [UInt8(len & 0xff), UInt8(len >> 8)])
        out.append(contentsOf: Array(header.utf8))
        floats.withUnsafeBufferPointer { out.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        return out
    }
}
