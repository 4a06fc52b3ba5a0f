import CPNDiagnostics
import CPNExpressions
import CPNModel

/// A net whose names are resolved, types checked and expressions compiled:
/// what the explorer, the simulator and the runtime execute.
public struct CheckedNet: Sendable {
    public let net: Net
    public let places: [CheckedPlace]
    public let transitions: [CheckedTransition]
    public let invariants: [CheckedProperty]
    /// `from ~> to` properties, in declaration order.
    public let leadsTo: [CheckedLeadsTo]
    public let final: CheckedProperty?
    public let symbols: SymbolTable

    public func placeIndex(named name: String) -> Int? { places.firstIndex { $0.name == name } }
    public func transitionIndex(named name: String) -> Int? { transitions.firstIndex { $0.name == name } }
    /// Whether transitions have different priorities (so priorities decide anything).
    public var hasPriorities: Bool { Set(transitions.map(\.priority)).count > 1 }
}

public struct CheckedPlace: Sendable {
    public let name: String
    public let color: Color
    public let capacity: Int?
    public let initial: [InitialToken]
    public let order: CheckedOrder?
    public let span: SourceSpan
}

public struct InitialToken: Sendable, Hashable {
    public let value: Value
    public let count: Int
    /// Ready time relative to the start (0 for untimed tokens).
    public let delay: Int
}

/// A place's `order`: bindings that take a token with a better key win.
public struct CheckedOrder: Sendable {
    public let highest: Bool
    public let pattern: CompiledPattern
    public let key: Evaluator
    public let slotCount: Int
    public let span: SourceSpan
}

public struct CheckedTransition: Sendable {
    public let name: String
    public let span: SourceSpan
    /// Input inscriptions (`in:` and `read:` arcs) in binding order: each
    /// one's expressions only use variables bound by the ones before it.
    public let inputs: [CheckedInput]
    public let outputs: [CheckedOutput]
    public let guardExpr: CompiledExpr?
    public let slotCount: Int
    /// The variables a binding assigns, in slot order (for traces).
    public let variables: [(name: String, color: Color, slot: Int)]
    /// `expect: dead`: never enabled in a correct net.
    public var expectDead = false
    /// `kind:`: whether the runtime fires it on its own.
    public var kind: TransitionKind = .system
    /// `unless:` arcs, tested on the marking before the firing, once the
    /// inputs are bound.
    public var inhibitors: [CheckedInhibitor] = []
    /// `priority:` (0 when not given): only the enabled transitions of the
    /// highest priority in a marking fire.
    public var priority = 0
    /// `weight:` (1 when not given): `simulate` picks among enabled bindings
    /// with probability proportional to their transition's weight.
    public var weight = 1

    /// Whether some input is a `cancel:` arc (it takes waiting tokens).
    public var cancels: Bool { inputs.contains { $0.anyReadyTime } }

    /// Whether some input is a `read:` arc or some arc is an `unless:` arc.
    public var testsWithoutTaking: Bool { !inhibitors.isEmpty || inputs.contains { $0.reads } }
}

public struct CheckedInput: Sendable {
    public let place: Int
    public let pattern: CompiledPattern
    public let count: Int
    public let span: SourceSpan
    /// A `read:` arc: the binding needs `count` ready copies, and firing
    /// leaves them in place (no change to the marking, no capacity effect).
    public var reads = false
    /// A `cancel:` arc: the copies are taken whatever their ready time.
    public var anyReadyTime = false
}

/// An `unless:` (inhibitor) arc: a binding is enabled only while `place`
/// holds fewer than `count` ready tokens that `pattern` matches (the
/// pattern binds nothing: its names are the binding's variables).
public struct CheckedInhibitor: Sendable {
    public let place: Int
    public let pattern: CompiledPattern
    public let count: Int
    public let span: SourceSpan
}

public struct CheckedOutput: Sendable {
    public let place: Int
    public let value: CompiledExpr
    public let count: Int
    public let delay: CompiledExpr?
    public let span: SourceSpan
}

public struct CheckedProperty: Sendable {
    public let name: String
    public let expr: CompiledExpr
    public let slotCount: Int
    public let description: String?
    public let span: SourceSpan
}

/// A checked `leads_to` property: two conditions over the marking.
public struct CheckedLeadsTo: Sendable {
    public let name: String
    public let from: CheckedProperty
    public let to: CheckedProperty
    public let description: String?
    public let span: SourceSpan
}

extension CheckedProperty {
    /// Whether the property holds on `marking`: the one evaluation of an
    /// invariant, `final` or a leads-to side, shared by the explorer, the
    /// simulator and the runtime. Only the value `true` holds. An evaluation that
    /// fails throws: an interruption from `budget` (time limit, Ctrl-C) stops the
    /// caller; any other failure is an expression error there, never a violation
    /// (specs/semantics.md §7).
    public func holds(on marking: any MarkingReader, budget: WorkBudget? = nil) throws(EvaluationError) -> Bool {
        var context = EvalContext(slotCount: slotCount, marking: marking, budget: budget)
        return try expr.evaluate(&context) == .bool(true)
    }
}

extension CheckedNet {
    /// The same net with only the initial tokens `keep` accepts (place
    /// index, token): a part of the net started on its own (a shard of a
    /// partitioned run).
    public func keepingInitialTokens(_ keep: (Int, InitialToken) -> Bool) -> CheckedNet {
        let kept = places.enumerated().map { p, place in
            CheckedPlace(name: place.name, color: place.color, capacity: place.capacity,
                         initial: place.initial.filter { keep(p, $0) }, order: place.order, span: place.span)
        }
        return CheckedNet(net: net, places: kept, transitions: transitions, invariants: invariants, leadsTo: leadsTo,
                          final: final, symbols: symbols)
    }
}
