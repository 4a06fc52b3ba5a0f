import CPNJSON

/// How a request constrains the form of the reply.
///
/// - `json_schema`: OpenAI-compatible `response_format: {type: "json_schema", json_schema:
///   {name, strict, schema}}` (OpenAI, vLLM, the llama.cpp server, Ollama): the reply is a
///   JSON object following the schema.
/// - `json_object`: `response_format: {type: "json_object"}`: any JSON object (the schema
///   travels in the prompt only).
/// - `tool`: Anthropic: one tool whose `input_schema` is the schema, forced with
///   `tool_choice: {type: "tool", name}`; the reply is the tool call's input.
/// - `fenced_yaml`: no constraint; the model writes prose and a fenced block.
///
/// The raw values are what transcripts record (`reply_mode` on each request and response).
public enum StructuredReplyMode: String, Sendable, CaseIterable {
    case jsonSchema = "json_schema"
    case jsonObject = "json_object"
    case tool
    case fencedYAML = "fenced_yaml"

    /// Whether the reply is expected to be JSON.
    public var isJSON: Bool { self != .fencedYAML }

    /// Words for messages: "JSON against the schema (json_schema)".
    public var explanation: String {
        switch self {
        case .jsonSchema: "JSON constrained to the net schema (json_schema)"
        case .jsonObject: "a JSON object (json_object)"
        case .tool: "a forced tool call whose input is the net schema (tool)"
        case .fencedYAML: "fenced YAML (no constraint)"
        }
    }
}

/// The schema a structured reply must follow, as the wire formats send it.
public struct ReplySchema: Sendable {
    /// `json_schema.name` for OpenAI, the tool's `name` for Anthropic: `^[a-zA-Z0-9_-]{1,64}$`.
    public var name: String
    /// What the reply is; the tool's `description` for Anthropic.
    public var description: String
    public var schema: JSONValue
    /// OpenAI's `strict`. Strict mode demands `additionalProperties: false` and every
    /// property required at every level, which a schema of maps keyed by name cannot meet.
    public var strict: Bool

    public init(name: String, description: String, schema: JSONValue, strict: Bool = false) {
        self.name = name
        self.description = description
        self.schema = schema
        self.strict = strict
    }
}
