// CTC prefix beam search with optional hotword biasing (issue #16). The algorithm is the one the
// issue states so that it can be compared with scripts/ctc_beam_reference.py token for token.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SenseVoiceTensor

/// CTC prefix beam search over all output frames (prompt frames included), in log space.
///
/// Per frame the candidates are the frame's `beamSize` most likely tokens (banned ids never;
/// equal log-probabilities: the smaller id first) plus blank. Each prefix keeps `log P(ending in
/// blank)` and `log P(ending in non-blank)`; blank keeps the prefix; the prefix's last token `c`
/// extends it to `prefix + c` only from blank-ending paths and otherwise keeps it; any other token
/// extends it. After each frame the `beamSize` prefixes with the highest total survive (ties: the
/// shorter, then the smaller ids); the best total at the end wins.
///
/// With a non-empty ``HotwordGraph`` each prefix also carries its graph state, and prefixes are
/// ranked by total + bonus (``HotwordGraph``); at the end a partial match gives back what it
/// earned. The reported tokens are the prefix's own, so the text is what the prefix spells.
///
/// Beam size 1 equals greedy decoding whenever the frame's best token is unique.
public struct CTCPrefixBeamSearch: CTCDecoding {
    /// Prefixes kept per frame, and tokens tried per frame (plus blank).
    public let beamSize: Int
    /// Hotwords; empty for plain beam search.
    public let hotwords: HotwordGraph
    /// The blank id (0 in SenseVoice).
    public let blankId: Int

    public init(beamSize: Int = BeamSearchOptions.defaultBeamSize, hotwords: HotwordGraph = HotwordGraph(), blankId: Int = 0) {
        precondition(beamSize >= 1, "beam size must be positive")
        self.beamSize = beamSize
        self.hotwords = hotwords
        self.blankId = blankId
    }

    public func decode(_ logits: CTCLogits, bannedIds: Set<Int>) -> CTCOutput {
        let frames = logits.frames
        let candidates = topCandidates(logits, bannedIds: bannedIds)
        let perFrame = beamSize + 1
        var tree = PrefixTree(hotwords: hotwords)
        var beams: [Beam] = [Beam(node: 0, blank: 0, nonBlank: -.infinity)]
        var next = NextBeams()
        for t in 0..<frames {
            next.removeAll()
            let base = t * perFrame
            for beam in beams {
                let total = logAdd(beam.blank, beam.nonBlank)
                let last = tree.lastToken(beam.node)
                for k in 0..<perFrame {
                    let c = candidates.ids[base + k]
                    if c < 0 { break }
                    let p = Double(candidates.logp[base + k])
                    if c == blankId {
                        next.add(beam.node, blank: total + p, nonBlank: -.infinity)
                    } else if c == last {
                        next.add(beam.node, blank: -.infinity, nonBlank: beam.nonBlank + p)
                        next.add(tree.child(beam.node, c, frame: t), blank: -.infinity, nonBlank: beam.blank + p)
                    } else {
                        next.add(tree.child(beam.node, c, frame: t), blank: -.infinity, nonBlank: total + p)
                    }
                }
            }
            beams = next.best(beamSize, tree: tree, final: false)
        }
        let winner = beams.isEmpty ? 0 : NextBeams(beams).best(1, tree: tree, final: true)[0].node
        return tree.output(winner, frames: frames, blankId: blankId).scored(by: logits)
    }

    /// Per frame, the `beamSize` best non-banned tokens by log-probability (smaller id first on
    /// ties) and blank if it is not among them; `-1` pads. Rows are shared out over the threads.
    private func topCandidates(_ logits: CTCLogits, bannedIds: Set<Int>) -> (ids: [Int], logp: [Float]) {
        let perFrame = beamSize + 1
        let v = logits.vocabulary
        let n = min(beamSize, v)
        var ids = [Int](repeating: -1, count: logits.frames * perFrame)
        var logp = [Float](repeating: -.infinity, count: logits.frames * perFrame)
        let blank = blankId
        ids.withUnsafeMutableBufferPointer { idOut in
            logp.withUnsafeMutableBufferPointer { lpOut in
                let io = idOut.baseAddress!, lo = lpOut.baseAddress!
                Parallel.rows(logits.frames, cols: v, threads: logits.threads) { first, end in
                    let topIds = UnsafeMutablePointer<Int>.allocate(capacity: n)
                    let topValues = UnsafeMutablePointer<Float>.allocate(capacity: n)
                    defer {
                        topIds.deallocate()
                        topValues.deallocate()
                    }
                    for r in first..<end {
                        let row = logits.pointer + r * v
                        let lse = FastKernels.logSumExp(row, count: v)
                        let filled = Self.selectTop(row, count: v, n: n, banned: bannedIds, ids: topIds, values: topValues)
                        let o = r * perFrame
                        var k = 0
                        var hasBlank = false
                        for i in 0..<filled {
                            io[o + k] = topIds[i]
                            lo[o + k] = row[topIds[i]] - lse
                            if topIds[i] == blank { hasBlank = true }
                            k += 1
                        }
                        if !hasBlank && !bannedIds.contains(blank) && blank < v {
                            io[o + k] = blank
                            lo[o + k] = row[blank] - lse
                        }
                    }
                }
            }
        }
        return (ids, logp)
    }

    /// The `n` largest values of `row` (banned indices skipped; on equal values the smaller index
    /// first), written best first to `ids`/`values`; returns how many were found.
    @inline(__always)
    static func selectTop(_ row: UnsafePointer<Float>, count v: Int, n: Int, banned: Set<Int>,
                          ids: UnsafeMutablePointer<Int>, values: UnsafeMutablePointer<Float>) -> Int {
        var filled = 0
        var floor = -Float.infinity
        let checkBanned = !banned.isEmpty
        for c in 0..<v {
            let x = row[c]
            // Strictly greater: on equal values the earlier (smaller) id stays ahead.
            if filled == n && !(x > floor) { continue }
            if checkBanned && banned.contains(c) { continue }
            var i = filled == n ? n - 1 : filled
            if filled < n { filled += 1 }
            while i > 0 && x > values[i - 1] {
                values[i] = values[i - 1]
                ids[i] = ids[i - 1]
                i -= 1
            }
            values[i] = x
            ids[i] = c
            if filled == n { floor = values[n - 1] }
        }
        return filled
    }
}

/// `log(e^a + e^b)` with −∞ handled.
@inline(__always)
func logAdd(_ a: Double, _ b: Double) -> Double {
    if a == -.infinity { return b }
    if b == -.infinity { return a }
    return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b))
}

/// One surviving prefix: its node in the prefix tree and its two log-probabilities.
struct Beam {
    var node: Int32
    var blank: Double
    var nonBlank: Double
}

/// The prefixes reached in one frame, merged by node.
struct NextBeams {
    private var beams: [Beam] = []
    private var index: [Int32: Int] = [:]

    init() {}

    init(_ beams: [Beam]) {
        for b in beams { add(b.node, blank: b.blank, nonBlank: b.nonBlank) }
    }

    mutating func removeAll() {
        beams.removeAll(keepingCapacity: true)
        index.removeAll(keepingCapacity: true)
    }

    mutating func add(_ node: Int32, blank: Double, nonBlank: Double) {
        if let i = index[node] {
            beams[i].blank = logAdd(beams[i].blank, blank)
            beams[i].nonBlank = logAdd(beams[i].nonBlank, nonBlank)
        } else {
            index[node] = beams.count
            beams.append(Beam(node: node, blank: blank, nonBlank: nonBlank))
        }
    }

    /// The `count` best prefixes by total (+ hotword bonus; at the end only the kept part), ties
    /// broken by the shorter, then the smaller ids.
    func best(_ count: Int, tree: PrefixTree, final: Bool) -> [Beam] {
        let scored = beams.map { b in (b, logAdd(b.blank, b.nonBlank) + tree.bonus(b.node, final: final)) }
        let sorted = scored.sorted { x, y in
            if x.1 != y.1 { return x.1 > y.1 }
            return tree.precedes(x.0.node, y.0.node)
        }
        return sorted.prefix(count).map(\.0)
    }
}

/// Every prefix the search has made, as a tree of tokens: node 0 is the empty prefix.
struct PrefixTree {
    private var parent: [Int32] = [-1]
    private var token: [Int32] = [-1]
    private var length: [Int32] = [0]
    /// The frame at which each node's token was first emitted.
    private var frame: [Int32] = [0]
    private var state: [HotwordGraph.State] = [0]
    private var kept: [Double] = [0]
    private var children: [Int64: Int32] = [:]
    private let hotwords: HotwordGraph
    private let biased: Bool

    init(hotwords: HotwordGraph) {
        self.hotwords = hotwords
        self.biased = !hotwords.isEmpty
    }

    func lastToken(_ node: Int32) -> Int { Int(token[Int(node)]) }

    /// The node of `node + c`, made on first use.
    mutating func child(_ node: Int32, _ c: Int, frame t: Int) -> Int32 {
        let key = Int64(node) << 32 | Int64(c)
        if let existing = children[key] { return existing }
        let id = Int32(parent.count)
        children[key] = id
        parent.append(node)
        token.append(Int32(c))
        length.append(length[Int(node)] + 1)
        frame.append(Int32(t))
        if biased {
            let (s, completed) = hotwords.step(state[Int(node)], c)
            state.append(s)
            kept.append(kept[Int(node)] + completed)
        } else {
            state.append(0)
            kept.append(0)
        }
        return id
    }

    /// The hotword bonus of a prefix: kept + partial while searching, kept only at the end.
    func bonus(_ node: Int32, final: Bool) -> Double {
        guard biased else { return 0 }
        let n = Int(node)
        return final ? kept[n] : kept[n] + hotwords.partial(state[n])
    }

    /// The prefix's tokens, first to last.
    func tokens(_ node: Int32) -> [Int] {
        var out: [Int] = []
        var n = node
        while n > 0 {
            out.append(Int(token[Int(n)]))
            n = parent[Int(n)]
        }
        return out.reversed()
    }

    /// Whether `a` ranks before `b` on equal scores: shorter first, then smaller ids.
    func precedes(_ a: Int32, _ b: Int32) -> Bool {
        if length[Int(a)] != length[Int(b)] { return length[Int(a)] < length[Int(b)] }
        // Equal lengths: climb both to the children of their common ancestor, where they first differ.
        var x = a, y = b
        while x != y && parent[Int(x)] != parent[Int(y)] {
            x = parent[Int(x)]
            y = parent[Int(y)]
        }
        return x != y && token[Int(x)] < token[Int(y)]
    }

    /// The decoded prefix as a ``CTCOutput``: each token placed at the frame where it was first
    /// emitted, for one frame (blank elsewhere).
    func output(_ node: Int32, frames: Int, blankId: Int) -> CTCOutput {
        let ids = tokens(node)
        var frameIds = [Int](repeating: blankId, count: frames)
        var runs: [Range<Int>] = []
        var n = node
        var starts: [Int] = []
        while n > 0 {
            starts.append(Int(frame[Int(n)]))
            n = parent[Int(n)]
        }
        starts.reverse()
        for (id, start) in zip(ids, starts) {
            frameIds[start] = id
            runs.append(start..<start + 1)
        }
        return CTCOutput(frameIds: frameIds, tokenIds: ids, tokenFrames: runs)
    }
}
