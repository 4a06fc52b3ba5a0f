import CPNDiagnostics
import CPNExplore
import CPNJSON
import CPNReport
import CPNWorkflow
import Foundation

/// `verify`: check, then explore every reachable marking (within the bounds)
/// and decide every property; a violation comes with its shortest trace.
struct VerifyTool: CPNTool {
    let name = "verify"
    let title = "Verify a net"
    let description = """
        Check a colored Petri net, then explore its reachable markings breadth-first and decide every \
        property: invariants, deadlock freedom (dead markings that are not `final`), that `final` stays \
        reachable, leads-to, evaluation errors. `verdict` is `pass` only when every reachable marking was \
        explored; `bounded` when a bound stopped it first; `violated` with the shortest counterexample \
        trace (each step's transition, variable bindings and tokens moved) in `report.results[0].properties`; \
        `invalid` with `diagnostics` when the net does not check. A failing net is a result, not an error: \
        repair from the diagnostics or the trace and call again. Bounded by default (1,000,000 states, 60 s).
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.single.schemaProperties + ExplorationArguments.schema + [
            ("structure", .init(##"{"type": "boolean", "default": false, "description": "Add structural analysis: P- and T-invariants, and the declared invariants they prove for every initial marking."}"##)),
        ]
    }
    var output: OutputSchema { VerifyTool.outcomeSchema }

    /// The shape `verify` and `draft` share: a verdict, the exit code the CLI would give, the report, the diagnostics.
    static let outcomeSchema = OutputSchema([
        ("verdict", .init(##"{"enum": ["pass", "violated", "bounded", "invalid"], "description": "pass: complete and every property holds; violated: a property fails (see the trace); bounded: a bound stopped exploration before a decision; invalid: the net does not check (see diagnostics)."}"##)),
        ("exit_code", .init(##"{"type": "integer", "enum": [0, 1, 2, 3], "description": "What `cpn-author verify` would exit with: 0 pass, 1 violated, 2 invalid, 3 bounded (0 with accept_bounded)."}"##)),
        ("summary", .init(##"{"type": "string", "description": "One line: the verdict and what decided it."}"##)),
        ("report", .init(##"{"$ref": "#/$defs/report", "description": "The `verify --format json` report (specs/report.schema.json); absent when the net is invalid."}"##)),
        ("diagnostics", OutputSchema.diagnostics),
    ], required: ["verdict", "exit_code", "summary", "diagnostics"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let source = try NetArgument.single.source(a, roots: context.roots)
        let options = try ExplorationArguments.options(a)
        let structure = try a.bool("structure")
        let acceptBounded = try a.bool("accept_bounded")
        let report = try await context.explore(options, "verify", about: source.path) { o in
            Verification.verify(source, options: o, structure: structure)
        }
        return Self.outcome(report, structure: structure, acceptBounded: acceptBounded, toolVersion: context.toolVersion)
    }

    static func outcome(_ report: NetReport, structure: Bool, acceptBounded: Bool, toolVersion: String) -> ToolOutcome {
        let renderer = VerifyReportRenderer(showTiming: true, acceptBounded: acceptBounded, structure: structure, toolVersion: toolVersion)
        let verdict = switch report.outcome {
        case .passed: "pass"
        case .violated: "violated"
        case .bounded: "bounded"
        case .invalid, .checked: "invalid"
        }
        let summary: String
        let text: String
        if let result = report.result {
            text = renderer.text(report, useColor: false) + "\n"
            summary = Self.summary(result, verdict: verdict)
        } else {
            text = VerifyReportRenderer.invalidText(report, color: false)
            summary = "invalid: \(report.errorCount) error\(report.errorCount == 1 ? "" : "s"); not verified"
        }
        let json = report.result == nil ? nil : JSONValue.parse(renderer.render([report], as: .json))
        let structured = JSONValue.members(
            ("verdict", .string(verdict)),
            ("exit_code", .int(Int(report.exitCode(acceptBounded: acceptBounded)))),
            ("summary", .string(summary)),
            ("report", json),
            ("diagnostics", .array(report.diagnostics.map(diagnosticJSON))))
        return ToolOutcome(text: text, structured: structured)
    }

    static func summary(_ r: ExplorationResult, verdict: String) -> String {
        let explored = "\(r.states) states, depth \(r.depth)" + (r.complete ? ", complete" : ", incomplete: \(r.stopReason ?? "stopped")")
        let violated = r.properties.filter { $0.status == .violated }.map(\.name)
        if !violated.isEmpty { return "violated: \(violated.joined(separator: ", ")) (\(explored))" }
        return "\(verdict) (\(explored))"
    }

    /// One diagnostic as `#/$defs/diagnostic`.
    static func diagnosticJSON(_ d: Diagnostic) -> JSONValue {
        .members(("severity", .string(d.severity.rawValue)), ("code", .string(d.code.rawValue)), ("message", .string(d.message)),
                 ("file", d.span.map { .string($0.file) }), ("line", d.span.map { .int($0.start.line) }),
                 ("column", d.span.map { .int($0.start.column) }), ("help", d.help.map(JSONValue.string)))
    }
}
