import CPNConformance
import CPNDiagnostics
import CPNJSON
import CPNReport
import CPNWorkflow

/// `conform`: replay a real system's event log against the net.
struct ConformTool: CPNTool {
    let name = "conform"
    let title = "Replay an event log against a net"
    let description = """
        Token-based replay of an event log (JSON Lines, CSV, XES or OCEL 2.0; the runtime's `log export` \
        needs no mapping) against a net: each event fires its transition with the binding its attributes \
        give; one the net forbids is a deviation (missing tokens, guard false), forced and counted. Returns \
        PM4Py's fitness per case and overall, each case's first deviation with the marking and what was \
        missing, the invariants broken on the replayed run, and per-transition counts. `verdict: deviates` \
        when fitness is below `min_fitness` (default 1.0) or an invariant broke. Files only (logs are large), \
        inside the roots.
        """
    var arguments: [(String, JSONSchemaText)] {
        [
            ("path", .init(##"{"type": "string", "description": "The net file (YAML or PNML) inside the roots."}"##)),
            ("log_path", .init(##"{"type": "string", "description": "The event log inside the roots."}"##)),
            ("map_path", .init(##"{"type": "string", "description": "The mapping file (event names → transitions, attributes → variables, the case attribute, silent transitions); specs/conformance.md."}"##)),
            ("log_format", .init(##"{"enum": ["jsonl", "csv", "xes", "ocel"], "description": "Default: from the file's extension."}"##)),
            ("min_fitness", .init(##"{"type": "number", "minimum": 0, "maximum": 1, "default": 1}"##)),
            ("skip_bad_lines", .init(##"{"type": "boolean", "default": false, "description": "Skip a malformed log line (counted) instead of stopping."}"##)),
        ]
    }
    let required = ["path", "log_path"]
    let output = OutputSchema([
        ("verdict", .init(##"{"enum": ["conforms", "deviates", "invalid"]}"##)),
        ("summary", .init(##"{"type": "string"}"##)),
        ("report", .init(##"{"$ref": "#/$defs/conformanceReport"}"##)),
        ("diagnostics", OutputSchema.diagnostics),
    ], required: ["verdict", "summary", "diagnostics"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        func file(_ key: String) throws(ToolMisuse) -> String? {
            guard let given = try a.string(key) else { return nil }
            do { return try context.roots.readable(given) } catch { throw ToolMisuse(error.description) }
        }
        let net = try file("path")!, log = try file("log_path")!, map = try file("map_path")
        let format = try a.string("log_format").map { text throws(ToolMisuse) -> LogFormat in
            guard let f = LogFormat(rawValue: text) else { throw ToolMisuse("`log_format` must be jsonl, csv, xes or ocel, not `\(text.prefix(40))`") }
            return f
        }
        var options = ConformanceOptions()
        if let v = a.values["min_fitness"], !v.isNull {
            guard let d = v.double, (0...1).contains(d) else { throw ToolMisuse("`min_fitness` must be a number between 0 and 1") }
            options.minimumFitness = d
        }
        options.onBadLine = try a.bool("skip_bad_lines") ? .skip : .stop
        let request = ConformanceRun.Request(net: net, log: log, map: map, format: format, options: options)
        let outcome = try await context.work("conform") { _ in ConformanceRun.run(request) }
        switch outcome {
        case .invalidNet(let loaded):
            let report = NetReport(loaded: loaded, result: nil)
            return Self.invalid("the net does not check", VerifyReportRenderer.invalidText(report, color: false), loaded.diagnostics)
        case .invalidMap(let diagnostics, let source):
            let text = DiagnosticRenderer(useColor: false).render(diagnostics) { $0 == source?.path ? source : nil } + "\n"
            return Self.invalid("the mapping file has errors", text, diagnostics)
        case .invalidLog(let error):
            throw ToolMisuse(error.description)
        case .done(let result):
            let renderer = ConformReportRenderer(showTiming: true)
            let json = JSONValue.parse(renderer.render(result, as: .json))
            let summary = "\(result.passed ? "conforms" : "deviates"): fitness \(result.fitness)"
                + (result.invariants.isEmpty ? "" : ", \(result.invariants.count) invariant violation\(result.invariants.count == 1 ? "" : "s")")
            return ToolOutcome(text: renderer.render(result, as: .text), structured: .members(
                ("verdict", .string(result.passed ? "conforms" : "deviates")), ("summary", .string(summary)),
                ("report", json), ("diagnostics", .array([]))))
        }
    }

    static func invalid(_ summary: String, _ text: String, _ diagnostics: [Diagnostic]) -> ToolOutcome {
        ToolOutcome(text: text, structured: .members(("verdict", "invalid"), ("summary", .string(summary)),
                                                     ("diagnostics", .array(diagnostics.map(VerifyTool.diagnosticJSON)))))
    }
}
