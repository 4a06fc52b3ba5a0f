/// A language model behind some wire format: one request in, one completion out.
///
/// Conformers: `OpenAIChatProvider`, `AnthropicMessagesProvider`, `ReplayProvider`
/// (recorded answers), `RecordingProvider` (writes a transcript around another one).
/// `LLMConfiguration.makeProvider()` builds the right one from the user's settings.
///
/// ```swift
/// let provider = try LLMConfiguration.resolve(flags: flags).makeProvider()
/// let reply = try provider.complete(ChatRequest(system: system, messages: [ChatMessage(.user, ask)])) { event in
///     if case let .progress(p) = event { print("\r\(p.deltas) tokens", terminator: "") }
/// }
/// print(reply.text, reply.usage.output ?? 0)
/// ```
public protocol LLMProvider: Sendable {
    /// `openai`, `anthropic`, `replay`: for messages and transcripts.
    var name: String { get }
    /// The model asked for.
    var model: String { get }
    /// The reply modes this wire format can ask for, best first (see
    /// `StructuredReplyNegotiation`); `[.fencedYAML]` when it constrains nothing.
    var structuredReplyModes: [StructuredReplyMode] { get }

    /// Sends `request`, retrying as its policy allows, and returns the reply. Blocks until
    /// done; `observe` is called on the calling thread as things happen. Throws `LLMError`.
    func complete(_ request: ChatRequest, cancellation: CancellationFlag?,
                  observe: (CompletionEvent) -> Void) throws -> Completion
}

extension LLMProvider {
    public var structuredReplyModes: [StructuredReplyMode] { [.fencedYAML] }

    public func complete(_ request: ChatRequest, cancellation: CancellationFlag? = nil) throws -> Completion {
        try complete(request, cancellation: cancellation, observe: { _ in })
    }

    public func complete(_ request: ChatRequest, observe: (CompletionEvent) -> Void) throws -> Completion {
        try complete(request, cancellation: nil, observe: observe)
    }
}
