import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNReport

/// The gate a drafted net must pass: check (YAML, schema, types), then an
/// exhaustive exploration within bounds. Its failures are written for the
/// repair prompt: the diagnostics as `check` prints them, or the violated
/// properties with their shortest counterexamples as `verify` prints them.
public struct NetGate: Sendable {
    public var maxStates: Int
    public var maxDepth: Int?
    public var timeLimit: Double?
    /// Resident memory at which a reply's exploration stops (bounded, never
    /// passed): a model's net must not take the machine down with it.
    public var maxMemory = min(ExplorationOptions.defaultMaxMemory, 4 << 30)
    /// Accept a net whose exploration hit a bound without finding a violation.
    public var acceptBounded: Bool
    /// Polled during exploration: a cancelled session stops its verify early (the outcome is then `bounded`).
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(maxStates: Int = 200_000, maxDepth: Int? = nil, timeLimit: Double? = 60, acceptBounded: Bool = false) {
        self.maxStates = maxStates
        self.maxDepth = maxDepth
        self.timeLimit = timeLimit
        self.acceptBounded = acceptBounded
    }

    public enum Outcome: Sendable {
        /// The reply held no YAML at all.
        case noNet
        /// `check` failed: diagnostics, rendered.
        case invalid(errors: Int, report: String)
        /// Exploration found a violation: the verify report with traces.
        case violated(ExplorationResult, report: String)
        /// Exploration stopped at a bound first.
        case bounded(ExplorationResult, report: String)
        case passed(ExplorationResult, report: String, warnings: Int)

        public var passed: Bool { if case .passed = self { true } else { false } }

        /// One line for summaries and transcripts.
        public var summary: String {
            switch self {
            case .noNet: "no YAML net in the reply"
            case .invalid(let n, _): "check failed: \(n) error\(n == 1 ? "" : "s")"
            case .violated(let r, _):
                "verify failed: " + r.properties.filter { $0.status == .violated }.map { "\($0.kind.rawValue) \($0.name)" }.joined(separator: ", ")
            case .bounded(let r, _): "verify stopped at a bound (\(r.stopReason ?? "bound")) after \(group(r.states)) states"
            case .passed(let r, _, _): "passed: every property holds in all \(group(r.states)) reachable states"
            }
        }

        /// What the repair prompt quotes.
        public var failureText: String {
            switch self {
            case .noNet:
                return "Your reply contained no YAML net. Reply with the complete net in one ```yaml fenced block."
            case .invalid(let n, let report):
                return "`cpn-author check` found \(n) error\(n == 1 ? "" : "s") (line:column refer to the numbered net below):\n\n\(report)"
            case .violated(_, let report):
                return "`cpn-author verify` explored the net and found violated properties. Each comes with its shortest counterexample: the transitions fired from the initial marking, their variable bindings, and the tokens moved.\n\n\(report)"
            case .bounded(let r, let report):
                return "`cpn-author verify` stopped after \(r.states) states (\(r.stopReason ?? "a bound")) without finishing: the state space is too large or infinite. Bound every counter with a bounded int color or a capacity, keep instance sizes small (2–3 of each thing), and make sure nothing grows forever.\n\n\(report)"
            case .passed(_, let report, _):
                return report
            }
        }
    }

    public func evaluate(yaml: String?, path: String) -> Outcome {
        guard let yaml else { return .noNet }
        let loaded = NetLoader.load(text: yaml, path: path)
        guard let net = loaded.checked else {
            let report = DiagnosticRenderer(useColor: false).render(loaded.diagnostics.filter(\.isError)) { _ in loaded.source }
            return .invalid(errors: loaded.errorCount, report: report)
        }
        var options = ExplorationOptions()
        options.maxStates = maxStates
        options.maxDepth = maxDepth
        options.timeLimit = timeLimit
        options.maxMemory = maxMemory
        options.isCancelled = isCancelled
        let result = Explorer(net: net, options: options).run(file: path)
        let report = TextReport(showTiming: false, useColor: false).render(result)
        switch result.verdict {
        case .violated: return .violated(result, report: report)
        case .bounded where !acceptBounded: return .bounded(result, report: report)
        default: return .passed(result, report: report, warnings: loaded.warningCount)
        }
    }
}

/// `yaml` with right-aligned line numbers, as the repair prompt shows it.
public func numbered(_ yaml: String) -> String {
    let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
    let count = lines.last == "" ? lines.count - 1 : lines.count
    let width = String(max(1, count)).count
    return lines.prefix(count).enumerated().map { i, line in
        let n = String(i + 1)
        return String(repeating: " ", count: width - n.count) + n + " | " + line
    }.joined(separator: "\n")
}
