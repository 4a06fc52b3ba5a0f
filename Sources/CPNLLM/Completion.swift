import Foundation

/// Tokens counted by the provider; nil when it did not say.
public struct TokenUsage: Sendable, Equatable {
    public var input: Int?
    public var output: Int?

    public init(input: Int? = nil, output: Int? = nil) {
        self.input = input
        self.output = output
    }
}

/// The model's answer to one `ChatRequest`, with what a transcript needs to record.
public struct Completion: Sendable {
    /// The reply text; may be empty (the caller decides whether that is a failure). For a
    /// forced tool call (`replyMode == .tool`), the tool's input as JSON text.
    public var text: String
    /// The mode the request was made in (a replayed reply: the mode recorded).
    public var replyMode: StructuredReplyMode = .fencedYAML
    /// The model that answered, as the provider named it (may differ from the one asked).
    public var model: String?
    /// Why the reply ended: `stop`, `length` (OpenAI), `end_turn`, `max_tokens` (Anthropic)…
    public var stopReason: String?
    public var usage: TokenUsage
    /// The HTTP status of the attempt that succeeded.
    public var status: Int
    /// Wall-clock seconds from the first attempt to the end of the reply, waits included.
    public var seconds: Double
    public var attempts: Int
    /// Whether the reply arrived as server-sent events.
    public var streamed: Bool
    /// The request body as sent (JSON; it never holds the key, which travels in a header).
    public var requestBody: Data
    /// The response body as received: JSON, or the whole event stream.
    public var responseBody: Data

    public init(text: String, model: String? = nil, stopReason: String? = nil, usage: TokenUsage = TokenUsage(),
                status: Int = 200, seconds: Double = 0, attempts: Int = 1, streamed: Bool = false,
                requestBody: Data = Data(), responseBody: Data = Data()) {
        self.text = text
        self.model = model
        self.stopReason = stopReason
        self.usage = usage
        self.status = status
        self.seconds = seconds
        self.attempts = attempts
        self.streamed = streamed
        self.requestBody = requestBody
        self.responseBody = responseBody
    }
}

/// How far a streamed reply has come.
public struct StreamProgress: Sendable, Equatable {
    /// Characters of reply text received so far.
    public var characters: Int
    /// Text deltas received so far: about one token each with most servers.
    public var deltas: Int
    /// Output tokens, when the provider has reported a count already.
    public var outputTokens: Int?
    /// Seconds since the request was first sent.
    public var elapsed: Double
    public var attempt: Int
}

/// What a provider reports while it works on a request.
public enum CompletionEvent: Sendable {
    /// Before the first attempt: where the request goes and what it says. Credential
    /// headers (`Authorization`, `x-api-key`) are already replaced by `[redacted]`.
    case sending(url: String, headers: [HTTPHeader], body: Data)
    /// A streamed reply grew.
    case progress(StreamProgress)
    /// An attempt failed and another follows after `notice.delay` seconds.
    case retrying(RetryPolicy.Notice)
}
