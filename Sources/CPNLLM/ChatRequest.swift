/// One turn of the conversation sent to the model.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable {
        case user
        case assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// What to ask the model, independent of the wire format.
///
/// The system prompt is separate from the turns because the formats place it
/// differently: OpenAI as a first message with role `system`, Anthropic as the
/// top-level `system` field.
///
/// ```swift
/// let request = ChatRequest(system: "You write colored Petri nets.",
///                           messages: [ChatMessage(.user, "A rate limiter for 3 workers.")],
///                           stream: true)
/// ```
public struct ChatRequest: Sendable {
    public var system: String?
    public var messages: [ChatMessage]
    /// The reply's length limit. OpenAI-compatible: sent as `max_tokens` only when set
    /// (leave it unset for models that want `max_completion_tokens`). Anthropic requires
    /// one: `AnthropicMessagesProvider.defaultMaxTokens` when unset.
    public var maxTokens: Int?
    /// Sent only when set (some reasoning models reject any value but their default).
    public var temperature: Double?
    /// Ask for server-sent events and report progress while the reply arrives.
    public var stream: Bool
    /// How the reply is constrained (`response_format`, a forced tool); `fenced_yaml`
    /// sends no constraint. A JSON mode needs `replySchema`; without one it is sent as
    /// `fenced_yaml`.
    public var replyMode: StructuredReplyMode
    public var replySchema: ReplySchema?

    public init(system: String? = nil, messages: [ChatMessage], maxTokens: Int? = nil,
                temperature: Double? = nil, stream: Bool = true,
                replyMode: StructuredReplyMode = .fencedYAML, replySchema: ReplySchema? = nil) {
        self.system = system
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.stream = stream
        self.replyMode = replyMode
        self.replySchema = replySchema
    }

    /// The mode actually sent: a JSON mode without a schema asks for nothing.
    public var effectiveReplyMode: StructuredReplyMode {
        replyMode.isJSON && replySchema == nil ? .fencedYAML : replyMode
    }
}
