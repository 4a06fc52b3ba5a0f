/// A color is the type of the tokens a place holds. Every color a place can have
/// is finite, which is what makes exhaustive exploration possible.
///
/// Expressions reuse colors as their static types; arithmetic produces an Int
/// with no range (`Color.anyInt`), which is range-checked when it becomes a
/// token or a field of a bounded color.
public struct Color: Hashable, Sendable, CustomStringConvertible {
    /// The declared name (`Target`), or nil for an inline color.
    public var name: String?
    public var kind: Kind

    public indirect enum Kind: Hashable, Sendable {
        case unit
        case bool
        /// Integers in `range`; nil only for the static type of arithmetic.
        case int(ClosedRange<Int>?)
        case enumeration([String])
        case record([Field])
        case tuple([Color])
    }

    public struct Field: Hashable, Sendable {
        public var name: String
        public var color: Color
        public init(name: String, color: Color) {
            self.name = name
            self.color = color
        }
    }

    public init(name: String? = nil, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public static let unit = Color(name: "Unit", .unit)
    public static let bool = Color(name: "Bool", .bool)
    public static let anyInt = Color(name: "Int", .int(nil))

    public var isInt: Bool { if case .int = kind { true } else { false } }
    public var isBool: Bool { kind == .bool }

    public var fields: [Field]? { if case .record(let f) = kind { f } else { nil } }
    public var components: [Color]? { if case .tuple(let c) = kind { c } else { nil } }
    public var cases: [String]? { if case .enumeration(let c) = kind { c } else { nil } }

    /// Whether a value of `other` may be used where `self` is expected.
    /// Int ranges are ignored here (they are checked on values); enums are
    /// compared by name, so two enums with the same cases stay distinct.
    public func accepts(_ other: Color) -> Bool {
        switch (kind, other.kind) {
        case (.unit, .unit), (.bool, .bool), (.int, .int): return true
        case let (.enumeration(a), .enumeration(b)): return a == b && name == other.name
        case let (.record(a), .record(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.color.accepts($1.color) }
        case let (.tuple(a), .tuple(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.accepts($1) }
        default: return false
        }
    }

    /// The color as a reader would write it: its name, or its structure.
    public var description: String {
        if let name { return name }
        return structure
    }

    /// `Name (structure)` for a named color, the structure alone otherwise:
    /// for messages where the reader needs to see what the color holds.
    public var explained: String {
        name.map { $0 == structure ? $0 : "`\($0)` (\(structure))" } ?? "`\(structure)`"
    }

    /// The structure of the color, ignoring its own name (names of parts stay).
    public var structure: String {
        switch kind {
        case .unit: return "Unit"
        case .bool: return "Bool"
        case .int(nil): return "Int"
        case .int(let r?): return "Int[\(r.lowerBound)..\(r.upperBound)]"
        case .enumeration(let cases): return "enum{" + cases.joined(separator: ", ") + "}"
        case .record(let fields): return "{" + fields.map { "\($0.name): \($0.color)" }.joined(separator: ", ") + "}"
        case .tuple(let parts): return "(" + parts.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
