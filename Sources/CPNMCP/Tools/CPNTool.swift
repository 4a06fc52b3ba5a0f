import CPNJSON
import MCP

/// One tool of the server: what `tools/list` shows, and what a call does.
protocol CPNTool: Sendable {
    var name: String { get }
    var title: String { get }
    var description: String { get }
    /// Argument name → its JSON Schema; `required` lists those that must be present.
    var arguments: [(String, JSONSchemaText)] { get }
    var required: [String] { get }
    /// The schema of `structuredContent` (the properties of an object, with the report's `$defs` in scope).
    var output: OutputSchema { get }
    /// Reads only: no file is written unless an argument asks for it.
    var readOnly: Bool { get }
    func call(_ arguments: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome
}

extension CPNTool {
    var required: [String] { [] }
    var readOnly: Bool { true }

    var definition: Tool {
        var properties: [(String, JSONValue)] = []
        for (key, schema) in arguments { properties.append((key, schema.value)) }
        let input = JSONValue.members(("type", "object"), ("properties", .object(properties)),
                                      ("required", required.isEmpty ? nil : .array(required.map(JSONValue.string))),
                                      ("additionalProperties", .bool(false)))
        return Tool(name: name, title: title, description: description, inputSchema: input.mcpValue,
                    annotations: .init(title: title, readOnlyHint: readOnly, destructiveHint: false, idempotentHint: true,
                                       openWorldHint: false),
                    outputSchema: output.document.mcpValue)
    }
}

/// What a call produced: a short text for the model to read, and the
/// structured content its output schema describes.
struct ToolOutcome: Sendable {
    var text: String
    var structured: JSONValue

    var result: CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: Optional.some(structured.mcpValue), isError: false)
    }
}

/// A JSON Schema written as JSON text in the source (read once, when the tool list is built).
struct JSONSchemaText: Sendable {
    let value: JSONValue
    init(_ text: String) {
        guard let value = JSONValue.parse(text) else { preconditionFailure("schema text in the source is not JSON: \(text)") }
        self.value = value
    }
}
