import CPNExpressions
import CPNLoad
import CPNModel

/// A checked net compiled to its unfolding, once, before exploring: every
/// binding the colors allow, with its guard already decided and its outputs,
/// delays and order keys already computed, as fixed vectors over counters.
///
/// A counter ("cell") is one value of one place's color, numbered
/// `cellStart[place] + value index`. With the explorer's tokens numbered by
/// color index (`SuccessorGenerator(numberTokensByColor:)`), a token number is
/// the value index, so `UnfoldedExpander` reads and writes `StateCodec`'s
/// encoding directly and both engines store the same states.
///
/// Bindings are numbered transition by transition, each transition's in the
/// order `SuccessorGenerator` enumerates them (input by input in binding
/// order, token values in index order), so sorting enabled binding numbers
/// gives the dynamic engine's successor order.
///
/// A binding whose evaluation fails (a pattern, order key, guard, output or
/// delay; or more than `NetLimits.maximumTokensPerPlace` tokens produced into a
/// place) is kept as an *error binding* over the inputs bound when it failed.
/// When one is enabled, `UnfoldedExpander` hands its transition to the
/// dynamic engine for that marking, which reports the failure exactly as it
/// always does (the same binding, message and variables) and finds the other
/// bindings of the transition.
final class UnfoldedNet: Sendable {
    /// When to unfold (`specs/semantics.md` §8). Measured on the 2-core bench
    /// machine (release build): compiling costs about 1 µs per binding and
    /// the tables about 100 bytes per binding, so 250,000 bindings unfold in
    /// well under a second and 25 MB; colors stay small enough to number every
    /// value up front. Larger nets keep the dynamic engine.
    struct Limits: Sendable {
        /// Counters (color values summed over places).
        var cells = 100_000
        /// Bindings, error bindings included.
        var bindings = 250_000
        /// Partial bindings tried while unfolding (patterns that rarely match
        /// over large colors cost this without producing bindings).
        var partialBindings = 5_000_000
        /// Evaluation work (quantifiers in guards), in `WorkBudget` polls of 4,096 units.
        var evaluationPolls = 25_000
    }

    static let limits = Limits()

    /// Whether every color is small enough to number all its values up front.
    static func numbersTokensByColor(_ net: CheckedNet, limits: Limits = limits) -> Bool {
        var total = 0
        for p in net.places {
            guard let n = p.color.cardinality, n <= limits.cells - total else { return false }
            total += n
        }
        return true
    }

    let placeCount: Int
    let timed: Bool
    /// Per place: its first cell; `cellStart[placeCount]` is the number of cells.
    let cellStart: [Int32]
    /// Per place: stored as one count per value (`StateCodec`'s `counter` or
    /// `cells` layout: its integers are its counters) rather than entries.
    let counterLayout: [Bool]
    /// Every place is: a state is then exactly the vector of all counters.
    let allCounters: Bool
    let capacity: [Int]  // Int.max when unlimited
    /// Per counter: its place.
    let placeOfCell: [Int32]

    // Bindings, `Int32` numbered, structure of arrays.
    let transitionOf: [Int32]
    let isError: [Bool]
    /// Per binding of a transition with ordered inputs: the dense rank of its
    /// key vector among the transition's bindings (higher is better).
    let rank: [Int32]
    /// Input counters: `preCell[preStart[b] ..< preStart[b + 1]]` need at least `preCount` ready tokens.
    let preStart: [Int32]
    let preCell: [Int32]
    let preCount: [Int32]
    /// Changes to the marking, sorted by (place, token, ready offset); consumed
    /// tokens are ready (offset 0) and count negative.
    let deltaStart: [Int32]
    let deltaPlace: [Int32]
    let deltaToken: [Int32]
    /// The counter of each change (`cellStart[place] + token`).
    let deltaCell: [Int32]
    let deltaReady: [Int32]
    let deltaCount: [Int32]
    /// Output places with their net change in size, for capacities and the
    /// per-place token limit (checked after consumption, as §4.2 says).
    let checkStart: [Int32]
    let checkPlace: [Int32]
    let checkNet: [Int]
    let transitionOrdered: [Bool]
    /// `unless:` arcs: binding `b` is enabled only while, for every group `g`
    /// in `inhibitStart[b] ..< inhibitStart[b + 1]`, the ready tokens of the
    /// counters `inhibitCell[inhibitCellStart[g] ..< inhibitCellStart[g + 1]]`
    /// number fewer than `inhibitLimit[g]`.
    let inhibitStart: [Int32]
    let inhibitCellStart: [Int32]
    let inhibitCell: [Int32]
    let inhibitLimit: [Int32]

    /// The bindings indexed by their most selective input counter: a marking
    /// only looks at the bindings whose that counter is ready.
    let bucketStart: [Int32]
    let bucketBinding: [Int32]
    /// Bindings without inputs, always considered.
    let unconditional: [Int32]

    var cells: Int { Int(cellStart[placeCount]) }
    var bindings: Int { transitionOf.count }
    var errorBindings: Int { isError.lazy.filter { $0 }.count }

    /// What the report calls this engine.
    var engineDescription: String {
        let errors = errorBindings
        return "unfolded: \(bindings) binding\(bindings == 1 ? "" : "s")"
            + (errors > 0 ? " (\(errors) failing to evaluate)" : "") + " over \(cells) counter\(cells == 1 ? "" : "s")"
    }

    /// A copy whose tables are arrays of its own, for one worker thread
    /// (see `Array.inStorageOfItsOwn`).
    init(privateCopyOf other: UnfoldedNet) {
        placeCount = other.placeCount
        timed = other.timed
        cellStart = other.cellStart.inStorageOfItsOwn()
        counterLayout = other.counterLayout.inStorageOfItsOwn()
        allCounters = other.allCounters
        capacity = other.capacity.inStorageOfItsOwn()
        placeOfCell = other.placeOfCell.inStorageOfItsOwn()
        transitionOf = other.transitionOf.inStorageOfItsOwn()
        isError = other.isError.inStorageOfItsOwn()
        rank = other.rank.inStorageOfItsOwn()
        preStart = other.preStart.inStorageOfItsOwn()
        preCell = other.preCell.inStorageOfItsOwn()
        preCount = other.preCount.inStorageOfItsOwn()
        deltaStart = other.deltaStart.inStorageOfItsOwn()
        deltaPlace = other.deltaPlace.inStorageOfItsOwn()
        deltaToken = other.deltaToken.inStorageOfItsOwn()
        deltaCell = other.deltaCell.inStorageOfItsOwn()
        deltaReady = other.deltaReady.inStorageOfItsOwn()
        deltaCount = other.deltaCount.inStorageOfItsOwn()
        checkStart = other.checkStart.inStorageOfItsOwn()
        checkPlace = other.checkPlace.inStorageOfItsOwn()
        checkNet = other.checkNet.inStorageOfItsOwn()
        transitionOrdered = other.transitionOrdered.inStorageOfItsOwn()
        inhibitStart = other.inhibitStart.inStorageOfItsOwn()
        inhibitCellStart = other.inhibitCellStart.inStorageOfItsOwn()
        inhibitCell = other.inhibitCell.inStorageOfItsOwn()
        inhibitLimit = other.inhibitLimit.inStorageOfItsOwn()
        bucketStart = other.bucketStart.inStorageOfItsOwn()
        bucketBinding = other.bucketBinding.inStorageOfItsOwn()
        unconditional = other.unconditional.inStorageOfItsOwn()
    }

    /// Nil when the net exceeds `limits` or cannot be unfolded (an unbounded
    /// color), or when `shouldStop` (the exploration's time, Ctrl-C and memory
    /// rule) answered: the dynamic engine then runs, and stops at once for the
    /// same reason.
    init?(net: CheckedNet, codec: StateCodec, timed: Bool, limits: Limits = limits,
          shouldStop: @escaping @Sendable () -> String? = { nil }) {
        guard Self.numbersTokensByColor(net, limits: limits) else { return nil }
        // Counters hold ready tokens only; a `cancel:` arc takes waiting ones too,
        // so such nets keep the dynamic engine (`specs/semantics.md` §8).
        guard !net.transitions.contains(where: \.cancels) else { return nil }
        // Priorities compare transitions across a marking: the dynamic engine decides them.
        guard !net.hasPriorities else { return nil }
        var builder = Builder(net: net, limits: limits, shouldStop: shouldStop)
        for t in net.transitions.indices {
            guard builder.unfold(transition: t) else { return nil }
        }
        placeCount = net.places.count
        self.timed = timed
        cellStart = builder.cellStart
        counterLayout = codec.layouts.map { $0 != .multiset }
        allCounters = !counterLayout.contains(false)
        capacity = net.places.map { $0.capacity ?? Int.max }
        transitionOf = builder.transitionOf
        isError = builder.isError
        rank = builder.rank
        preStart = builder.preStart
        preCell = builder.preCell
        preCount = builder.preCount
        deltaStart = builder.deltaStart
        deltaPlace = builder.deltaPlace
        deltaToken = builder.deltaToken
        deltaCell = zip(builder.deltaPlace, builder.deltaToken).map { builder.cellStart[Int($0)] + $1 }
        placeOfCell = net.places.indices.flatMap { p in
            repeatElement(Int32(p), count: Int(builder.cellStart[p + 1] - builder.cellStart[p]))
        }
        deltaReady = builder.deltaReady
        deltaCount = builder.deltaCount
        checkStart = builder.checkStart
        checkPlace = builder.checkPlace
        checkNet = builder.checkNet
        transitionOrdered = net.transitions.map { t in t.inputs.contains { !$0.reads && net.places[$0.place].order != nil } }
        inhibitStart = builder.inhibitStart
        inhibitCellStart = builder.inhibitCellStart
        inhibitCell = builder.inhibitCell
        inhibitLimit = builder.inhibitLimit
        (bucketStart, bucketBinding, unconditional) = Self.index(cells: Int(builder.cellStart[net.places.count]),
                                                                 preStart: builder.preStart, preCell: builder.preCell)
    }

    /// Buckets each binding under the input counter that the fewest bindings need.
    private static func index(cells: Int, preStart: [Int32], preCell: [Int32]) -> ([Int32], [Int32], [Int32]) {
        let n = preStart.count - 1
        var uses = [Int32](repeating: 0, count: cells)
        for c in preCell { uses[Int(c)] += 1 }
        var trigger = [Int32](repeating: -1, count: n)
        var size = [Int32](repeating: 0, count: cells + 1)
        var unconditional: [Int32] = []
        for b in 0..<n {
            var best: Int32 = -1
            for k in Int(preStart[b])..<Int(preStart[b + 1]) where best < 0 || uses[Int(preCell[k])] < uses[Int(best)] {
                best = preCell[k]
            }
            trigger[b] = best
            if best < 0 { unconditional.append(Int32(b)) } else { size[Int(best) + 1] += 1 }
        }
        for c in 0..<cells { size[c + 1] += size[c] }
        var fill = size
        var bucket = [Int32](repeating: 0, count: n - unconditional.count)
        for b in 0..<n where trigger[b] >= 0 {
            bucket[Int(fill[Int(trigger[b])])] = Int32(b)
            fill[Int(trigger[b])] += 1
        }
        return (size, bucket, unconditional)
    }

    /// Enumerates bindings exactly as `SuccessorGenerator.bind` does, over every
    /// value of each input's color instead of the tokens of one marking.
    private struct Builder {
        let net: CheckedNet
        let limits: Limits
        let budget: WorkBudget
        let cellStart: [Int32]
        private(set) var partialBindings = 0

        var transitionOf: [Int32] = [], isError: [Bool] = [], rank: [Int32] = []
        var preStart: [Int32] = [0], preCell: [Int32] = [], preCount: [Int32] = []
        var deltaStart: [Int32] = [0], deltaPlace: [Int32] = [], deltaToken: [Int32] = [], deltaReady: [Int32] = []
        var deltaCount: [Int32] = []
        var checkStart: [Int32] = [0], checkPlace: [Int32] = [], checkPlaceNet: [Int] = []
        var checkNet: [Int] { checkPlaceNet }
        var inhibitStart: [Int32] = [0], inhibitCellStart: [Int32] = [0], inhibitCell: [Int32] = [], inhibitLimit: [Int32] = []

        /// Set when the unfolding is given up (a limit, an interruption).
        private(set) var abandoned = false

        init(net: CheckedNet, limits: Limits, shouldStop: @escaping @Sendable () -> String?) {
            self.net = net
            self.limits = limits
            var start: [Int32] = [0]
            for p in net.places { start.append(start.last! + Int32(p.color.cardinality ?? 0)) }
            cellStart = start
            // Its own countdown: unfolding stops on the exploration's bounds
            // (time, Ctrl-C, memory) or after `evaluationPolls` polls.
            let polls = PollCounter(limit: limits.evaluationPolls)
            budget = WorkBudget { () -> String? in
                polls.exceeded() ? "unfolding needs too much evaluation" : shouldStop()
            }
        }

        /// A binding found so far: its inputs (cell, count) and key vector.
        private struct Partial {
            /// Read copies (`reads`) are needed like taken ones, but not removed.
            var consumed: [(place: Int, cell: Int32, count: Int, reads: Bool)] = []
            var keys: [Int] = []
        }

        private struct Complete {
            var pre: [(cell: Int32, count: Int32)]
            var keys: [Int]
            var error: Bool
            var produced: [(place: Int, token: Int, count: Int, delay: Int)]
            var consumed: [(place: Int, cell: Int32, count: Int, reads: Bool)]
            /// Per `unless:` arc: the counters its pattern matches, and the limit.
            var inhibitors: [(cells: [Int32], limit: Int32)]
        }

        /// Appends the bindings of transition `t`; false when the unfolding is abandoned.
        mutating func unfold(transition t: Int) -> Bool {
            let tr = net.transitions[t]
            var ctx = EvalContext(slotCount: tr.slotCount, budget: budget)
            var partial = Partial()
            var found: [Complete] = []
            bind(tr, 0, &ctx, &partial, &found)
            if abandoned || transitionOf.count + found.count > limits.bindings { return false }
            // Dense ranks of the key vectors (only ordered transitions have keys).
            let distinct = Array(Set(found.filter { !$0.error }.map(\.keys))).sorted { $0.lexicographicallyPrecedes($1) }
            var rankOf: [[Int]: Int32] = [:]
            for (i, k) in distinct.enumerated() { rankOf[k] = Int32(i) }
            for b in found { append(b, transition: t, rank: rankOf[b.keys] ?? 0) }
            return true
        }

        private mutating func append(_ b: Complete, transition t: Int, rank r: Int32) {
            transitionOf.append(Int32(t))
            isError.append(b.error)
            rank.append(r)
            for (cell, count) in b.pre {
                preCell.append(cell)
                preCount.append(count)
            }
            preStart.append(Int32(preCell.count))
            for (cells, limit) in b.inhibitors {
                inhibitCell.append(contentsOf: cells)
                inhibitCellStart.append(Int32(inhibitCell.count))
                inhibitLimit.append(limit)
            }
            inhibitStart.append(Int32(inhibitLimit.count))
            if !b.error {
                var delta: [DeltaKey: Int] = [:]
                var net: [Int: Int] = [:]
                for c in b.consumed where !c.reads {
                    delta[DeltaKey(place: c.place, token: Int(c.cell - cellStart[c.place]), ready: 0), default: 0] -= c.count
                    net[c.place, default: 0] -= c.count
                }
                var outputs: [Int] = []
                for o in b.produced {
                    delta[DeltaKey(place: o.place, token: o.token, ready: o.delay), default: 0] += o.count
                    net[o.place, default: 0] += o.count
                    if !outputs.contains(o.place) { outputs.append(o.place) }
                }
                for key in delta.keys.sorted() where delta[key] != 0 {
                    deltaPlace.append(Int32(key.place))
                    deltaToken.append(Int32(key.token))
                    deltaReady.append(Int32(key.ready))
                    deltaCount.append(Int32(delta[key]!))
                }
                for p in outputs.sorted() {
                    checkPlace.append(Int32(p))
                    checkPlaceNet.append(net[p] ?? 0)
                }
            }
            deltaStart.append(Int32(deltaPlace.count))
            checkStart.append(Int32(checkPlace.count))
        }

        private struct DeltaKey: Hashable, Comparable {
            var place: Int, token: Int, ready: Int
            static func < (a: Self, b: Self) -> Bool { (a.place, a.token, a.ready) < (b.place, b.token, b.ready) }
        }

        /// Input `i` onwards; mirrors `SuccessorGenerator.bind`, candidate
        /// values in index order.
        private mutating func bind(_ t: CheckedTransition, _ i: Int, _ ctx: inout EvalContext, _ partial: inout Partial,
                                   _ found: inout [Complete]) {
            if abandoned { return }
            if i == t.inputs.count {
                complete(t, &ctx, partial, &found)
                return
            }
            let input = t.inputs[i]
            let p = input.place
            let place = net.places[p]
            let color = place.color
            let candidates: Range<Int>
            if let constant = input.pattern.constant {
                guard let index = color.index(of: constant) else { return }
                candidates = index..<(index + 1)
            } else {
                candidates = 0..<(color.cardinality ?? 0)
            }
            for index in candidates {
                partialBindings += 1
                if partialBindings > limits.partialBindings || found.count + transitionOf.count > limits.bindings
                    || (try? budget.spend()) == nil {
                    abandoned = true
                    return
                }
                guard let value = color.value(at: index) else { continue }
                let cell = cellStart[p] + Int32(index)
                let saved = ctx.slots
                defer { ctx.slots = saved }
                let keyCount = partial.keys.count
                partial.consumed.append((p, cell, input.count, input.reads))
                defer {
                    partial.consumed.removeLast()
                    partial.keys.removeSubrange(keyCount...)
                }
                do {
                    guard try input.pattern.match(value, &ctx) else { continue }
                    if !input.reads, let order = place.order {
                        var orderContext = EvalContext(slotCount: order.slotCount, budget: budget)
                        guard try order.pattern.match(value, &orderContext) else { continue }
                        let key = try order.key(&orderContext).asInt ?? 0
                        partial.keys.append(order.highest ? key : (key == Int.min ? Int.max : -key))
                    }
                } catch where error.isInterruption {
                    abandoned = true
                    return
                } catch {
                    record(partial, error: true, produced: [], &found)
                    continue
                }
                bind(t, i + 1, &ctx, &partial, &found)
            }
        }

        /// Guard, outputs and delays of a complete binding, as `SuccessorGenerator.complete`.
        private mutating func complete(_ t: CheckedTransition, _ ctx: inout EvalContext, _ partial: Partial,
                                       _ found: inout [Complete]) {
            var produced: [(place: Int, token: Int, count: Int, delay: Int)] = []
            var perPlace: [Int: Int] = [:]
            var inhibitors: [(cells: [Int32], limit: Int32)] = []
            do throws(EvaluationError) {
                for inhibitor in t.inhibitors {
                    let color = net.places[inhibitor.place].color
                    var cells: [Int32] = []
                    if let constant = inhibitor.pattern.constant {
                        if let index = color.index(of: constant) { cells.append(cellStart[inhibitor.place] + Int32(index)) }
                    } else {
                        for index in 0..<(color.cardinality ?? 0) {
                            try budget.spend()
                            guard let value = color.value(at: index), try inhibitor.pattern.match(value, &ctx) else { continue }
                            cells.append(cellStart[inhibitor.place] + Int32(index))
                        }
                    }
                    // No counter matches: the arc can never disable this binding.
                    if !cells.isEmpty { inhibitors.append((cells, Int32(clamping: inhibitor.count))) }
                }
                if let g = t.guardExpr, try g.evaluate(&ctx) != .bool(true) { return }
                for o in t.outputs {
                    let value = try o.value.evaluate(&ctx)
                    var delay = 0
                    if let d = o.delay {
                        delay = try d.evaluate(&ctx).asInt ?? 0
                        guard delay >= 0, delay <= NetLimits.maximumDelay else { throw EvaluationError("delay", at: d.span) }
                    }
                    guard let index = net.places[o.place].color.index(of: value) else {
                        // Outputs are range-checked when compiled, so this
                        // cannot happen; should it, the dynamic engine decides.
                        abandoned = true
                        return
                    }
                    let total = (perPlace[o.place] ?? 0) + o.count
                    perPlace[o.place] = total
                    // More than a place can count whatever it held: the
                    // dynamic engine reports it when the binding is enabled.
                    guard total <= NetLimits.maximumTokensPerPlace else { throw EvaluationError("overflow", at: o.span) }
                    produced.append((o.place, index, o.count, delay))
                }
            } catch where error.isInterruption {
                abandoned = true
                return
            } catch {
                record(partial, error: true, produced: [], &found)
                return
            }
            record(partial, error: false, produced: produced, inhibitors: inhibitors, &found)
        }

        /// Adds a binding unless it can never be enabled (it takes more copies
        /// of one value than a place can hold).
        private func record(_ partial: Partial, error: Bool, produced: [(place: Int, token: Int, count: Int, delay: Int)],
                            inhibitors: [(cells: [Int32], limit: Int32)] = [], _ found: inout [Complete]) {
            var need: [Int32: Int] = [:]
            for c in partial.consumed { need[c.cell, default: 0] += c.count }
            guard need.values.allSatisfy({ $0 <= NetLimits.maximumTokensPerPlace }) else { return }
            let pre = need.keys.sorted().map { (cell: $0, count: Int32(need[$0]!)) }
            found.append(Complete(pre: pre, keys: partial.keys, error: error, produced: produced, consumed: partial.consumed,
                                  inhibitors: inhibitors))
        }
    }
}

/// Counts a budget's polls, for a cap on the evaluation work of unfolding.
private final class PollCounter: @unchecked Sendable {
    private var polls = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Called from one thread only (the one unfolding).
    func exceeded() -> Bool {
        polls += 1
        return polls > limit
    }
}
