/// Durations counted in buckets that grow by a quarter of a power of two
/// (each bucket's upper bound is about 19% above the last), so percentiles are
/// known to within that step in constant memory however long a run lasts,
/// and the histograms of several workers (or processes) add up.
///
/// ```swift
/// var h = LatencyHistogram()
/// h.record(micros: 850)
/// h.percentile(0.99)   // 861: the upper bound of 850's bucket
/// ```
public struct LatencyHistogram: Sendable, Equatable {
    /// Bucket i holds durations up to `upperBound(i)` µs (and above the bound of i − 1).
    public private(set) var counts: [Int]
    public private(set) var total = 0
    public private(set) var sumMicros: Int64 = 0

    /// Up to 2^40 µs (12 days): longer durations count in the last bucket.
    public static let bucketCount = 4 * 40 + 1

    public init() { counts = Array(repeating: 0, count: Self.bucketCount) }

    public static func upperBound(_ bucket: Int) -> Int64 {
        guard bucket > 0 else { return 1 }
        // 2^(bucket/4), rounded up to a whole microsecond.
        let exact = Double(sign: .plus, exponent: bucket / 4, significand: [1.0, 1.189_207_115, 1.414_213_562, 1.681_792_831][bucket % 4])
        return Int64(exact.rounded(.up))
    }

    static func bucket(_ micros: Int64) -> Int {
        guard micros > 1 else { return 0 }
        var i = min(bucketCount - 1, max(0, 4 * (63 - micros.leadingZeroBitCount) - 1))
        while i < bucketCount - 1 && upperBound(i) < micros { i += 1 }
        return i
    }

    /// Counts `count` events of `micros` each (a batch: its firings commit together).
    public mutating func record(micros: Int64, count: Int = 1) {
        guard count > 0 else { return }
        counts[Self.bucket(max(0, micros))] += count
        total += count
        sumMicros &+= max(0, micros) &* Int64(count)
    }

    public mutating func add(_ other: LatencyHistogram) {
        for i in counts.indices { counts[i] += other.counts[i] }
        total += other.total
        sumMicros &+= other.sumMicros
    }

    /// The smallest bucket bound at or below which a fraction `q` of the durations lie; nil when empty.
    public func percentile(_ q: Double) -> Int64? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (i, n) in counts.enumerated() {
            seen += n
            if seen >= rank { return Self.upperBound(i) }
        }
        return Self.upperBound(counts.count - 1)
    }

    /// (upper bound µs, count) of the buckets that hold something, in order.
    public var nonEmptyBuckets: [(upperMicros: Int64, count: Int)] {
        counts.enumerated().filter { $0.element > 0 }.map { (Self.upperBound($0.offset), $0.element) }
    }
}
