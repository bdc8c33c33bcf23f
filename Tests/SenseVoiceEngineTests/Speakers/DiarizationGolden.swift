// Loads ../shared/fixtures/golden/diarization (funasr's CAM++ diarization stages) and tiny-campplus.

import Foundation
@testable import SenseVoiceEngine
import SenseVoiceTestSupport
import Testing

/// The diarization goldens and the random-weight CAM++ model they were made with.
enum DiarizationGolden {
    static var folder: URL? { Fixtures.shared?.appendingPathComponent("golden/diarization") }
    static var modelFolder: URL? { Fixtures.shared?.appendingPathComponent("tiny-campplus") }
    static var available: Bool {
        guard let folder, let modelFolder else { return false }
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("windows.json").path)
            && FileManager.default.fileExists(atPath: modelFolder.appendingPathComponent("config.yaml").path)
    }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: try #require(folder).appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func npy(_ name: String) throws -> NpyArray {
        try NpyArray(contentsOf: try #require(folder).appendingPathComponent(name))
    }

    private static let loadedModel: Result<CAMPPlusModel, any Error>? = modelFolder.map { dir in
        Result { try CAMPPlusModel(directory: dir.path) }
    }

    static func model() throws -> CAMPPlusModel { try #require(loadedModel).get() }

    static func samples() throws -> [Float] {
        let wav = try TestWAV.readPCM16(try #require(folder).appendingPathComponent("two_speakers.wav"))
        #expect(wav.sampleRate == 16000)
        return wav.samples
    }

    /// The merged VAD segments the windows were cut from, in milliseconds.
    static func mergedSegments() throws -> [(start: Int, end: Int)] {
        let list = try #require(try json("windows.json")["merged_vad_segments_ms"] as? [[Int]])
        return list.map { ($0[0], $0[1]) }
    }

    /// The 62 golden embeddings.
    static func embeddings() throws -> [[Float]] {
        let array = try npy("embeddings.npy")
        let rows = array.shape[0], cols = array.shape[1]
        return (0..<rows).map { Array(array.floats[($0 * cols)..<(($0 + 1) * cols)]) }
    }

    /// A labelling numbered by first appearance: two labellings are the same partition exactly
    /// when their canonical forms are equal.
    static func canonical(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { l in
            if let m = map[l] { return m }
            map[l] = map.count
            return map.count - 1
        }
    }

    static func labels(_ key: String) throws -> [Int] {
        try #require(try json("labels.json")[key] as? [Int], "labels.json has no \(key)")
    }

    static func turns(_ key: String) throws -> [SpeakerTurn] {
        let list = try #require(try json("postprocess.json")[key] as? [[Any]])
        return try list.map { item in
            SpeakerTurn(start: try #require((item[0] as? NSNumber)?.doubleValue),
                        end: try #require((item[1] as? NSNumber)?.doubleValue),
                        speaker: try #require((item[2] as? NSNumber)?.intValue))
        }
    }

    /// `(start, end, spk)` of every sentence of `key` in sentence_info.json.
    static func sentences(_ key: String) throws -> [(start: Int, end: Int, speaker: Int)] {
        let list = try #require(try json("sentence_info.json")[key] as? [[String: Any]])
        return try list.map { s in
            (try #require(s["start"] as? Int), try #require(s["end"] as? Int), try #require(s["spk"] as? Int))
        }
    }
}
