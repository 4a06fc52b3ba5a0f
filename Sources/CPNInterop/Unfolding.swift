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
/// Not every net unfolds: timed tokens need a clock, `order` compares the
/// bindings enabled at a marking (not expressible per binding), and colors
/// must be finite and small.
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
    }

    public let net: CheckedNet
    /// Every cell, in place order then value order.
    public let cells: [Cell]
    public let initial: [Cell: Int]
    public let steps: [Step]

    /// Limits that keep an unfolding printable.
    public static let maxColorCardinality = 4_096
    public static let maxSteps = 200_000

    public init(_ net: CheckedNet) throws(InteropError) {
        self.net = net
        for place in net.places {
            if place.initial.contains(where: { $0.delay > 0 }) {
                throw InteropError("place `\(place.name)` has timed initial tokens; timed nets cannot be unfolded",
                                   help: "remove the `@+` delays, or verify the net with `cpn-author verify`")
            }
            if place.order != nil {
                throw InteropError("place `\(place.name)` has an `order`; priorities cannot be unfolded binding by binding",
                                   help: "drop `order` for export: it only removes behaviours, so SPIN then checks a superset")
            }
            guard let n = place.color.cardinality, n <= Self.maxColorCardinality else {
                throw InteropError("place `\(place.name)` has color `\(place.color)` with too many values to unfold",
                                   help: "use a bounded color with at most \(Self.maxColorCardinality) values")
            }
        }
        for t in net.transitions where t.outputs.contains(where: { $0.delay != nil }) {
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
        for (ti, t) in net.transitions.enumerated() {
            var ctx = EvalContext(slotCount: t.slotCount)
            var consumed: [Cell: Int] = [:]
            try Self.bind(net, t, ti, 0, &ctx, &consumed, &steps)
        }
        self.steps = steps
    }

    /// Input `i` of `t` tries every value of its place's color, as the
    /// explorer tries every token present; the guard and outputs are then
    /// evaluated once per complete binding.
    private static func bind(_ net: CheckedNet, _ t: CheckedTransition, _ ti: Int, _ i: Int, _ ctx: inout EvalContext,
                             _ consumed: inout [Cell: Int], _ steps: inout [Step]) throws(InteropError) {
        if i == t.inputs.count {
            try complete(net, t, ti, &ctx, consumed, &steps)
            return
        }
        let input = t.inputs[i]
        let color = net.places[input.place].color
        let candidates = input.pattern.constant.map { [$0] } ?? color.allValues
        for value in candidates {
            guard let index = color.index(of: value) else { continue }
            let saved = ctx.slots
            do {
                guard try input.pattern.match(value, &ctx) else { ctx.slots = saved; continue }
            } catch {
                ctx.slots = saved
                continue
            }
            let cell = Cell(place: input.place, valueIndex: index)
            consumed[cell, default: 0] += input.count
            try bind(net, t, ti, i + 1, &ctx, &consumed, &steps)
            consumed[cell, default: 0] -= input.count
            if consumed[cell] == 0 { consumed[cell] = nil }
            ctx.slots = saved
        }
    }

    private static func complete(_ net: CheckedNet, _ t: CheckedTransition, _ ti: Int, _ ctx: inout EvalContext,
                                 _ consumed: [Cell: Int], _ steps: inout [Step]) throws(InteropError) {
        var produced: [Cell: Int] = [:]
        do {
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
        steps.append(Step(transition: ti, binding: binding, consumed: consumed, produced: produced))
    }
}
