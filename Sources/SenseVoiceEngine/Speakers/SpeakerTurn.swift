// Follows funasr/models/campplus/utils.py: postprocess (merge_seque, overlap split, smooth) and distribute_spk.

import Foundation

/// A stretch of the file given to one speaker: FunASR's `postprocess` output `[start_s, end_s, spk]`.
public struct SpeakerTurn: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var speaker: Int

    /// Pieces shorter than this (seconds) take a neighbour's speaker when smoothing.
    public static let minimumDuration = 0.7

    /// FunASR's `postprocess`: speakers renumbered by first appearance; consecutive windows of one
    /// speaker that touch or overlap joined; an overlap (> 1e-4 s) between different speakers split
    /// at its middle; then, with at least two pieces, one pass in order that rounds each piece's
    /// times to 0.01 s and gives a piece shorter than 0.7 s the speaker of its nearer neighbour
    /// (the previous one on a tie), and a last join.
    public static func turns(windows: [SpeakerWindow], labels: [Int]) -> [SpeakerTurn] {
        precondition(windows.count == labels.count, "one label per window")
        guard !windows.isEmpty else { return [] }
        let numbered = KMeans.byFirstAppearance(labels)
        var turns = merged(zip(windows, numbered).map { SpeakerTurn(start: $0.start, end: $0.end, speaker: $1) })
        for i in 1..<turns.count where turns[i - 1].end > turns[i].start + 1e-4 {
            let middle = (turns[i].start + turns[i - 1].end) / 2
            turns[i].start = middle
            turns[i - 1].end = middle
        }
        guard turns.count >= 2 else { return turns }
        for i in 0..<turns.count {
            turns[i].start = roundedToHundredths(turns[i].start)
            turns[i].end = roundedToHundredths(turns[i].end)
            if turns[i].end - turns[i].start < minimumDuration {
                if i == 0 {
                    turns[i].speaker = turns[i + 1].speaker
                } else if i == turns.count - 1 {
                    turns[i].speaker = turns[i - 1].speaker
                } else if turns[i].start - turns[i - 1].end <= turns[i + 1].start - turns[i].end {
                    turns[i].speaker = turns[i - 1].speaker
                } else {
                    turns[i].speaker = turns[i + 1].speaker
                }
            }
        }
        return merged(turns)
    }

    /// FunASR's `merge_seque`: a piece joins the previous one when it has the same speaker and
    /// starts no later than the previous one ends.
    static func merged(_ pieces: [SpeakerTurn]) -> [SpeakerTurn] {
        guard var last = pieces.first else { return [] }
        var out: [SpeakerTurn] = []
        for piece in pieces.dropFirst() {
            if piece.speaker != last.speaker || piece.start > last.end {
                out.append(last)
                last = piece
            } else {
                last.end = piece.end
            }
        }
        out.append(last)
        return out
    }

    /// Python's `round(x, 2)`: the nearest hundredth of the exact binary value, ties to even.
    static func roundedToHundredths(_ x: Double) -> Double {
        Double(String(format: "%.2f", x)) ?? x
    }

    /// FunASR's `distribute_spk`: the speaker of a sentence `[startMs, endMs]`. The turns are walked
    /// in order; one whose overlap exceeds the running best becomes the best, and every turn of the
    /// current best speaker (the new best included) adds its overlap to the running best.
    /// Speaker 0 when nothing overlaps.
    public static func speaker(startMs: Int, endMs: Int, turns: [SpeakerTurn]) -> Int {
        var speaker = 0
        var best = 0.0
        let s = Double(startMs), e = Double(endMs)
        for turn in turns {
            let overlap = max(min(e, turn.end * 1000) - max(s, turn.start * 1000), 0)
            if overlap > best {
                best = overlap
                speaker = turn.speaker
            }
            if overlap > 0, speaker == turn.speaker { best += overlap }
        }
        return speaker
    }
}
