import Foundation
import CPNJSON

/// The Anthropic messages API.
///
/// **Endpoint.** The base URL is the host without the version, as `ANTHROPIC_BASE_URL`
/// is for Anthropic's own tools: `https://api.anthropic.com`. The client appends
/// `/v1/messages`; a base ending in `/v1` gets only `/messages`, and one ending in
/// `/v1/messages` is used as it is, so every form a user may paste works.
///
/// **Wire.** `POST {base}/v1/messages` with `x-api-key: KEY` (omitted when there is no
/// key) and `anthropic-version: 2023-06-01`; a body of `model`, `max_tokens` (required:
/// the request's or `defaultMaxTokens`), top-level `system`, `messages` and `stream`.
/// Streams: `message_start` (model, input tokens), `content_block_delta` with
/// `text_delta`s, `message_delta` (stop reason, output tokens), `message_stop`; an
/// `error` event fails the request (and is retried when it is `overloaded_error`).
///
/// **Structured replies.** The `tool` mode sends one tool, `tools: [{name, description,
/// input_schema}]` with the schema as `input_schema`, and forces it with `tool_choice:
/// {type: "tool", name}`. The reply is then a `tool_use` content block whose `input` is the
/// JSON; streamed, a `content_block_start` of type `tool_use` followed by
/// `content_block_delta`s of type `input_json_delta` whose `partial_json` pieces join up to
/// it. The completion's text is that JSON.
///
/// ```swift
/// let provider = AnthropicMessagesProvider(baseURL: "https://api.anthropic.com", apiKey: key, model: "claude-sonnet-4-5")
/// let reply = try provider.complete(ChatRequest(system: "Be brief.", messages: [ChatMessage(.user, "Say hi")]))
/// print(reply.text, reply.usage.output ?? 0)   // "Hi!" 4
/// ```
public struct AnthropicMessagesProvider: LLMProvider {
    public let name = "anthropic"
    public var baseURL: String
    public var apiKey: String?
    public var model: String
    public var client: HTTPClient
    public var retry: RetryPolicy
    public static let apiVersion = "2023-06-01"
    /// `max_tokens` when the request sets none; every current Claude model allows it.
    public static let defaultMaxTokens = 4096
    /// A forced tool call, then no constraint.
    public var structuredReplyModes: [StructuredReplyMode] { [.tool, .fencedYAML] }

    public init(baseURL: String, apiKey: String?, model: String, client: HTTPClient = HTTPClient(),
                retry: RetryPolicy = RetryPolicy()) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.client = client
        self.retry = retry
    }

    /// `{base}/v1/messages`, `{base}/messages` when the base ends in `/v1`, or the base
    /// itself when it already ends in `/v1/messages`.
    public static func endpoint(baseURL: String) -> String {
        let path = EndpointURL.split(baseURL).path
        if path.hasSuffix("/v1/messages") { return EndpointURL.appending("", to: baseURL) }
        if path.hasSuffix("/v1") { return EndpointURL.appending("/messages", to: baseURL) }
        return EndpointURL.appending("/v1/messages", to: baseURL)
    }

    public var endpoint: String { Self.endpoint(baseURL: baseURL) }

    /// The JSON body for `request`.
    public func body(for request: ChatRequest) -> JSONValue {
        var body: JSONValue = [
            "model": .string(model),
            "max_tokens": .int(request.maxTokens ?? Self.defaultMaxTokens),
            "messages": .array(request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }),
            "stream": .bool(request.stream),
        ]
        if let system = request.system, !system.isEmpty { body["system"] = .string(system) }
        if let temperature = request.temperature { body["temperature"] = .double(temperature) }
        if replyMode(of: request) == .tool, let schema = request.replySchema {
            body["tools"] = [["name": .string(schema.name), "description": .string(schema.description),
                              "input_schema": schema.schema]]
            body["tool_choice"] = ["type": "tool", "name": .string(schema.name)]
        }
        return body
    }

    /// The mode `body(for:)` puts on the wire: only `tool` exists in this format.
    func replyMode(of request: ChatRequest) -> StructuredReplyMode {
        request.effectiveReplyMode == .tool ? .tool : .fencedYAML
    }

    public func complete(_ request: ChatRequest, cancellation: CancellationFlag?,
                         observe: (CompletionEvent) -> Void) throws -> Completion {
        var headers = [HTTPHeader("Content-Type", "application/json"),
                       HTTPHeader("Accept", request.stream ? "text/event-stream" : "application/json"),
                       HTTPHeader("anthropic-version", Self.apiVersion)]
        if let apiKey, !apiKey.isEmpty { headers.append(HTTPHeader("x-api-key", apiKey)) }
        let exchange = ChatExchange(providerName: name, endpoint: endpoint, headers: headers, body: body(for: request),
                                    stream: request.stream, apiKey: apiKey, client: client, retry: retry,
                                    format: AnthropicWireFormat(providerName: name), replyMode: replyMode(of: request))
        return try exchange.run(cancellation: cancellation, observe: observe)
    }
}

/// Reading Anthropic `message` bodies and message streams.
struct AnthropicWireFormat: WireFormat {
    var providerName: String

    func parseReply(_ json: JSONValue) throws -> ParsedReply {
        guard let blocks = json["content"]?.array else {
            throw LLMError(.invalidResponse, "the \(providerName) reply has no content (\(json.rendered.prefix(120)))",
                           hint: "check that the base URL points at the Anthropic messages API")
        }
        var reply = ParsedReply()
        reply.text = blocks.filter { $0["type"]?.string == "text" }.compactMap { $0["text"]?.string }.joined()
        // A forced tool call: its input is the reply (any text before it is commentary).
        if let call = blocks.first(where: { $0["type"]?.string == "tool_use" }) {
            reply.text = (call["input"] ?? .null).rendered
        }
        reply.stopReason = json["stop_reason"]?.string
        reply.model = json["model"]?.string
        reply.usage = TokenUsage(input: json["usage"]?["input_tokens"]?.int, output: json["usage"]?["output_tokens"]?.int)
        return reply
    }

    func makeStream() -> Stream { Stream(providerName: providerName) }

    struct Stream: StreamAccumulator {
        var providerName: String
        var reply = ParsedReply()
        var deltas = 0
        var characters = 0
        var stopped = false
        /// The joined `partial_json` of the first `tool_use` block, once it has started.
        var toolInput: String?
        var toolIndex: Int?
        var text = ""

        var isComplete: Bool { stopped || reply.stopReason != nil }

        mutating func consume(_ event: ServerSentEvent) throws {
            guard let json = JSONValue.parse(Data(event.data.utf8)) else {
                throw LLMError(.invalidResponse, "an event in the \(providerName) stream is not JSON: \(ErrorBody.snippet(Data(event.data.utf8)))",
                               hint: "the server does not speak the Anthropic streaming format; try without streaming or check the base URL")
            }
            switch json["type"]?.string ?? event.event {
            case "message_start":
                let message = json["message"] ?? .null
                if let model = message["model"]?.string { reply.model = model }
                reply.usage.input = message["usage"]?["input_tokens"]?.int ?? reply.usage.input
                reply.usage.output = message["usage"]?["output_tokens"]?.int ?? reply.usage.output
            case "content_block_start":
                if json["content_block"]?["type"]?.string == "tool_use", toolInput == nil {
                    toolInput = ""
                    toolIndex = json["index"]?.int
                    reply.text = ""
                }
            case "content_block_delta":
                let delta = json["delta"] ?? .null
                switch delta["type"]?.string {
                case "text_delta":
                    guard let piece = delta["text"]?.string, !piece.isEmpty else { break }
                    text += piece
                    if toolInput == nil { reply.text = text }
                    characters += piece.count
                    deltas += 1
                case "input_json_delta":
                    guard toolInput != nil, json["index"]?.int == toolIndex,
                          let piece = delta["partial_json"]?.string, !piece.isEmpty else { break }
                    toolInput! += piece
                    reply.text = toolInput!
                    characters += piece.count
                    deltas += 1
                default:
                    break
                }
            case "message_delta":
                if let reason = json["delta"]?["stop_reason"]?.string { reply.stopReason = reason }
                reply.usage.output = json["usage"]?["output_tokens"]?.int ?? reply.usage.output
                reply.usage.input = json["usage"]?["input_tokens"]?.int ?? reply.usage.input
            case "message_stop":
                stopped = true
            case "error":
                let type = ErrorBody.type(in: json)
                throw LLMError(.providerError, "\(providerName) reported an error in the middle of the reply stream",
                               providerMessage: ErrorBody.message(in: json) ?? json.rendered,
                               hint: ErrorBody.isTransient(type: type) ? "the provider is failing or overloaded; try again later"
                                   : "the provider's message says what went wrong",
                               retryable: ErrorBody.isTransient(type: type))
            default:
                break  // ping, content_block_stop, and event types added later
            }
        }
    }
}
