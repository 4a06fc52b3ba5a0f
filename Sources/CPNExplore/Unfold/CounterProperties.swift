import CPNExpressions
import CPNLoad
import CPNModel

/// Invariants and `final` compiled to code over counters, once, before
/// exploring: `size`, `count` and `sum` are linear in the counts of the
/// (place, value) counters, and a quantifier over a color or a place unrolls
/// into one instance per value, so a property becomes a Boolean combination
/// of comparisons between linear forms. Evaluating it reads a state's counts
/// straight from its encoding; no marking is decoded and no `Value` is built.
///
/// Exactness comes first. Every part that does not read the marking is
/// compiled by `ExpressionCompiler` itself and evaluated once per unrolled
/// instance, so it means exactly what it means in the net. A property with a
/// construct this does not handle (a product of two marking reads, `/` or `%`
/// on one, an expression that fails for some value of a color), or a state
/// holding so many tokens that an integer could overflow, is evaluated the
/// usual way, on the decoded marking: the answer and any error are then the
/// general evaluator's own.
struct CounterProperties {
    /// Per invariant in `CheckedNet.invariants` order; nil when it did not compile.
    private(set) var invariants: [CounterFormula?]
    private(set) var final: CounterFormula?
    private var cellStart: [Int32]
    private var counterLayout: [Bool]
    /// Every place is stored as counters: a state is the vector of all of them.
    private let allCounters: Bool
    private let timed: Bool
    private var fields: [UInt32] = []
    /// Tokens per counter, ready or waiting; zero except at `touched`.
    private var held: [Int]
    private var touched: [Int32] = []
    private var stack: [Bool] = []

    /// Unrolled terms a net's properties may compile to, in all.
    static let maximumTerms = 1_000_000
    /// Work `settle` may spend, in `CounterFormula.drifts`' units (a few tenths of a second at most).
    static let maximumSettlingWork = 50_000_000

    /// Nil when nothing compiles. Needs token numbers equal to color indexes
    /// (`SuccessorGenerator(numberTokensByColor:)`).
    init?(net: CheckedNet, codec: StateCodec, timed: Bool) {
        var start: [Int32] = [0]
        for p in net.places {
            guard let n = p.color.cardinality else { return nil }
            start.append(start.last! + Int32(n))
        }
        var budget = Self.maximumTerms
        let sources = Dictionary(net.net.invariants.map { ($0.name, $0.expr) }, uniquingKeysWith: { a, _ in a })
        invariants = net.invariants.map { inv in
            sources[inv.name].flatMap { CounterFormula.compile($0, net: net, cellStart: start, budget: &budget) }
        }
        final = net.net.final.flatMap { CounterFormula.compile($0, net: net, cellStart: start, budget: &budget) }
        guard final != nil || invariants.contains(where: { $0 != nil }) else { return nil }
        cellStart = start
        counterLayout = codec.layouts.map { $0 != .multiset }
        allCounters = !counterLayout.contains(false)
        invariantValues = Array(repeating: nil, count: invariants.count)
        self.timed = timed
        held = Array(repeating: 0, count: Int(start.last!))
        smallestTokenLimit = (invariants + [final]).reduce(Int.max) { min($0, $1?.tokenLimit ?? .max) }
    }

    /// The compiled properties' values in the state last `evaluate`d: per
    /// invariant and for `final`, true or false, or nil where the general
    /// evaluator must decide. Kept between states, so evaluating allocates nothing.
    private(set) var invariantValues: [Bool?]
    private(set) var finalValue: Bool? = nil

    /// A copy whose formulas and tables are its own, for one worker thread
    /// (see `Array.inStorageOfItsOwn`).
    func workerCopy() -> CounterProperties {
        var copy = self
        copy.invariants = invariants.map { $0?.workerCopy() }
        copy.final = final?.workerCopy()
        (copy.cellStart, copy.counterLayout) = (cellStart.inStorageOfItsOwn(), counterLayout.inStorageOfItsOwn())
        (copy.fields, copy.held, copy.touched) = (fields.inStorageOfItsOwn(), held.inStorageOfItsOwn(), touched.inStorageOfItsOwn())
        (copy.stack, copy.invariantValues) = (stack.inStorageOfItsOwn(), invariantValues.inStorageOfItsOwn())
        return copy
    }

    /// Evaluates the compiled properties in `state` (`invariantValues`, `finalValue`).
    mutating func evaluate(_ state: UnsafeRawBufferPointer) {
        var stack = self.stack
        defer { self.stack = stack }
        if allCounters, let counts = PackedCounts(state), counts.mostTokens <= smallestTokenLimit {
            // Every count below 3: read in place from the 2-bit codes, nothing loaded.
            for k in invariants.indices { invariantValues[k] = invariants[k]?.evaluate(counts, &stack) }
            finalValue = final?.evaluate(counts, &stack)
            return
        }
        let total = load(state)
        for k in invariants.indices {
            invariantValues[k] = invariants[k].flatMap { total <= $0.tokenLimit ? $0.evaluate(held, &stack) : nil }
        }
        finalValue = final.flatMap { total <= $0.tokenLimit ? $0.evaluate(held, &stack) : nil }
    }

    /// Replaces, in every compiled property, the atoms no step can change by
    /// their value (`CounterFormula.settled`), given every step's change and
    /// the initial state: those are decided once here rather than in every state.
    mutating func settle(_ changes: CountChanges, initial: UnsafeRawBufferPointer) {
        let total = load(initial)
        var budget = Self.maximumSettlingWork
        for k in invariants.indices {
            if let f = invariants[k], total <= f.tokenLimit, let drifts = f.drifts(changes, cells: held.count, budget: &budget) {
                invariants[k] = f.settled(drifts: drifts, held: held)
            }
        }
        if let f = final, total <= f.tokenLimit, let drifts = f.drifts(changes, cells: held.count, budget: &budget) {
            final = f.settled(drifts: drifts, held: held)
        }
    }

    /// Atoms left to evaluate in each state, over every compiled property.
    var atomCount: Int { (invariants + [final]).reduce(0) { $0 + ($1?.atomConstant.count ?? 0) } }

    /// The least `tokenLimit` of the compiled properties (settling keeps the limits).
    private let smallestTokenLimit: Int

    /// Bytes per state in `packedValues`: one per invariant, one for `final`.
    var packedWidth: Int { invariants.count + 1 }

    /// Appends the values of the last `evaluate`, one byte each (0: nil, 1: false, 2: true).
    func packValues(into bytes: inout [UInt8]) {
        for v in invariantValues { bytes.append(v.map { $0 ? 2 : 1 } ?? 0) }
        bytes.append(finalValue.map { $0 ? 2 : 1 } ?? 0)
    }

    /// Sets the values as if `evaluate` had run on the state whose packed
    /// values start at `bytes[start]` (evaluated on another thread).
    mutating func unpackValues(_ bytes: [UInt8], at start: Int) {
        for k in invariantValues.indices {
            let b = bytes[start + k]
            invariantValues[k] = b == 0 ? nil : b == 2
        }
        let b = bytes[start + invariants.count]
        finalValue = b == 0 ? nil : b == 2
    }

    /// Reads the counts of `state` into `held`; returns the number of tokens.
    private mutating func load(_ state: UnsafeRawBufferPointer) -> Int {
        for c in touched { held[Int(c)] = 0 }
        touched.removeAll(keepingCapacity: true)
        var cursor = 0
        let n = Int(StateCodec.readVarint(state, &cursor))
        let codeStart = cursor
        var tail = codeStart + (n + 3) / 4
        if allCounters {
            // The integers are the counters: four 2-bit codes a byte, empty bytes skipped.
            var total = 0
            var counters = NonzeroCounters(state, codeStart: codeStart, count: n)
            while let (cell, c) = counters.next() {
                held[cell] = c
                touched.append(Int32(cell))
                total += c
            }
            return total
        }
        fields.removeAll(keepingCapacity: true)
        for i in 0..<n {
            let code = (state[codeStart + i >> 2] >> UInt8((i & 3) * 2)) & 3
            fields.append(code == 3 ? UInt32(truncatingIfNeeded: StateCodec.readVarint(state, &tail)) : UInt32(code))
        }
        var i = 0, total = 0
        let width = timed ? 3 : 2
        for p in counterLayout.indices {
            let base = Int(cellStart[p])
            if counterLayout[p] {
                // One count per value (`counter`: the one value).
                for cell in base..<Int(cellStart[p + 1]) {
                    let c = Int(fields[i])
                    i += 1
                    if c > 0 {
                        held[cell] = c
                        touched.append(Int32(cell))
                        total += c
                    }
                }
                continue
            }
            let entries = Int(fields[i])
            i += 1
            for _ in 0..<entries {
                let cell = base + Int(fields[i]), c = Int(fields[i + 1])
                i += width
                if held[cell] == 0 { touched.append(Int32(cell)) }
                held[cell] += c
                total += c
            }
        }
        return total
    }
}

/// The counts a compiled property reads, by counter.
protocol CounterReading {
    func count(_ cell: Int) -> Int
}

extension Array: CounterReading where Element == Int {
    @inline(__always) func count(_ cell: Int) -> Int { self[cell] }
}

/// The counters of an all-counter state (`StateCodec`'s counter layout for
/// every place) in which every count is below 3: then a count is its 2-bit
/// code, read in place, and the state has no varint tail. Nil otherwise.
struct PackedCounts: CounterReading {
    private let state: UnsafeRawBufferPointer
    private let codeStart: Int
    /// At most 2 per counter.
    let mostTokens: Int

    init?(_ state: UnsafeRawBufferPointer) {
        var cursor = 0
        let n = Int(StateCodec.readVarint(state, &cursor))
        // A code 3 would have its count in the tail; no tail, no code 3.
        guard state.count == cursor + (n + 3) / 4 else { return nil }
        self.state = state
        codeStart = cursor
        mostTokens = 2 * n
    }

    @inline(__always)
    func count(_ cell: Int) -> Int {
        Int((state[codeStart + cell >> 2] >> UInt8((cell & 3) << 1)) & 3)
    }
}

/// One property as a program over counters: linear atoms `Σ coeff·count ⋈ k`
/// combined by a postfix sequence of Boolean operations. A class: evaluated
/// on every new state, it is passed around without copying its arrays.
final class CounterFormula: Sendable {
    enum Op: Sendable {
        case atom(Int32)
        case constant(Bool)
        case and(Int32), or(Int32)
        case not, equal, select
        /// A quantifier over a place, for one value: when its counter is zero,
        /// push `absent` and skip the body's `skip` ops (it need not be
        /// evaluated: `forall` holds and `exists` fails for a value not there).
        case guardCell(Int32, absent: Bool, skip: Int32)
    }

    enum Comparison: Sendable {
        case equal, notEqual, less, lessEqual, greater, greaterEqual

        /// `v ⋈ 0`: a linear atom is kept as `Σ c·x + k ⋈ 0`.
        @inline(__always)
        func holds(_ v: Int) -> Bool {
            switch self {
            case .equal: v == 0
            case .notEqual: v != 0
            case .less: v < 0
            case .lessEqual: v <= 0
            case .greater: v > 0
            case .greaterEqual: v >= 0
            }
        }
    }

    let ops: [Op]
    let atomStart: [Int32]
    let atomCell: [Int32]
    let atomCoefficient: [Int]
    let atomConstant: [Int]
    let atomComparison: [Comparison]
    /// Above this many tokens in a state, an integer in the general
    /// evaluator could overflow (and fail): the state is then left to it.
    let tokenLimit: Int
    /// The program is atoms and-ed together (a `forall` unrolled, a single
    /// comparison): evaluated atom by atom up to the first false one, without the stack.
    let isConjunction: Bool

    init(ops: [Op], atomStart: [Int32], atomCell: [Int32], atomCoefficient: [Int], atomConstant: [Int],
         atomComparison: [Comparison], tokenLimit: Int, isConjunction: Bool) {
        self.ops = ops
        self.atomStart = atomStart
        self.atomCell = atomCell
        self.atomCoefficient = atomCoefficient
        self.atomConstant = atomConstant
        self.atomComparison = atomComparison
        self.tokenLimit = tokenLimit
        self.isConjunction = isConjunction
    }

    /// A copy in storage of its own, for one worker thread (see `Array.inStorageOfItsOwn`).
    func workerCopy() -> CounterFormula {
        CounterFormula(ops: ops.inStorageOfItsOwn(), atomStart: atomStart.inStorageOfItsOwn(), atomCell: atomCell.inStorageOfItsOwn(),
                       atomCoefficient: atomCoefficient.inStorageOfItsOwn(), atomConstant: atomConstant.inStorageOfItsOwn(),
                       atomComparison: atomComparison.inStorageOfItsOwn(), tokenLimit: tokenLimit, isConjunction: isConjunction)
    }

    func evaluate<Counts: CounterReading>(_ held: Counts, _ stack: inout [Bool]) -> Bool {
        if isConjunction {
            for a in atomConstant.indices where !holds(atom: a, held) { return false }
            return true
        }
        stack.removeAll(keepingCapacity: true)
        var pc = 0
        while pc < ops.count {
            let op = ops[pc]
            pc += 1
            switch op {
            case .guardCell(let cell, let absent, let skip):
                if held.count(Int(cell)) == 0 {
                    stack.append(absent)
                    pc += Int(skip)
                }
            case .atom(let a):
                stack.append(holds(atom: Int(a), held))
            case .constant(let b):
                stack.append(b)
            case .and(let n):
                var r = true
                for _ in 0..<n where !stack.removeLast() { r = false }
                stack.append(r)
            case .or(let n):
                var r = false
                for _ in 0..<n where stack.removeLast() { r = true }
                stack.append(r)
            case .not:
                stack.append(!stack.removeLast())
            case .equal:
                let b = stack.removeLast(), a = stack.removeLast()
                stack.append(a == b)
            case .select:
                let otherwise = stack.removeLast(), then = stack.removeLast(), condition = stack.removeLast()
                stack.append(condition ? then : otherwise)
            }
        }
        return stack.removeLast()
    }

    @inline(__always)
    func holds<Counts: CounterReading>(atom a: Int, _ held: Counts) -> Bool {
        var v = atomConstant[a]
        for k in Int(atomStart[a])..<Int(atomStart[a + 1]) {
            v += atomCoefficient[k] * held.count(Int(atomCell[k]))
        }
        return atomComparison[a].holds(v)
    }

    /// Nil when `expr` does not compile to counters (see `CounterProperties`).
    static func compile(_ expr: Expr, net: CheckedNet, cellStart: [Int32], budget: inout Int) -> CounterFormula? {
        var builder = CounterFormulaBuilder(net: net, cellStart: cellStart, budget: budget)
        guard let template = builder.template(expr), template.isBool,
              case .bool(let tree)? = builder.instantiate(template) else { return nil }
        budget = builder.budget
        return builder.emit(tree)
    }
}

/// Builds a `CounterFormula`: first a template of the expression (its
/// marking-free parts compiled by `ExpressionCompiler`, in the scopes of the
/// quantifiers around them), then its instance with every quantifier unrolled.
private struct CounterFormulaBuilder {
    let net: CheckedNet
    let cellStart: [Int32]
    var budget: Int
    let compiler: ExpressionCompiler
    var context = EvalContext(slotCount: 0)
    /// The largest coefficient and constant magnitudes of any integer the
    /// general evaluator computes (see `tokenLimit`).
    var maxCoefficient = 0, maxConstant = 0
    var failed = false

    init(net: CheckedNet, cellStart: [Int32], budget: Int) {
        self.net = net
        self.cellStart = cellStart
        self.budget = budget
        compiler = ExpressionCompiler(symbols: net.symbols, context: .property)
    }

    // MARK: Templates

    indirect enum Template {
        /// A part that does not read the marking: Int or Bool.
        case constant(CompiledExpr)
        case size(place: Int)
        case countValue(place: Int, CompiledExpr)
        /// `count(p, x => c)` (`sum` false) or `sum(p, x => n)`; `body` nil: `sum(p)`.
        case filtered(place: Int, sum: Bool, match: Matcher?, body: CompiledExpr?)
        case negate(Template)
        case arithmetic(BinaryOperator, Template, Template)
        case compare(BinaryOperator, Template, Template)
        case logic(BinaryOperator, Template, Template)
        case not(Template)
        case choose(CompiledExpr, Template, Template)
        case select(Template, Template, Template)
        case overColor(Quantifier, [Value], Matcher, Template)
        case overPlace(Quantifier, place: Int, Matcher, Template)

        var isBool: Bool {
            switch self {
            case .constant(let c): c.color.isBool
            case .size, .countValue, .filtered, .negate, .arithmetic: false
            case .compare, .logic, .not, .overColor, .overPlace: true
            case .choose(_, let a, _), .select(_, let a, _): a.isBool
            }
        }
    }

    private func readsMarking(_ e: Expr) -> Bool {
        var reads = false
        e.visit { node in
            switch node.kind {
            case .call(let f, _) where ["size", "count", "sum"].contains(f): reads = true
            case .quantifier(_, _, let domain, _, _) where net.symbols.places[domain] != nil: reads = true
            case .name(let n) where net.symbols.places[n] != nil: reads = true
            default: break
            }
        }
        return reads
    }

    mutating func template(_ e: Expr) -> Template? {
        if !readsMarking(e) {
            guard let c = compiler.compile(e), c.color.isInt || c.color.isBool else { return nil }
            return .constant(c)
        }
        switch e.kind {
        case .unary(.negate, let a):
            guard let t = template(a), !t.isBool else { return nil }
            return .negate(t)
        case .unary(.not, let a):
            guard let t = template(a), t.isBool else { return nil }
            return .not(t)
        case .binary(let op, let a, let b):
            guard let ta = template(a), let tb = template(b) else { return nil }
            switch op {
            case .add, .subtract, .multiply:
                guard !ta.isBool, !tb.isBool else { return nil }
                return .arithmetic(op, ta, tb)
            case .less, .lessEqual, .greater, .greaterEqual:
                guard !ta.isBool, !tb.isBool else { return nil }
                return .compare(op, ta, tb)
            case .equal, .notEqual:
                guard ta.isBool == tb.isBool else { return nil }
                return ta.isBool ? .logic(op, ta, tb) : .compare(op, ta, tb)
            case .and, .or:
                guard ta.isBool, tb.isBool else { return nil }
                return .logic(op, ta, tb)
            case .divide, .remainder, .power:
                return nil
            }
        case .conditional(let c, let a, let b):
            guard let ta = template(a), let tb = template(b), ta.isBool == tb.isBool else { return nil }
            if !readsMarking(c) {
                guard let cc = compiler.compile(c, expected: .bool) else { return nil }
                return .choose(cc, ta, tb)
            }
            guard ta.isBool, let tc = template(c), tc.isBool else { return nil }
            return .select(tc, ta, tb)
        case .call(let f, let arguments):
            return markingFunction(f, arguments)
        case .quantifier(let q, let variable, let domain, _, let body):
            let color: Color
            let place = net.symbols.places[domain]
            if let place { color = place.color } else if let c = net.symbols.colors[domain] { color = c } else { return nil }
            guard let n = color.cardinality, n <= ExpressionCompiler.maximumQuantifierDomain else { return nil }
            compiler.beginScope()
            defer { compiler.endScope() }
            guard let pattern = compiler.compilePattern(variable, color: color, fresh: true),
                  let tb = template(body), tb.isBool else { return nil }
            if let place { return .overPlace(q, place: place.index, pattern.match, tb) }
            return .overColor(q, color.allValues, pattern.match, tb)
        default:
            return nil
        }
    }

    /// `size(p)`, `count(p)`, `count(p, v)`, `count(p, x => c)`, `sum(p)`, `sum(p, x => n)`,
    /// as `ExpressionCompiler.markingFunction` reads them.
    private mutating func markingFunction(_ f: String, _ arguments: [Expr]) -> Template? {
        guard ["size", "count", "sum"].contains(f), (1...2).contains(arguments.count),
              case .name(let name) = arguments[0].kind, let place = net.symbols.places[name] else { return nil }
        if arguments.count == 1 {
            if f == "sum" {
                guard place.color.isInt else { return nil }
                return .filtered(place: place.index, sum: true, match: nil, body: nil)
            }
            return .size(place: place.index)
        }
        guard f != "size" else { return nil }
        if case .lambda(let parameter, let body) = arguments[1].kind {
            guard !readsMarking(body) else { return nil }
            compiler.beginScope()
            defer { compiler.endScope() }
            guard let pattern = compiler.compilePattern(parameter, color: place.color, fresh: true) else { return nil }
            let b = f == "count" ? compiler.compileCondition(body, what: "the condition of `count`")
                : compiler.compile(body, expected: .anyInt)
            guard let b else { return nil }
            return .filtered(place: place.index, sum: f == "sum", match: pattern.match, body: b)
        }
        guard f == "count", !readsMarking(arguments[1]),
              let value = compiler.compile(arguments[1], expected: place.color) else { return nil }
        return .countValue(place: place.index, value)
    }

    // MARK: Instances

    /// A linear form over counters, and how large the general evaluator's value may grow.
    struct Linear {
        var coefficients: [Int32: Int] = [:]
        var constant = 0
        /// |value| ≤ bound.coefficient × tokens + bound.constant, for this value
        /// and every partial sum the general evaluator forms on the way.
        var bound = (coefficient: 0, constant: 0)
    }

    indirect enum BoolTree {
        case constant(Bool)
        case atom(Linear, CounterFormula.Comparison)
        case and([BoolTree]), or([BoolTree])
        case not(BoolTree)
        /// `count(cell) == 0 ? absent : body`: one value of a quantifier over a place.
        case guarded(Int32, absent: Bool, BoolTree)
        case equal(BoolTree, BoolTree)
        case select(BoolTree, BoolTree, BoolTree)
    }

    enum Instance {
        case int(Linear)
        case bool(BoolTree)
    }

    private mutating func spend(_ n: Int = 1) -> Bool {
        budget -= n
        if budget < 0 { failed = true }
        return !failed
    }

    private mutating func evaluate(_ c: CompiledExpr) -> Value? {
        do { return try c.evaluate(&context) } catch { return nil }
    }

    private mutating func noteBound(_ b: (coefficient: Int, constant: Int)) -> Bool {
        maxCoefficient = max(maxCoefficient, b.coefficient)
        maxConstant = max(maxConstant, b.constant)
        return b.coefficient < 1 << 40 && b.constant < 1 << 61
    }

    private func cell(_ place: Int, _ value: Value) -> Int32? {
        net.places[place].color.index(of: value).map { cellStart[place] + Int32($0) }
    }

    mutating func instantiate(_ t: Template) -> Instance? {
        guard !failed, spend() else { return nil }
        if context.slots.count < compiler.slotCount {
            context.slots += Array(repeating: .unit, count: compiler.slotCount - context.slots.count)
        }
        switch t {
        case .constant(let c):
            guard let v = evaluate(c) else { return nil }
            if case .bool(let b) = v { return .bool(.constant(b)) }
            guard let i = v.asInt, i != Int.min, noteBound((0, abs(i))) else { return nil }
            return .int(Linear(constant: i, bound: (0, abs(i))))
        case .size(let p):
            var l = Linear(bound: (1, 0))
            for c in cellStart[p]..<cellStart[p + 1] { l.coefficients[c] = 1 }
            guard spend(l.coefficients.count) else { return nil }
            return .int(l)
        case .countValue(let p, let value):
            guard let v = evaluate(value), let c = cell(p, v) else { return nil }
            return .int(Linear(coefficients: [c: 1], bound: (1, 0)))
        case .filtered(let p, let isSum, let match, let body):
            var l = Linear()
            let color = net.places[p].color
            for (i, v) in color.allValues.enumerated() {
                guard spend() else { return nil }
                var coefficient = 1
                if let match {
                    guard let matched = try? match(v, &context) else { return nil }
                    if !matched { continue }
                }
                if let body {
                    guard let r = evaluate(body) else { return nil }
                    if isSum {
                        guard let n = r.asInt else { return nil }
                        coefficient = n
                    } else if r != .bool(true) { continue }
                } else if isSum {
                    guard let n = v.asInt else { return nil }
                    coefficient = n
                }
                guard coefficient != Int.min else { return nil }
                if coefficient != 0 { l.coefficients[cellStart[p] + Int32(i)] = coefficient }
                l.bound.coefficient = max(l.bound.coefficient, abs(coefficient))
            }
            guard noteBound(l.bound) else { return nil }
            return .int(l)
        case .negate(let a):
            guard case .int(var l)? = instantiate(a) else { return nil }
            for (c, k) in l.coefficients { l.coefficients[c] = -k }
            l.constant = -l.constant
            return .int(l)
        case .arithmetic(let op, let a, let b):
            guard case .int(var x)? = instantiate(a), case .int(var y)? = instantiate(b) else { return nil }
            switch op {
            case .add, .subtract:
                let sign = op == .add ? 1 : -1
                for (c, k) in y.coefficients { x.coefficients[c, default: 0] += sign * k }
                x.constant += sign * y.constant
                x.bound = (x.bound.coefficient + y.bound.coefficient, x.bound.constant + y.bound.constant)
            default:
                // One side must be a number: a product of two marking reads is not linear.
                if !x.coefficients.isEmpty { swap(&x, &y) }
                guard x.coefficients.isEmpty else { return nil }
                let k = x.constant
                let (kc, o1) = abs(k).multipliedReportingOverflow(by: y.bound.coefficient)
                let (kk, o2) = abs(k).multipliedReportingOverflow(by: y.bound.constant)
                let (kv, o3) = k.multipliedReportingOverflow(by: y.constant)
                guard !o1, !o2, !o3 else { return nil }
                for (c, coefficient) in y.coefficients { y.coefficients[c] = coefficient * k }
                y.constant = kv
                y.bound = (kc, max(kk, abs(kv)))
                x = y
            }
            x.coefficients = x.coefficients.filter { $0.value != 0 }
            guard noteBound(x.bound) else { return nil }
            return .int(x)
        case .compare(let op, let a, let b):
            guard case .int(var x)? = instantiate(a), case .int(let y)? = instantiate(b) else { return nil }
            for (c, k) in y.coefficients { x.coefficients[c, default: 0] -= k }
            x.constant -= y.constant
            x.coefficients = x.coefficients.filter { $0.value != 0 }
            x.bound = (x.bound.coefficient + y.bound.coefficient, x.bound.constant + y.bound.constant)
            guard noteBound(x.bound) else { return nil }
            let comparison: CounterFormula.Comparison
            switch op {
            case .equal: comparison = .equal
            case .notEqual: comparison = .notEqual
            case .less: comparison = .less
            case .lessEqual: comparison = .lessEqual
            case .greater: comparison = .greater
            default: comparison = .greaterEqual
            }
            return .bool(.atom(x, comparison))
        case .logic(let op, let a, let b):
            guard case .bool(let x)? = instantiate(a), case .bool(let y)? = instantiate(b) else { return nil }
            switch op {
            case .and: return .bool(.and([x, y]))
            case .or: return .bool(.or([x, y]))
            case .equal: return .bool(.equal(x, y))
            default: return .bool(.not(.equal(x, y)))
            }
        case .not(let a):
            guard case .bool(let x)? = instantiate(a) else { return nil }
            return .bool(.not(x))
        case .choose(let c, let a, let b):
            guard let v = evaluate(c)?.asBool else { return nil }
            return instantiate(v ? a : b)
        case .select(let c, let a, let b):
            guard case .bool(let x)? = instantiate(c), case .bool(let y)? = instantiate(a),
                  case .bool(let z)? = instantiate(b) else { return nil }
            return .bool(.select(x, y, z))
        case .overColor(let q, let values, let match, let body):
            var parts: [BoolTree] = []
            for v in values {
                guard let matched = try? match(v, &context) else { return nil }
                guard matched else { continue }
                guard case .bool(let x)? = instantiate(body) else { return nil }
                parts.append(x)
            }
            return .bool(q == .forall ? .and(parts) : .or(parts))
        case .overPlace(let q, let p, let match, let body):
            // Over the values present: for all, absent or the body holds; exists, present and it holds.
            var parts: [BoolTree] = []
            for (i, v) in net.places[p].color.allValues.enumerated() {
                guard let matched = try? match(v, &context) else { return nil }
                guard matched else { continue }
                guard case .bool(let x)? = instantiate(body) else { return nil }
                parts.append(.guarded(cellStart[p] + Int32(i), absent: q == .forall, x))
            }
            return .bool(q == .forall ? .and(parts) : .or(parts))
        }
    }

    // MARK: The program

    func emit(_ tree: BoolTree) -> CounterFormula? {
        guard !failed else { return nil }
        var ops: [CounterFormula.Op] = []
        var start: [Int32] = [0], cells: [Int32] = [], coefficients: [Int] = [], constants: [Int] = []
        var comparisons: [CounterFormula.Comparison] = []
        func walk(_ t: BoolTree) {
            switch t {
            case .constant(let b): ops.append(.constant(b))
            case .atom(let l, let comparison):
                if l.coefficients.isEmpty {
                    ops.append(.constant(comparison.holds(l.constant)))
                    return
                }
                for c in l.coefficients.keys.sorted() {
                    cells.append(c)
                    coefficients.append(l.coefficients[c]!)
                }
                start.append(Int32(cells.count))
                constants.append(l.constant)
                comparisons.append(comparison)
                ops.append(.atom(Int32(constants.count - 1)))
            case .and(let parts):
                for p in parts { walk(p) }
                ops.append(.and(Int32(parts.count)))
            case .or(let parts):
                for p in parts { walk(p) }
                ops.append(.or(Int32(parts.count)))
            case .not(let x):
                walk(x)
                ops.append(.not)
            case .guarded(let cell, let absent, let body):
                let at = ops.count
                ops.append(.guardCell(cell, absent: absent, skip: 0))
                walk(body)
                ops[at] = .guardCell(cell, absent: absent, skip: Int32(ops.count - at - 1))
            case .equal(let x, let y):
                walk(x)
                walk(y)
                ops.append(.equal)
            case .select(let c, let x, let y):
                walk(c)
                walk(x)
                walk(y)
                ops.append(.select)
            }
        }
        walk(tree)
        // No intermediate value may reach 2^62: then neither evaluator overflows.
        let limit = ((1 << 62) - maxConstant) / max(1, maxCoefficient)
        guard limit > 0 else { return nil }
        // Atoms are numbered in the order they are pushed, so a conjunction's are 0..<n.
        let conjunction = ops.count == 1 && constants.count == 1
            || (ops.count == constants.count + 1 && ops.last.map { if case .and(let n) = $0 { Int(n) == constants.count } else { false } } == true)
        return CounterFormula(ops: ops, atomStart: start, atomCell: cells, atomCoefficient: coefficients,
                              atomConstant: constants, atomComparison: comparisons, tokenLimit: limit,
                              isConjunction: conjunction)
    }
}

/// Evaluates the compiled properties of a run's new states on the threads
/// that insert them (`StateStore.resolveRun`), each with a copy of its own;
/// the search reads the values back by candidate (`unpackValues`).
struct RunPropertyEvaluator: RunVisitor {
    var properties: CounterProperties
    private(set) var candidates: [Int32] = []
    private(set) var values: [UInt8] = []
    /// `properties` is this evaluator's own copy, made on its thread.
    private var ownsProperties = false

    init(_ properties: CounterProperties) { self.properties = properties }

    /// Takes a copy of the properties of its own, on the thread that will use it, once.
    mutating func prepare() {
        guard !ownsProperties else { return }
        properties = properties.workerCopy()
        ownsProperties = true
    }

    /// Forgets the last run's candidates, keeping the storage and the properties.
    mutating func removeAll() {
        candidates.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    mutating func visit(candidate g: Int, bytes: UnsafeRawBufferPointer) {
        properties.evaluate(bytes)
        candidates.append(Int32(g))
        properties.packValues(into: &values)
    }

    /// The values of every evaluator's candidates, `width` bytes each, at `g * width`.
    static func merge(_ evaluators: [RunPropertyEvaluator], candidates total: Int, width: Int) -> [UInt8] {
        var all = [UInt8](repeating: 0, count: total * width)
        for e in evaluators {
            for (i, g) in e.candidates.enumerated() {
                for k in 0..<width { all[Int(g) * width + k] = e.values[i * width + k] }
            }
        }
        return all
    }
}
