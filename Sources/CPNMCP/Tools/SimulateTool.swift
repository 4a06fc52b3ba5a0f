import CPNExplore
import CPNJSON
import CPNReport
import CPNWorkflow

/// `simulate`: seeded random runs with statistics.
struct SimulateTool: CPNTool {
    let name = "simulate"
    let title = "Simulate a net"
    let description = """
        Run a net at random: each step fires one enabled binding chosen uniformly (seeded, so the same \
        seed gives the same runs), advancing the clock when only waiting tokens remain. Reports how runs \
        ended (finished, deadlocked, step limit), firings per transition, the most tokens seen per place, \
        and any invariant violated on the way. Cheap evidence on nets too large to `verify`, never a proof.
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.single.schemaProperties + [
            ("seed", .init(##"{"type": "integer", "minimum": 0, "default": 1, "description": "Seed of the random choices."}"##)),
            ("runs", .init(##"{"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}"##)),
            ("steps", .init(##"{"type": "integer", "minimum": 1, "maximum": 100000, "default": 1000, "description": "Maximum steps per run; runs × steps is at most 10,000,000."}"##)),
            ("include_trace", .init(##"{"type": "boolean", "default": false, "description": "Add the first violating run's trace (else the first run's) as `trace`, for `replay`."}"##)),
        ]
    }
    let output = OutputSchema([
        ("verdict", .init(##"{"enum": ["pass", "violated", "invalid"], "description": "violated: some run broke an invariant, deadlocked or hit an evaluation error."}"##)),
        ("report", .init(##"{"$ref": "#/$defs/simulationReport"}"##)),
        ("trace", .init(##"{"$ref": "#/$defs/trace"}"##)),
        ("diagnostics", OutputSchema.diagnostics),
    ], required: ["verdict", "diagnostics"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let source = try NetArgument.single.source(a, roots: context.roots)
        let seed = try a.int("seed", default: 1, in: 0...Int.max)!
        let runs = try a.int("runs", default: 100, in: 1...10_000)!
        let steps = try a.int("steps", default: 1000, in: 1...100_000)!
        guard runs * steps <= 10_000_000 else { throw ToolMisuse("runs × steps must be at most 10,000,000 (got \(runs) × \(steps))") }
        let includeTrace = try a.bool("include_trace")
        let loaded = NetInput.load(source)
        let diagnostics = JSONValue.array(loaded.diagnostics.map(VerifyTool.diagnosticJSON))
        guard let net = loaded.checked else {
            let report = NetReport(loaded: loaded, result: nil)
            return ToolOutcome(text: VerifyReportRenderer.invalidText(report, color: false),
                               structured: .members(("verdict", "invalid"), ("diagnostics", diagnostics)))
        }
        var result = try await context.work("simulate", about: source.path) { flag in
            Simulator(net: net).run(file: source.path, seed: UInt64(seed), runs: runs, steps: steps, isCancelled: { flag.isCancelled })
        }
        let trace = result.trace
        result.trace = nil
        let structured = JSONValue.members(
            ("verdict", .string(result.violations.isEmpty ? "pass" : "violated")),
            ("report", JSONValue.parse(JSONReport.encode(result))),
            ("trace", includeTrace ? trace.flatMap { JSONValue.parse(JSONReport.encode($0)) } : nil),
            ("diagnostics", diagnostics))
        return ToolOutcome(text: SimulationText.render(result), structured: structured)
    }
}
