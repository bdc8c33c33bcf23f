// The audited file: the only place in the package that declares `@unchecked Sendable`.
//
// Why it is safe: both classes own memory that is written once, before the object is shared
// (`FloatStorage.init(count:initialize:)` runs its closure before returning; `MappedFile` maps the
// file read-only), and expose it afterwards only as read-only pointers. Nothing mutates after init,
// so sharing across threads needs no lock (`FloatStorage.releaseMappedPages()` only advises the
// kernel; the bytes a reader sees do not change). `DNNLLinear` (oneDNN layers) follows the same
// rule for its converted weights; its own comment explains the per-thread state of a forward call.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDNNL

/// A read-only memory map of a whole file.
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes; valid for the lifetime of this object.
    public let bytes: UnsafeRawBufferPointer
    public let path: String
    private let mappedLength: Int

    /// Maps `path` read-only.
    /// - Throws: `SenseVoiceError` `.fileNotFound` or `.ioError`.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let err = errno
            throw SenseVoiceError(err == ENOENT ? .fileNotFound : .ioError,
                                  "cannot open \(path): \(String(cString: strerror(err)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw SenseVoiceError(.ioError, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            throw SenseVoiceError(.ioError, "\(path) is a directory, not a file")
        }
        let size = Int(st.st_size)
        if size == 0 {
            mappedLength = 0
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw SenseVoiceError(.ioError, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        mappedLength = size
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if mappedLength > 0, let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), mappedLength)
        }
    }
}

/// Immutable float32 storage: either owned heap memory or a view into a `MappedFile`.
public final class FloatStorage: @unchecked Sendable {
    public let pointer: UnsafePointer<Float>
    public let count: Int
    private let owned: UnsafeMutablePointer<Float>?
    private let owner: MappedFile?

    /// Allocates `count` floats (64-byte aligned) and lets `initialize` fill them once.
    public init(count: Int, initialize: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        let p = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        do {
            try initialize(UnsafeMutableBufferPointer(start: p, count: count))
        } catch {
            raw.deallocate()
            throw error
        }
        owned = p
        owner = nil
        pointer = UnsafePointer(p)
        self.count = count
    }

    /// A zero-copy view of `count` floats at byte `offset` of a mapped file.
    /// - Precondition: the range lies inside the file and `offset` is 4-byte aligned.
    public init(mapped file: MappedFile, byteOffset offset: Int, count: Int) {
        precondition(offset >= 0 && offset % 4 == 0 && offset + count * 4 <= file.bytes.count,
                     "mapped float range out of bounds or misaligned")
        owner = file
        owned = nil
        self.count = count
        pointer = (file.bytes.baseAddress! + offset).assumingMemoryBound(to: Float.self)
    }

    /// Whether the data lives in a memory-mapped file (no copy was made).
    public var isMapped: Bool { owner != nil }

    /// Lets the kernel drop this view's pages of the memory map from the resident set
    /// (`madvise(MADV_DONTNEED)` on the whole pages inside the view): for weights that conversion
    /// has replaced. The data stays valid: the map is private and read-only, so a page touched
    /// again is read back from the file. Owned memory is freed with its last reference instead;
    /// this does nothing to it.
    public func releaseMappedPages() {
        guard owner != nil, count > 0 else { return }
        let page = max(1, Int(sysconf(Int32(_SC_PAGESIZE))))
        let start = UInt(bitPattern: pointer)
        let end = start + UInt(count * 4)
        let first = (start + UInt(page) - 1) / UInt(page) * UInt(page)
        let last = end / UInt(page) * UInt(page)
        guard last > first, let base = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(base, Int(last - first), Int32(MADV_DONTNEED))
    }

    deinit {
        if let owned { UnsafeMutableRawPointer(owned).deallocate() }
    }
}

/// A linear layer's weights converted for oneDNN (bf16, or s8 with per-channel scales), behind
/// the C API of `CDNNL`.
///
/// Why it is safe: the converted weights are written once in `sv_linear_create`, before the object
/// is shared, and only read afterwards. `sv_linear_forward` takes the handle as `const`; the
/// state it touches is either per calling thread (OpenMP thread count 1, stream, activation and
/// scratchpad buffers, all in C thread-local storage) or the process-wide matmul-primitive cache,
/// which the C side guards with a mutex (oneDNN primitives may run concurrently when each call
/// brings its own scratchpad, which it does).
public final class DNNLLinear: @unchecked Sendable {
    private let handle: OpaquePointer
    /// `SV_PREC_F32` computes on the float32 weights in place: this keeps them alive.
    private let borrowed: Tensor?
    public let outFeatures: Int
    public let inFeatures: Int

    /// Converts `weight` `[out, in]` and `bias` `[out]` to `precision` (`SV_PREC_BF16` or `SV_PREC_INT8`),
    /// or wraps them for oneDNN's float32 matmul (`SV_PREC_F32`, no copy of the weights).
    /// - Throws: `SenseVoiceError` `.invalidOption` with oneDNN's reason.
    public init(precision: Int32, weight: Tensor, bias: Tensor?) throws {
        precondition(weight.shape.count == 2, "linear weight must be 2-D, got \(weight.shape)")
        outFeatures = weight.rows
        inFeatures = weight.cols
        var message = [CChar](repeating: 0, count: 256)
        let created: OpaquePointer? = message.withUnsafeMutableBufferPointer { buf in
            sv_linear_create(precision, Int32(weight.rows), Int32(weight.cols), weight.pointer,
                             bias?.pointer, buf.baseAddress, buf.count)
        }
        guard let created else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw SenseVoiceError(.invalidOption, "cannot convert a \(weight.rows)×\(weight.cols) linear layer for oneDNN: \(text)")
        }
        handle = created
        borrowed = precision == Int32(SV_PREC_F32) ? weight : nil
    }

    /// `y[rows, out] = x[rows, in] · Wᵀ + b`; 0, or oneDNN's status when it failed (see ``describe(_:)``).
    public func forward(rows: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) -> Int32 {
        sv_linear_forward(handle, Int32(rows), input, output)
    }

    /// oneDNN's name for a failure status, e.g. `out_of_memory`.
    public static func describe(_ status: Int32) -> String {
        String(cString: sv_dnnl_status_name(status))
    }

    deinit {
        sv_linear_destroy(handle)
    }
}
