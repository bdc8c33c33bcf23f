// `--decoding`, `--beam-size`, `--hotwords`, `--hotwords-file`, `--hotword-score` (issue #16): the
// option group of `transcribe`, `stream` and `bench`.

import ArgumentParser
import Foundation
import SenseVoiceEngine

/// How CTC output is decoded: greedy (the default) or prefix beam search with hotwords.
struct DecodingOptions: ParsableArguments {
    @Option(help: "CTC decoding: greedy or beam (default: greedy, or beam when hotwords are given).")
    var decoding: String?

    @Option(help: "Beam width for --decoding beam (1…\(BeamSearchOptions.maxBeamSize), default \(BeamSearchOptions.defaultBeamSize)).")
    var beamSize: Int?

    @Option(help: "Hotwords to favour, comma-separated; each may end in :SCORE (e.g. \"SenseVoice,FunASR:3\").")
    var hotwords: String?

    @Option(help: "File of hotwords, one per line, each optionally PHRASE:SCORE.")
    var hotwordsFile: String?

    @Option(help: "Bonus per matched hotword token, \(Hotword.scoreRange.lowerBound)…\(Hotword.scoreRange.upperBound) (default \(BeamSearchOptions.defaultHotwordScore)).")
    var hotwordScore: Double?

    /// The beam-search options these flags describe, or `nil` for greedy decoding.
    /// - Throws: `SenseVoiceError` (`.invalidOption` for bad values, `.ioError` for an unreadable
    ///   file), which the CLI maps to exit 2.
    func beamSearch() throws -> BeamSearchOptions? {
        var list = try hotwords.map { try Hotword.parse($0) } ?? []
        if let hotwordsFile {
            let text: String
            do {
                text = try String(contentsOfFile: hotwordsFile, encoding: .utf8)
            } catch {
                throw SenseVoiceError(.invalidOption, "cannot read --hotwords-file \(hotwordsFile): \(error.localizedDescription)")
            }
            list += try Hotword.parse(text, separator: "\n")
        }
        return try BeamSearchOptions.resolve(decoding: decoding, beamSize: beamSize, hotwords: list, hotwordScore: hotwordScore)
    }
}
