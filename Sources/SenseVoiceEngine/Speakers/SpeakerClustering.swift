// Follows funasr/models/campplus/cluster_backend.py: ClusterBackend, SpectralCluster, merge_by_cos.

import Foundation
import SenseVoiceTensor

/// Groups window embeddings into speakers as FunASR's `ClusterBackend` does.
///
/// - fewer than ``minimumWindows`` windows: one speaker;
/// - otherwise spectral clustering: cosine affinity, per row only the largest `max(p·N, 6)`
///   entries kept (p = 0.022), symmetrised, zero diagonal, unnormalised Laplacian, its 16 smallest
///   eigenvalues; the number of speakers is 1 + the index of the largest gap between consecutive
///   ones (or the preset number), and k-means on that many smallest eigenvectors;
/// - without a preset number, ``mergeByCosine(_:embeddings:threshold:)``: clusters whose centroids
///   have a cosine of at least 0.78 are merged, the most similar pair first.
///
/// Beyond ``spectralLimit`` windows FunASR switches to UMAP + HDBSCAN (or k-means with a preset
/// number). Here (docs/decisions.md, "Speaker clustering beyond 2048 windows") spectral clustering
/// runs on at most ``spectralLimit`` windows taken at an even stride, every window is then given the
/// cluster whose centroid is nearest by cosine, and the merge follows as usual; with a preset
/// number, k-means on the L2-normalised embeddings as FunASR. Time and memory stay bounded:
/// O(2048²) for the affinity, O(N·k) for the assignment.
public struct SpeakerClustering: Sendable {
    /// Below this many windows everything is one speaker.
    public static let minimumWindows = 20
    /// Up to this many windows (exclusive) spectral clustering runs on all of them.
    public static let spectralLimit = 2048
    /// FunASR's `pval` and `merge_thr`, and the range of speaker counts the eigengap considers.
    public var pruning = 0.022
    public var mergeThreshold = 0.78
    public var minSpeakers = 1
    public var maxSpeakers = 15

    public init() {}

    /// What clustering produced: the final labels and the intermediate ones, for tests and reports.
    public struct Outcome: Sendable, Equatable {
        /// Labels before merging (k-means numbering by first appearance).
        public var raw: [Int]
        /// Final labels (after the merge when no number was preset).
        public var labels: [Int]
        /// Eigenvalues used for the eigengap (empty when no spectral step ran).
        public var eigenvalues: [Double]
    }

    /// The speaker of every embedding. `speakers`: FunASR's `preset_spk_num` (nil: estimated).
    /// - Throws: `SenseVoiceError(.invalidOption)` for a preset number below 1;
    ///   `.internalError` when the eigensolver fails.
    public func cluster(_ embeddings: [[Float]], speakers: Int? = nil) throws -> Outcome {
        if let speakers, speakers < 1 {
            throw SenseVoiceError(.invalidOption, "the number of speakers must be at least 1, found \(speakers)")
        }
        let n = embeddings.count
        if n < Self.minimumWindows {
            let zeros = [Int](repeating: 0, count: n)
            return Outcome(raw: zeros, labels: zeros, eigenvalues: [])
        }
        let unit = embeddings.map(Self.normalised)
        var raw: [Int]
        var eigenvalues: [Double] = []
        if n < Self.spectralLimit {
            (raw, eigenvalues) = try spectral(unit, speakers: speakers)
        } else if let speakers {
            raw = KMeans(clusters: speakers).labels(unit)
        } else {
            let stride = (n + Self.spectralLimit - 1) / Self.spectralLimit
            let sample = Swift.stride(from: 0, to: n, by: stride).map { unit[$0] }
            let (sampleLabels, values) = try spectral(sample, speakers: nil)
            eigenvalues = values
            let k = (sampleLabels.max() ?? 0) + 1
            var centres = [[Double]](repeating: [Double](repeating: 0, count: unit[0].count), count: k)
            for (i, l) in sampleLabels.enumerated() {
                for j in 0..<centres[l].count { centres[l][j] += sample[i][j] }
            }
            centres = centres.map(Self.normalised)
            raw = unit.map { e in
                var best = 0, bestCos = -Double.infinity
                for (c, centre) in centres.enumerated() {
                    let cos = Self.dot(e, centre)
                    if cos > bestCos { bestCos = cos; best = c }
                }
                return best
            }
            raw = KMeans.byFirstAppearance(raw)
        }
        var labels = raw
        if speakers == nil {
            labels = Self.mergeByCosine(raw, embeddings: embeddings, threshold: mergeThreshold)
        }
        return Outcome(raw: raw, labels: labels, eigenvalues: eigenvalues)
    }

    /// Spectral clustering of unit vectors: labels and the eigenvalues of the eigengap.
    func spectral(_ unit: [[Double]], speakers: Int?) throws -> ([Int], [Double]) {
        let n = unit.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                let s = Self.dot(unit[i], unit[j])
                a[i * n + j] = s
                a[j * n + i] = s
            }
        }
        // p-pruning: keep the largest n − int((1 − p)·n) entries of each row.
        let p = Double(n) * pruning < 6 ? 6.0 / Double(n) : pruning
        let dropped = Int((1 - p) * Double(n))
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n { order[j] = j }
            let row = i * n
            order.sort { a[row + $0] < a[row + $1] || (a[row + $0] == a[row + $1] && $0 < $1) }
            for j in order.prefix(dropped) { a[row + j] = 0 }
        }
        // Symmetrise, zero the diagonal, L = D − A with D the row sums of |A|.
        var laplacian = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            var degree = 0.0
            for j in 0..<n where j != i {
                let v = 0.5 * (a[i * n + j] + a[j * n + i])
                laplacian[i * n + j] = -v
                degree += abs(v)
            }
            laplacian[i * n + i] = degree
        }
        let gapCount = min(maxSpeakers + 1, n)
        let wanted = max(min(max(speakers ?? 0, gapCount), n), 1)
        let eigen = try SymmetricEigen(symmetric: laplacian, n: n, count: wanted)
        let k: Int
        let values = Array(eigen.values[(minSpeakers - 1)..<min(gapCount, eigen.values.count)])
        if let speakers {
            k = min(speakers, n)
        } else {
            var best = 0, bestGap = -Double.infinity
            for i in 0..<(values.count - 1) where values[i + 1] - values[i] > bestGap {
                bestGap = values[i + 1] - values[i]
                best = i
            }
            k = best + minSpeakers
        }
        let points = (0..<n).map { i in (0..<k).map { eigen.vectors[$0][i] } }
        return (KMeans(clusters: k).labels(points), values)
    }

    /// FunASR's `merge_by_cos`: while there is more than one cluster, the pair of clusters whose
    /// L2-normalised mean embeddings are most similar (first pair i < j on ties) is merged into the
    /// lower label if their cosine is at least `threshold`; labels above the merged one shift down.
    public static func mergeByCosine(_ labels: [Int], embeddings: [[Float]], threshold: Double) -> [Int] {
        var labels = labels
        while true {
            let count = (labels.max() ?? 0) + 1
            if count <= 1 { break }
            let dim = embeddings[0].count
            var centres = [[Double]](repeating: [Double](repeating: 0, count: dim), count: count)
            var sizes = [Int](repeating: 0, count: count)
            for (i, l) in labels.enumerated() {
                sizes[l] += 1
                for j in 0..<dim { centres[l][j] += Double(embeddings[i][j]) }
            }
            centres = centres.enumerated().map { c, v in normalised(v.map { $0 / Double(max(sizes[c], 1)) }) }
            var best = (i: 0, j: 0, cos: 0.0)
            for i in 0..<count {
                for j in (i + 1)..<count {
                    let cos = dot(centres[i], centres[j])
                    if cos > best.cos { best = (i, j, cos) }
                }
            }
            if best.cos < threshold || best.j == 0 { break }
            labels = labels.map { l in l == best.j ? best.i : (l > best.j ? l - 1 : l) }
        }
        return labels
    }

    static func normalised(_ v: [Float]) -> [Double] { normalised(v.map(Double.init)) }

    static func normalised(_ v: [Double]) -> [Double] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
}
