import CPNLoad

/// Turns what a search found into property results: a status for each, how
/// a `holds` was shown, why an `unknown` is unknown, and the shortest trace of
/// each violation.
///
/// The rule (`specs/semantics.md` §6): `violated` when a violation was found;
/// `holds` only when the search was complete and the property was decided on
/// every reachable marking; `unknown` otherwise — never `holds` by default.
struct PropertyAssembly {
    let net: CheckedNet
    let findings: SearchFindings
    let store: StateStore
    let traces: TraceBuilder

    func properties() -> [PropertyResult] {
        var out: [PropertyResult] = []
        for (k, inv) in net.invariants.enumerated() {
            var r = open(name: inv.name, kind: .invariant, message: inv.description, location: .init(inv.span),
                         undecided: findings.invariantUndecided[k] ? "it failed to evaluate in a reachable marking (see expression-errors)" : nil)
            if let s = findings.invariantViolations[k] {
                r.violate("invariant `\(inv.name)` does not hold", trace: trace(to: s, property: inv.name))
            }
            out.append(r)
        }
        let hasFinal = net.final != nil
        var deadlock = open(name: "deadlock", kind: .deadlock,
                            message: hasFinal ? "no reachable dead marking outside `final`" : "no reachable dead marking",
                            location: nil,
                            undecided: findings.deadlockUndecided ? "`final` failed to evaluate in a dead marking (see expression-errors)" : nil)
        if let s = findings.firstDeadlock {
            let n = findings.deadlocks
            deadlock.violate("\(n) dead marking\(n == 1 ? "" : "s") \(hasFinal ? (n == 1 ? "that is not final" : "that are not final") : "(the net has no `final`)"); the shortest is shown",
                             trace: trace(to: s, property: "deadlock"))
        }
        out.append(deadlock)
        if let f = net.final {
            var r = open(name: "final-reachable", kind: .finalReachable,
                         message: "from every reachable marking, a final marking (or a reported deadlock) can be reached",
                         location: .init(f.span), undecided: nil)
            if findings.complete, let trapped = firstTrapped() {
                if findings.finalUndecided {
                    r.status = .unknown
                    r.proof = nil
                    r.undecidedBecause = "`final` failed to evaluate in a reachable marking (see expression-errors)"
                } else {
                    r.violate("from the marking shown, no final marking can ever be reached (the net runs forever without finishing)",
                              trace: trace(to: trapped, property: "final-reachable"))
                }
            }
            out.append(r)
        }
        var expression = open(name: "expression-errors", kind: .expressionError,
                              message: "no evaluation error (overflow, division by zero, value outside its color)",
                              location: nil, undecided: nil)
        if let e = findings.expressionFailure {
            var t = trace(to: e.state, property: "expression-errors")
            if let failure = e.failure {
                t.failure = .init(transition: net.transitions[failure.transition].name,
                                  binding: traces.binding(failure.transition, failure.slots),
                                  message: failure.error.message, location: .init(failure.error.span))
            } else {
                t.failure = .init(transition: e.property.map { "(evaluating \($0))" } ?? "", binding: [],
                                  message: e.error.message, location: .init(e.error.span))
            }
            expression.violate(e.error.message, trace: t)
            expression.location = .init(e.error.span)
        }
        out.append(expression)
        return out
    }

    /// A property not (yet) violated: `holds`, proved on every reachable
    /// state, when the search was complete and the property decided everywhere.
    private func open(name: String, kind: PropertyResult.Kind, message: String?, location: PropertyResult.Location?,
                      undecided: String?) -> PropertyResult {
        var r = PropertyResult(name: name, kind: kind, status: .unknown, message: message, location: location, trace: nil)
        if let undecided {
            r.undecidedBecause = undecided
        } else if let stop = findings.stopReason {
            r.undecidedBecause = "exploration was incomplete (\(stop))"
        } else {
            r.status = .holds
            r.proof = .exhaustive(states: store.count)
        }
        return r
    }

    private func trace(to state: Int, property: String) -> Trace {
        traces.trace(path: store.path(to: state), store: store, property: property)
    }

    /// The first state (BFS order) from which no final or dead state is reachable.
    private func firstTrapped() -> Int? {
        var hasOut = Array(repeating: false, count: store.count)
        for f in findings.edgeFrom { hasOut[Int(f)] = true }
        return FinalReachability.firstTrapped(states: store.count, from: findings.edgeFrom, to: findings.edgeTo,
                                              isTarget: { findings.isFinal[$0] || !hasOut[$0] })
    }
}

extension PropertyResult {
    mutating func violate(_ message: String, trace: Trace) {
        status = .violated
        self.message = message
        self.trace = trace
        proof = nil
        undecidedBecause = nil
    }
}
