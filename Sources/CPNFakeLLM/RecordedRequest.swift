import Foundation

/// One request the fake server received, kept for a test's assertions.
public struct RecordedRequest: Sendable {
    public var method: String
    /// The request target as sent, e.g. `/v1/chat/completions`.
    public var path: String
    /// Header lines in the order received.
    public var headers: [(name: String, value: String)]
    public var body: Data

    /// The value of the first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object, or nil when it is not one.
    public func bodyJSON() -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// Everything received, as text: request line, headers, body. For "the key never
    /// appears anywhere" assertions that must look at the whole request.
    public var rawText: String {
        ([method + " " + path] + headers.map { "\($0.name): \($0.value)" }).joined(separator: "\n")
            + "\n\n" + bodyText
    }

    /// The body's `response_format` (OpenAI-compatible structured replies), if any.
    public var responseFormat: [String: Any]? { bodyJSON()?["response_format"] as? [String: Any] }

    /// `response_format.type`: `json_schema`, `json_object`, or nil when none was sent.
    public var responseFormatType: String? { responseFormat?["type"] as? String }

    /// The body's `tools` (Anthropic: the forced tool of structured replies), if any.
    public var tools: [[String: Any]]? { bodyJSON()?["tools"] as? [[String: Any]] }

    /// The body's `tool_choice`, if any.
    public var toolChoice: [String: Any]? { bodyJSON()?["tool_choice"] as? [String: Any] }

    /// The system prompt as sent: OpenAI's first `system` message or Anthropic's `system`.
    public var systemPrompt: String? {
        guard let body = bodyJSON() else { return nil }
        if let system = body["system"] as? String { return system }
        let messages = body["messages"] as? [[String: Any]] ?? []
        return messages.first { $0["role"] as? String == "system" }?["content"] as? String
    }
}
