import CPNJSON
import CPNWorkflow

/// `check`: parse and type-check a net, every diagnostic at once.
struct CheckTool: CPNTool {
    let name = "check"
    let title = "Check a net"
    let description = """
        Parse and type-check a colored Petri net (YAML, or PNML) without exploring it: schema, names, \
        colors, arc patterns, guards, invariants. Returns every diagnostic at once, each with a stable \
        code, file:line:column and a `help` line proposing the fix. Instant; use it after each edit, \
        then `verify`.
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.single.schemaProperties + [
            ("deny_warnings", .init(##"{"type": "boolean", "default": false, "description": "Count warnings as errors."}"##)),
        ]
    }
    let output = OutputSchema(definition: "checkReport")

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let source = try NetArgument.single.source(a, roots: context.roots)
        let report = CheckReport(results: [NetInput.load(source)], denyWarnings: try a.bool("deny_warnings"))
        guard let structured = JSONValue.parse(report.json()) else { throw ToolMisuse("internal: the check report is not JSON") }
        return ToolOutcome(text: report.text(color: false), structured: structured)
    }
}
