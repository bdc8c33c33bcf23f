import Foundation
import Testing
import SenseVoiceEngine
import SenseVoiceTestSupport

@Suite("config.yaml and model directory validation")
struct ModelConfigTests {
    static let tinyYAML = try! String(contentsOf: Fixtures.tinyModel.appendingPathComponent("config.yaml"), encoding: .utf8)

    @Test func readsTheTinyConfig() throws {
        let c = try SenseVoiceConfig(yaml: Self.tinyYAML)
        #expect(c.encoder == EncoderConfig(outputSize: 64, attentionHeads: 4, linearUnits: 192, numBlocks: 3, tpBlocks: 2,
                                           kernelSize: 11, sanmShift: 0, inputSize: 560))
        #expect(c.frontend.lfrM == 7 && c.frontend.lfrN == 6 && c.frontend.numMelBins == 80)
        #expect(c.vocabSize == 25055)
    }

    @Test(arguments: [
        ("output_size: 64", "output_size: 63", "not divisible"),
        ("num_blocks: 3", "num_blocks: -1", "num_blocks"),
        ("kernel_size: 11", "kernel_size: 10", "kernel_size"),
        ("input_size: 560", "input_size: 512", "input_size"),
        ("vocab_size: 25055", "vocab_size: many", "vocab_size"),
        ("model: SenseVoiceSmall", "model: Paraformer", "Paraformer"),
        ("selfattention_layer_type: sanm", "selfattention_layer_type: rel_selfattn", "sanm"),
        ("encoder_conf:", "encoder_settings:", "encoder_conf"),
    ])
    func rejectsBrokenValues(find: String, replace: String, mention: String) throws {
        let yaml = Self.tinyYAML.replacingOccurrences(of: find, with: replace)
        #expect(yaml != Self.tinyYAML)
        let error = try #require(throws: SenseVoiceError.self) { try SenseVoiceConfig(yaml: yaml, path: "/m/config.yaml") }
        #expect(error.code == .configInvalid)
        #expect(error.message.contains("/m/config.yaml"))
        #expect(error.message.contains(mention), "\(error.message)")
    }

    @Test(arguments: ["", "just text", "[1, 2, 3]", "a: [unclosed", "\u{0}\u{1}binary"])
    func rejectsNonMappings(text: String) {
        #expect(throws: SenseVoiceError.self) { try SenseVoiceConfig(yaml: text) }
    }

    @Test func missingFilesAreNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-cfg-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("model.pt"))
        let error = try #require(throws: SenseVoiceError.self) { try SenseVoice(modelDirectory: dir.path) }
        #expect(error.code == .modelNotFound)
        #expect(error.message.contains("model.pt"))
    }

    @Test func vocabularyMustMatchTheTokenizer() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-cfg-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = dir.appendingPathComponent("config.yaml")
        try Self.tinyYAML.replacingOccurrences(of: "vocab_size: 25055", with: "vocab_size: 25000")
            .write(to: cfg, atomically: true, encoding: .utf8)
        let error = try #require(throws: SenseVoiceError.self) { try SenseVoice(modelDirectory: dir.path) }
        #expect(error.code == .tokenizerInvalid)
    }

    @Test func tokensTxtIsAnAlternativeVocabulary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sv-cfg-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.tinyModel, to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("chn_jpn_yue_eng_ko_spectok.bpe.model"))
        let bundle = try SenseVoice(modelDirectory: dir.path)
        let wav = try TestWAV.readPCM16(Fixtures.audio("ko.wav"))
        let r = try Transcriber(bundle: bundle).makeSession().recognize(wav.samples, options: .init(language: .auto, useITN: true))
        let golden = try #require((try Fixtures.result("ko"))["auto_itn"] as? [String: Any])
        #expect(r.raw == golden["text"] as? String)
    }

    @Test(arguments: ["auto", "zh", "EN", " yue ", "ja", "ko"])
    func knownLanguagesParse(text: String) throws {
        #expect(try Language(parsing: text).rawValue == text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: ["fr", "", "chinese", "nospeech", "zh-CN"])
    func unknownLanguagesAreRejected(text: String) {
        let error = #expect(throws: SenseVoiceError.self) { try Language(parsing: text) }
        #expect(error?.code == .unknownLanguage)
    }
}
