// Tests of TorchCheckpoint on real torch.save output (the tiny model, the FSMN-VAD model when
// present) and on the synthetic checkpoints of scripts/make_test_checkpoints.py.

import Foundation
import Testing
@testable import SenseVoiceEngine
import SenseVoiceTestSupport

@Suite struct TorchCheckpointTinyModelTests {
    @Test func listsAllTensorsWithShapes() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        #expect(checkpoint.names.count == 72)
        #expect(checkpoint.names == checkpoint.names.sorted())
        let expected: [String: [Int]] = [
            "embed.weight": [16, 560],
            "encoder.encoders0.0.self_attn.linear_q_k_v.weight": [192, 560],
            "encoder.encoders0.0.self_attn.linear_q_k_v.bias": [192],
            "encoder.encoders0.0.self_attn.fsmn_block.weight": [64, 1, 11],
            "encoder.encoders0.0.norm1.weight": [560],
            "encoder.encoders.0.self_attn.linear_q_k_v.weight": [192, 64],
            "encoder.encoders.1.feed_forward.w_2.weight": [64, 192],
            "encoder.tp_encoders.1.norm2.bias": [64],
            "encoder.after_norm.weight": [64],
            "encoder.tp_norm.bias": [64],
            "ctc.ctc_lo.weight": [25055, 64],
            "ctc.ctc_lo.bias": [25055],
        ]
        for (name, shape) in expected {
            let info = try #require(checkpoint.info(name), "\(name) missing")
            #expect(info.shape == shape, "\(name)")
            #expect(info.dtype == .float32)
            #expect(info.isContiguous)
            #expect(info.storageOffset == 0)
        }
        let fsmn = try #require(checkpoint.info("encoder.encoders0.0.self_attn.fsmn_block.weight"))
        #expect(fsmn.strides == [11, 11, 1])
        #expect(checkpoint.info("ctc.ctc_lo.weight")?.storageKey == "69")
        #expect(checkpoint.info("no.such.tensor") == nil)
        // 13 per layer × (1 + 2 + 2) layers + after_norm, tp_norm, ctc (2 each) + embed.
        #expect(checkpoint.names.filter { $0.hasPrefix("encoder.tp_encoders.") }.count == 26)
    }

    @Test func weightsAreMemoryMappedWithTheRightValues() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        let embed = try checkpoint.tensor("embed.weight")
        #expect(embed.shape == [16, 560])
        #expect(embed.storage.isMapped)
        #expect(Array(embed.array.prefix(4)) == [-0.3531728982925415, -1.0006178617477417, -0.45103970170021057, -1.2083827257156372])
        #expect(Array(embed.array.suffix(4)) == [0.9950379729270935, 0.8488907814025879, -1.7370795011520386, -1.2597870826721191])

        let ctc = try checkpoint.tensor("ctc.ctc_lo.weight")
        #expect(ctc.storage.isMapped)
        #expect(ctc.shape == [25055, 64])
        #expect(Array(ctc.array.prefix(4)) == [-0.9221408367156982, 1.0088163614273071, -0.6661142706871033, 0.8139451146125793])
        #expect(ctc[25054, 63] == -0.49982351064682007)

        let qkv = try checkpoint.tensor("encoder.encoders0.0.self_attn.linear_q_k_v.weight")
        #expect(Array(qkv.array.prefix(4)) == [0.023837322369217873, -0.03812188655138016, 0.05198206752538681, -0.0684082955121994])
        let bias = try checkpoint.tensor("ctc.ctc_lo.bias")
        #expect(Array(bias.array.prefix(4)) == [-0.032027218490839005, 0.015199332498013973, -0.009721009992063046, -0.003057602560147643])
    }

    @Test func loadReturnsEveryRequestedTensor() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        let specs = checkpoint.names.map { (name: $0, shape: checkpoint.info($0)!.shape) }
        let tensors = try checkpoint.load(specs, allowUnexpected: false)
        #expect(tensors.count == 72)
        #expect(tensors.values.allSatisfy { $0.storage.isMapped })
        #expect(tensors["ctc.ctc_lo.weight"]?.shape == [25055, 64])

        let some = try checkpoint.load([("embed.weight", [16, 560])], allowUnexpected: true)
        #expect(Array(some.keys) == ["embed.weight"])
    }

    @Test func loadReportsEveryMismatchInOneError() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        var specs = checkpoint.names.filter { $0 != "encoder.tp_norm.bias" }.map { (name: $0, shape: checkpoint.info($0)!.shape) }
        specs[specs.firstIndex { $0.name == "embed.weight" }!].shape = [16, 512]
        specs[specs.firstIndex { $0.name == "ctc.ctc_lo.weight" }!].shape = [25055, 512]
        specs.append(("encoder.extra.weight", [4]))
        specs.append(("decoder.weight", [4, 4]))
        let error = expectSenseVoiceError(.checkpointMismatch, mentioning: [
            CheckpointFixtures.tinyModel,
            "2 missing, 2 mis-shaped, 1 unexpected",
            "missing: encoder.extra.weight, decoder.weight",
            "embed.weight (expected [16, 512], found [16, 560])",
            "ctc.ctc_lo.weight (expected [25055, 512], found [25055, 64])",
            "unexpected: encoder.tp_norm.bias",
        ]) { try checkpoint.load(specs, allowUnexpected: false) }
        #expect(error != nil)

        // With allowUnexpected the extra tensor is fine, the rest is still reported.
        expectSenseVoiceError(.checkpointMismatch, mentioning: ["2 missing, 2 mis-shaped, 0 unexpected"]) {
            try checkpoint.load(specs, allowUnexpected: true)
        }
    }

    @Test func longListsAreCapped() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        let error = expectSenseVoiceError(.checkpointMismatch, mentioning: ["72 unexpected", "and 52 more"]) {
            try checkpoint.load([], allowUnexpected: false)
        }
        #expect((error?.message.count ?? 0) < 4000)
        #expect(try checkpoint.load([], allowUnexpected: true).isEmpty)
    }

    @Test func unknownTensorNameIsAMismatch() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.tinyModel)
        expectSenseVoiceError(.checkpointMismatch, mentioning: ["decoder.weight", "model.pt"]) {
            try checkpoint.tensor("decoder.weight")
        }
    }
}

/// The expectations common to both synthetic checkpoints (see scripts/make_test_checkpoints.py).
@Suite struct TorchCheckpointSyntheticTests {
    static let storage0: [Float] = (0..<12).map { Float($0) * 0.25 - 1 }
    static let storage1: [Float] = (0..<12).map { 100 + Float($0) }
    static let storage2: [Float] = (0..<20).map { -0.5 * Float($0) }

    static let files = ["synthetic_v2.pt", "synthetic_v4.pt"]

    @Test(arguments: files) func namesAreUnwrappedAndStripped(file: String) throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.synthetic(file))
        var expected = ["plain.weight", "param.weight", "conv.weight", "shared.a", "shared.b", "shared.col",
                        "shared.t", "half.weight", "bf16.weight", "double.bias", "long.steps", "scale", "mask"]
        if file == "synthetic_v4.pt" { expected.append("typed.weight") }
        #expect(checkpoint.names == expected.sorted())
    }

    @Test(arguments: files) func contiguousFloat32(file: String) throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.synthetic(file))
        let plain = try checkpoint.tensor("plain.weight")
        #expect(plain.shape == [3, 4])
        #expect(plain.array == Self.storage0)
        // The torch-like writer aligns payloads to 64 bytes; Python's zipfile does not.
        #expect(plain.storage.isMapped == (file == "synthetic_v2.pt"))

        // A Parameter over the same storage at offset 4.
        let param = try checkpoint.tensor("param.weight")
        #expect(param.shape == [2, 4])
        #expect(param.array == Array(Self.storage0[4..<12]))
        #expect(checkpoint.info("param.weight")?.storageOffset == 4)

        let scale = try checkpoint.tensor("scale")
        #expect(scale.shape == [])
        #expect(scale.array == [3.5])
    }

    @Test(arguments: files) func stridedViewsAreMaterialised(file: String) throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.synthetic(file))
        // Like FSMN-VAD's conv_left: [c, 0, k, 0] = storage[k * 4 + c].
        let info = try #require(checkpoint.info("conv.weight"))
        #expect(info.shape == [4, 1, 3, 1])
        #expect(info.strides == [1, 4, 4, 1])
        #expect(!info.isContiguous)
        let conv = try checkpoint.tensor("conv.weight")
        #expect(!conv.storage.isMapped)
        var expected: [Float] = []
        for c in 0..<4 { for k in 0..<3 { expected.append(Self.storage1[k * 4 + c]) } }
        #expect(conv.array == expected)

        // Shared storage 2: a [2, 3] at 0, a [5] at 6, a strided column, and a transpose.
        #expect(try checkpoint.tensor("shared.a").array == Array(Self.storage2[0..<6]))
        #expect(try checkpoint.tensor("shared.b").array == Array(Self.storage2[6..<11]))
        #expect(try checkpoint.tensor("shared.col").array == [11, 13, 15, 17].map { Self.storage2[$0] })
        let transposed = try checkpoint.tensor("shared.t")
        #expect(transposed.shape == [3, 2])
        #expect(transposed.array == [0, 3, 1, 4, 2, 5].map { Self.storage2[$0] })
        for name in ["shared.a", "shared.b", "shared.col", "shared.t"] {
            #expect(checkpoint.info(name)?.storageKey == "2")
        }
    }

    @Test(arguments: files) func otherDtypesAreConverted(file: String) throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.synthetic(file))
        #expect(checkpoint.info("half.weight")?.dtype == .float16)
        let half = try checkpoint.tensor("half.weight").array
        #expect(half[0] == 1 && half[1] == -2.5 && half[2] == 65504 && half[3] == 0x1p-24)
        #expect(half[4] == 0 && half[4].sign == .minus)
        #expect(half[5] == .infinity)

        #expect(checkpoint.info("bf16.weight")?.dtype == .bfloat16)
        #expect(try checkpoint.tensor("bf16.weight").array == [1, -3, 0.15625, 0x1p100])
        #expect(checkpoint.info("double.bias")?.dtype == .float64)
        #expect(try checkpoint.tensor("double.bias").array == [Float(0.1), Float(-1e-3), Float(12345.678)])
        #expect(checkpoint.info("long.steps")?.dtype == .int64)
        #expect(try checkpoint.tensor("long.steps").array == [-5, 0, 0x1p40])
        #expect(checkpoint.info("mask")?.dtype == .bool)
        #expect(try checkpoint.tensor("mask").array == [1, 0, 1])
    }

    @Test func rebuildFromTypeIsUnwrapped() throws {
        let checkpoint = try TorchCheckpoint(path: CheckpointFixtures.synthetic("synthetic_v4.pt"))
        let typed = try checkpoint.tensor("typed.weight")
        #expect(typed.shape == [12])
        #expect(typed.array == Self.storage1)
    }

    @Test func compressedStorageGivesAClearError() throws {
        let path = CheckpointFixtures.synthetic("deflated.pt")
        let checkpoint = try TorchCheckpoint(path: path)
        #expect(checkpoint.names.count == 14)
        #expect(checkpoint.info("plain.weight")?.shape == [3, 4])
        expectSenseVoiceError(.modelFileCorrupt, mentioning: [path, "archive/data/0", "compressed (method 8)"]) {
            try checkpoint.tensor("plain.weight")
        }
    }

    @Test func halfConversionIsExact() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC100, -2.5), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
            (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x7C00, .infinity), (0xFC00, -.infinity), (0x0000, 0),
        ]
        for (bits, value) in cases {
            #expect(TorchCheckpoint.halfToFloat(bits) == value, "0x\(String(bits, radix: 16))")
        }
        #expect(TorchCheckpoint.halfToFloat(0x7E00).isNaN)
        #expect(TorchCheckpoint.halfToFloat(0x8000).sign == .minus)
    }
}

/// The real FSMN-VAD checkpoint (not committed; scripts/fetch-test-models.sh fetches it, and the
/// tests fail without it).
@Suite
struct TorchCheckpointVADTests {
    var path: String { get throws { try Fixtures.requireVADModel().appendingPathComponent("model.pt").path } }

    @Test func listsTheTwentyFourTensors() throws {
        let checkpoint = try TorchCheckpoint(path: try path)
        #expect(checkpoint.names.count == 24)
        let params = checkpoint.names.reduce(0) { $0 + checkpoint.info($1)!.count }
        #expect(params == 428_738)
        #expect(checkpoint.info("encoder.in_linear1.linear.weight")?.shape == [140, 400])
        #expect(checkpoint.info("encoder.out_linear2.linear.weight")?.shape == [248, 140])
        for l in 0..<4 {
            let info = try #require(checkpoint.info("encoder.fsmn.\(l).fsmn_block.conv_left.weight"))
            #expect(info.shape == [128, 1, 20, 1])
            #expect(info.strides == [1, 128, 128, 1])
            #expect(info.storageKey == String(5 + 4 * l))
        }
        let tensors = try checkpoint.load(checkpoint.names.map { ($0, checkpoint.info($0)!.shape) }, allowUnexpected: false)
        #expect(tensors.count == 24)
        #expect(tensors.filter { $0.value.storage.isMapped }.count == 20)
    }

    @Test func convLeftHonoursStrides() throws {
        let checkpoint = try TorchCheckpoint(path: try path)
        let conv = try checkpoint.tensor("encoder.fsmn.0.fsmn_block.conv_left.weight")
        #expect(conv.shape == [128, 1, 20, 1])
        let values = conv.array
        // element [c, 0, k, 0] = storage[k * 128 + c]; expectations read from the raw storage bytes.
        let samples: [(c: Int, k: Int, value: Float)] = [
            (0, 0, 0.06053512915968895), (0, 1, 0.010762619785964489), (1, 0, -0.0035976499784737825),
            (5, 19, -0.09706444293260574), (127, 19, -0.023077139630913734), (127, 0, 0.017496470361948013),
            (64, 10, 0.09526537358760834),
        ]
        for s in samples {
            #expect(values[s.c * 20 + s.k] == s.value, "[\(s.c), 0, \(s.k), 0]")
        }
        var weighted = 0.0
        for c in 0..<128 { for k in 0..<20 { weighted += Double(values[c * 20 + k]) * Double(c * 20 + k + 1) } }
        #expect(abs(weighted - -77695.1929691574) < 1e-6)

        let last = try checkpoint.tensor("encoder.fsmn.3.fsmn_block.conv_left.weight").array
        #expect(Array(last[60..<64]) == [0.015253519639372826, -0.020781369879841805, -0.012687809765338898, 0.00580842699855566])
        #expect(last[100 * 20 + 19] == -0.07754400372505188)
    }
}
