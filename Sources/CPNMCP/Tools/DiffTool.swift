import CPNJSON
import CPNModel
import CPNReport
import CPNWorkflow

/// `diff`: what changed between two versions of a net, element by element.
struct DiffTool: CPNTool {
    let name = "diff"
    let title = "Structural diff of two nets"
    let description = """
        What changed from `base` to `head`, by element rather than by line: colors, constants, places \
        (color, capacity, initial marking), transitions (arcs, guard, priority), invariants and `final`, \
        each added, removed or changed with the details and its line in the newer version.
        """
    var arguments: [(String, JSONSchemaText)] {
        NetArgument.prefixed("base").schemaProperties + NetArgument.prefixed("head").schemaProperties
    }
    let output = OutputSchema([
        ("summary", .init(##"{"type": "string"}"##)),
        ("changes", .init(##"{"type": "array", "items": {"type": "object", "required": ["kind", "element", "name", "details"], "properties": {"kind": {"enum": ["added", "removed", "changed"]}, "element": {"type": "string"}, "name": {"type": "string"}, "details": {"type": "array", "items": {"type": "string"}}, "line": {"type": "integer"}}}}"##)),
    ], required: ["summary", "changes"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        let base = try Self.net(a, "base", context)
        let head = try Self.net(a, "head", context)
        let diff = NetDiff(from: base, to: head)
        let summary = diff.isEmpty ? "no structural change" : diff.summary
        return ToolOutcome(text: diff.isEmpty ? summary + "\n" : diff.rendered(),
                           structured: .members(("summary", .string(summary)), ("changes", .array(diff.changes.map(ReviewJSONReport.change)))))
    }

    /// The net as written (it need not check: a diff of a broken version is still a diff).
    static func net(_ a: ToolArguments, _ prefix: String, _ context: ToolContext) throws(ToolMisuse) -> Net {
        let source = try NetArgument.prefixed(prefix).source(a, roots: context.roots)
        let loaded = NetInput.load(source)
        guard let net = loaded.net else {
            let first = loaded.diagnostics.first.map { ": \($0.message)" } ?? ""
            throw ToolMisuse("`\(prefix)` is not a net that can be read\(first); call `check` for every diagnostic")
        }
        return net
    }
}
