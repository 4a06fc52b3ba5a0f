/// The Farkas algorithm (Fourier–Motzkin elimination as the double-description
/// method): every minimal-support non-negative integer solution y ≥ 0, y ≠ 0 of
/// y·A = 0.
///
/// For P-invariants the variables are the unfolded places and A is the
/// incidence matrix (a solution is a weighting no firing changes); for
/// T-invariants the variables are the bindings and A the transposed incidence
/// (a solution is a multiset of firings that returns to the marking it started
/// from).
///
/// Each step eliminates one constraint: rows with a positive and a negative
/// entry in it are combined pairwise, rows with a zero stay. Only pairs that are
/// adjacent are combined (no third row's support lies inside the union of their
/// supports), which keeps exactly the extreme rays, i.e. the solutions of
/// minimal support, and no redundant combination. The number of rows can still
/// grow exponentially, so the algorithm stops, and says so, past `maxRows` rows
/// or when `shouldStop` returns true.
struct Farkas {
    struct Limits {
        var maxRows: Int
        /// Support comparisons allowed in adjacency tests (quadratic in the rows), in all.
        var maxComparisons = 20_000_000
        var shouldStop: () -> Bool = { false }
    }

    enum Outcome {
        /// Each solution as (variable, weight) pairs, variables ascending, weights > 0 with gcd 1.
        case solutions([[(variable: Int, weight: Int)]])
        case stopped(String)
    }

    /// A sparse vector: (index, value) pairs with index ascending and value ≠ 0.
    typealias Sparse = [(Int, Int)]

    private struct Row {
        var y: Sparse
        /// y·A over the constraints not eliminated yet.
        var d: Sparse
        var support: [UInt64]
        /// The number of non-zero weights (bits set in `support`).
        var size: Int { y.count }

        func value(at constraint: Int) -> Int {
            var lo = 0, hi = d.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if d[mid].0 < constraint { lo = mid + 1 } else { hi = mid }
            }
            return lo < d.count && d[lo].0 == constraint ? d[lo].1 : 0
        }
    }

    /// `rows[i]` is row i of A: the constraints variable i appears in, with its coefficient.
    static func solve(rows: [Sparse], limits: Limits) -> Outcome {
        let n = rows.count
        let words = (n + 63) / 64
        var current: [Row] = rows.enumerated().map { i, a in
            var support = [UInt64](repeating: 0, count: words)
            support[i / 64] |= 1 << UInt64(i % 64)
            return Row(y: [(i, 1)], d: a.filter { $0.1 != 0 }.sorted { $0.0 < $1.0 }, support: support)
        }
        guard current.count <= limits.maxRows else { return .stopped("\(n) variables, more than the limit of \(limits.maxRows) rows") }
        var remaining = Set(current.flatMap { $0.d.map(\.0) })
        var eliminated = 0, comparisons = 0
        while !remaining.isEmpty {
            if limits.shouldStop() { return .stopped("stopped by the time limit") }
            // Eliminate the constraint that creates the fewest new rows.
            var positive: [Int: Int] = [:], negative: [Int: Int] = [:]
            for row in current {
                for (j, v) in row.d { if v > 0 { positive[j, default: 0] += 1 } else { negative[j, default: 0] += 1 } }
            }
            let j = remaining.min { a, b in
                let ga = (positive[a] ?? 0) * (negative[a] ?? 0) - (positive[a] ?? 0) - (negative[a] ?? 0)
                let gb = (positive[b] ?? 0) * (negative[b] ?? 0) - (positive[b] ?? 0) - (negative[b] ?? 0)
                return ga != gb ? ga < gb : a < b
            }!
            remaining.remove(j)
            eliminated += 1
            var pos: [Row] = [], neg: [Row] = [], next: [Row] = []
            for row in current {
                let v = row.value(at: j)
                if v > 0 { pos.append(row) } else if v < 0 { neg.append(row) } else { next.append(row) }
            }
            var pairs = 0
            // Each adjacency test compares with every row: refuse a step that would exceed the budget.
            let (work, overflow) = pos.count.multipliedReportingOverflow(by: neg.count)
            let (stepComparisons, overflow2) = work.multipliedReportingOverflow(by: current.count)
            comparisons += overflow || overflow2 ? Int.max / 2 : stepComparisons
            if comparisons > limits.maxComparisons {
                return .stopped("more than \(limits.maxComparisons) support comparisons")
            }
            for p in pos {
                for q in neg {
                    pairs += 1
                    if pairs & 255 == 0, limits.shouldStop() { return .stopped("stopped by the time limit") }
                    let union = zip(p.support, q.support).map { $0 | $1 }
                    // An extreme ray satisfies `eliminated` independent equalities, so it has at
                    // most eliminated + 1 non-zero weights: a cheap necessary test first.
                    let size = union.reduce(0) { $0 + $1.nonzeroBitCount }
                    guard size <= eliminated + 1, adjacent(union, size, excluding: p, q, in: current) else { continue }
                    guard let combined = combine(p, q, at: j, words: words) else {
                        return .stopped("weights overflow 64-bit integers")
                    }
                    next.append(combined)
                    if next.count > limits.maxRows {
                        return .stopped("more than \(limits.maxRows) intermediate rows")
                    }
                }
            }
            current = next
        }
        // Adjacent combinations give each extreme ray once; drop repeats anyway.
        var seen = Set<[UInt64]>()
        var out: [[(variable: Int, weight: Int)]] = []
        for row in current where seen.insert(row.support).inserted {
            out.append(row.y.map { (variable: $0.0, weight: $0.1) })
        }
        return .solutions(out.sorted { lexicographicallyPrecedes($0, $1) })
    }

    /// Whether no row of `rows` other than `a` and `b` has its support inside `union`.
    private static func adjacent(_ union: [UInt64], _ size: Int, excluding a: Row, _ b: Row, in rows: [Row]) -> Bool {
        for r in rows where r.size <= size {
            var inside = true
            for w in r.support.indices where r.support[w] & ~union[w] != 0 { inside = false; break }
            guard inside else { continue }
            if r.support == a.support || r.support == b.support { continue }
            return false
        }
        return true
    }

    /// |b_j|·a + a_j·b, which is 0 at constraint j, divided by the gcd of its weights.
    private static func combine(_ a: Row, _ b: Row, at j: Int, words: Int) -> Row? {
        let ka = -b.value(at: j), kb = a.value(at: j)
        guard let y = add(a.y, ka, b.y, kb), let d = add(a.d, ka, b.d, kb) else { return nil }
        var g = 0
        for (_, v) in y { g = gcd(g, v) }
        let yn = g > 1 ? y.map { ($0.0, $0.1 / g) } : y
        let dn = g > 1 ? d.map { ($0.0, $0.1 / g) } : d
        let support = zip(a.support, b.support).map { $0 | $1 }
        return Row(y: yn, d: dn.filter { $0.0 != j }, support: support)
    }

    /// ka·x + kb·y for sparse vectors, nil on overflow.
    private static func add(_ x: Sparse, _ ka: Int, _ y: Sparse, _ kb: Int) -> Sparse? {
        var out: Sparse = []
        out.reserveCapacity(x.count + y.count)
        var i = 0, k = 0
        while i < x.count || k < y.count {
            let index: Int, value: Int
            if k == y.count || (i < x.count && x[i].0 < y[k].0) {
                let (v, o) = x[i].1.multipliedReportingOverflow(by: ka)
                if o { return nil }
                (index, value) = (x[i].0, v); i += 1
            } else if i == x.count || y[k].0 < x[i].0 {
                let (v, o) = y[k].1.multipliedReportingOverflow(by: kb)
                if o { return nil }
                (index, value) = (y[k].0, v); k += 1
            } else {
                let (v1, o1) = x[i].1.multipliedReportingOverflow(by: ka)
                let (v2, o2) = y[k].1.multipliedReportingOverflow(by: kb)
                let (v, o3) = v1.addingReportingOverflow(v2)
                if o1 || o2 || o3 { return nil }
                (index, value) = (x[i].0, v); i += 1; k += 1
            }
            if value != 0 { out.append((index, value)) }
        }
        return out
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (a.magnitude, b.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        return Int(x)
    }

    private static func lexicographicallyPrecedes(_ a: [(variable: Int, weight: Int)], _ b: [(variable: Int, weight: Int)]) -> Bool {
        for (x, y) in zip(a, b) where x.variable != y.variable || x.weight != y.weight {
            return x.variable != y.variable ? x.variable < y.variable : x.weight < y.weight
        }
        return a.count < b.count
    }
}
