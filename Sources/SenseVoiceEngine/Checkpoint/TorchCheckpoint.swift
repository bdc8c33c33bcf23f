// Follows the PyTorch zip serialization format (torch/serialization.py: _save/_load, torch/_utils.py:
// _rebuild_tensor_v2) and pickle protocols 2–4, as summarised in docs/sensevoice-spec.md §9.

public import SenseVoiceTensor

/// The element type of a checkpoint storage.
public enum CheckpointDType: String, Sendable, CaseIterable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }
}

/// Where and how one tensor lies in a checkpoint, read from `data.pkl` without touching its data.
public struct CheckpointTensorInfo: Sendable, Equatable {
    /// Element type of the storage (converted to float32 by `TorchCheckpoint.tensor(_:)`).
    public let dtype: CheckpointDType
    /// Size of each dimension, e.g. `[25055, 512]`; `[]` for a scalar.
    public let shape: [Int]
    /// Step in storage elements per dimension; `[512, 1]` for a row-major `[25055, 512]`.
    public let strides: [Int]
    /// Position of element 0 in the storage, in elements.
    public let storageOffset: Int
    /// The storage's key: its bytes are the zip entry `<prefix>data/<key>`.
    public let storageKey: String

    /// Number of elements (product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }

    /// Whether the strides are those of a row-major array of `shape` (dimensions of size 1 may
    /// carry any stride).
    public var isContiguous: Bool {
        var expected = 1
        for d in shape.indices.reversed() where shape[d] != 1 {
            if strides[d] != expected { return false }
            expected *= shape[d]
        }
        return true
    }
}

/// A PyTorch `torch.save` checkpoint read without Python.
///
/// The file is memory-mapped; `init(path:)` reads the zip directory and runs `data.pkl` once,
/// then every tensor is a description of a storage slice. ``tensor(_:)`` returns float32 tensors
/// in row-major order: contiguous, 4-byte-aligned float32 tensors are zero-copy views of the
/// mapping, everything else (other dtypes, non-contiguous strides such as FSMN-VAD's
/// `conv_left` weights) is converted into owned memory.
///
/// Names are the state-dict keys after unwrapping a top-level `state_dict`, `model_state_dict`
/// or `model` dict and stripping a `module.` prefix, as FunASR's loader does.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint(path: "model.pt")
/// let weights = try checkpoint.load([("ctc.ctc_lo.weight", [25055, 512])], allowUnexpected: true)
/// ```
public struct TorchCheckpoint: Sendable {
    /// The file this checkpoint was read from (used in error messages).
    public let path: String
    /// Sorted tensor names.
    public let names: [String]

    let file: MappedFile
    let archive: ZipArchive
    let records: [String: Record]

    /// One tensor: its description and the zip entry holding its storage.
    struct Record: Sendable {
        let info: CheckpointTensorInfo
        let entry: ZipArchive.Entry
    }

    /// Maps `path` and reads its zip directory and `data.pkl`.
    ///
    /// Every tensor's view (offset, shape, strides) is checked against its storage's element
    /// count and every storage against its zip entry's size, so later reads cannot leave the file.
    ///
    /// - Parameter path: a `model.pt` written by `torch.save` (zip format, torch ≥ 1.6).
    /// - Throws: `SenseVoiceError` `.fileNotFound` / `.ioError` when the file cannot be opened;
    ///   `.modelFileCorrupt` naming the file when it is not a zip checkpoint, is truncated, has no
    ///   `data.pkl`, holds no state dict, or a tensor lies outside its storage.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        let archive = try ZipArchive(bytes: file.bytes, path: path)
        func corrupt(_ problem: String) -> SenseVoiceError {
            SenseVoiceError(.modelFileCorrupt,
                            "\(path): \(problem). Download or export the model again (torch.save of the state dict).")
        }

        guard let pickle = archive.entries.first(where: { $0.name == "data.pkl" || $0.name.hasSuffix("/data.pkl") }) else {
            throw corrupt("no data.pkl in the zip archive, so this is not a PyTorch checkpoint")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: try archive.payload(of: order, in: file.bytes), as: UTF8.self)
            guard !text.hasPrefix("big") else {
                throw corrupt("the checkpoint was written on a big-endian machine, which is not supported")
            }
        }
        let root = try withExtendedLifetime(file) {
            try PickleMachine.run(try archive.payload(of: pickle, in: file.bytes), context: "\(path): \(pickle.name)")
        }

        guard case .dict(var dict) = root else {
            throw corrupt("data.pkl holds a \(root.kind), not a state dict")
        }
        // FunASR's loader: unwrap {"state_dict": …} / {"model_state_dict": …} / {"model": …}.
        unwrap: for _ in 0..<4 {
            for key in ["state_dict", "model_state_dict", "model"] {
                if case .dict(let inner)? = dict[key] {
                    dict = inner
                    continue unwrap
                }
            }
            break
        }

        var records: [String: Record] = [:]
        records.reserveCapacity(dict.items.count)
        for (key, value) in dict.items {
            guard case .string(var name) = key, case .tensor(let tensor) = value else { continue }
            if name.hasPrefix("module.") { name.removeFirst("module.".count) }
            guard records[name] == nil else { continue }
            records[name] = try Self.record(name, tensor, archive: archive, prefix: prefix, corrupt: corrupt)
        }
        self.path = path
        self.file = file
        self.archive = archive
        self.records = records
        self.names = records.keys.sorted()
    }

    /// Checks one tensor's view against its storage and finds the storage's zip entry.
    private static func record(_ name: String, _ tensor: PickleTensor, archive: ZipArchive, prefix: String,
                               corrupt: (String) -> SenseVoiceError) throws -> Record {
        let storage = tensor.storage
        guard let dtype = storage.dtype else {
            throw corrupt("tensor \(name) uses storage type \(storage.typeName), which this reader does not support "
                          + "(float32/16, bfloat16, float64, integer and bool storages are)")
        }
        guard tensor.shape.count == tensor.strides.count else {
            throw corrupt("tensor \(name) has \(tensor.shape.count) sizes but \(tensor.strides.count) strides")
        }
        guard tensor.offset >= 0, tensor.shape.allSatisfy({ $0 >= 0 }), tensor.strides.allSatisfy({ $0 >= 0 }) else {
            throw corrupt("tensor \(name) has a negative offset, size or stride "
                          + "(offset \(tensor.offset), size \(tensor.shape), stride \(tensor.strides))")
        }
        // Element count and the last storage index the view touches, without overflow.
        var count = 1
        var last = tensor.offset
        var overflow = false
        for (size, stride) in zip(tensor.shape, tensor.strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            count = c
            overflow = overflow || o1
            if size > 0 {
                let (step, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o3) = last.addingReportingOverflow(step)
                last = sum
                overflow = overflow || o2 || o3
            }
        }
        guard !overflow else { throw corrupt("tensor \(name) has an impossible size \(tensor.shape)") }
        if count > 0, last >= storage.count {
            throw corrupt("tensor \(name) (size \(tensor.shape), stride \(tensor.strides), offset \(tensor.offset)) "
                          + "reaches element \(last) of storage \(storage.key), which has \(storage.count) elements")
        }
        let entryName = prefix + "data/" + storage.key
        guard let entry = archive.entry(named: entryName) else {
            throw corrupt("tensor \(name) needs storage \(entryName), which the archive lacks")
        }
        let (bytes, o4) = storage.count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !o4, bytes <= entry.uncompressedSize else {
            throw corrupt("storage \(entryName) holds \(entry.uncompressedSize) bytes, but its \(storage.count) "
                          + "\(dtype.rawValue) elements need \(storage.count &* dtype.itemSize) (tensor \(name))")
        }
        let info = CheckpointTensorInfo(dtype: dtype, shape: tensor.shape, strides: tensor.strides,
                                        storageOffset: tensor.offset, storageKey: storage.key)
        return Record(info: info, entry: entry)
    }

    /// The description of tensor `name` (dtype, shape, strides, storage), or `nil` if absent.
    public func info(_ name: String) -> CheckpointTensorInfo? {
        records[name]?.info
    }

    /// Tensor `name` as float32 in row-major order.
    ///
    /// A contiguous float32 tensor whose data is 4-byte aligned in the file is a zero-copy view
    /// of the memory map (`tensor.storage.isMapped`); any other layout or dtype is copied,
    /// honouring strides and offset, and converted to float32.
    ///
    /// - Parameter name: a name from ``names``.
    /// - Throws: `.checkpointMismatch` when there is no such tensor; `.modelFileCorrupt` when its
    ///   storage is compressed or encrypted in the zip archive.
    public func tensor(_ name: String) throws -> Tensor {
        guard let record = records[name] else {
            throw SenseVoiceError(.checkpointMismatch,
                                  "\(path) has no tensor named \(name); check that the model directory matches "
                                  + "its config.yaml.")
        }
        let info = record.info
        let payload = try archive.payload(of: record.entry, in: file.bytes)
        if info.dtype == .float32, info.isContiguous {
            let byteOffset = record.entry.dataOffset + info.storageOffset * 4
            if byteOffset % 4 == 0 {
                return Tensor(shape: info.shape, storage: FloatStorage(mapped: file, byteOffset: byteOffset, count: info.count))
            }
        }
        let storage = withExtendedLifetime(file) {
            FloatStorage(count: info.count) { out in Self.convert(info, from: payload, into: out) }
        }
        return Tensor(shape: info.shape, storage: storage)
    }

    /// The tensors a model needs, all checked before any is read.
    ///
    /// - Parameters:
    ///   - specs: every tensor the model uses, with the shape `config.yaml` implies.
    ///   - allowUnexpected: accept checkpoint tensors that `specs` does not name.
    /// - Returns: the tensors by name, float32 row-major (zero-copy where possible).
    /// - Throws: as ``check(_:allowUnexpected:)``; `.modelFileCorrupt` as ``tensor(_:)``.
    public func load(_ specs: [TensorSpec], allowUnexpected: Bool) throws -> [String: Tensor] {
        try check(specs, allowUnexpected: allowUnexpected)
        var tensors: [String: Tensor] = [:]
        for spec in specs where tensors[spec.name] == nil {
            tensors[spec.name] = try tensor(spec.name)
        }
        return tensors
    }

    /// Checks that the checkpoint holds exactly the tensors a model declares, reading no data.
    ///
    /// - Parameters:
    ///   - specs: every tensor the model uses, with the shape `config.yaml` implies.
    ///   - allowUnexpected: accept checkpoint tensors that `specs` does not name.
    /// - Throws: one `.checkpointMismatch` naming the file and listing every missing tensor,
    ///   every mis-shaped one (expected and found shape) and, unless `allowUnexpected`, every
    ///   unexpected one.
    public func check(_ specs: [TensorSpec], allowUnexpected: Bool) throws {
        var missing: [String] = []
        var misshaped: [String] = []
        var wanted = Set<String>()
        for spec in specs where wanted.insert(spec.name).inserted {
            guard let info = records[spec.name]?.info else {
                missing.append(spec.name)
                continue
            }
            if info.shape != spec.shape {
                misshaped.append("\(spec.name) (expected \(spec.shape), found \(info.shape))")
            }
        }
        let unexpected = allowUnexpected ? [] : names.filter { !wanted.contains($0) }
        if !(missing.isEmpty && misshaped.isEmpty && unexpected.isEmpty) {
            var lines = ["\(path) does not match the model: \(missing.count) missing, \(misshaped.count) mis-shaped, "
                         + "\(unexpected.count) unexpected tensor(s)."]
            for (title, list) in [("missing", missing), ("mis-shaped", misshaped), ("unexpected", unexpected)]
            where !list.isEmpty {
                lines.append("  \(title): " + Self.capped(list))
            }
            lines.append("Check that the checkpoint and config.yaml come from the same model.")
            throw SenseVoiceError(.checkpointMismatch, lines.joined(separator: "\n"))
        }
    }

    /// The first 20 items joined, then "and N more".
    private static func capped(_ list: [String], limit: Int = 20) -> String {
        let shown = list.prefix(limit).joined(separator: ", ")
        return list.count > limit ? shown + ", and \(list.count - limit) more" : shown
    }
}
