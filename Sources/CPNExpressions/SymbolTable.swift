import CPNModel

/// The names an expression can refer to outside its own variables: colors,
/// constants (already evaluated), enum cases, and places (in properties).
public struct SymbolTable: Sendable {
    public var colors: [String: Color] = ["Unit": .unit, "Bool": .bool]
    public var constants: [String: (color: Color, value: Value)] = [:]
    /// Enum case name → the enum colors that declare it (usually one).
    public var enumCases: [String: [Color]] = [:]
    public var places: [String: (index: Int, color: Color)] = [:]
    /// Names that are declared but failed to check (a place whose color is
    /// unknown, say). Uses of them stay silent: their own error is reported
    /// once, where they are declared, instead of cascading.
    public var failed: Set<String> = []

    public init() {}

    public mutating func declare(enumColor color: Color) {
        for c in color.cases ?? [] where !(enumCases[c]?.contains(color) ?? false) {
            enumCases[c, default: []].append(color)
        }
    }
}

/// Where an expression stands, which decides what it may use.
public enum ExpressionContext: Sendable {
    /// Constants, int range bounds, initial tokens: constants and enum cases only.
    case constant
    /// Guards, arc inscriptions, delays: plus the transition's variables.
    case transition
    /// Invariants and `final`: plus places, `count`, `size`, `sum`.
    case property
}
