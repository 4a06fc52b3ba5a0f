import CPNJSON
import CPNLoad

/// `schema`: the JSON Schema of the net format.
struct SchemaTool: CPNTool {
    let name = "schema"
    let title = "Net format JSON Schema"
    let description = "The JSON Schema (2020-12) of the net format: every key a net may have, with descriptions. The prose definition is the resource cpn-author://specs/net-format.md."
    let arguments: [(String, JSONSchemaText)] = []
    let output = OutputSchema([("schema", .init(##"{"type": "object", "description": "specs/cpn-net.schema.json"}"##))], required: ["schema"])

    func call(_ a: ToolArguments, _ context: ToolContext) async throws -> ToolOutcome {
        guard let schema = JSONValue.parse(NetSchema.json) else { throw ToolMisuse("internal: the embedded net schema is not JSON") }
        return ToolOutcome(text: NetSchema.json, structured: .members(("schema", schema)))
    }
}
