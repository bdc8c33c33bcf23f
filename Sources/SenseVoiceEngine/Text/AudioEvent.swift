// Follows funasr/utils/postprocess_utils.py (event_dict) — the audio-event tags SenseVoice emits
// (spec §3.5, §8.1). Glyphs and labels: TagMarks.

/// An acoustic event SenseVoice tags an utterance with (frame 2 of the output, e.g. `<|Laughter|>`).
///
/// The raw value is the tag name between `<|` and `|>`, exactly as in the tokenizer; tag text,
/// JSON name, glyph and labels come from ``TranscriptTag``. Closing tags such as `<|/Speech|>`
/// are not events.
public enum AudioEvent: String, TranscriptTag {
    case speech = "Speech"
    /// Background music.
    case bgm = "BGM"
    case applause = "Applause", laughter = "Laughter", cry = "Cry", sneeze = "Sneeze", breath = "Breath"
    case cough = "Cough", sing = "Sing", speechNoise = "Speech_Noise"
    /// `<|Event_UNK|>`: no recognisable event (with `<|nospeech|>` it means "no speech at all").
    case unknown = "Event_UNK"
    /// `<|GBG|>`: garbage / unintelligible audio.
    case gbg = "GBG"
}
