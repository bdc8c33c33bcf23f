// The per-request choice to diarize (CLI --diarize / --num-speakers, form fields, job options).

/// Asks a transcription for a speaker on every segment (FunASR's `spk_model` with `preset_spk_num`).
public struct DiarizationOptions: Sendable, Equatable, Codable {
    /// The number of speakers when known (`--num-speakers`); nil estimates it.
    public var speakers: Int?

    public init(speakers: Int? = nil) {
        self.speakers = speakers
    }

    /// The most speakers a preset may name (the eigengap considers up to 15 when estimating).
    public static let maxSpeakers = 64

    /// - Throws: `SenseVoiceError(.invalidOption)` for a number of speakers outside 1…64.
    public func validate() throws {
        if let speakers, !(1...Self.maxSpeakers).contains(speakers) {
            throw SenseVoiceError(.invalidOption, "the number of speakers must be between 1 and \(Self.maxSpeakers), found \(speakers)")
        }
    }

    /// The name of diarized speaker `index` on segments (`spk0`, `spk1`, …).
    public static func name(_ index: Int) -> String { "spk\(index)" }
}
