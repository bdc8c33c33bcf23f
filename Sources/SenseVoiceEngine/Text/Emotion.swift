// Follows funasr/models/sense_voice/model.py (emo_dict) — the emotion tags SenseVoice emits
// (spec §3.5, §8.1). Glyphs and labels: TagMarks.

/// The speaker emotion SenseVoice tags an utterance with (frame 1 of the output, e.g. `<|HAPPY|>`).
///
/// The raw value is the tag name between `<|` and `|>`, exactly as in the tokenizer; tag text,
/// JSON name, glyph and labels come from ``TranscriptTag``.
public enum Emotion: String, TranscriptTag {
    case happy = "HAPPY", sad = "SAD", angry = "ANGRY", neutral = "NEUTRAL"
    case fearful = "FEARFUL", disgusted = "DISGUSTED", surprised = "SURPRISED"
    /// `<|OTHER|>` (id 25008): in the vocabulary, never seen in practice; FunASR's post-processor
    /// does not know it and leaves the tag in the text.
    case other = "OTHER"
    /// `<|EMO_UNKNOWN|>` (id 25009): the model could not tell; `--ban-emo-unk` forbids it.
    case unknown = "EMO_UNKNOWN"
}
