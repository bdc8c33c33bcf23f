// Follows funasr/frontends/wav_frontend.py: load_cmvn and apply_cmvn (spec §2.3).

import Foundation

/// Global mean/variance normalisation read from a Kaldi nnet1 `am.mvn`: `y = (x + shift) · scale`.
///
/// The file holds `<AddShift> D D` followed by a line `<LearnRateCoef> 0 [ s_1 … s_D ]` (the shift,
/// minus the mean) and `<Rescale> D D` followed by `<LearnRateCoef> 0 [ r_1 … r_D ]` (the scale,
/// one over the standard deviation). The `[ 0 ]` block after `<Splice>` is not a statistic and is
/// skipped. D is 560 for SenseVoice (80 statistics tiled 7×) and 400 for FSMN-VAD.
public struct CMVN: Sendable, Equatable {
    /// Added first, per dimension (`−mean`).
    public let shift: [Float]
    /// Multiplied second, per dimension (`1 / stddev`).
    public let scale: [Float]

    /// Feature width D this normalisation applies to.
    public var dimension: Int { shift.count }

    /// A normalisation from its two vectors.
    /// - Precondition: `shift` and `scale` have the same, non-zero length.
    public init(shift: [Float], scale: [Float]) {
        precondition(!shift.isEmpty && shift.count == scale.count,
                     "CMVN shift (\(shift.count)) and scale (\(scale.count)) must have the same non-zero length")
        self.shift = shift
        self.scale = scale
    }

    /// Reads an `am.mvn` file.
    /// - Parameter amMvnPath: path of the Kaldi nnet1 text file.
    /// - Throws: `SenseVoiceError` `.fileNotFound` when the file is missing, `.ioError` when it cannot
    ///   be read, `.modelFileCorrupt` (naming the file and the problem) when it is malformed.
    public init(amMvnPath: String) throws {
        guard FileManager.default.fileExists(atPath: amMvnPath) else {
            throw SenseVoiceError(.fileNotFound,
                                  "CMVN file \(amMvnPath) does not exist; check the model folder or re-download the model")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: amMvnPath))
        } catch {
            throw SenseVoiceError(.ioError, "cannot read CMVN file \(amMvnPath): \(error.localizedDescription)")
        }
        try self.init(amMvnText: String(decoding: data, as: UTF8.self), path: amMvnPath)
    }

    /// Parses the text of an `am.mvn` file; `path` only names the file in error messages.
    /// - Throws: `SenseVoiceError` `.modelFileCorrupt` when the text is malformed.
    public init(amMvnText text: String, path: String = "am.mvn") throws {
        func corrupt(_ problem: String) -> SenseVoiceError {
            SenseVoiceError(.modelFileCorrupt,
                            "CMVN file \(path) is malformed: \(problem); re-download the model's am.mvn")
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
        guard lines.contains(where: { !$0.isEmpty }) else { throw corrupt("the file is empty") }

        /// The vector following the `<tag> D D` line, checked against the declared D.
        func vector(_ tag: String) throws -> [Float] {
            guard let at = lines.firstIndex(where: { $0.first.map(String.init) == tag }) else {
                throw corrupt("no \(tag) section")
            }
            let header = lines[at]
            guard header.count >= 3, let dim = Int(header[2]), dim > 0 else {
                throw corrupt("line \(at + 1): expected '\(tag) D D', found '\(header.joined(separator: " "))'")
            }
            guard at + 1 < lines.count else { throw corrupt("\(tag) is not followed by its vector") }
            let tokens = lines[at + 1]
            guard tokens.count >= 4, tokens[0] == "<LearnRateCoef>", tokens[2] == "[" else {
                throw corrupt("line \(at + 2): expected '<LearnRateCoef> 0 [ … ]' after \(tag)")
            }
            guard tokens.last == "]" else { throw corrupt("line \(at + 2): the \(tag) vector has no closing ']'") }
            let body = tokens[3..<(tokens.count - 1)]
            var values = [Float]()
            values.reserveCapacity(body.count)
            for (k, token) in body.enumerated() {
                guard let v = Float(token), v.isFinite else {
                    throw corrupt("line \(at + 2): value \(k + 1) of \(tag), '\(token)', is not a finite number")
                }
                values.append(v)
            }
            guard values.count == dim else {
                throw corrupt("\(tag) declares \(dim) values but line \(at + 2) has \(values.count)")
            }
            return values
        }
        let shift = try vector("<AddShift>")
        let scale = try vector("<Rescale>")
        guard shift.count == scale.count else {
            throw corrupt("<AddShift> has \(shift.count) values but <Rescale> has \(scale.count)")
        }
        self.init(shift: shift, scale: scale)
    }

    /// Checks that this normalisation fits features of width `featureDimension`.
    /// - Throws: `SenseVoiceError` `.modelFileCorrupt` when the widths differ (am.mvn and config.yaml
    ///   disagree).
    public func check(featureDimension: Int) throws {
        guard featureDimension == dimension else {
            throw SenseVoiceError(.modelFileCorrupt,
                                  "am.mvn has \(dimension) dimensions but the frontend produces \(featureDimension) (n_mels × lfr_m); the model folder's files do not belong together")
        }
    }

    /// Normalises every row: `y[t, d] = (x[t, d] + shift[d]) · scale[d]`.
    /// - Parameter x: `[T, D]` with D = ``dimension``; T may be 0.
    /// - Returns: `[T, D]`.
    /// - Precondition: `x.cols == dimension`.
    public func apply(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 2 && x.cols == dimension,
                     "CMVN of dimension \(dimension) applied to features of shape \(x.shape)")
        return Tensor(shape: x.shape) { out in
            guard let dst = out.baseAddress else { return }
            dst.update(from: x.pointer, count: x.count)
            applyInPlace(dst, rows: x.rows)
        }
    }

    /// Normalises `rows × dimension` floats in place.
    func applyInPlace(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        let d = dimension
        shift.withUnsafeBufferPointer { sb in
            scale.withUnsafeBufferPointer { cb in
                let s = sb.baseAddress!, c = cb.baseAddress!
                for t in 0..<rows {
                    let row = x + t * d
                    for j in 0..<d { row[j] = (row[j] + s[j]) * c[j] }
                }
            }
        }
    }
}
