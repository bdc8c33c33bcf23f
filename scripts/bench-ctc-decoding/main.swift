// Stand-alone timing of the CTC decoding stage (issue #16), compiled by scripts/bench-ctc-decoding.sh
// together with the engine's own decoding sources at -Ounchecked (the release setting): greedy vs
// prefix beam search at beam 8 with 0, 100 and 1,000 hotwords, on logits of the full model's size
// (30 s → 500 frames + 4 prompts, 25,055 tokens). Logits are seeded random values with one
// dominant token per frame; decoding cost does not depend on the encoder that made them.
internal import Foundation

struct SplitMix {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

var g = SplitMix(s: 7)
let frames = 504, vocab = 25055
var logits = [Float](repeating: 0, count: frames * vocab)
for i in 0..<logits.count { logits[i] = Float(Double(g.next() >> 11) / Double(1 << 53) * 10) }
for t in 0..<frames { logits[t * vocab + (t % 3 == 0 ? 0 : Int(g.next() % UInt64(vocab)))] += 12 }

func median(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<n {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[n / 2]
}

let tokenizer = try SentencePieceModel(contentsOf: CommandLine.arguments[1])
// Real phrases for the text → graph cost: spellable words of the encoder goldens, then word pairs.
let text = try String(contentsOfFile: CommandLine.arguments[2], encoding: .utf8)
var words: [String] = []
for w in text.split(whereSeparator: { !$0.isLetter }).map(String.init) where w.count >= 3 && !words.contains(w) {
    if try !tokenizer.encode(w).contains(where: { $0.id == tokenizer.unknownID }) { words.append(w) }
}
var phrases = words.map { Hotword(phrase: $0) }
outer: for a in words {
    for b in words where a != b {
        if phrases.count >= 1000 { break outer }
        phrases.append(Hotword(phrase: a + " " + b))
    }
}
try logits.withUnsafeBufferPointer { buf in
    let l = CTCLogits(pointer: buf.baseAddress!, frames: frames, vocabulary: vocab, threads: 1)
    let greedy = median(9) { _ = CTCGreedyDecoder().decode(l, bannedIds: []) }
    print(String(format: "greedy: %.1f ms per 30 s", greedy))
    for n in [0, 100, 1000] {
        let sequences: [([Int], Double)] = (0..<n).map { _ in
            ((0..<Int(2 + g.next() % 3)).map { _ in 3 + Int(g.next() % UInt64(vocab - 3)) }, 1.5)
        }
        let graph = HotwordGraph(sequences: sequences)
        let beam = median(9) { _ = CTCPrefixBeamSearch(beamSize: 8, hotwords: graph).decode(l, bannedIds: []) }
        let subset = Array(phrases.prefix(n))
        let build = try median(5) { _ = try HotwordGraph(hotwords: subset, tokenizer: tokenizer, defaultScore: 1.5) }
        print(String(format: "beam 8, %4d hotwords: %.1f ms per 30 s (+%.1f ms over greedy); encoding %d phrases + graph: %.2f ms",
                     n, beam, beam - greedy, subset.count, build))
    }
}
