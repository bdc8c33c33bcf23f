// Follows torch's strided-view semantics (element (i0…ik) = storage[offset + Σ i_j·stride_j]) and
// IEEE 754 binary16 / bfloat16 → binary32 conversion.

extension TorchCheckpoint {
    /// Copies the view `info` of a little-endian storage into row-major float32.
    ///
    /// - Parameters:
    ///   - info: a tensor view already checked against the storage's size.
    ///   - payload: the storage bytes (need not be aligned).
    ///   - out: `info.count` floats.
    static func convert(_ info: CheckpointTensorInfo, from payload: UnsafeRawBufferPointer,
                        into out: UnsafeMutableBufferPointer<Float>) {
        guard info.count > 0, let base = payload.baseAddress else { return }
        switch info.dtype {
        case .float32:
            gather(info, base, out, 4) { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self))) }
        case .float16:
            gather(info, base, out, 2) { halfToFloat(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt16.self))) }
        case .bfloat16:
            gather(info, base, out, 2) {
                Float(bitPattern: UInt32(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt16.self))) << 16)
            }
        case .float64:
            gather(info, base, out, 8) {
                Float(Double(bitPattern: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self))))
            }
        case .int64:
            gather(info, base, out, 8) { Float(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int64.self))) }
        case .int32:
            gather(info, base, out, 4) { Float(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int32.self))) }
        case .int16:
            gather(info, base, out, 2) { Float(Int16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int16.self))) }
        case .int8:
            gather(info, base, out, 1) { Float($0.load(fromByteOffset: $1, as: Int8.self)) }
        case .uint8:
            gather(info, base, out, 1) { Float($0.load(fromByteOffset: $1, as: UInt8.self)) }
        case .bool:
            gather(info, base, out, 1) { $0.load(fromByteOffset: $1, as: UInt8.self) != 0 ? 1 : 0 }
        }
    }

    /// Walks the view in row-major order, reading element `storage[offset + Σ i·stride]` with
    /// `element(base, byteOffset)`: one linear pass for contiguous views, otherwise an odometer
    /// over the outer dimensions with a strided inner loop.
    @inline(__always)
    private static func gather(_ info: CheckpointTensorInfo, _ base: UnsafeRawPointer,
                               _ out: UnsafeMutableBufferPointer<Float>, _ itemSize: Int,
                               _ element: (UnsafeRawPointer, Int) -> Float) {
        let shape = info.shape, strides = info.strides
        if info.isContiguous || shape.isEmpty {
            var byte = info.storageOffset * itemSize
            for i in 0..<out.count {
                out[i] = element(base, byte)
                byte += itemSize
            }
            return
        }
        let rank = shape.count
        let inner = shape[rank - 1]
        let innerStep = strides[rank - 1] * itemSize
        var index = [Int](repeating: 0, count: rank - 1)
        var start = info.storageOffset
        var o = 0
        while o < out.count {
            var byte = start * itemSize
            for _ in 0..<inner {
                out[o] = element(base, byte)
                o += 1
                byte += innerStep
            }
            // Advance the odometer over dimensions rank-2 … 0.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                start += strides[d]
                if index[d] < shape[d] { break }
                start -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// IEEE 754 binary16 → binary32, exact for every value (subnormals, infinities, NaN payloads).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa · 2⁻²⁴, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign != 0 ? -magnitude : magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }
}
