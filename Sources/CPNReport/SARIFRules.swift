import CPNDiagnostics
import CPNJSON

/// The SARIF rule descriptors: one per kind of property or finding, always
/// present, then one per diagnostic code that occurs in the run, by code.
struct SARIFRule {
    var id: String
    var name: String
    var short: String
    var full: String
    var help: String
    var level: Finding.Level
    var tags: [String]

    var json: JSONValue {
        JSONValue.members(
            ("id", .string(id)),
            ("name", .string(name)),
            ("shortDescription", JSONValue.members(("text", .string(short)))),
            ("fullDescription", JSONValue.members(("text", .string(full)))),
            ("help", JSONValue.members(("text", .string(help)))),
            ("defaultConfiguration", JSONValue.members(("level", .string(level.rawValue)))),
            ("properties", JSONValue.members(("tags", .array(tags.map(JSONValue.string))))))
    }
}

enum SARIFRules {
    static let properties: [SARIFRule] = [
        SARIFRule(
            id: Finding.Rule.invariant.rawValue, name: "InvariantViolated",
            short: "An invariant of the net is false in a reachable marking.",
            full: "Every invariant under `invariants:` must hold in every marking the net can reach. The result points at the invariant and its code flow is the shortest run from the initial marking to a marking where it is false.",
            help: "Follow the code flow to see which firings break the invariant, then add the missing guard, capacity or input arc, or correct the invariant if it says too much. `cpn-author replay` steps through the saved trace (verify --trace-out).",
            level: .error, tags: ["correctness", "cpn", "invariant"]),
        SARIFRule(
            id: Finding.Rule.deadlock.rawValue, name: "Deadlock",
            short: "A reachable marking is dead and not final.",
            full: "A marking is dead when no binding of any transition is enabled and no token is waiting. A dead marking where `final` does not hold (every dead marking, when the net has no `final`) is a deadlock. The result points at the transition whose firing led into it.",
            help: "Follow the code flow to the dead marking. Either some transition should be able to fire there (a missing arc or a guard too strict), or the marking is a correct end and `final` should say so.",
            level: .error, tags: ["correctness", "cpn", "deadlock"]),
        SARIFRule(
            id: Finding.Rule.finalReachable.rawValue, name: "FinalUnreachable",
            short: "From some reachable marking, no final or dead marking can be reached.",
            full: "The net can enter a region of markings that it can never leave towards a final (or dead) marking: a livelock or an endless loop. The code flow leads to the first such marking in breadth-first order.",
            help: "Find the cycle the marking belongs to and give it an exit: a counter with a bound, a retry limit, or a transition to a final marking.",
            level: .error, tags: ["correctness", "cpn", "liveness"]),
        SARIFRule(
            id: Finding.Rule.leadsTo.rawValue, name: "LeadsToViolated",
            short: "A reachable marking where `p` holds is not always followed by one where `q` holds.",
            full: "A `leads_to` property `p ~> q` requires that from every reachable marking where `p` holds, every run eventually reaches a marking where `q` holds, assuming the run does not stay forever outside a bottom strongly connected component of the state graph (see specs/semantics.md). The code flow is a lasso: the run to a `p` marking, then a cycle that avoids `q` forever.",
            help: "Follow the lasso's cycle: some step must take the net out of it towards `q` (a timeout, a retry limit, a priority), or the property asks for more than the design promises.",
            level: .error, tags: ["correctness", "cpn", "liveness"]),
        SARIFRule(
            id: Finding.Rule.boundedness.rawValue, name: "UnboundedPlace",
            short: "A place can gain tokens without bound.",
            full: "A reachable marking strictly covers an earlier marking on its own run, and the steps between can be repeated forever, each time adding tokens: the state space is infinite and exploration can never complete. The code flow is the run to the earlier marking, then the steps that repeat.",
            help: "Find the transition that produces more than it consumes in the repeated steps and bound it: a capacity on the growing place, a counter, or consume what it re-produces.",
            level: .error, tags: ["correctness", "cpn", "boundedness"]),
        SARIFRule(
            id: Finding.Rule.expectedDead.rawValue, name: "ExpectedDeadTransitionEnabled",
            short: "A transition marked `expect: dead` is enabled in a reachable marking.",
            full: "A transition with `expect: dead` is a defensive branch that a correct net never enables. The result points at the transition; the code flow is the shortest run to a marking where it is enabled.",
            help: "Follow the code flow: the marking shown is one the design says cannot happen. Fix what leads there, or drop `expect: dead` if the branch is real work.",
            level: .error, tags: ["correctness", "cpn", "dead-code"]),
        SARIFRule(
            id: Finding.Rule.expressionError.rawValue, name: "ExpressionError",
            short: "Evaluating an expression failed in a reachable marking.",
            full: "A guard, an output token, a delay, an order key, an invariant or `final` failed to evaluate: integer overflow, division by zero, or a value outside its color. The result points at the expression; the code flow ends with the binding that failed.",
            help: "Guard the transition so the failing binding is not enabled (e.g. `n > 0` before dividing by `n`), or widen the color the value must fit in.",
            level: .error, tags: ["correctness", "cpn", "evaluation"]),
        SARIFRule(
            id: Finding.Rule.deadTransition.rawValue, name: "DeadTransition",
            short: "A transition never fires in any reachable marking.",
            full: "After a complete exploration, the transition was not enabled in any reachable marking. This does not change the verdict, but a transition that can never fire is usually a bug: an input place that is never marked or a guard that is never true.",
            help: "Check the transition's input places and guard, or remove it.",
            level: .warning, tags: ["cpn", "maintainability"]),
        SARIFRule(
            id: Finding.Rule.explorationBound.rawValue, name: "ExplorationBounded",
            short: "A bound stopped the exploration before every reachable marking was checked.",
            full: "The state, depth, time or memory bound was reached. No violation was found in the markings explored, but the properties are not proven.",
            help: "Raise the bound (--max-states, --max-depth, --time-limit), or make the state space smaller (fewer tokens, smaller colors, capacities).",
            level: .warning, tags: ["cpn", "incomplete"]),
    ]

    static func rules(for findings: [Finding]) -> [SARIFRule] {
        let codes = Set(findings.filter { $0.rule == .diagnostic }.map(\.ruleID)).sorted()
        return properties + codes.map { code in
            let c = DiagnosticCode(code)
            let title = c.explanation?.title ?? (c.severity == .error ? "error" : "warning")
            let explanation = c.explanation?.explanation ?? "See `cpn-author explain \(code)`."
            return SARIFRule(
                id: code, name: camelCase(title), short: Finding.sentence(title), full: explanation,
                help: explanation + " Run `cpn-author explain \(code)` for the full text.",
                level: c.severity == .error ? .error : .warning, tags: ["cpn", "check"])
        }
    }

    /// "unknown color" → "UnknownColor": the readable rule name SARIF asks for.
    static func camelCase(_ title: String) -> String {
        title.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
