// Tests of the pickle stack machine on pickles written by CPython's pickle module and on broken ones.

import Testing
@testable import SenseVoiceEngine

@Suite struct CheckpointPickleMachineTests {
    private func run(_ bytes: [UInt8]) throws -> PickleValue {
        try bytes.withUnsafeBytes { try PickleMachine.run($0, context: "test.pt: data.pkl") }
    }

    /// Checks the value of `{'a': [1, 2.5, None, True, -70000, 1 << 40, -3], 'b': (1, 'x', …), 'c': {'n': 'é'}}`.
    private func checkSample(_ value: PickleValue, bytesItem: Bool) throws {
        guard case .dict(let dict) = value else { Issue.record("not a dict: \(value.kind)"); return }
        #expect(dict.items.count == 3)
        guard case .list(let list)? = dict["a"] else { Issue.record("a is not a list"); return }
        #expect(list.items.count == 7)
        if case .int(let i) = list.items[0] { #expect(i == 1) } else { Issue.record("a[0]") }
        if case .float(let f) = list.items[1] { #expect(f == 2.5) } else { Issue.record("a[1]") }
        if case .none = list.items[2] {} else { Issue.record("a[2]") }
        if case .bool(let b) = list.items[3] { #expect(b) } else { Issue.record("a[3]") }
        if case .int(let i) = list.items[4] { #expect(i == -70000) } else { Issue.record("a[4]") }
        if case .int(let i) = list.items[5] { #expect(i == 1 << 40) } else { Issue.record("a[5]") }
        if case .int(let i) = list.items[6] { #expect(i == -3) } else { Issue.record("a[6]") }
        guard case .tuple(let tuple)? = dict["b"] else { Issue.record("b is not a tuple"); return }
        #expect(tuple.count == (bytesItem ? 3 : 2))
        if case .string(let s) = tuple[1] { #expect(s == "x") } else { Issue.record("b[1]") }
        if bytesItem {
            if case .bytes(let b) = tuple[2] { #expect(b == [0x79, 0x7A]) } else { Issue.record("b[2]") }
        }
        guard case .dict(let inner)? = dict["c"], case .string(let s)? = inner["n"] else { Issue.record("c"); return }
        #expect(s == "é")
    }

    @Test func protocol4FromCPython() throws {
        // pickle.dumps({...}, protocol=4): FRAME, SHORT_BINUNICODE, MEMOIZE, SHORT_BINBYTES, TUPLE3, LONG1, BINFLOAT.
        let bytes: [UInt8] = [
            0x80, 0x04, 0x95, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7d, 0x94, 0x28, 0x8c, 0x01, 0x61, 0x94,
            0x5d, 0x94, 0x28, 0x4b, 0x01, 0x47, 0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4e, 0x88, 0x4a, 0x90,
            0xee, 0xfe, 0xff, 0x8a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x4a, 0xfd, 0xff, 0xff, 0xff, 0x65, 0x8c,
            0x01, 0x62, 0x94, 0x4b, 0x01, 0x8c, 0x01, 0x78, 0x94, 0x43, 0x02, 0x79, 0x7a, 0x94, 0x87, 0x94, 0x8c, 0x01,
            0x63, 0x94, 0x7d, 0x94, 0x8c, 0x01, 0x6e, 0x94, 0x8c, 0x02, 0xc3, 0xa9, 0x94, 0x73, 0x75, 0x2e,
        ]
        try checkSample(try run(bytes), bytesItem: true)
    }

    @Test func protocol2FromCPython() throws {
        // pickle.dumps({...}, protocol=2): BINUNICODE, BINPUT, APPENDS, TUPLE2, SETITEM(S).
        let bytes: [UInt8] = [
            0x80, 0x02, 0x7d, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5d, 0x71, 0x02, 0x28,
            0x4b, 0x01, 0x47, 0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4e, 0x88, 0x4a, 0x90, 0xee, 0xfe, 0xff,
            0x8a, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x4a, 0xfd, 0xff, 0xff, 0xff, 0x65, 0x58, 0x01, 0x00, 0x00,
            0x00, 0x62, 0x71, 0x03, 0x4b, 0x01, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x71, 0x04, 0x86, 0x71, 0x05, 0x58,
            0x01, 0x00, 0x00, 0x00, 0x63, 0x71, 0x06, 0x7d, 0x71, 0x07, 0x58, 0x01, 0x00, 0x00, 0x00, 0x6e, 0x71, 0x08,
            0x58, 0x02, 0x00, 0x00, 0x00, 0xc3, 0xa9, 0x71, 0x09, 0x73, 0x75, 0x2e,
        ]
        try checkSample(try run(bytes), bytesItem: false)
    }

    @Test func memoSharesMutableContainers() throws {
        // EMPTY_LIST BINPUT 0, then BINGET 0 inside a tuple after APPEND: both see the item.
        // ] q\0 K\x07 a h\0 \x85 .  → ([7],) where the list was filled after memoizing
        let value = try run([0x80, 0x02, 0x5D, 0x71, 0x00, 0x4B, 0x07, 0x61, 0x30, 0x68, 0x00, 0x85, 0x2E])
        guard case .tuple(let t) = value, case .list(let list) = t[0], case .int(7)? = list.items.first else {
            Issue.record("unexpected \(value.kind)")
            return
        }
    }

    @Test func torchGlobalsAndBuild() throws {
        // OrderedDict() then BUILD with a state dict, as nn.Module.state_dict()'s _metadata is pickled.
        var bytes: [UInt8] = [0x80, 0x02]
        bytes += [0x63] + Array("collections\nOrderedDict\n".utf8) + [0x29, 0x52]   // GLOBAL, EMPTY_TUPLE, REDUCE
        bytes += [0x7D, 0x58, 9, 0, 0, 0] + Array("_metadata".utf8) + [0x4E, 0x73]   // {'_metadata': None}
        bytes += [0x62, 0x2E]                                                        // BUILD, STOP
        guard case .dict(let dict) = try run(bytes) else { Issue.record("not a dict"); return }
        #expect(dict.items.isEmpty)
        #expect(dict.state != nil)

        // An unknown global stays an opaque object, even when BUILD gives it state.
        var other: [UInt8] = [0x80, 0x02, 0x63] + Array("numpy.core.multiarray\n_reconstruct\n".utf8)
        other += [0x4B, 0x01, 0x85, 0x52, 0x4E, 0x62, 0x2E]
        guard case .object(let object) = try run(other), case .global("numpy.core.multiarray", "_reconstruct") = object.callable else {
            Issue.record("not an opaque object")
            return
        }
    }

    @Test func brokenPicklesNameTheOpcodeAndOffset() {
        let cases: [(bytes: [UInt8], mentions: [String])] = [
            ([0x80, 0x02, 0x52, 0x2E], ["stack underflow", "byte 2", "REDUCE"]),
            ([0x80, 0x02, 0xFF], ["unknown", "0xff", "byte 2"]),
            ([0x80, 0x02, 0x68, 0x05, 0x2E], ["memo index 5", "BINGET"]),
            ([0x80, 0x02, 0x6A, 0x00, 0x01, 0x00, 0x00, 0x2E], ["memo index 256", "LONG_BINGET"]),
            ([0x80, 0x02, 0x4E], ["without STOP", "byte 3"]),
            ([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x61], ["runs past the end", "BINUNICODE"]),
            ([0x80, 0x02, 0x8D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], ["impossibly large", "BINUNICODE8"]),
            ([0x80, 0x02, 0x74, 0x2E], ["no MARK", "TUPLE"]),
            ([0x80, 0x02, 0x4E, 0x4E, 0x2E], ["extra values"]),
            ([0x80, 0x02, 0x4E, 0x61, 0x2E], ["stack underflow", "APPEND"]),
            ([0x80, 0x02, 0x4E, 0x4E, 0x61, 0x2E], ["APPEND to a None"]),
            ([0x80, 0x06], ["unsupported pickle protocol 6"]),
            ([0x80, 0x02, 0x8A, 0x09] + [UInt8](repeating: 0, count: 9) + [0x2E], ["does not fit in 64 bits", "LONG1"]),
            ([0x80, 0x02, 0x4E, 0x51, 0x2E], ["unsupported persistent id", "BINPERSID"]),
            ([0x80, 0x02, 0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8) + [0x4E, 0x85, 0x52, 0x2E],
             ["needs at least 4 arguments", "REDUCE"]),
            ([0x80, 0x02, 0x28, 0x4E, 0x2E], ["open MARK"]),
            ([0x80, 0x02, 0x63] + Array("torch".utf8), ["unterminated line", "GLOBAL"]),
        ]
        for c in cases {
            expectSenseVoiceError(.modelFileCorrupt, mentioning: ["test.pt: data.pkl"] + c.mentions) { try run(c.bytes) }
        }
    }

    @Test func popDoesNotCrossAMark() {
        // MARK then POP: the value below the mark is not the machine's to take.
        expectSenseVoiceError(.modelFileCorrupt, mentioning: ["stack underflow", "POP"]) {
            try run([0x80, 0x02, 0x4E, 0x28, 0x30, 0x2E])
        }
    }

    @Test func storagesAndTensors() throws {
        // (_rebuild_tensor_v2, (BINPERSID ('storage', torch.HalfStorage, '3', 'cpu', 6), 2, (2, 2), (1, 2)))
        var bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8)
        bytes += [0x28, 0x28, 0x58, 7, 0, 0, 0] + Array("storage".utf8)
        bytes += [0x63] + Array("torch\nHalfStorage\n".utf8)
        bytes += [0x58, 1, 0, 0, 0, 0x33, 0x58, 3, 0, 0, 0] + Array("cpu".utf8) + [0x4B, 6, 0x74, 0x51]
        bytes += [0x4B, 2, 0x4B, 2, 0x4B, 2, 0x86, 0x4B, 1, 0x4B, 2, 0x86, 0x89, 0x74, 0x52, 0x2E]
        guard case .tensor(let tensor) = try run(bytes) else { Issue.record("not a tensor"); return }
        #expect(tensor.storage.dtype == .float16)
        #expect(tensor.storage.key == "3")
        #expect(tensor.storage.count == 6)
        #expect(tensor.offset == 2)
        #expect(tensor.shape == [2, 2])
        #expect(tensor.strides == [1, 2])
    }
}
