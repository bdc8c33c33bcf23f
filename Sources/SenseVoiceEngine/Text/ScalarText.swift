// Follows Python 3 str semantics (str.isspace, str.strip, str.replace, str.count, re.sub) on
// Unicode scalars, as the reference post-processors run them (spec §8).

/// Python-compatible string operations on arrays of Unicode scalars.
///
/// The reference post-processing is Python, whose `str` indexes code points: a Swift port must
/// index `unicodeScalars`, never `Character`s (an emoji plus a variation selector, or a flag,
/// would be one `Character` but two Python characters).
enum ScalarText {
    /// Python's `str.isspace()` for one code point: bidirectional class WS, B or S, or category Zs.
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// Python's `s.strip()`: drops whitespace at both ends.
    static func strip(_ s: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
        var lo = s.startIndex
        var hi = s.endIndex
        while lo < hi && isWhitespace(s[lo]) { lo += 1 }
        while hi > lo && isWhitespace(s[hi - 1]) { hi -= 1 }
        return s[lo..<hi]
    }

    /// The ranges of every non-overlapping match of the regular expression `<\|[^|]*\|>` (a
    /// SenseVoice tag such as `<|en|>`), scanning left to right like `re.sub`.
    static func tagRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var i = 0
        let n = s.count
        while i + 3 < n {
            if s[i] == "<" && s[i + 1] == "|" {
                var j = i + 2
                while j < n && s[j] != "|" { j += 1 }
                if j + 1 < n && s[j + 1] == ">" {
                    result.append(i..<(j + 2))
                    i = j + 2
                    continue
                }
            }
            i += 1
        }
        return result
    }

    /// `s` with every tag (`<\|[^|]*\|>`) removed.
    static func removingTags(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        let tags = tagRanges(s)
        guard !tags.isEmpty else { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var from = 0
        for r in tags {
            out.append(contentsOf: s[from..<r.lowerBound])
            from = r.upperBound
        }
        out.append(contentsOf: s[from...])
        return out
    }

    /// The scalars of a string.
    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    /// A string made of scalars.
    static func string<S: Sequence<Unicode.Scalar>>(_ s: S) -> String {
        var out = String.UnicodeScalarView()
        out.append(contentsOf: s)
        return String(out)
    }
}

extension Array where Element: Equatable {
    /// Python's `str.replace(old, new)` on an array: replaces every non-overlapping occurrence of
    /// `old`, scanning left to right, and returns how many were replaced (Python's `str.count`).
    @discardableResult
    mutating func replaceOccurrences(of old: [Element], with new: [Element]) -> Int {
        guard !old.isEmpty, count >= old.count else { return 0 }
        var out: [Element] = []
        var replaced = 0
        var i = 0
        let first = old[0]
        while i < count {
            if self[i] == first && i + old.count <= count && self[i..<(i + old.count)].elementsEqual(old) {
                if replaced == 0 {
                    out.reserveCapacity(count)
                    out.append(contentsOf: self[0..<i])
                }
                out.append(contentsOf: new)
                replaced += 1
                i += old.count
            } else {
                if replaced > 0 { out.append(self[i]) }
                i += 1
            }
        }
        if replaced > 0 { self = out }
        return replaced
    }

    /// Python's `str.split(separator)` on an array (separator non-empty; keeps empty pieces).
    func split(bySequence separator: [Element]) -> [ArraySlice<Element>] {
        precondition(!separator.isEmpty)
        var pieces: [ArraySlice<Element>] = []
        var start = 0
        var i = 0
        while i + separator.count <= count {
            if self[i..<(i + separator.count)].elementsEqual(separator) {
                pieces.append(self[start..<i])
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        pieces.append(self[start...])
        return pieces
    }
}
