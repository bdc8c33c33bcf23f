// A valid-format RNNoise model file with made-up weights, for tests of `--denoise rnnoise:FILE`.

public import Foundation

/// Writes RNNoise models in the text format FFmpeg's `arnndn` reads (`rnnoise-nu model file
/// version 1`, then six layers: `inputs neurons activation`, weights, biases; the three GRUs have
/// input, recurrent weights and biases for their three gates), with the layer sizes of the real
/// models (42 → 24 dense, GRUs of 24, 48 and 96, 22 band gains, one VAD output) and small
/// deterministic weights. No trained model can be fetched here (none is on PyPI or in Debian),
/// so this checks that a file in the real format loads and runs; it does not denoise well.
public enum RNNoiseTestModel {
    /// The model's text.
    public static var text: String {
        var out = "rnnoise-nu model file version 1\n"
        var seed: UInt32 = 12_345
        func values(_ count: Int) -> String {
            (0..<count).map { _ -> String in
                seed = seed &* 1_103_515_245 &+ 12_345
                return String(Int((seed >> 16) % 33) - 16)  // -16…16 of the format's -128…127
            }.joined(separator: " ")
        }
        // (inputs, neurons, activation: 0 tanh, 1 sigmoid, 2 relu, GRU?)
        let layers = [(42, 24, 0, false), (24, 24, 2, true), (90, 48, 2, true), (114, 96, 0, true),
                      (96, 22, 1, false), (24, 1, 1, false)]
        for (inputs, neurons, activation, gru) in layers {
            out += "\(inputs) \(neurons) \(activation)\n"
            if gru {
                out += values(inputs * neurons * 3) + "\n" + values(neurons * neurons * 3) + "\n" + values(neurons * 3) + "\n"
            } else {
                out += values(inputs * neurons) + "\n" + values(neurons) + "\n"
            }
        }
        return out
    }

    /// Writes the model into a new temporary file and returns it (the caller removes it).
    public static func makeFile() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sv-test-\(UUID().uuidString).rnnn")
        try Data(text.utf8).write(to: url)
        return url
    }
}
