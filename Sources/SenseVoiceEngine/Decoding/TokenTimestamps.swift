// Follows funasr/models/sense_voice/model.py (output_timestamp) and funasr/utils/timestamp_tools.py
// (ctc timestamps, post); spec §5 — the greedy path is the forced alignment when targets equal it.

/// Word times from the greedy CTC path.
public enum TokenTimestamps {
    /// Encoder frame hop in milliseconds (LFR 6 × 10 ms).
    public static let frameMs = 60
    /// Prompt frames at the start of the encoder output, excluded from timing.
    public static let promptFrames = 4

    /// Words with their times in ms, shifted by `offsetMs` (the segment start).
    ///
    /// Token runs from the CTC output give `[s, e)` in frames after the prompts; a run spans
    /// `max(60s − 30, 0) … min(60e − 30, 60(T'−4) − 30)` ms (truncated like FunASR's `int(x·1000)`).
    /// Tags and control pieces are skipped. A piece starting with "▁" starts a word; an ASCII-letter
    /// piece following an ASCII-letter word extends it; anything else (CJK, digits, punctuation)
    /// is a word of its own.
    public static func words(_ ctc: CTCOutput, tokenizer: SentencePieceModel, offsetMs: Int) -> [WordTiming] {
        let total = ctc.frameIds.count - promptFrames
        guard total > 0 else { return [] }
        let limit = Double(frameMs * total - 30) / 1000
        var words: [WordTiming] = []
        for (id, run) in zip(ctc.tokenIds, ctc.tokenFrames) where run.lowerBound >= promptFrames {
            let piece = tokenizer.piece(id)
            let type = tokenizer.type(id)
            if type == .control || type == .unknown || TranscriptTags.isTag(piece) { continue }
            let s = run.lowerBound - promptFrames
            let e = run.upperBound - promptFrames
            let start = max(Double(frameMs * s - 30) / 1000, 0)
            let end = min(Double(frameMs * e - 30) / 1000, limit)
            let startMs = Int(start * 1000) + offsetMs
            let endMs = Int(end * 1000) + offsetMs
            if piece == "\u{2581}" { continue }
            let startsWord = piece.hasPrefix("\u{2581}")
            let text = startsWord ? String(piece.dropFirst()) : piece
            if !startsWord, let last = words.last, isASCIILetters(last.text), isASCIILetters(text) {
                words[words.count - 1].text += text
                words[words.count - 1].endMs = endMs
            } else {
                words.append(WordTiming(text: text, startMs: startMs, endMs: endMs))
            }
        }
        return words
    }

    private static func isASCIILetters(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0.value >= 65 && $0.value <= 90) || ($0.value >= 97 && $0.value <= 122) }
    }
}
