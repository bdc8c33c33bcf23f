// The diarization stage inside the pipeline: real FSMN-VAD, the tiny SenseVoice, tiny CAM++ (funasr's goldens).

import Foundation
import SenseVoiceAudio
import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

@Suite(.enabled(if: DiarizationGolden.available, "needs ../shared/fixtures/golden/diarization and tiny-campplus"))
struct DiarizationPipelineTests {
    static func session() throws -> RecognitionSession {
        let vad = try Fixtures.requireVADModel()
        var config = EngineConfiguration(modelDirectory: Fixtures.tinyModel.path, vadModelDirectory: vad.path, threads: 2)
        config.speakerModelDirectory = try #require(DiarizationGolden.modelFolder).path
        return try Transcriber(configuration: config).makeSession()
    }

    static func audio() throws -> AudioBuffer {
        AudioBuffer(samples: try DiarizationGolden.samples(), sampleRate: 16_000)
    }

    @Test(arguments: [nil, 2] as [Int?])
    func segmentsCarryFunASRsSpeakers(speakers: Int?) throws {
        var options = TranscriptionOptions(language: .auto, useITN: true)
        options.diarization = DiarizationOptions(speakers: speakers)
        let result = try Self.session().transcribe(try Self.audio(), file: "two_speakers.wav", options: options)
        let golden = try DiarizationGolden.sentences(speakers == nil ? "sentence_info" : "sentence_info_preset_spk_num_2")
        #expect(result.segments.map { [$0.startMs, $0.endMs] } == golden.map { [$0.start, $0.end] })
        #expect(result.segments.map(\.speaker) == golden.map { "spk\($0.speaker)" })
        let summary = try #require(result.speakers)
        #expect(summary.map(\.speaker) == (speakers == nil ? ["spk0", "spk1"] : ["spk0"]))
        #expect(summary.reduce(0) { $0 + $1.talkMs } == result.segments.reduce(0) { $0 + $1.endMs - $1.startMs })
        #expect(abs(summary.reduce(0) { $0 + $1.share } - 1) < 1e-9)
        #expect(summary.reduce(0) { $0 + $1.segments } == result.segments.count)
        #expect((result.timings.diarizeMs ?? 0) > 0)
    }

    @Test func withoutDiarizationNothingChanges() throws {
        let result = try Self.session().transcribe(try Self.audio(), file: nil, options: TranscriptionOptions())
        #expect(result.segments.allSatisfy { $0.speaker == nil && $0.channel == nil })
        #expect(result.speakers == nil)
        #expect(result.timings.diarizeMs == nil)
        let json = String(decoding: try JSONTranscriptWriter().encode(result), as: UTF8.self)
        #expect(!json.contains("speaker"))
        #expect(!json.contains("diarize_ms"))
    }

    @Test func diarizationWithoutASpeakerModelIsAnInvalidOption() throws {
        let vad = try Fixtures.requireVADModel()
        let session = try Transcriber(configuration: EngineConfiguration(modelDirectory: Fixtures.tinyModel.path,
                                                                          vadModelDirectory: vad.path, threads: 1)).makeSession()
        var options = TranscriptionOptions()
        options.diarization = DiarizationOptions()
        do {
            _ = try session.transcribe(try Self.audio(), file: nil, options: options)
            Issue.record("expected an error")
        } catch let error as SenseVoiceError {
            #expect(error.code == .invalidOption)
            #expect(error.message.contains("--speaker-model"))
        }
        options.diarization = DiarizationOptions(speakers: 0)
        #expect(throws: SenseVoiceError.self) { try options.validate() }
    }
}
