import CPNDraft
import CPNJSON
import CPNLLM
import CPNLoad

/// What a drafting session needs to ask for structured replies: the net's JSON Schema as
/// the wire formats send it, and the words appended to the system prompt in a JSON mode.
///
/// The schema is `specs/cpn-net.schema.json` (embedded as `NetSchema.json`) without its
/// `$schema` and `$id`, which say where the file lives, not what a net is, and which some
/// grammar compilers try to resolve. It is sent with `strict: false`: OpenAI's strict mode
/// demands `additionalProperties: false` and every property required at every level, and
/// the net format's sections are maps keyed by the user's names (places, transitions,
/// colors), which strict mode cannot express. A derived, strict-friendly schema (arrays of
/// `{name, …}`) would make the model write a different shape than the format the prompts
/// teach. Servers that constrain decoding by grammar (vLLM, the llama.cpp server, Ollama)
/// follow the schema whatever `strict` says, and the gate checks every net regardless.
public struct StructuredReplySetup: Sendable {
    public var schema: ReplySchema
    /// The `structured` prompt, for `json_schema` and `tool`: the schema travels on the wire.
    public var instruction: String
    /// The same with the schema itself, for `json_object`, which constrains only to "JSON".
    public var instructionWithSchema: String

    public init(schema: ReplySchema = Self.netSchema, instruction: String, instructionWithSchema: String) {
        self.schema = schema
        self.instruction = instruction
        self.instructionWithSchema = instructionWithSchema
    }

    /// The setup from a prompt library's `structured` template.
    public init(prompts: PromptLibrary) throws {
        let schemaText = "\nThe JSON Schema of the net (`cpn-author schema`):\n\n```json\n" + NetSchema.json.trimmingTrailingNewlines + "\n```\n"
        self.init(instruction: try prompts.render("structured", ["schema": ""]),
                  instructionWithSchema: try prompts.render("structured", ["schema": schemaText]))
    }

    /// The words to append to the system prompt for a request in `mode`.
    public func instruction(for mode: StructuredReplyMode) -> String? {
        switch mode {
        case .fencedYAML: nil
        case .jsonObject: instructionWithSchema
        case .jsonSchema, .tool: instruction
        }
    }

    /// `specs/cpn-net.schema.json` as sent: name `cpn_net`, not strict (see above).
    public static let netSchema: ReplySchema = {
        var schema = JSONValue.parse(NetSchema.json) ?? ["type": "object"]
        schema["$schema"] = nil
        schema["$id"] = nil
        return ReplySchema(name: "cpn_net",
                           description: "A colored Petri net in the cpn-author format, version 1: the JSON form of the YAML net (same keys).",
                           schema: schema, strict: false)
    }()
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
