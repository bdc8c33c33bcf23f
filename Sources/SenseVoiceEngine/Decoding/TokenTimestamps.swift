// Follows funasr/models/sense_voice/model.py: SenseVoiceSmall.inference (output_timestamp) and
// SenseVoiceSmall.post; spec §5. The forced alignment is ``CTCForcedAlignment``.

import SenseVoiceTensor

/// Word times as FunASR's SenseVoice gives them with `output_timestamp=True`.
///
/// The stages, each public so it can be checked on its own against FunASR:
/// 1. ``targets(text:tokenizer:)`` re-tokenises the decoded text (tags included): its pieces
///    minus the first four, each piece then encoded again as a text of its own;
/// 2. ``emissions(_:labels:blankId:)`` takes the log-probabilities of the frames after the four
///    prompt frames, with blank's set to 0 where blank is the frame's best label;
/// 3. ``CTCForcedAlignment`` aligns the targets to them;
/// 4. ``spans(alignment:pieces:blankId:)`` turns runs of frames into piece times in seconds;
/// 5. ``post(_:)`` joins pieces into words and truncates to milliseconds.
///
/// Where FunASR fails: when the alignment holds more tokens than the text has pieces (a piece
/// that re-encodes to several ids), FunASR raises `IndexError`; here the surplus runs are left out.
public enum TokenTimestamps {
    /// Encoder frame hop in milliseconds (LFR 6 × 10 ms).
    public static let frameMs = 60
    /// Prompt frames at the start of the encoder output, excluded from timing.
    public static let promptFrames = 4
    /// FunASR's stand-in id for a piece whose own encoding is empty.
    public static let emptyPieceId = 124
    /// Pieces FunASR drops from the front of the re-tokenised text (meant for the four tags).
    public static let droppedPieces = 4

    /// The re-tokenised text: the pieces that name the words, and the ids aligned to the audio.
    public struct Targets: Sendable, Equatable {
        /// Pieces of the text, the first four dropped (FunASR's `tokens`).
        public var pieces: [String]
        /// Every piece encoded again on its own, concatenated (FunASR's `token_ids`).
        public var ids: [Int]

        public init(pieces: [String], ids: [Int]) {
            self.pieces = pieces
            self.ids = ids
        }
    }

    /// One aligned piece: FunASR's `[token, ts_left, ts_right]` in seconds.
    public struct PieceSpan: Sendable, Equatable {
        public var piece: String
        public var start: Double
        public var end: Double
    }

    /// Words with their times in ms from the start of the utterance, for decoded `tokenIds`
    /// (greedy or beam search) and the utterance's CTC logits (prompt frames included).
    /// - Returns: no words when the re-tokenised text is empty or there are no speech frames.
    /// - Throws: what ``SentencePieceModel/encode(_:)`` throws (a word-level tokenizer).
    public static func words(_ logits: CTCLogits, tokenIds: [Int], tokenizer: SentencePieceModel, blankId: Int = 0) throws -> [WordTiming] {
        let targets = try targets(text: tokenizer.decode(tokenIds), tokenizer: tokenizer)
        guard !targets.ids.isEmpty, logits.frames > promptFrames else { return [] }
        var labels = [blankId]
        var seen: Set<Int> = [blankId]
        for id in targets.ids where seen.insert(id).inserted { labels.append(id) }
        let alignment = CTCForcedAlignment(blankId: blankId).align(emissions(logits, labels: labels, blankId: blankId), targets: targets.ids)
        return post(spans(alignment: alignment, pieces: targets.pieces, blankId: blankId))
    }

    /// Stage 1: FunASR's `tokenizer.text2tokens(text)[4:]`, then `tokens2ids` of those pieces
    /// (each encoded as a text; an empty encoding becomes ``emptyPieceId``).
    public static func targets(text: String, tokenizer: SentencePieceModel) throws -> Targets {
        let pieces = try tokenizer.encode(text).dropFirst(droppedPieces).map(\.piece)
        var ids: [Int] = []
        ids.reserveCapacity(pieces.count)
        for piece in pieces {
            let own = try tokenizer.encodeIDs(piece)
            if own.isEmpty { ids.append(emptyPieceId) } else { ids.append(contentsOf: own) }
        }
        return Targets(pieces: pieces, ids: ids)
    }

    /// Stage 2: log-softmax of the frames after the prompts, for the given labels; where the
    /// frame's best label (first on ties, nothing banned) is blank, blank's value is 0.
    public static func emissions(_ logits: CTCLogits, labels: [Int], blankId: Int = 0) -> CTCForcedAlignment.Emissions {
        let frames = max(0, logits.frames - promptFrames)
        let v = logits.vocabulary
        let width = labels.count
        let blankColumn = labels.firstIndex(of: blankId)
        var values = [Float](repeating: 0, count: frames * width)
        values.withUnsafeMutableBufferPointer { out in
            guard let o = out.baseAddress else { return }
            let rows = logits.pointer + promptFrames * v
            Parallel.rows(frames, cols: v, threads: logits.threads) { lo, hi in
                for t in lo..<hi {
                    let row = rows + t * v
                    let lse = FastKernels.logSumExp(row, count: v)
                    for (c, label) in labels.enumerated() { o[t * width + c] = row[label] - lse }
                    if let blankColumn, FastKernels.logSoftmaxArgmax(row, count: v, banned: []) == blankId {
                        o[t * width + blankColumn] = 0
                    }
                }
            }
        }
        return CTCForcedAlignment.Emissions(labels: labels, values: values, frames: frames)
    }

    /// Stage 4: each run of equal labels that is not blank is the next piece, from
    /// `max((60·start − 30) / 1000, 0)` to `min((60·end − 30) / 1000, (60·frames − 30) / 1000)`
    /// seconds (`[start, end)` in frames after the prompts).
    public static func spans(alignment: [Int], pieces: [String], blankId: Int = 0) -> [PieceSpan] {
        let limit = Double(frameMs * alignment.count - 30) / 1000
        var out: [PieceSpan] = []
        var start = 0
        while start < alignment.count {
            var end = start + 1
            while end < alignment.count && alignment[end] == alignment[start] { end += 1 }
            if alignment[start] != blankId {
                guard out.count < pieces.count else { break }
                out.append(PieceSpan(piece: pieces[out.count], start: max(Double(frameMs * start - 30) / 1000, 0),
                                     end: min(Double(frameMs * end - 30) / 1000, limit)))
            }
            start = end
        }
        return out
    }

    /// Stage 5 (FunASR's `post`): times truncated to ms; a lone `▁` is dropped; the first piece
    /// is a word as it stands; a piece starting with `▁` starts a word (without it); an
    /// ASCII-letter piece after an ASCII-letter word extends that word; anything else is a word of
    /// its own.
    public static func post(_ spans: [PieceSpan]) -> [WordTiming] {
        var words: [WordTiming] = []
        var previous: String?
        for (i, span) in spans.enumerated() {
            let start = Int(span.start * 1000)
            let end = Int(span.end * 1000)
            var word = span.piece
            if word == "\u{2581}" { continue }
            if i == 0 {
                words.append(WordTiming(text: word, startMs: start, endMs: end))
            } else if word.hasPrefix("\u{2581}") {
                word = String(word.unicodeScalars.dropFirst())
                words.append(WordTiming(text: word, startMs: start, endMs: end))
            } else if let previous, isASCIILetters(previous), isASCIILetters(word) {
                word = previous + word
                words[words.count - 1].text = word
                words[words.count - 1].endMs = end
            } else {
                words.append(WordTiming(text: word, startMs: start, endMs: end))
            }
            previous = word
        }
        return words
    }

    /// Python's `s.isalpha() and s.isascii()`: non-empty, ASCII letters only.
    private static func isASCIILetters(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { ($0.value >= 65 && $0.value <= 90) || ($0.value >= 97 && $0.value <= 122) }
    }
}
