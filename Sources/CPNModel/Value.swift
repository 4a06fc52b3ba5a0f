/// A token value, or the value of an expression. Record fields are stored in
/// the order their color declares them; enum cases by their index in the enum.
/// A value means nothing without its color: `Color.format(_:)` prints it.
public enum Value: Hashable, Sendable, Comparable {
    case unit
    case bool(Bool)
    case int(Int)
    case enumCase(Int)
    case record([Value])
    case tuple([Value])

    public var asBool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var asInt: Int? { if case .int(let i) = self { i } else { nil } }

    /// The parts of a record or tuple, in order.
    public var parts: [Value]? {
        switch self {
        case .record(let p), .tuple(let p): p
        default: nil
        }
    }

    /// A total order used to print multisets and enumerate bindings in a
    /// stable order on every machine (never for semantics).
    public static func < (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.unit, .unit): return false
        case let (.bool(x), .bool(y)): return !x && y
        case let (.int(x), .int(y)): return x < y
        case let (.enumCase(x), .enumCase(y)): return x < y
        case let (.record(x), .record(y)), let (.tuple(x), .tuple(y)):
            return x.lexicographicallyPrecedes(y)
        default: return a.rank < b.rank
        }
    }

    private var rank: Int {
        switch self {
        case .unit: 0
        case .bool: 1
        case .int: 2
        case .enumCase: 3
        case .record: 4
        case .tuple: 5
        }
    }
}
