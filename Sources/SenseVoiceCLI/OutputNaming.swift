// Output names of a folder run: one per input, never shared by two inputs.

import Foundation
import SenseVoiceEngine

/// Decides the output base name (relative path without format suffix) of each input of a
/// `transcribe --output-dir` run.
///
/// An input's output is its relative path with the extension replaced (`talk.wav` → `talk.txt`),
/// unless another input of the run would get the same name (`talk.wav` and `talk.mp3` in one
/// folder): then each of those keeps its extension (`talk.wav.txt`, `talk.mp3.txt`). Two inputs
/// with the same relative path (`a/x.wav b/x.wav` given as arguments) cannot be told apart in the
/// output folder or `summary.csv`, so the run is refused before anything is transcribed.
enum OutputNaming {
    /// Base names by input relative path.
    /// - Throws: `CLIError` (exit 2) naming the inputs that would share an output.
    static func bases(for files: [InputFile]) throws -> [String: String] {
        var byRelative: [String: [InputFile]] = [:]
        for file in files { byRelative[file.relative, default: []].append(file) }
        if let clash = byRelative.values.first(where: { Set($0.map(\.path)).count > 1 }) {
            let paths = clash.map(\.path)
            throw CLIError.badUsage("\(paths.joined(separator: " and ")) would write the same outputs (\(clash[0].relative)) in --output-dir; pass their common parent folder instead, or run them with separate --output-dir folders")
        }
        var byStem: [String: [String]] = [:]
        for relative in byRelative.keys {
            byStem[stem(relative), default: []].append(relative)
        }
        var out: [String: String] = [:]
        for (stem, relatives) in byStem {
            for relative in relatives { out[relative] = relatives.count > 1 ? relative : stem }
        }
        return out
    }

    /// The relative path without its extension.
    static func stem(_ relative: String) -> String {
        (relative as NSString).deletingPathExtension
    }
}
