import CPNExpressions
import CPNInterop
import CPNLoad
import CPNModel
import Foundation

/// How far structural analysis may go before it says "not computed (too large)".
public struct StructuralLimits: Sendable {
    /// Unfolded places (place × color value) at most.
    public var maxUnfoldedPlaces = 5_000
    /// Bindings the unfolding may produce, and candidates it may try.
    public var maxBindings = 100_000
    public var maxCandidateBindings = 2_000_000
    /// Rows the Farkas algorithm may hold at once (P- and T-invariants each).
    public var maxFarkasRows = 5_000
    /// Seconds for the whole analysis; nil for no limit. The row bound is what
    /// makes results reproducible; this only keeps a huge net from stalling `verify`.
    public var timeLimit: Double? = 20
    public var isCancelled: (@Sendable () -> Bool)?

    public init() {}
}

/// Structural analysis of a checked net: P-invariants and T-invariants of
/// its unfolding, and which declared invariants follow from the structure
/// alone (specs/semantics.md, "Structural analysis").
///
/// ```swift
/// let report = StructuralAnalysis(net: checked).run()
/// report.declared(named: "proxies_conserved")?.status   // .proved
/// ```
///
/// The unfolding has one place per (place, color value) and one transition per
/// binding the colors and guard allow, whatever the marking: the results hold
/// for every initial marking, not only the declared one. Time, `order` and
/// capacities only restrict which bindings fire; they change no firing's
/// effect, so they are ignored here and the results stay valid.
public struct StructuralAnalysis: Sendable {
    public let net: CheckedNet

    public init(net: CheckedNet) { self.net = net }

    public func run(_ limits: StructuralLimits = StructuralLimits()) -> StructuralReport {
        let started = ContinuousClock.now
        let cancelled = limits.isCancelled
        let budget = limits.timeLimit.map { Duration.milliseconds(Int64($0 * 1000)) }
        let shouldStop: @Sendable () -> Bool = {
            if let cancelled, cancelled() { return true }
            if let budget { return ContinuousClock.now - started > budget }
            return false
        }
        var options = Unfolding.Options()
        options.incidenceOnly = true
        options.maxColorCardinality = limits.maxUnfoldedPlaces
        options.maxSteps = limits.maxBindings
        options.maxCandidates = limits.maxCandidateBindings
        options.shouldStop = shouldStop
        let cellCount = net.places.reduce(0) { $0 + ($1.color.cardinality ?? Int.max / 2) }
        let unfolding: Unfolding
        do throws(InteropError) {
            guard cellCount <= limits.maxUnfoldedPlaces else {
                throw InteropError("the unfolding has \(cellCount > Int.max / 4 ? "too many" : String(cellCount)) places, more than \(limits.maxUnfoldedPlaces)")
            }
            unfolding = try Unfolding(net, options: options)
        } catch {
            return notComputed(error.message)
        }
        let incidence = Incidence(unfolding)
        guard let incidence else { return notComputed("a firing moves more tokens than 64-bit integers hold") }
        let placeValues = net.places.map(\.color.allValues)
        let terms = PlaceTerms(net: net, cells: incidence.cells, placeValues: placeValues)

        // P-invariants: weightings of the unfolded places, constraints the distinct columns.
        var placeRows = [[(Int, Int)]](repeating: [], count: incidence.cells.count)
        for (k, column) in incidence.classes.enumerated() {
            for (cell, delta) in column.entries { placeRows[cell].append((k, delta)) }
        }
        let farkasLimits = Farkas.Limits(maxRows: limits.maxFarkasRows, shouldStop: shouldStop)
        var placeInvariants: [[Int: Int]]?
        let pList: InvariantList<PlaceInvariant>
        switch Farkas.solve(rows: placeRows, limits: farkasLimits) {
        case .stopped(let why):
            pList = InvariantList(computed: false, reason: "not computed (too large: \(why))", items: [])
        case .solutions(let solutions):
            let weights = solutions.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.variable, $0.weight) }) }
            placeInvariants = weights
            let rendered = weights.map { w in (cubes: terms.cubes(w), initial: incidence.weightedInitial(w) ?? 0) }
            pList = InvariantList(computed: true, reason: nil, items: terms.placeInvariants(rendered))
        }

        // T-invariants: multisets of distinct columns; a column that changes nothing is one alone.
        let tList: InvariantList<TransitionInvariant>
        switch Farkas.solve(rows: incidence.classes.map(\.entries), limits: farkasLimits) {
        case .stopped(let why):
            tList = InvariantList(computed: false, reason: "not computed (too large: \(why))", items: [])
        case .solutions(let solutions):
            var firings = solutions.map { s in s.map { (steps: incidence.classes[$0.variable].steps, times: $0.weight) } }
            firings += incidence.unchanging.map { [(steps: [$0], times: 1)] }
            tList = InvariantList(computed: true, reason: nil, items: transitionInvariants(firings, unfolding))
        }

        let prover = DeclaredInvariantProver(net: net, incidence: incidence, unfolding: unfolding, terms: terms,
                                             placeValues: placeValues, placeInvariants: placeInvariants,
                                             placeInvariantsReason: pList.reason, shouldStop: shouldStop)
        return StructuralReport(unfolding: UnfoldingSize(places: incidence.cells.count, bindings: unfolding.steps.count),
                                notComputed: nil, placeInvariants: pList, transitionInvariants: tList,
                                declaredInvariants: net.net.invariants.map(prover.prove))
    }

    private func notComputed(_ why: String) -> StructuralReport {
        let reason = "not computed (too large: \(why))"
        return StructuralReport(
            unfolding: nil, notComputed: reason,
            placeInvariants: InvariantList(computed: false, reason: reason, items: []),
            transitionInvariants: InvariantList(computed: false, reason: reason, items: []),
            declaredInvariants: net.net.invariants.map {
                DeclaredInvariantProof(name: $0.name, status: .notComputed, detail: "the net could not be unfolded: \(why)")
            })
    }

    /// T-invariants by transition: `take_first + take_second + finish`, one
    /// line for all the invariants that only differ in their bindings.
    private func transitionInvariants(_ list: [[(steps: [Int], times: Int)]], _ unfolding: Unfolding) -> [TransitionInvariant] {
        var byText: [String: (firings: [TransitionInvariant.Firing], count: Int)] = [:]
        var order: [String] = []
        for invariant in list {
            var times: [Int: Int] = [:]
            for (steps, n) in invariant {
                // Bindings with the same effect are interchangeable; name the first.
                let t = unfolding.steps[steps[0]].transition
                times[t, default: 0] += n
            }
            let firings = times.sorted { $0.key < $1.key }.map {
                TransitionInvariant.Firing(transition: net.transitions[$0.key].name, times: $0.value)
            }
            let text = firings.map { $0.times == 1 ? $0.transition : "\($0.times)*\($0.transition)" }.joined(separator: " + ")
            if byText[text] == nil { order.append(text); byText[text] = (firings, 0) }
            byText[text]!.count += 1
        }
        return order.map { TransitionInvariant(text: $0, transitions: byText[$0]!.firings, count: byText[$0]!.count) }
    }
}

/// The unfolded net as an integer matrix: one row per unfolded place (cell),
/// one column per binding, the entry the tokens the binding adds minus those
/// it takes. Bindings with the same column are grouped: they are the same
/// constraint for P-invariants and interchangeable in T-invariants.
struct Incidence {
    struct Column { var entries: [(Int, Int)]; var steps: [Int] }

    let cells: [(place: Int, valueIndex: Int)]
    let cellBase: [Int]
    let initial: [Int]
    /// Distinct non-zero columns, with the bindings that have each.
    let classes: [Column]
    /// Bindings that change nothing (every token they take they put back).
    let unchanging: [Int]
    /// The column of each binding.
    let columnOf: [Int?]

    init?(_ u: Unfolding) {
        var base: [Int] = [], offset = 0
        for place in u.net.places {
            base.append(offset)
            offset += place.color.cardinality ?? 0
        }
        cellBase = base
        cells = u.cells.map { (place: $0.place, valueIndex: $0.valueIndex) }
        var initial = [Int](repeating: 0, count: u.cells.count)
        for (cell, n) in u.initial { initial[base[cell.place] + cell.valueIndex] = n }
        self.initial = initial
        var index: [[Int]: Int] = [:]
        var classes: [Column] = [], unchanging: [Int] = []
        var columnOf: [Int?] = []
        for (s, step) in u.steps.enumerated() {
            var delta: [Int: Int] = [:]
            for (cell, n) in step.produced {
                let (v, o) = delta[base[cell.place] + cell.valueIndex, default: 0].addingReportingOverflow(n)
                if o { return nil }
                delta[base[cell.place] + cell.valueIndex] = v
            }
            for (cell, n) in step.consumed {
                let (v, o) = delta[base[cell.place] + cell.valueIndex, default: 0].subtractingReportingOverflow(n)
                if o { return nil }
                delta[base[cell.place] + cell.valueIndex] = v
            }
            let entries = delta.filter { $0.value != 0 }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if entries.isEmpty { unchanging.append(s); columnOf.append(nil); continue }
            let key = entries.flatMap { [$0.0, $0.1] }
            if let k = index[key] {
                classes[k].steps.append(s)
                columnOf.append(k)
            } else {
                index[key] = classes.count
                columnOf.append(classes.count)
                classes.append(Column(entries: entries, steps: [s]))
            }
        }
        self.classes = classes
        self.unchanging = unchanging
        self.columnOf = columnOf
    }

    /// y·M0, nil on overflow.
    func weightedInitial(_ y: [Int: Int]) -> Int? {
        var total = 0
        for (cell, w) in y where initial[cell] != 0 {
            let (p, o1) = w.multipliedReportingOverflow(by: initial[cell])
            let (s, o2) = total.addingReportingOverflow(p)
            if o1 || o2 { return nil }
            total = s
        }
        return total
    }

    /// y·C for column `k`, nil on overflow.
    func change(_ y: [Int: Int], column k: Int) -> Int? {
        var total = 0
        for (cell, delta) in classes[k].entries {
            guard let w = y[cell] else { continue }
            let (p, o1) = w.multipliedReportingOverflow(by: delta)
            let (s, o2) = total.addingReportingOverflow(p)
            if o1 || o2 { return nil }
            total = s
        }
        return total
    }
}
