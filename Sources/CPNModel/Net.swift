import CPNDiagnostics

/// A colored Petri net as written in a net file, names not yet resolved.
///
/// This is the document's structure with a source span on everything, so
/// every later check can point at the line that caused it. `CPNLoad` builds it
/// from YAML; the checker resolves it into a `CheckedNet`.
public struct Net: Sendable {
    public var name: String
    public var description: String?
    public var version: Int
    public var constants: [Constant] = []
    public var colors: [ColorDeclaration] = []
    public var places: [Place] = []
    public var transitions: [Transition] = []
    public var invariants: [Invariant] = []
    public var leadsTo: [LeadsTo] = []
    public var final: Expr?

    public init(name: String, description: String? = nil, version: Int = 1) {
        self.name = name
        self.description = description
        self.version = version
    }
}

public struct Constant: Sendable {
    public var name: String
    public var value: Expr
    public var span: SourceSpan
    public init(name: String, value: Expr, span: SourceSpan) {
        self.name = name
        self.value = value
        self.span = span
    }
}

/// A color as written: a reference to a declared color, or a structure.
public indirect enum ColorSyntax: Sendable {
    case reference(String, SourceSpan)
    case unit(SourceSpan)
    case bool(SourceSpan)
    /// `{ int: [lo, hi] }`; bounds are constant expressions.
    case int(low: Expr, high: Expr, SourceSpan)
    /// `Int` with no range: rejected by the checker, kept to point at it.
    case unboundedInt(SourceSpan)
    case enumeration([(String, SourceSpan)], SourceSpan)
    case record([(String, SourceSpan, ColorSyntax)], SourceSpan)
    case tuple([ColorSyntax], SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .reference(_, let s), .unit(let s), .bool(let s), .int(_, _, let s), .unboundedInt(let s),
             .enumeration(_, let s), .record(_, let s), .tuple(_, let s): s
        }
    }
}

public struct ColorDeclaration: Sendable {
    public var name: String
    public var syntax: ColorSyntax
    public var span: SourceSpan
    public init(name: String, syntax: ColorSyntax, span: SourceSpan) {
        self.name = name
        self.syntax = syntax
        self.span = span
    }
}

/// A token term: an expression, how many copies, and (on output arcs and in
/// initial markings) a delay after which the tokens become ready.
public struct Inscription: Sendable {
    public var expr: Expr
    public var count: Int
    public var delay: Expr?
    public var span: SourceSpan
    /// Written as a bare YAML integer (`initial: 3`): on a Unit place this
    /// means that many `()` tokens, on an Int place the token `3`.
    public var isBareInteger: Bool
    /// `count:` written as a constant expression (`count: N`), resolved by
    /// the checker; `count` is then 1 until it is.
    public var countExpr: Expr? = nil
    public init(expr: Expr, count: Int = 1, delay: Expr? = nil, span: SourceSpan, isBareInteger: Bool = false) {
        self.expr = expr
        self.count = count
        self.delay = delay
        self.span = span
        self.isBareInteger = isBareInteger
    }
}

/// Which token an input arc prefers when a place is ordered: only bindings
/// that take a token with the highest (or lowest) key are enabled.
public struct PlaceOrder: Sendable {
    public var highest: Bool
    /// A lambda `t => key` from the token to an Int.
    public var key: Expr
    public var span: SourceSpan
    public init(highest: Bool, key: Expr, span: SourceSpan) {
        self.highest = highest
        self.key = key
        self.span = span
    }
}

public struct Place: Sendable {
    public var name: String
    public var color: ColorSyntax
    public var initial: [Inscription]
    public var capacity: Int?
    public var capacitySpan: SourceSpan?
    /// `capacity:` written as a constant expression (`capacity: MAX`),
    /// resolved by the checker (`capacity` is then nil).
    public var capacityExpr: Expr? = nil
    public var order: PlaceOrder?
    public var description: String?
    public var span: SourceSpan
    public init(name: String, color: ColorSyntax, initial: [Inscription] = [], capacity: Int? = nil,
                capacitySpan: SourceSpan? = nil, order: PlaceOrder? = nil, description: String? = nil,
                span: SourceSpan) {
        self.name = name
        self.color = color
        self.initial = initial
        self.capacity = capacity
        self.capacitySpan = capacitySpan
        self.order = order
        self.description = description
        self.span = span
    }
}

public struct Arc: Sendable {
    public var place: String
    public var placeSpan: SourceSpan
    public var inscriptions: [Inscription]
    public init(place: String, placeSpan: SourceSpan, inscriptions: [Inscription]) {
        self.place = place
        self.placeSpan = placeSpan
        self.inscriptions = inscriptions
    }
}

public struct Transition: Sendable {
    public var name: String
    public var inputs: [Arc]
    public var outputs: [Arc]
    /// `read:` arcs: tokens the transition needs and leaves where they are.
    public var reads: [Arc] = []
    /// `unless:` arcs (inhibitor arcs): the transition is enabled only while
    /// the place holds fewer than `count` ready tokens matching the pattern.
    public var inhibitors: [Arc] = []
    /// `cancel:` arcs: input arcs that take a token whatever its ready time
    /// (a timer still waiting), so a timeout is cancelled in one step.
    public var cancels: [Arc] = []
    /// `priority: n` (an integer, or a constant expression in `priorityExpr`):
    /// in a marking only the enabled transitions of the highest priority fire.
    public var priority: Int?
    public var priorityExpr: Expr?
    /// `weight: n` (literal, or a constant in `weightExpr`): how often
    /// `simulate` picks this transition's bindings relative to others.
    public var weight: Int?
    public var weightExpr: Expr?
    public var weightSpan: SourceSpan?
    public var guardExpr: Expr?
    public var description: String?
    /// `expect: dead`: the transition must never be enabled (a defensive
    /// branch); verify reports it only if it becomes enabled.
    public var expectDead = false
    /// `kind: fault` or `kind: environment`: explored like any other, never
    /// fired by the runtime on its own (`cpn-author inject` fires it).
    public var kind: TransitionKind = .system
    public var span: SourceSpan
    public init(name: String, inputs: [Arc] = [], outputs: [Arc] = [], guardExpr: Expr? = nil,
                description: String? = nil, span: SourceSpan) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.guardExpr = guardExpr
        self.description = description
        self.span = span
    }
}

/// Who fires a transition when the net runs for real. `verify` and
/// `simulate` treat every kind alike: a fault or an outside event can happen
/// in any marking that enables it, and the net must stay correct.
public enum TransitionKind: String, Sendable, CaseIterable {
    /// Work the system does: the runtime fires it (through a handler when one is bound).
    case system
    /// A failure the model allows for (`crash`, `lose_ack`): fired only by
    /// `cpn-author inject`, or by a handler bound to it.
    case fault
    /// Something the outside world does (a user cancels, a clock ticks
    /// elsewhere): fired only by `cpn-author inject`, or by a handler bound to it.
    case environment

    /// Whether `run` fires it on its own.
    public var firedByRuntime: Bool { self == .system }
}

public struct Invariant: Sendable {
    public var name: String
    public var expr: Expr
    public var description: String?
    public var span: SourceSpan
    public init(name: String, expr: Expr, description: String? = nil, span: SourceSpan) {
        self.name = name
        self.expr = expr
        self.description = description
        self.span = span
    }
}

/// A liveness property `from ~> to`: from every reachable marking where
/// `from` holds, every run eventually reaches a marking where `to` holds.
public struct LeadsTo: Sendable {
    public var name: String
    public var from: Expr
    public var to: Expr
    public var description: String?
    public var span: SourceSpan
    public init(name: String, from: Expr, to: Expr, description: String? = nil, span: SourceSpan) {
        self.name = name
        self.from = from
        self.to = to
        self.description = description
        self.span = span
    }
}
