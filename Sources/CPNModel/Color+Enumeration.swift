/// Colors are finite: their values can be counted, numbered and listed. The
/// numbering is mixed-radix over the parts, in declaration order, so value
/// `index` is the same on every machine (the explorer interns tokens by it).
extension Color {
    /// The number of values, or nil when it does not fit in an Int (or the
    /// color is the unbounded static Int).
    public var cardinality: Int? {
        switch kind {
        case .unit: return 1
        case .bool: return 2
        case .int(nil): return nil
        case .int(let r?):
            let (width, overflow) = r.upperBound.subtractingReportingOverflow(r.lowerBound)
            guard !overflow, width < Int.max else { return nil }
            return width + 1
        case .enumeration(let cases): return cases.count
        case .record(let fields): return Color.product(fields.map(\.color.cardinality))
        case .tuple(let parts): return Color.product(parts.map(\.cardinality))
        }
    }

    private static func product(_ sizes: [Int?]) -> Int? {
        var total = 1
        for size in sizes {
            guard let size else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = p
        }
        return total
    }

    /// The value numbered `index` (0 ..< cardinality), or nil outside that range.
    public func value(at index: Int) -> Value? {
        guard let n = cardinality, index >= 0, index < n else { return nil }
        switch kind {
        case .unit: return .unit
        case .bool: return .bool(index == 1)
        case .int(let r?): return .int(r.lowerBound + index)
        case .int(nil): return nil
        case .enumeration: return .enumCase(index)
        case .record(let fields): return Color.decompose(index, fields.map(\.color)).map(Value.record)
        case .tuple(let parts): return Color.decompose(index, parts).map(Value.tuple)
        }
    }

    /// The number of `value` (inverse of `value(at:)`), or nil if it is not a member.
    public func index(of value: Value) -> Int? {
        switch (kind, value) {
        case (.unit, .unit): return 0
        case let (.bool, .bool(b)): return b ? 1 : 0
        case let (.int(r?), .int(i)): return r.contains(i) ? i - r.lowerBound : nil
        case let (.enumeration(c), .enumCase(i)): return i >= 0 && i < c.count ? i : nil
        case let (.record(fields), .record(parts)): return Color.compose(parts, fields.map(\.color))
        case let (.tuple(colors), .tuple(parts)): return Color.compose(parts, colors)
        default: return nil
        }
    }

    /// Every value in index order. Callers check `cardinality` first: this
    /// materialises them all.
    public var allValues: [Value] {
        guard let n = cardinality else { return [] }
        return (0..<n).compactMap { value(at: $0) }
    }

    // The last part varies fastest, like counting.
    private static func decompose(_ index: Int, _ colors: [Color]) -> [Value]? {
        var rest = index
        var parts = [Value](repeating: .unit, count: colors.count)
        for i in colors.indices.reversed() {
            guard let n = colors[i].cardinality, n > 0 else { return nil }
            guard let v = colors[i].value(at: rest % n) else { return nil }
            parts[i] = v
            rest /= n
        }
        return parts
    }

    private static func compose(_ parts: [Value], _ colors: [Color]) -> Int? {
        guard parts.count == colors.count else { return nil }
        var index = 0
        for (part, color) in zip(parts, colors) {
            guard let n = color.cardinality, let i = color.index(of: part) else { return nil }
            let (scaled, o1) = index.multipliedReportingOverflow(by: n)
            let (sum, o2) = scaled.addingReportingOverflow(i)
            if o1 || o2 { return nil }
            index = sum
        }
        return index
    }
}
