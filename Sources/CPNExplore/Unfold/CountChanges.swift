/// Every change a step of the net can make to the counters, one fixed vector
/// per firing (a binding of the unfolding, a place/transition net's
/// transition): step `s` adds `change[k]` to counter `cell[k]` for `k` in
/// `start[s] ..< start[s + 1]`. A clock tick changes no count (a waiting token
/// is counted like a ready one), so it needs no vector.
///
/// Used once, before exploring, to find the atoms of the compiled properties
/// that no step can change the value of (`CounterFormula.settled`).
struct CountChanges {
    private(set) var start: [Int32] = [0]
    private(set) var cell: [Int32] = []
    private(set) var change: [Int32] = []

    var steps: Int { start.count - 1 }

    /// Adds a step; a counter may appear more than once (the changes add up).
    mutating func append(_ pairs: some Sequence<(cell: Int32, change: Int32)>) {
        for (c, d) in pairs {
            cell.append(c)
            change.append(d)
        }
        start.append(Int32(cell.count))
    }
}

extension CounterFormula {
    /// The direction in which steps move a linear atom `Σ c·x + k`.
    struct Drift {
        var up = false, down = false
    }

    /// For each atom, whether some step raises its linear form and whether
    /// some step lowers it. Nil when that would take more than `budget`
    /// units of work, a unit per counter indexed, term and multiply-add
    /// (nothing is settled then; exploring is unaffected).
    func drifts(_ changes: CountChanges, cells: Int, budget: inout Int) -> [Drift]? {
        let atoms = atomConstant.count
        guard atoms > 0 else { return [] }
        // The index below costs a pass over every counter, whatever the formula's size.
        budget -= cells + atomCell.count
        guard budget >= 0 else { return nil }
        // The atoms' terms by counter (a counting sort), so a step visits only the atoms it touches.
        var termStart = [Int32](repeating: 0, count: cells + 1)
        for c in atomCell { termStart[Int(c) + 1] += 1 }
        for c in 0..<cells { termStart[c + 1] += termStart[c] }
        var fill = termStart
        var termAtom = [Int32](repeating: 0, count: atomCell.count), termCoefficient = [Int](repeating: 0, count: atomCell.count)
        for a in 0..<atoms {
            for k in Int(atomStart[a])..<Int(atomStart[a + 1]) {
                let c = Int(atomCell[k]), at = Int(fill[c])
                termAtom[at] = Int32(a)
                termCoefficient[at] = atomCoefficient[k]
                fill[c] += 1
            }
        }
        var drift = [Drift](repeating: Drift(), count: atoms)
        var sum = [Int](repeating: 0, count: atoms), overflowed = [Bool](repeating: false, count: atoms)
        var touched: [Int32] = []
        for s in 0..<changes.steps {
            for k in Int(changes.start[s])..<Int(changes.start[s + 1]) {
                let c = Int(changes.cell[k]), d = Int(changes.change[k])
                guard c < cells else { return nil }
                let terms = Int(termStart[c])..<Int(termStart[c + 1])
                budget -= terms.count + 1
                guard budget >= 0 else { return nil }
                for t in terms {
                    let a = Int(termAtom[t])
                    if sum[a] == 0, !overflowed[a] { touched.append(Int32(a)) }
                    let (product, o1) = termCoefficient[t].multipliedReportingOverflow(by: d)
                    let (total, o2) = sum[a].addingReportingOverflow(product)
                    if o1 || o2 { overflowed[a] = true } else { sum[a] = total }
                }
            }
            for a in touched.map(Int.init) {
                // An overflow: the step moves the atom by an amount too large to sign-check; say both ways.
                if overflowed[a] || sum[a] > 0 { drift[a].up = true }
                if overflowed[a] || sum[a] < 0 { drift[a].down = true }
                sum[a] = 0
                overflowed[a] = false
            }
            touched.removeAll(keepingCapacity: true)
        }
        return drift
    }

    /// This formula with every atom whose value no reachable marking can
    /// change replaced by that value: an atom no step moves keeps its value
    /// in the initial marking (`held`); an atom `v ≤ 0` (or `< 0`) that holds
    /// initially and that no step raises stays true, and likewise `v ≥ 0`
    /// (or `> 0`) that no step lowers. A place invariant such as "every fork
    /// is on the table or in one hand" is decided this way once, instead of
    /// in each of the millions of states explored. Each settled value is the
    /// value evaluating the atom in every state would give, so results are
    /// unchanged. Returns self when nothing settles.
    func settled(drifts: [Drift], held: [Int]) -> CounterFormula {
        var value = [Bool?](repeating: nil, count: atomConstant.count)
        for a in value.indices {
            let now = holds(atom: a, held), d = drifts[a]
            if !d.up && !d.down {
                value[a] = now
            } else if now, !d.up, atomComparison[a] == .less || atomComparison[a] == .lessEqual {
                value[a] = true
            } else if now, !d.down, atomComparison[a] == .greater || atomComparison[a] == .greaterEqual {
                value[a] = true
            }
        }
        guard value.contains(where: { $0 != nil }) else { return self }
        // The atoms left, renumbered in order.
        var number = [Int32](repeating: -1, count: atomConstant.count)
        var start: [Int32] = [0], cells: [Int32] = [], coefficients: [Int] = [], constants: [Int] = [], comparisons: [Comparison] = []
        for a in value.indices where value[a] == nil {
            number[a] = Int32(constants.count)
            for k in Int(atomStart[a])..<Int(atomStart[a + 1]) {
                cells.append(atomCell[k])
                coefficients.append(atomCoefficient[k])
            }
            start.append(Int32(cells.count))
            constants.append(atomConstant[a])
            comparisons.append(atomComparison[a])
        }
        var ops: [Op]
        var conjunction = false
        if isConjunction {
            // Still a conjunction of the atoms left, unless one is settled false.
            if value.contains(where: { $0 == false }) {
                ops = [.constant(false)]
                (start, cells, coefficients, constants, comparisons) = ([0], [], [], [], [])
            } else {
                ops = (0..<constants.count).map { .atom(Int32($0)) } + [.and(Int32(constants.count))]
                conjunction = true
            }
        } else {
            ops = self.ops.map { op in
                guard case .atom(let a) = op else { return op }
                return value[Int(a)].map { .constant($0) } ?? .atom(number[Int(a)])
            }
        }
        return CounterFormula(ops: ops, atomStart: start, atomCell: cells, atomCoefficient: coefficients,
                              atomConstant: constants, atomComparison: comparisons, tokenLimit: tokenLimit,
                              isConjunction: conjunction)
    }
}
