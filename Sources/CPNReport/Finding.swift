import CPNDiagnostics
import CPNExplore

/// One thing a report must tell about a net: a violated property, a dead
/// transition, an exploration stopped by a bound, or a diagnostic from `check`.
///
/// SARIF results, GitHub annotations, JUnit failures and the Markdown comment are
/// each a rendering of the same list, so they always agree on what was found and
/// where.
public struct Finding: Sendable {
    /// The kind of finding: one SARIF rule per property kind, and one per
    /// diagnostic code.
    public enum Rule: String, Sendable, CaseIterable {
        case invariant, deadlock
        case finalReachable = "final-reachable"
        case leadsTo = "leads-to"
        case boundedness
        case expectedDead = "expected-dead"
        case expressionError = "expression-error"
        case deadTransition = "dead-transition"
        case explorationBound = "exploration-bound"
        case diagnostic
    }

    public enum Level: String, Sendable {
        case error, warning, note
    }

    public var rule: Rule
    /// The SARIF rule id: the rule's name, or the diagnostic's code (`E0201`).
    public var ruleID: String
    public var level: Level
    /// Where it is; nil only for a diagnostic about the file as a whole.
    public var region: SourceRegion?
    /// A short title: "invariant `mutex` violated".
    public var title: String
    /// One sentence that stands alone: what is wrong.
    public var message: String
    /// Further lines: the explorer's message, a diagnostic's help.
    public var details: [String]
    /// The violated property, with its counterexample.
    public var property: PropertyResult?
    /// A stable identity across runs and line moves: file, rule and name.
    public var fingerprint: String

    /// The findings of one net, in a fixed order: diagnostics in reading order,
    /// violated properties in report order, a bound that stopped exploration, dead
    /// transitions in declaration order.
    public static func of(_ report: NetReport) -> [Finding] {
        var out: [Finding] = []
        let file = report.path
        for d in report.diagnostics {
            var details: [String] = []
            if let help = d.help { details.append("help: \(help)") }
            details += d.notes.map { n in "note: \(n.message)" + (n.span.map { " (\($0))" } ?? "") }
            out.append(Finding(
                rule: .diagnostic, ruleID: d.code.rawValue, level: d.isError ? .error : .warning,
                region: d.span.map(SourceRegion.init), title: "\(d.code.rawValue): \(d.code.explanation?.title ?? d.severity.rawValue)",
                message: sentence(d.message), details: details, property: nil,
                fingerprint: "\(file):\(d.code.rawValue):\(d.span.map { "\($0.start.line):\($0.start.column)" } ?? "")"))
        }
        guard let result = report.result else { return out }
        let locations = NetLocations(report.net)
        for p in result.properties where p.status == .violated {
            out.append(Finding(
                rule: rule(for: p.kind), ruleID: rule(for: p.kind).rawValue, level: .error,
                region: locations.primaryRegion(of: p, in: file), title: "\(TraceNarration.label(p)) violated",
                message: headline(p, net: result.net), details: details(p, locations), property: p,
                fingerprint: "\(file):\(p.kind.rawValue):\(p.name)"))
        }
        if !result.complete {
            let reason = result.stopReason ?? "stopped"
            out.append(Finding(
                rule: .explorationBound, ruleID: Rule.explorationBound.rawValue, level: .warning,
                region: .start(of: file), title: "exploration incomplete",
                message: "Exploration of net `\(result.net)` stopped early (\(reason)): \(result.states) states were checked, and properties without a violation there are unknown.",
                details: ["Raise the bound (--max-states, --max-depth, --time-limit) or make the net smaller."],
                property: nil, fingerprint: "\(file):exploration-bound"))
        }
        for t in result.deadTransitions {
            out.append(Finding(
                rule: .deadTransition, ruleID: Rule.deadTransition.rawValue, level: .warning,
                region: locations.transition(t) ?? .start(of: file), title: "transition `\(t)` never fires",
                message: "Transition `\(t)` of net `\(result.net)` can never fire: it is not enabled in any of the \(result.states) reachable markings.",
                details: ["Check its input places and its guard; a transition that never fires is usually a bug."],
                property: nil, fingerprint: "\(file):dead-transition:\(t)"))
        }
        return out
    }

    static func rule(for kind: PropertyResult.Kind) -> Rule {
        switch kind {
        case .invariant: .invariant
        case .deadlock: .deadlock
        case .finalReachable: .finalReachable
        case .leadsTo: .leadsTo
        case .boundedness: .boundedness
        case .expectedDead: .expectedDead
        case .expressionError: .expressionError
        }
    }

    /// What the violated property says, beyond the headline: an invariant's
    /// expression and description, the explorer's count of dead markings.
    static func details(_ p: PropertyResult, _ locations: NetLocations) -> [String] {
        switch p.kind {
        case .invariant:
            guard let text = locations.invariantText(p.name) else { return [] }
            return ["The invariant: `\(text.expression)`" + (text.description.map { " (\($0))" } ?? "")]
        case .deadlock:
            return p.message.map { [sentence($0)] } ?? []
        case .finalReachable:
            return []
        case .leadsTo:
            guard let text = locations.leadsToText(p.name) else { return [] }
            return ["The property: `\(text)`"]
        case .boundedness, .expectedDead:
            return p.message.map { [sentence($0)] } ?? []
        case .expressionError:
            return p.trace?.failure == nil ? p.message.map { [sentence($0)] } ?? [] : []
        }
    }

    /// The first sentence of a violation: which property, in which net, how far away.
    static func headline(_ p: PropertyResult, net: String) -> String {
        let n = p.trace?.steps.count ?? 0
        let distance = n == 0 ? "in the initial marking" : "after \(n) step\(n == 1 ? "" : "s") from the initial marking"
        switch p.kind {
        case .invariant:
            return "Invariant `\(p.name)` of net `\(net)` is violated \(distance)."
        case .deadlock:
            return "Net `\(net)` can deadlock: \(n == 0 ? "the initial marking" : "a marking \(n) step\(n == 1 ? "" : "s") away") is dead and not final."
        case .finalReachable:
            let stem = p.trace?.loop?.start ?? n
            return "Net `\(net)` can get stuck in a loop: \(stem == 0 ? "from the initial marking" : "after \(stem) step\(stem == 1 ? "" : "s")") no final or dead marking can be reached."
        case .leadsTo:
            let stem = p.trace?.loop?.start ?? n
            return "Leads-to property `\(p.name)` of net `\(net)` is violated: after \(stem) step\(stem == 1 ? "" : "s") the net can run forever without reaching what must follow."
        case .expectedDead:
            return "Transition `\(p.name)` of net `\(net)`, marked `expect: dead`, is enabled \(distance)."
        case .boundedness:
            let grows = p.trace?.loop?.grows ?? []
            return "Net `\(net)` is unbounded: \(grows.count == 1 ? "place" : "places") \(grows.map { "`\($0)`" }.joined(separator: ", ")) can gain tokens forever."
        case .expressionError:
            if let f = p.trace?.failure {
                let binding = f.binding.isEmpty ? "" : " with \(TraceNarration.binding(f.binding))"
                let what = f.transition.hasPrefix("(") ? f.transition.dropFirst().dropLast() : "firing `\(f.transition)`\(binding)"
                return "Evaluation error in net `\(net)` \(distance), \(what): \(f.message)."
            }
            return "Evaluation error in net `\(net)` \(distance)" + (p.message.map { ": \($0)." } ?? ".")
        }
    }

    /// Diagnostics are written as lower-case clauses; a report sentence ends with a period.
    static func sentence(_ s: String) -> String {
        guard let first = s.first else { return s }
        let capitalised = first.uppercased() + s.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
