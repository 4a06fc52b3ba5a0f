import CPNInterop
import CPNLoad
import CPNModel

/// Decides whether a declared invariant follows from the structure alone.
///
/// The invariant is first turned into linear constraints y·M = c or y·M ≤ c
/// over the unfolded places (`LinearConstraintExtractor`). Each is proved by
/// one of three arguments, all of which hold in every marking reachable from
/// *any* initial marking M0 that satisfies them:
///
/// - `= c`: y is a P-invariant (y·C = 0: no binding changes y·M) and y·M0 = c;
/// - `≤ c`: no binding increases y·M (y·C ≤ 0) and y·M0 ≤ c;
/// - `≤ c`: some P-invariant z ≥ 0 and k > 0 have k·z ≥ y, and k·(z·M0) ≤ c;
///   then y·M ≤ k·z·M = k·z·M0 ≤ c, since markings are never negative.
///
/// An invariant is proved when every constraint is.
struct DeclaredInvariantProver {
    let net: CheckedNet
    let incidence: Incidence
    let unfolding: Unfolding
    let terms: PlaceTerms
    let placeValues: [[Value]]
    /// Minimal P-invariants as weights by cell; nil when Farkas stopped.
    let placeInvariants: [[Int: Int]]?
    let placeInvariantsReason: String?
    let shouldStop: () -> Bool

    private enum Argument {
        /// Every weight is ≤ 0 and the bound ≥ 0: markings are never negative.
        case neverPositive
        case conserved
        case neverIncreases
        /// y ≤ (num/den)·z for P-invariant `z`, whose initial value is `value`.
        case bounded(by: Int, num: Int, den: Int, value: Int)
    }

    private struct Failure: Error { var reason: String }

    func prove(_ invariant: Invariant) -> DeclaredInvariantProof {
        var extractor = LinearConstraintExtractor(net: net, cellBase: incidence.cellBase, placeValues: placeValues)
        extractor.shouldStop = shouldStop
        let constraints: [LinearConstraint]
        switch extractor.extract(invariant.expr) {
        case .notLinear(let why):
            return DeclaredInvariantProof(name: invariant.name, status: .notLinear, detail: why)
        case .notComputed(let why):
            return DeclaredInvariantProof(name: invariant.name, status: .notComputed, detail: why)
        case .alwaysFalse(let text):
            return DeclaredInvariantProof(name: invariant.name, status: .notProved, detail: "`\(text)` is false")
        case .constraints(let c):
            constraints = c
        }
        var arguments: [(LinearConstraint, Argument)] = []
        for c in constraints {
            do {
                arguments.append((c, try argument(for: c)))
            } catch {
                let at = c.instance.isEmpty ? "" : "for \(c.instance): "
                return DeclaredInvariantProof(name: invariant.name, status: .notProved, detail: at + error.reason)
            }
        }
        guard let (first, firstArgument) = arguments.first else {
            return DeclaredInvariantProof(name: invariant.name, status: .proved,
                                          detail: "it constrains no place (its constant parts are true)")
        }
        var detail = ""
        if constraints.count > 1 { detail += "each of its \(constraints.count) instances is proved, e.g. \(first.instance): " }
        detail += explain(first, firstArgument)
        return DeclaredInvariantProof(name: invariant.name, status: .proved, detail: detail)
    }

    private func argument(for c: LinearConstraint) throws(Failure) -> Argument {
        guard let initial = incidence.weightedInitial(c.weights) else { throw Failure(reason: "a weighted sum overflows") }
        // Rendered only for a message: most constraints are proved.
        var form: String { "`\(terms.sum(terms.cubes(c.weights)))`" }
        // The first binding that raises and the first that lowers the sum.
        var raise: (Int, Int)?, lower: (Int, Int)?
        for k in incidence.classes.indices {
            guard let d = incidence.change(c.weights, column: k) else { throw Failure(reason: "a weighted sum overflows") }
            if d > 0, raise == nil { raise = (k, d) }
            if d < 0, lower == nil { lower = (k, d) }
            if raise != nil && lower != nil { break }
        }
        switch c.relation {
        case .equal:
            if let (k, d) = raise ?? lower {
                throw Failure(reason: "\(describe(k)) changes \(form) by \(d > 0 ? "+" : "")\(d), so it is no P-invariant")
            }
            guard initial == c.bound else {
                throw Failure(reason: "no firing changes \(form), but it is \(initial) initially, not \(c.bound)")
            }
            return .conserved
        case .atMost:
            guard initial <= c.bound else {
                throw Failure(reason: "\(form) is \(initial) initially, more than \(c.bound)")
            }
            if raise == nil { return .neverIncreases }
            if c.bound >= 0, c.weights.values.allSatisfy({ $0 <= 0 }) { return .neverPositive }
            if let argument = bounded(c, initial: initial) { return argument }
            let (k, d) = raise!
            let why = placeInvariants == nil ? " (P-invariants \(placeInvariantsReason ?? "not computed"))" : ""
            throw Failure(reason: "\(describe(k)) increases \(form) by \(d), and no P-invariant bounds it\(why)")
        }
    }

    /// The tightest P-invariant z with k·z ≥ y and k·(z·M0) ≤ bound.
    private func bounded(_ c: LinearConstraint, initial: Int) -> Argument? {
        guard let placeInvariants else { return nil }
        var best: (Argument, Double)?
        for (i, z) in placeInvariants.enumerated() {
            // k = max over y_j > 0 of y_j / z_j, as a fraction num/den.
            var num = 0, den = 1, covers = true
            for (cell, y) in c.weights where y > 0 {
                guard let zj = z[cell] else { covers = false; break }
                // y/zj > num/den  ⇔  y·den > num·zj
                let (a, o1) = y.multipliedReportingOverflow(by: den), (b, o2) = num.multipliedReportingOverflow(by: zj)
                if o1 || o2 { covers = false; break }
                if a > b { (num, den) = (y, zj) }
            }
            guard covers, num > 0, let value = incidence.weightedInitial(z) else { continue }
            // (num/den)·value ≤ bound  ⇔  num·value ≤ bound·den
            let (lhs, o1) = num.multipliedReportingOverflow(by: value), (rhs, o2) = c.bound.multipliedReportingOverflow(by: den)
            guard !o1, !o2, lhs <= rhs else { continue }
            let g = Farkas.gcd(num, den)
            let score = Double(lhs) / Double(den)
            if best == nil || score < best!.1 { best = (.bounded(by: i, num: num / g, den: den / g, value: value), score) }
        }
        return best?.0
    }

    private func explain(_ c: LinearConstraint, _ argument: Argument) -> String {
        let form = "`\(terms.sum(terms.cubes(c.weights)))`"
        switch argument {
        case .neverPositive:
            return "\(form) is never positive (token counts are never negative) and \(c.bound) ≥ 0"
        case .conserved:
            return "\(form) is a P-invariant (no firing changes it) and is \(c.bound) initially"
        case .neverIncreases:
            return "no firing increases \(form), which is at most \(c.bound) initially"
        case .bounded(let i, let num, let den, let value):
            let z = "`\(terms.sum(terms.cubes(placeInvariants![i])))`"
            let k = num == den ? "" : den == 1 ? "\(num)·" : "\(num)/\(den)·"
            return "\(form) ≤ \(k)\(z), a P-invariant that is \(value) initially, and \(k)\(value) ≤ \(c.bound)"
        }
    }

    /// `transition `t` (binding)`: the first binding with column `k`.
    private func describe(_ k: Int) -> String {
        let step = unfolding.steps[incidence.classes[k].steps[0]]
        let name = net.transitions[step.transition].name
        return step.binding.isEmpty ? "firing `\(name)`" : "firing `\(name)` (\(step.binding))"
    }
}
