// Context biasing graph for CTC prefix beam search (issue #16): hotword token sequences in an
// Aho-Corasick automaton. The idea follows the contextual-biasing graphs of icefall/sherpa and
// NeMo's CTC word boosting; the scoring rules here are this project's (docs/decisions.md).

/// Hotwords as token sequences in an Aho-Corasick automaton, scoring a token sequence.
///
/// A decoding prefix carries a state of this graph. Reading a token moves the state along the
/// trie (or, when the match breaks, back through failure links to the longest suffix that is
/// still a hotword prefix). The bonus of a token sequence is
///
///     kept + depth(state) − credited(state)
///
/// where `depth` is the sum of the per-token scores on the path to the state (the partial match's
/// earnings), `kept` adds the full score of every hotword completed so far (each completion is
/// found through the output chain of the state reached), and `credited` is the depth of the
/// longest completed hotword on the state's own path (already inside `kept`). So a token that
/// advances a match adds that phrase's per-token score, a broken partial match gives back what it
/// earned (minus what the suffix it falls back to still earns), and a completed phrase keeps its
/// bonus. At the end of the audio, a partial match gives back its earnings (``kept(after:)``).
public struct HotwordGraph: Sendable {
    /// A state of the automaton (0 is the root: no partial match).
    public typealias State = Int32

    /// Children by `(node << 32) | token`.
    private var children: [Int64: Int32] = [:]
    private var fail: [Int32] = [0]
    private var depth: [Double] = [0]
    private var credited: [Double] = [0]
    /// Sum of the full scores of the hotwords ending at this node or at a suffix of it.
    private var completes: [Double] = [0]
    private var isEnd: [Bool] = [false]

    /// The number of phrases (token sequences) in the graph.
    public private(set) var sequenceCount = 0
    /// Whether the graph holds no hotword (decoding is then plain beam search).
    public var isEmpty: Bool { sequenceCount == 0 }

    /// An empty graph.
    public init() {}

    /// Builds the graph of `hotwords`, each encoded with `tokenizer` twice: as a word of its own
    /// (with SentencePiece's dummy prefix, `▁hello`) and as it appears inside a sentence (without,
    /// as CJK text is emitted). Both sequences carry the phrase's per-token score.
    /// - Parameters:
    ///   - hotwords: the phrases; a phrase's own score wins over `defaultScore`.
    ///   - defaultScore: bonus per matched token.
    /// - Throws: `SenseVoiceError(.invalidOption)` when a phrase has characters outside the
    ///   vocabulary (they encode to the unknown piece, which CTC never emits) or more than
    ///   ``Hotword/maxTokens`` tokens; the tokenizer's errors otherwise.
    public init(hotwords: [Hotword], tokenizer: SentencePieceModel, defaultScore: Double) throws {
        var sequences: [([Int], Double)] = []
        for h in hotwords {
            let score = h.score ?? defaultScore
            var variants: [[Int]] = []
            for prefix in [true, false] {
                let pieces = try tokenizer.encode(h.phrase, addDummyPrefix: prefix)
                if let unknown = pieces.first(where: { $0.id == tokenizer.unknownID }) {
                    throw SenseVoiceError(.invalidOption,
                                          "hotword \"\(h.phrase)\" has characters the model's vocabulary lacks (\"\(unknown.piece)\"); remove or respell them")
                }
                guard pieces.count <= Hotword.maxTokens else {
                    throw SenseVoiceError(.invalidOption, "hotword \"\(h.phrase.prefix(40))\" is \(pieces.count) tokens long; at most \(Hotword.maxTokens) are allowed")
                }
                let ids = pieces.map(\.id)
                if !ids.isEmpty && !variants.contains(ids) { variants.append(ids) }
            }
            sequences += variants.map { ($0, score) }
        }
        self.init(sequences: sequences)
    }

    /// Builds the graph of token sequences with their per-token scores. A node shared by several
    /// sequences takes the largest of their scores for its token.
    public init(sequences: [([Int], Double)]) {
        var tokenScore: [Double] = [0]
        for (tokens, score) in sequences where !tokens.isEmpty {
            var node: Int32 = 0
            for token in tokens {
                let key = Self.key(node, token)
                if let child = children[key] {
                    node = child
                    tokenScore[Int(node)] = max(tokenScore[Int(node)], score)
                } else {
                    let child = Int32(tokenScore.count)
                    children[key] = child
                    tokenScore.append(score)
                    node = child
                }
            }
            isEnd += [Bool](repeating: false, count: tokenScore.count - isEnd.count)
            if !isEnd[Int(node)] { sequenceCount += 1 }
            isEnd[Int(node)] = true
        }
        let n = tokenScore.count
        isEnd += [Bool](repeating: false, count: n - isEnd.count)
        fail = [Int32](repeating: 0, count: n)
        depth = [Double](repeating: 0, count: n)
        credited = [Double](repeating: 0, count: n)
        completes = [Double](repeating: 0, count: n)
        link(tokenScore: tokenScore)
    }

    /// Depths, failure links, output sums and credited depths, breadth first.
    private mutating func link(tokenScore: [Double]) {
        var byParent: [Int32: [(Int32, Int)]] = [:]
        for (key, child) in children {
            byParent[Int32(truncatingIfNeeded: key >> 32), default: []].append((child, Int(truncatingIfNeeded: key & 0xFFFF_FFFF)))
        }
        var queue: [Int32] = [0]
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for (child, token) in (byParent[u] ?? []).sorted(by: { $0.1 < $1.1 }) {
                var f: Int32 = 0
                if u != 0 {
                    var v = fail[Int(u)]
                    while true {
                        if let next = children[Self.key(v, token)] { f = next; break }
                        if v == 0 { break }
                        v = fail[Int(v)]
                    }
                }
                let c = Int(child)
                depth[c] = depth[Int(u)] + tokenScore[c]
                fail[c] = f
                completes[c] = (isEnd[c] ? depth[c] : 0) + completes[Int(f)]
                credited[c] = isEnd[c] ? depth[c] : credited[Int(u)]
                queue.append(child)
            }
        }
    }

    private static func key(_ node: Int32, _ token: Int) -> Int64 {
        Int64(node) << 32 | Int64(UInt32(truncatingIfNeeded: token))
    }

    /// The state after reading `token` in `state`, and the full scores of the hotwords that the
    /// token completes.
    public func step(_ state: State, _ token: Int) -> (state: State, completed: Double) {
        var v = state
        while true {
            if let next = children[Self.key(v, token)] { return (next, completes[Int(next)]) }
            if v == 0 { return (0, 0) }
            v = fail[Int(v)]
        }
    }

    /// What a partial match in `state` has earned and not yet kept.
    public func partial(_ state: State) -> Double {
        depth[Int(state)] - credited[Int(state)]
    }
}
