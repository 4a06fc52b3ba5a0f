extension Color {
    /// Whether `value` is a member of this color (shape and int ranges).
    public func contains(_ value: Value) -> Bool {
        switch (kind, value) {
        case (.unit, .unit), (.bool, .bool): return true
        case let (.int(range), .int(i)): return range?.contains(i) ?? true
        case let (.enumeration(cases), .enumCase(i)): return i >= 0 && i < cases.count
        case let (.record(fields), .record(parts)):
            return fields.count == parts.count && zip(fields, parts).allSatisfy { $0.color.contains($1) }
        case let (.tuple(colors), .tuple(parts)):
            return colors.count == parts.count && zip(colors, parts).allSatisfy { $0.contains($1) }
        default: return false
        }
    }

    /// The value as it is written in a net file: `shop`, `(p1, {domain: shop, prio: 2})`.
    public func format(_ value: Value) -> String {
        switch (kind, value) {
        case (_, .unit): return "()"
        case let (_, .bool(b)): return b ? "true" : "false"
        case let (_, .int(i)): return String(i)
        case let (.enumeration(cases), .enumCase(i)) where i >= 0 && i < cases.count: return cases[i]
        case let (.record(fields), .record(parts)) where fields.count == parts.count:
            return "{" + zip(fields, parts).map { "\($0.name): \($0.color.format($1))" }.joined(separator: ", ") + "}"
        case let (.tuple(colors), .tuple(parts)) where colors.count == parts.count:
            return "(" + zip(colors, parts).map { $0.format($1) }.joined(separator: ", ") + ")"
        case let (_, .enumCase(i)): return "#\(i)"
        case let (_, .record(parts)), let (_, .tuple(parts)):
            return "(" + parts.map { Color.anyInt.format($0) }.joined(separator: ", ") + ")"
        }
    }
}
