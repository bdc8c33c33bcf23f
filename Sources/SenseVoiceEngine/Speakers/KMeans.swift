// Follows sklearn.cluster.k_means as FunASR calls it (k-means++ seeding, Lloyd iterations), made deterministic.

import Foundation

/// k-means clustering of points in double precision: greedy k-means++ seeding and Lloyd
/// iterations, repeated from several seeds of a fixed generator, keeping the lowest inertia.
///
/// FunASR calls scikit-learn's `k_means` with one unseeded initialisation, so its own labels
/// may change from run to run; this one is repeatable and, with several initialisations, at
/// least as likely to find the best partition. Labels are numbered by first appearance.
struct KMeans {
    let clusters: Int
    var initialisations = 10
    var maxIterations = 300
    var seed: UInt64 = 0x5EED_CA11

    /// The label of every point (`points[i]` all of the same length).
    func labels(_ points: [[Double]]) -> [Int] {
        let n = points.count
        guard n > 0 else { return [] }
        let k = min(clusters, n)
        guard k > 1 else { return [Int](repeating: 0, count: n) }
        var rng = SplitMix64(seed: seed)
        var best: (inertia: Double, labels: [Int])?
        for _ in 0..<initialisations {
            let run = lloyd(points, k: k, centres: seeding(points, k: k, rng: &rng))
            if best == nil || run.inertia < best!.inertia - 1e-12 { best = run }
        }
        return Self.byFirstAppearance(best!.labels)
    }

    /// Renumbers labels 0, 1, … in order of first appearance.
    static func byFirstAppearance(_ labels: [Int]) -> [Int] {
        var map: [Int: Int] = [:]
        return labels.map { l in
            if let m = map[l] { return m }
            map[l] = map.count
            return map.count - 1
        }
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { let d = a[i] - b[i]; s += d * d }
        return s
    }

    /// Greedy k-means++: each new centre is the best of 2 + ⌊ln k⌋ candidates drawn in proportion to
    /// the squared distance to the nearest centre so far.
    private func seeding(_ points: [[Double]], k: Int, rng: inout SplitMix64) -> [[Double]] {
        let n = points.count
        var centres = [points[rng.index(n)]]
        var closest = points.map { Self.distance($0, centres[0]) }
        let trials = 2 + Int(Foundation.log(Double(k)))
        while centres.count < k {
            let total = closest.reduce(0, +)
            var bestCandidate = -1
            var bestPotential = Double.infinity
            for _ in 0..<trials {
                var r = rng.unit() * total
                var c = n - 1
                for i in 0..<n {
                    r -= closest[i]
                    if r < 0 { c = i; break }
                }
                var potential = 0.0
                for i in 0..<n { potential += min(closest[i], Self.distance(points[i], points[c])) }
                if potential < bestPotential { bestPotential = potential; bestCandidate = c }
            }
            centres.append(points[bestCandidate])
            for i in 0..<n { closest[i] = min(closest[i], Self.distance(points[i], points[bestCandidate])) }
        }
        return centres
    }

    /// Lloyd iterations until no label changes; an emptied cluster takes the point farthest from its centre.
    private func lloyd(_ points: [[Double]], k: Int, centres start: [[Double]]) -> (inertia: Double, labels: [Int]) {
        let n = points.count, d = points[0].count
        var centres = start
        var labels = [Int](repeating: -1, count: n)
        for _ in 0..<maxIterations {
            var changed = false
            for i in 0..<n {
                var bestC = 0, bestD = Double.infinity
                for c in 0..<k {
                    let dist = Self.distance(points[i], centres[c])
                    if dist < bestD { bestD = dist; bestC = c }
                }
                if labels[i] != bestC { labels[i] = bestC; changed = true }
            }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[labels[i]] += 1
                for j in 0..<d { sums[labels[i]][j] += points[i][j] }
            }
            for c in 0..<k where counts[c] == 0 {
                var far = 0, farD = -1.0
                for i in 0..<n where counts[labels[i]] > 1 {
                    let dist = Self.distance(points[i], centres[labels[i]])
                    if dist > farD { farD = dist; far = i }
                }
                counts[labels[far]] -= 1
                for j in 0..<d { sums[labels[far]][j] -= points[far][j] }
                labels[far] = c
                counts[c] = 1
                sums[c] = points[far]
                changed = true
            }
            for c in 0..<k { centres[c] = sums[c].map { $0 / Double(counts[c]) } }
            if !changed { break }
        }
        var inertia = 0.0
        for i in 0..<n { inertia += Self.distance(points[i], centres[labels[i]]) }
        return (inertia, labels)
    }
}
