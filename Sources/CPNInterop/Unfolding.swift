import CPNExpressions
import CPNLoad
import CPNModel

/// A colored net unfolded into a place/transition net: one place per
/// (place, color value) and one transition per enabled-by-types binding.
///
/// This is the classic CPN unfolding: a binding's guard and arc expressions
/// depend only on its variables, so each binding becomes a plain transition
/// with fixed token counts. It is what Promela export emits, one guarded
/// atomic step per binding, so SPIN explores exactly the markings we do.
///
/// Not every net unfolds for execution: timed tokens need a clock, `order`
/// compares the bindings enabled at a marking (not expressible per binding),
/// and colors must be finite and small. For what each binding moves (its
/// incidence), time and order do not matter: see `Options.incidenceOnly`.
public struct Unfolding: Sendable {
    /// One unfolded place: a place of the net and one value of its color.
    public struct Cell: Sendable, Hashable {
        public var place: Int
        public var valueIndex: Int
    }

    public struct Step: Sendable {
        public var transition: Int
        /// `name = value` per variable, for comments.
        public var binding: String
        /// Tokens required and removed, by cell.
        public var consumed: [Cell: Int]
        /// Tokens added, by cell.
        public var produced: [Cell: Int]
        /// Tokens required and left in place (`read:` arcs), by cell.
        public var read: [Cell: Int] = [:]
        /// `unless:` arcs: the step is enabled only while the cells of each
        /// hold fewer than `limit` tokens in all.
        public var inhibitors: [(cells: [Cell], limit: Int)] = []
    }

    public let net: CheckedNet
    /// Every cell, in place order then value order.
    public let cells: [Cell]
    public let initial: [Cell: Int]
    public let steps: [Step]

    /// Limits that keep an unfolding printable.
    public static let maxColorCardinality = 4_096
    public static let maxSteps = 200_000

    /// What the unfolding is for, and how far it may go.
    public struct Options: Sendable {
        /// Unfold timed and ordered nets too, for what a firing moves (the
        /// incidence of each binding), not for executing them: delays and
        /// `order` only restrict which bindings fire and when, never the tokens
        /// a binding takes and adds. Structural analysis uses this; the exports
        /// keep refusing such nets, because SPIN or a PNML tool would run them.
        public var incidenceOnly = false
        public var maxColorCardinality = Unfolding.maxColorCardinality
        public var maxSteps = Unfolding.maxSteps
        /// Stop after trying this many candidate bindings (values offered to
        /// input patterns), guards failing included; nil for no limit.
        public var maxCandidates: Int?
        /// Checked between candidates: stop when it returns true.
        public var shouldStop: (@Sendable () -> Bool)?

        public init() {}
    }

    public init(_ net: CheckedNet) throws(InteropError) {
        try self.init(net, options: Options())
    }

    public init(_ net: CheckedNet, options: Options) throws(InteropError) {
        self.net = net
        for place in net.places where !options.incidenceOnly {
            if place.initial.contains(where: { $0.delay > 0 }) {
                throw InteropError("place `\(place.name)` has timed initial tokens; timed nets cannot be unfolded",
                                   help: "remove the `@+` delays, or verify the net with `cpn-author verify`")
            }
            if place.order != nil {
                throw InteropError("place `\(place.name)` has an `order`; priorities cannot be unfolded binding by binding",
                                   help: "drop `order` for export: it only removes behaviours, so SPIN then checks a superset")
            }
        }
        for place in net.places {
            guard let n = place.color.cardinality, n <= options.maxColorCardinality else {
                throw InteropError("place `\(place.name)` has color `\(place.color)` with too many values to unfold",
                                   help: "use a bounded color with at most \(options.maxColorCardinality) values")
            }
        }
        if !options.incidenceOnly, net.hasPriorities, let t = net.transitions.first(where: { $0.priority != 0 }) {
            throw InteropError("transition `\(t.name)` has a priority; priorities compare the transitions enabled in a marking, which a binding-by-binding unfolding cannot express",
                               help: "drop `priority` for export: it only removes behaviours, so the exported net has a superset of them")
        }
        for t in net.transitions where !options.incidenceOnly && t.outputs.contains(where: { $0.delay != nil }) {
            throw InteropError("transition `\(t.name)` delays its outputs; timed nets cannot be unfolded",
                               help: "remove the `@+` delays, or verify the net with `cpn-author verify`")
        }
        var cells: [Cell] = []
        for (p, place) in net.places.enumerated() {
            for i in 0..<(place.color.cardinality ?? 0) { cells.append(Cell(place: p, valueIndex: i)) }
        }
        self.cells = cells
        var initial: [Cell: Int] = [:]
        for (p, place) in net.places.enumerated() {
            for token in place.initial {
                guard let i = place.color.index(of: token.value) else { continue }
                initial[Cell(place: p, valueIndex: i), default: 0] += token.count
            }
        }
        self.initial = initial
        var steps: [Step] = []
        var budget = Budget(options: options, placeValues: net.places.map(\.color.allValues))
        for (ti, t) in net.transitions.enumerated() {
            var ctx = EvalContext(slotCount: t.slotCount)
            var consumed: [Cell: Int] = [:], read: [Cell: Int] = [:]
            try Self.bind(net, t, ti, 0, &ctx, &consumed, &read, &steps, &budget)
        }
        self.steps = steps
    }

    /// How much of `Options`' limits is used up.
    private struct Budget {
        let options: Options
        /// Every value of each place's color, listed once (not once per partial binding).
        let placeValues: [[Value]]
        var candidates = 0

        mutating func spend() throws(InteropError) {
            candidates += 1
            if let max = options.maxCandidates, candidates > max {
                throw InteropError("the unfolding tries more than \(max) candidate bindings",
                                   help: "use smaller colors (fewer values) or more selective input patterns")
            }
            if candidates & 1023 == 0, let stop = options.shouldStop, stop() {
                throw InteropError("the unfolding was stopped (time limit or interrupt)")
            }
        }
    }

    /// Input `i` of `t` tries every value of its place's color, as the
    /// explorer tries every token present; the guard and outputs are then
    /// evaluated once per complete binding.
    private static func bind(_ net: CheckedNet, _ t: CheckedTransition, _ ti: Int, _ i: Int, _ ctx: inout EvalContext,
                             _ consumed: inout [Cell: Int], _ read: inout [Cell: Int], _ steps: inout [Step],
                             _ budget: inout Budget) throws(InteropError) {
        if i == t.inputs.count {
            try complete(net, t, ti, &ctx, consumed, read, &steps, budget)
            return
        }
        let input = t.inputs[i]
        let color = net.places[input.place].color
        let candidates = input.pattern.constant.map { [$0] } ?? budget.placeValues[input.place]
        for value in candidates {
            try budget.spend()
            guard let index = color.index(of: value) else { continue }
            let saved = ctx.slots
            do {
                guard try input.pattern.match(value, &ctx) else { ctx.slots = saved; continue }
            } catch {
                ctx.slots = saved
                continue
            }
            let cell = Cell(place: input.place, valueIndex: index)
            if input.reads { read[cell, default: 0] += input.count } else { consumed[cell, default: 0] += input.count }
            try bind(net, t, ti, i + 1, &ctx, &consumed, &read, &steps, &budget)
            if input.reads {
                read[cell, default: 0] -= input.count
                if read[cell] == 0 { read[cell] = nil }
            } else {
                consumed[cell, default: 0] -= input.count
                if consumed[cell] == 0 { consumed[cell] = nil }
            }
            ctx.slots = saved
        }
    }

    private static func complete(_ net: CheckedNet, _ t: CheckedTransition, _ ti: Int, _ ctx: inout EvalContext,
                                 _ consumed: [Cell: Int], _ read: [Cell: Int], _ steps: inout [Step],
                                 _ budget: Budget) throws(InteropError) {
        let maxSteps = budget.options.maxSteps
        var produced: [Cell: Int] = [:]
        var inhibitors: [(cells: [Cell], limit: Int)] = []
        do {
            for inhibitor in t.inhibitors {
                let color = net.places[inhibitor.place].color
                var cells: [Cell] = []
                for value in inhibitor.pattern.constant.map({ [$0] }) ?? budget.placeValues[inhibitor.place] {
                    guard let index = color.index(of: value), try inhibitor.pattern.match(value, &ctx) else { continue }
                    cells.append(Cell(place: inhibitor.place, valueIndex: index))
                }
                if !cells.isEmpty { inhibitors.append((cells, inhibitor.count)) }
            }
            if let g = t.guardExpr, try g.evaluate(&ctx) != .bool(true) { return }
            for o in t.outputs {
                let value = try o.value.evaluate(&ctx)
                // A value outside the output place's color is a runtime error in the
                // verifier; the binding is dropped here and reported by `verify`.
                guard let index = net.places[o.place].color.index(of: value) else { return }
                produced[Cell(place: o.place, valueIndex: index), default: 0] += o.count
            }
        } catch {
            // Evaluation errors (overflow, division by zero) make the binding
            // a verifier error, not a step; `verify` reports them with a trace.
            return
        }
        guard steps.count < maxSteps else {
            throw InteropError("the unfolding has more than \(maxSteps) bindings",
                               help: "use smaller colors (fewer values) for export")
        }
        let binding = t.variables.map { v in "\(v.name) = \(v.color.format(ctx.slots[v.slot]))" }.joined(separator: ", ")
        steps.append(Step(transition: ti, binding: binding, consumed: consumed, produced: produced, read: read, inhibitors: inhibitors))
    }
}
