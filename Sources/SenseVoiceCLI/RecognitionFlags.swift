// The per-request recognition flags shared by `transcribe` and `stream`.

import ArgumentParser

/// `--language`, `--itn/--no-itn`, `--ban-emo-unk`, `--timestamps`.
struct RecognitionFlags: ParsableArguments {
    @Option(help: "Language: auto, zh, en, yue, ja or ko.")
    var language: String = "auto"

    @Flag(inversion: .prefixedNo, help: "Inverse text normalisation (punctuation, casing, digits).")
    var itn: Bool = true

    @Flag(name: .customLong("ban-emo-unk"), help: "Never output the unknown-emotion tag.")
    var banEmotionUnknown: Bool = false

    @Flag(help: "Per-word times (JSON `words`).")
    var timestamps: Bool = false
}
