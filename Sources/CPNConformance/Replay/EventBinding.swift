import CPNLoad
import CPNModel

/// What an event says about a firing: the transition, and values for some of
/// its variables or their fields (`t.domain = shop`). A binding of the net
/// agrees with the event when every constraint holds; variables the event
/// does not mention are free.
public struct EventBinding: Sendable {
    public struct Constraint: Sendable {
        public var slot: Int
        /// Field or component indices inside the variable's value.
        public var path: [Int]
        public var value: Value
        /// `t.domain`, for messages.
        public var target: String
        public var color: Color
    }

    public var transition: Int
    public var constraints: [Constraint]

    public func agrees(with slots: [Value]) -> Bool {
        constraints.allSatisfy { c in c.slot < slots.count && Self.component(of: slots[c.slot], at: c.path) == c.value }
    }

    static func component(of value: Value, at path: [Int]) -> Value? {
        var v = value
        for i in path {
            switch v {
            case .record(let parts), .tuple(let parts): guard i < parts.count else { return nil }; v = parts[i]
            default: return nil
            }
        }
        return v
    }

    /// `t.domain = shop, p = p1`.
    public var text: String { constraints.map { "\($0.target) = \($0.color.format($0.value))" }.joined(separator: ", ") }
}

/// A mapping rule resolved against the net: the transition's index, and for
/// each binding the slot, the field path and the color its value must have.
struct ResolvedRule {
    struct Target {
        var slot: Int
        var path: [Int]
        var color: Color
        var name: String
        var source: ConformanceMap.VariableBinding.Source
        /// Given by the mapping (a missing attribute is then a deviation), or a default guess.
        var explicit: Bool
    }

    var transition: Int
    var targets: [Target]
}
