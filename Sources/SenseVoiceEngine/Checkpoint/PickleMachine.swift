// Follows Python's pickle protocols 2–4 (Lib/pickle.py, Lib/pickletools.py) and the object graph
// torch.save writes into data.pkl (torch/serialization.py, torch/_utils.py: _rebuild_tensor_v2).

/// A value produced by the pickle machine.
///
/// Lists, dicts and opaque objects are reference types, as in Python: pickle memoizes an empty
/// container and fills it afterwards (`EMPTY_DICT`, `BINPUT`, `SETITEMS`), and every memo copy must
/// see the items.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case list(PickleList)
    case tuple([PickleValue])
    case dict(PickleDict)
    /// A class or function named by `GLOBAL` / `STACK_GLOBAL`, not resolved.
    case global(module: String, name: String)
    /// The result of calling something the machine does not know (`REDUCE`, `NEWOBJ`).
    case object(PickleObject)
    /// A tensor storage named by a persistent id (`BINPERSID`).
    case storage(PickleStorage)
    /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2` and friends.
    case tensor(PickleTensor)

    /// A short description for error messages.
    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .object(let object): "object of \(object.callable.kind)"
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

/// A mutable Python list (also used for sets).
final class PickleList {
    var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A mutable Python dict that keeps insertion order (`dict` and `collections.OrderedDict`).
final class PickleDict {
    private(set) var items: [(key: PickleValue, value: PickleValue)] = []
    private var stringIndex: [String: Int] = [:]
    /// State set by `BUILD` (an `OrderedDict`'s attributes such as `_metadata`); kept, never used.
    var state: PickleValue?

    /// Sets `key` to `value`, replacing an earlier value of the same string key as Python does.
    func set(_ key: PickleValue, _ value: PickleValue) {
        if case .string(let name) = key {
            if let i = stringIndex[name] {
                items[i].value = value
                return
            }
            stringIndex[name] = items.count
        }
        items.append((key, value))
    }

    /// The value of a string key.
    subscript(name: String) -> PickleValue? {
        stringIndex[name].map { items[$0].value }
    }
}

/// An object the machine does not interpret: its callable, arguments and `BUILD` state.
final class PickleObject {
    let callable: PickleValue
    let args: PickleValue
    var state: PickleValue?
    init(callable: PickleValue, args: PickleValue) {
        self.callable = callable
        self.args = args
    }
}

/// A storage from the persistent id `("storage", torch.<Type>Storage, key, location, numel)`.
struct PickleStorage: Sendable {
    /// The storage class name, e.g. `FloatStorage`.
    let typeName: String
    /// The element type, `nil` for a storage class this reader does not know.
    let dtype: CheckpointDType?
    /// The zip entry holding the bytes is `<prefix>data/<key>`.
    let key: String
    /// Element count of the storage.
    let count: Int
}

/// A tensor view of a storage (`_rebuild_tensor_v2(storage, offset, size, stride, …)`).
struct PickleTensor: Sendable {
    let storage: PickleStorage
    /// Offset of element 0 in the storage, in elements.
    let offset: Int
    let shape: [Int]
    /// Per-dimension steps in the storage, in elements.
    let strides: [Int]
}

/// A small stack machine that runs a pickle program (protocols 2–4) into a `PickleValue`.
///
/// It implements the opcodes PyTorch checkpoints use — containers, strings, integers, floats,
/// memo, `GLOBAL`/`STACK_GLOBAL`, `REDUCE`, `BUILD`, `BINPERSID` — and never imports or runs
/// anything: globals stay names. `REDUCE` of the tensor rebuild functions produces `.tensor`,
/// `collections.OrderedDict` produces `.dict`, anything else becomes an opaque `.object`.
/// Text-mode (protocol 0) opcodes and out-of-band buffers (protocol 5) are not supported.
struct PickleMachine {
    private let bytes: UnsafeRawBufferPointer
    private let context: String
    private var position = 0
    private var opcodeStart = 0
    private var opcode: UInt8 = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Runs the pickle in `bytes` and returns the value `STOP` leaves on the stack.
    ///
    /// - Parameters:
    ///   - bytes: the pickle program, e.g. the `data.pkl` zip entry.
    ///   - context: the file and entry to name in error messages (`…/model.pt: model/data.pkl`).
    /// - Throws: `SenseVoiceError` `.modelFileCorrupt` naming the opcode and byte offset for an
    ///   unknown opcode, stack underflow, missing mark, bad memo index, truncated argument,
    ///   malformed tensor arguments or a missing `STOP`.
    static func run(_ bytes: UnsafeRawBufferPointer, context: String) throws -> PickleValue {
        var machine = PickleMachine(bytes: bytes, context: context)
        return try machine.execute()
    }

    private init(bytes: UnsafeRawBufferPointer, context: String) {
        self.bytes = bytes
        self.context = context
    }

    // MARK: - Errors and reading

    private func corrupt(_ problem: String) -> SenseVoiceError {
        var location = "at byte \(opcodeStart)"
        if opcodeStart < bytes.count {
            let hex = "0x" + String(opcode, radix: 16, uppercase: false)
            location += " (opcode " + (Self.opcodeNames[opcode].map { "\($0) (\(hex))" } ?? hex) + ")"
        }
        return SenseVoiceError(.modelFileCorrupt,
                               "\(context): \(problem) \(location). "
                               + "The checkpoint is damaged or was not written by torch.save; export it again.")
    }

    private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else {
            throw corrupt("argument of \(count) bytes runs past the end of the pickle (\(bytes.count) bytes)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position ..< position + count])
    }

    private mutating func readByte() throws -> Int {
        Int(try read(1)[0])
    }

    private mutating func readUInt16() throws -> Int {
        Int(UInt16(littleEndian: try read(2).loadUnaligned(as: UInt16.self)))
    }

    private mutating func readUInt32() throws -> Int {
        Int(UInt32(littleEndian: try read(4).loadUnaligned(as: UInt32.self)))
    }

    private mutating func readUInt64() throws -> Int {
        let value = UInt64(littleEndian: try read(8).loadUnaligned(as: UInt64.self))
        guard value <= UInt64(Int.max) else { throw corrupt("length \(value) is impossibly large") }
        return Int(value)
    }

    private mutating func readString(_ count: Int) throws -> String {
        String(decoding: try read(count), as: UTF8.self)
    }

    /// A `\n`-terminated line (the arguments of text-mode `GLOBAL`).
    private mutating func readLine() throws -> String {
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        guard end < bytes.count else { throw corrupt("unterminated line") }
        let line = try readString(end - position)
        position += 1
        return line
    }

    // MARK: - Stack

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw corrupt("stack underflow")
        }
        return value
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last, stack.count > (marks.last ?? 0) else { throw corrupt("stack underflow") }
        return value
    }

    /// Pops everything above the most recent `MARK` and the mark itself.
    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw corrupt("no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func memoGet(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw corrupt("memo index \(index) was never stored") }
        return value
    }

    // MARK: - Execution

    private mutating func execute() throws -> PickleValue {
        while position < bytes.count {
            opcodeStart = position
            opcode = bytes[position]
            position += 1
            switch opcode {
            case 0x80: // PROTO
                let version = try readByte()
                guard version <= 5 else { throw corrupt("unsupported pickle protocol \(version)") }
            case 0x95: // FRAME: frames only group bytes; the opcodes inside are read as usual.
                let length = try readUInt64()
                guard length <= bytes.count - position else { throw corrupt("frame of \(length) bytes runs past the end") }
            case 0x2E: // STOP
                guard marks.isEmpty else { throw corrupt("STOP with an open MARK") }
                let value = try pop()
                guard stack.isEmpty else { throw corrupt("STOP leaves \(stack.count) extra values on the stack") }
                return value

            // Constants and numbers.
            case 0x4E: stack.append(.none) // NONE
            case 0x88: stack.append(.bool(true)) // NEWTRUE
            case 0x89: stack.append(.bool(false)) // NEWFALSE
            case 0x4A: // BININT
                stack.append(.int(Int(Int32(bitPattern: UInt32(try readUInt32())))))
            case 0x4B: stack.append(.int(try readByte())) // BININT1
            case 0x4D: stack.append(.int(try readUInt16())) // BININT2
            case 0x8A: // LONG1
                stack.append(.int(try readLong(try readByte())))
            case 0x8B: // LONG4
                stack.append(.int(try readLong(try readUInt32())))
            case 0x47: // BINFLOAT: big-endian IEEE double
                let raw = UInt64(bigEndian: try read(8).loadUnaligned(as: UInt64.self))
                stack.append(.float(Double(bitPattern: raw)))

            // Strings and bytes.
            case 0x58: stack.append(.string(try readString(try readUInt32()))) // BINUNICODE
            case 0x8C: stack.append(.string(try readString(try readByte()))) // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try readString(try readUInt64()))) // BINUNICODE8
            case 0x55: stack.append(.string(try readString(try readByte()))) // SHORT_BINSTRING
            case 0x54: stack.append(.string(try readString(try readUInt32()))) // BINSTRING
            case 0x43: stack.append(.bytes(Array(try read(try readByte())))) // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(Array(try read(try readUInt32())))) // BINBYTES
            case 0x8E: stack.append(.bytes(Array(try read(try readUInt64())))) // BINBYTES8

            // Containers.
            case 0x28: marks.append(stack.count) // MARK
            case 0x7D: stack.append(.dict(PickleDict())) // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList())) // EMPTY_LIST
            case 0x29: stack.append(.tuple([])) // EMPTY_TUPLE
            case 0x8F: stack.append(.list(PickleList())) // EMPTY_SET
            case 0x74: stack.append(.tuple(try popMark())) // TUPLE
            case 0x85: // TUPLE1
                let a = try pop()
                stack.append(.tuple([a]))
            case 0x86: // TUPLE2
                let b = try pop(), a = try pop()
                stack.append(.tuple([a, b]))
            case 0x87: // TUPLE3
                let c = try pop(), b = try pop(), a = try pop()
                stack.append(.tuple([a, b, c]))
            case 0x6C: stack.append(.list(PickleList(try popMark()))) // LIST
            case 0x91: stack.append(.tuple(try popMark())) // FROZENSET
            case 0x64: // DICT
                let items = try popMark()
                guard items.count % 2 == 0 else { throw corrupt("odd number of items for a dict") }
                let dict = PickleDict()
                for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
                stack.append(.dict(dict))
            case 0x61: // APPEND
                let value = try pop()
                try append([value], to: try top())
            case 0x65, 0x90: // APPENDS, ADDITEMS
                let values = try popMark()
                try append(values, to: try top())
            case 0x73: // SETITEM
                let value = try pop(), key = try pop()
                try setItems([key, value], in: try top())
            case 0x75: // SETITEMS
                let items = try popMark()
                guard items.count % 2 == 0 else { throw corrupt("odd number of items for SETITEMS") }
                try setItems(items, in: try top())

            // Stack and memo.
            case 0x30: _ = try pop() // POP
            case 0x31: _ = try popMark() // POP_MARK
            case 0x32: stack.append(try top()) // DUP
            case 0x71: memo[try readByte()] = try top() // BINPUT
            case 0x72: memo[try readUInt32()] = try top() // LONG_BINPUT
            case 0x94: memo[memo.count] = try top() // MEMOIZE
            case 0x68: stack.append(try memoGet(try readByte())) // BINGET
            case 0x6A: stack.append(try memoGet(try readUInt32())) // LONG_BINGET

            // Objects.
            case 0x63: // GLOBAL "module\nname\n"
                let module = try readLine()
                let name = try readLine()
                stack.append(.global(module: module, name: name))
            case 0x93: // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard case .string(let m) = module, case .string(let n) = name else {
                    throw corrupt("STACK_GLOBAL needs two strings, found \(module.kind) and \(name.kind)")
                }
                stack.append(.global(module: m, name: n))
            case 0x51: // BINPERSID
                stack.append(try persistentLoad(try pop()))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(try reduce(callable, args))
            case 0x81: // NEWOBJ
                let args = try pop(), cls = try pop()
                stack.append(try reduce(cls, args))
            case 0x92: // NEWOBJ_EX
                _ = try pop() // kwargs
                let args = try pop(), cls = try pop()
                stack.append(try reduce(cls, args))
            case 0x62: // BUILD
                let state = try pop()
                switch try top() {
                case .dict(let dict): dict.state = state
                case .object(let object): object.state = state
                default: break // setstate on anything else is irrelevant to a state dict
                }
            default:
                throw corrupt("unknown or unsupported pickle opcode")
            }
        }
        opcodeStart = position
        throw corrupt("the pickle ends without STOP")
    }

    /// A little-endian two's-complement integer of `count` bytes (`LONG1`/`LONG4`).
    private mutating func readLong(_ count: Int) throws -> Int {
        guard count <= 8 else { throw corrupt("integer of \(count) bytes does not fit in 64 bits") }
        let raw = try read(count)
        guard count > 0 else { return 0 }
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(raw[i]) << (8 * UInt64(i)) }
        if count < 8, raw[count - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) } // sign-extend
        return Int(Int64(bitPattern: value))
    }

    private func append(_ values: [PickleValue], to target: PickleValue) throws {
        guard case .list(let list) = target else { throw corrupt("APPEND to a \(target.kind)") }
        list.items.append(contentsOf: values)
    }

    private func setItems(_ items: [PickleValue], in target: PickleValue) throws {
        guard case .dict(let dict) = target else { throw corrupt("SETITEM on a \(target.kind)") }
        for i in stride(from: 0, to: items.count, by: 2) { dict.set(items[i], items[i + 1]) }
    }

    // MARK: - PyTorch objects

    /// Storage types by the class name torch pickles (`torch.<Name>`).
    private static let storageTypes: [String: CheckpointDType] = [
        "FloatStorage": .float32, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "DoubleStorage": .float64, "LongStorage": .int64, "IntStorage": .int32,
        "ShortStorage": .int16, "CharStorage": .int8, "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    /// `BINPERSID`: torch's `("storage", storage_type, key, location, numel)` persistent id.
    private func persistentLoad(_ pid: PickleValue) throws -> PickleValue {
        guard case .tuple(let fields) = pid, fields.count >= 5, case .string("storage") = fields[0] else {
            throw corrupt("unsupported persistent id (\(pid.kind)); expected a torch storage tuple")
        }
        guard case .global(let module, let name) = fields[1] else {
            throw corrupt("storage type is a \(fields[1].kind), not a class")
        }
        guard case .string(let key) = fields[2], let count = Self.intValue(fields[4]), count >= 0 else {
            throw corrupt("storage key or element count is malformed")
        }
        let dtype = (module == "torch" || module == "torch.cuda") ? Self.storageTypes[name] : nil
        return .storage(PickleStorage(typeName: "\(module).\(name)", dtype: dtype, key: key, count: count))
    }

    private static func intValue(_ value: PickleValue) -> Int? {
        switch value {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    private func intTuple(_ value: PickleValue, _ what: String) throws -> [Int] {
        let items: [PickleValue]
        switch value {
        case .tuple(let t): items = t
        case .list(let l): items = l.items
        default: throw corrupt("tensor \(what) is a \(value.kind), not a tuple of ints")
        }
        return try items.map {
            guard let i = Self.intValue($0) else { throw corrupt("tensor \(what) holds a \($0.kind)") }
            return i
        }
    }

    /// `REDUCE`: calls the few functions torch checkpoints need; anything else stays opaque.
    private func reduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let module, let name) = callable else {
            return .object(PickleObject(callable: callable, args: args))
        }
        let arguments: [PickleValue]
        if case .tuple(let t) = args { arguments = t } else { arguments = [] }
        switch (module, name) {
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            // (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]])
            guard arguments.count >= 4 else { throw corrupt("\(name) needs at least 4 arguments, got \(arguments.count)") }
            guard case .storage(let storage) = arguments[0] else {
                throw corrupt("\(name) expects a storage, got \(arguments[0].kind)")
            }
            guard let offset = Self.intValue(arguments[1]) else { throw corrupt("tensor storage offset is a \(arguments[1].kind)") }
            let shape = try intTuple(arguments[2], "size")
            let strides = try intTuple(arguments[3], "stride")
            return .tensor(PickleTensor(storage: storage, offset: offset, shape: shape, strides: strides))
        case ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"):
            // (data, requires_grad, backward_hooks[, state]): a Parameter is its tensor here.
            guard let data = arguments.first else { throw corrupt("\(name) without arguments") }
            return data
        case ("torch._tensor", "_rebuild_from_type_v2"), ("torch._tensor", "_rebuild_from_type"):
            // (func, type, args, state): the tensor is func(*args); the subclass type is dropped.
            guard arguments.count >= 3 else { throw corrupt("\(name) needs at least 3 arguments") }
            return try reduce(arguments[0], arguments[2])
        case ("collections", "OrderedDict"), ("builtins", "dict"), ("__builtin__", "dict"):
            let dict = PickleDict()
            // OrderedDict(iterable_of_pairs) — torch passes (), but honour pairs when present.
            if case .list(let pairs)? = arguments.first {
                for pair in pairs.items {
                    if case .tuple(let kv) = pair, kv.count == 2 { dict.set(kv[0], kv[1]) }
                }
            }
            return .dict(dict)
        default:
            return .object(PickleObject(callable: callable, args: args))
        }
    }

    /// Opcode names for error messages.
    private static let opcodeNames: [UInt8: String] = [
        0x80: "PROTO", 0x95: "FRAME", 0x2E: "STOP", 0x4E: "NONE", 0x88: "NEWTRUE", 0x89: "NEWFALSE",
        0x4A: "BININT", 0x4B: "BININT1", 0x4D: "BININT2", 0x8A: "LONG1", 0x8B: "LONG4", 0x47: "BINFLOAT",
        0x58: "BINUNICODE", 0x8C: "SHORT_BINUNICODE", 0x8D: "BINUNICODE8", 0x55: "SHORT_BINSTRING",
        0x54: "BINSTRING", 0x43: "SHORT_BINBYTES", 0x42: "BINBYTES", 0x8E: "BINBYTES8", 0x28: "MARK",
        0x7D: "EMPTY_DICT", 0x5D: "EMPTY_LIST", 0x29: "EMPTY_TUPLE", 0x8F: "EMPTY_SET", 0x74: "TUPLE",
        0x85: "TUPLE1", 0x86: "TUPLE2", 0x87: "TUPLE3", 0x6C: "LIST", 0x91: "FROZENSET", 0x64: "DICT",
        0x61: "APPEND", 0x65: "APPENDS", 0x90: "ADDITEMS", 0x73: "SETITEM", 0x75: "SETITEMS", 0x30: "POP",
        0x31: "POP_MARK", 0x32: "DUP", 0x71: "BINPUT", 0x72: "LONG_BINPUT", 0x94: "MEMOIZE", 0x68: "BINGET",
        0x6A: "LONG_BINGET", 0x63: "GLOBAL", 0x93: "STACK_GLOBAL", 0x51: "BINPERSID", 0x52: "REDUCE",
        0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x62: "BUILD",
    ]
}
