import CPNDiagnostics
import CPNJSON

/// `explain`: what a diagnostic code means and how to fix it.
struct ExplainTool: CPNTool {
    let name = "explain"
    let title = "Explain a diagnostic code"
    let description = "What a diagnostic code (E0302, W0002, …) means, with an example and the fix; without a code, every code with its title."
    let arguments: [(String, JSONSchemaText)] = [
        ("code", .init(##"{"type": "string", "description": "A diagnostic code such as E0302 (case does not matter)."}"##)),
    ]
    let output = OutputSchema([
        ("codes", .init(##"{"type": "array", "items": {"type": "object", "required": ["code", "title"], "additionalProperties": false, "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "explanation": {"type": "string"}}}}"##)),
    ], required: ["codes"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        guard let code = try a.string("code") else {
            let all = DiagnosticCode.catalog
            return ToolOutcome(text: all.map { "\($0.code.rawValue)  \($0.title)" }.joined(separator: "\n") + "\n",
                               structured: .members(("codes", .array(all.map { .members(("code", .string($0.code.rawValue)), ("title", .string($0.title))) }))))
        }
        guard let entry = DiagnosticCode(code.uppercased()).explanation else {
            let near = NameSuggestion.closest(to: code.uppercased(), among: DiagnosticCode.catalog.map(\.code.rawValue))
            throw ToolMisuse("unknown diagnostic code `\(VisibleText.escaped(String(code.prefix(40))))`" + (near.map { "; did you mean `\($0)`?" } ?? "; call `explain` without a code to list them"))
        }
        return ToolOutcome(text: "\(entry.code.rawValue): \(entry.title)\n\n\(entry.explanation)\n",
                           structured: .members(("codes", .array([.members(("code", .string(entry.code.rawValue)), ("title", .string(entry.title)),
                                                                            ("explanation", .string(entry.explanation)))]))))
    }
}
