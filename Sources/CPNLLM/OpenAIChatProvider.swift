import Foundation
import CPNJSON

/// The OpenAI chat-completions API and the servers that copy it: OpenAI, Azure-style
/// gateways, OpenRouter, Ollama, vLLM, the llama.cpp server.
///
/// **Endpoint.** The base URL includes the API version path, as `OPENAI_BASE_URL` does
/// for OpenAI's own tools: `https://api.openai.com/v1`, `http://localhost:11434/v1`
/// (Ollama), `https://openrouter.ai/api/v1`. The client appends `/chat/completions`;
/// a base that already ends in `/chat/completions` is used as it is. No `/v1` is ever
/// added, because gateways put the version in different places.
///
/// **Wire.** `POST {base}/chat/completions` with `Authorization: Bearer KEY` (omitted
/// when there is no key, as for a local server), a body of `model`, `messages` (the
/// system prompt first, with role `system`), `stream`, and when streaming
/// `stream_options: {include_usage: true}` so the last chunk carries the token usage.
/// A stream is complete at `data: [DONE]` or once a `finish_reason` has arrived.
///
/// **Structured replies.** `json_schema` sends `response_format: {type: "json_schema",
/// json_schema: {name, description, strict, schema}}`, `json_object` sends
/// `response_format: {type: "json_object"}`; the reply's content is then the JSON text.
///
/// ```swift
/// let provider = OpenAIChatProvider(baseURL: "http://localhost:11434/v1", apiKey: nil, model: "qwen2.5-coder")
/// let reply = try provider.complete(ChatRequest(messages: [ChatMessage(.user, "Say hi")], stream: false))
/// print(reply.text)   // "Hi!"
/// ```
public struct OpenAIChatProvider: LLMProvider {
    public let name = "openai"
    public var baseURL: String
    public var apiKey: String?
    public var model: String
    public var client: HTTPClient
    public var retry: RetryPolicy
    /// Ask for usage in the last streamed chunk. Turn off for servers that reject `stream_options`.
    public var includeUsageInStream = true
    /// `json_schema`, then `json_object`, then no constraint.
    public var structuredReplyModes: [StructuredReplyMode] { [.jsonSchema, .jsonObject, .fencedYAML] }

    public init(baseURL: String, apiKey: String?, model: String, client: HTTPClient = HTTPClient(),
                retry: RetryPolicy = RetryPolicy()) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.client = client
        self.retry = retry
    }

    /// `{base}/chat/completions`, unless the base already ends with it.
    /// A query in the base (an Azure-style `?api-version=…`) stays at the end.
    public static func endpoint(baseURL: String) -> String {
        EndpointURL.appending("/chat/completions", to: baseURL, unlessEndsWith: ["/chat/completions"])
    }

    public var endpoint: String { Self.endpoint(baseURL: baseURL) }

    /// The JSON body for `request`.
    public func body(for request: ChatRequest) -> JSONValue {
        var messages: [JSONValue] = []
        if let system = request.system, !system.isEmpty {
            messages.append(["role": "system", "content": .string(system)])
        }
        messages += request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }
        var body: JSONValue = ["model": .string(model), "messages": .array(messages), "stream": .bool(request.stream)]
        if request.stream && includeUsageInStream { body["stream_options"] = ["include_usage": true] }
        if let maxTokens = request.maxTokens { body["max_tokens"] = .int(maxTokens) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        switch (request.effectiveReplyMode, request.replySchema) {
        case (.jsonSchema, let schema?):
            body["response_format"] = ["type": "json_schema",
                                       "json_schema": ["name": .string(schema.name), "description": .string(schema.description),
                                                       "strict": .bool(schema.strict), "schema": schema.schema]]
        case (.jsonObject, _):
            body["response_format"] = ["type": "json_object"]
        default:
            break  // `tool` is Anthropic's; fenced YAML asks for nothing
        }
        return body
    }

    /// The mode `body(for:)` puts on the wire for `request`.
    func replyMode(of request: ChatRequest) -> StructuredReplyMode {
        let mode = request.effectiveReplyMode
        return mode == .tool ? .fencedYAML : mode
    }

    public func complete(_ request: ChatRequest, cancellation: CancellationFlag?,
                         observe: (CompletionEvent) -> Void) throws -> Completion {
        var headers = [HTTPHeader("Content-Type", "application/json"),
                       HTTPHeader("Accept", request.stream ? "text/event-stream" : "application/json")]
        if let apiKey, !apiKey.isEmpty { headers.append(HTTPHeader("Authorization", "Bearer \(apiKey)")) }
        let exchange = ChatExchange(providerName: name, endpoint: endpoint, headers: headers, body: body(for: request),
                                    stream: request.stream, apiKey: apiKey, client: client, retry: retry,
                                    format: OpenAIWireFormat(providerName: name), replyMode: replyMode(of: request))
        return try exchange.run(cancellation: cancellation, observe: observe)
    }
}

/// Reading OpenAI `chat.completion` bodies and `chat.completion.chunk` streams.
struct OpenAIWireFormat: WireFormat {
    var providerName: String

    func parseReply(_ json: JSONValue) throws -> ParsedReply {
        guard let choice = json["choices"]?.array?.first else {
            throw LLMError(.invalidResponse, "the \(providerName) reply has no choices (\(json.rendered.prefix(120)))",
                           hint: "check that the base URL points at an OpenAI-compatible chat-completions API")
        }
        var reply = ParsedReply()
        reply.text = Self.text(of: choice["message"]?["content"] ?? .null)
        reply.stopReason = choice["finish_reason"]?.string
        reply.model = json["model"]?.string
        reply.usage = Self.usage(json["usage"] ?? .null)
        return reply
    }

    func makeStream() -> Stream { Stream(providerName: providerName) }

    /// Content is a string, null (a refusal or a tool call), or with some servers an
    /// array of `{type: "text", text}` parts.
    static func text(of content: JSONValue) -> String {
        if let text = content.string { return text }
        return content.array?.compactMap { $0["text"]?.string }.joined() ?? ""
    }

    static func usage(_ usage: JSONValue) -> TokenUsage {
        TokenUsage(input: usage["prompt_tokens"]?.int, output: usage["completion_tokens"]?.int)
    }

    struct Stream: StreamAccumulator {
        var providerName: String
        var reply = ParsedReply()
        var deltas = 0
        var characters = 0
        var done = false

        var isComplete: Bool { done || reply.stopReason != nil }

        mutating func consume(_ event: ServerSentEvent) throws {
            let data = event.data.trimmingCharacters(in: .whitespaces)
            if data == "[DONE]" {
                done = true
                return
            }
            guard let json = JSONValue.parse(Data(data.utf8)) else {
                throw LLMError(.invalidResponse, "an event in the \(providerName) stream is not JSON: \(ErrorBody.snippet(Data(data.utf8)))",
                               hint: "the server does not speak the OpenAI streaming format; try without streaming or check the base URL")
            }
            if !(json["error"]?.isNull ?? true) {
                let type = ErrorBody.type(in: json)
                throw LLMError(.providerError, "\(providerName) reported an error in the middle of the reply stream",
                               providerMessage: ErrorBody.message(in: json) ?? json["error"]?.rendered,
                               hint: ErrorBody.isTransient(type: type) ? "the provider is failing or overloaded; try again later"
                                   : "the provider's message says what went wrong",
                               retryable: ErrorBody.isTransient(type: type))
            }
            if let model = json["model"]?.string, !model.isEmpty { reply.model = model }
            if json["usage"]?.object != nil {
                let usage = OpenAIWireFormat.usage(json["usage"] ?? .null)
                reply.usage.input = usage.input ?? reply.usage.input
                reply.usage.output = usage.output ?? reply.usage.output
            }
            let choice = json["choices"]?[0] ?? .null
            let piece = OpenAIWireFormat.text(of: choice["delta"]?["content"] ?? .null)
            if !piece.isEmpty {
                reply.text += piece
                characters += piece.count
                deltas += 1
            }
            if let finish = choice["finish_reason"]?.string { reply.stopReason = finish }
        }
    }
}
