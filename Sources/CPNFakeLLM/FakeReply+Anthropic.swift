import Foundation

/// Replies in the Anthropic messages wire format.
extension FakeReply {
    /// A non-streaming `message` whose one text block holds `text`.
    public static func anthropicMessage(text: String, model: String = "fake-claude", stopReason: String = "end_turn",
                                        inputTokens: Int = 21, outputTokens: Int = 43) -> FakeReply {
        .json([
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [["type": "text", "text": text]],
            "stop_reason": stopReason,
            "stop_sequence": NSNull(),
            "usage": ["input_tokens": inputTokens, "output_tokens": outputTokens],
        ])
    }

    /// The SSE events of a streamed message of `text`: `message_start` (with the input
    /// usage), `content_block_start`, a `ping`, `content_block_delta`s of `pieceSize`
    /// characters, `content_block_stop`, `message_delta` (stop reason, output usage) and
    /// `message_stop`. `stop: false` ends after the deltas, as a cut stream would.
    public static func anthropicStreamEvents(text: String, model: String = "fake-claude", pieceSize: Int = 5,
                                             inputTokens: Int = 21, outputTokens: Int = 43,
                                             stop: Bool = true) -> [String] {
        var events = [
            sse(event: "message_start", data: jsonText([
                "type": "message_start",
                "message": ["id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                            "content": [Any](), "stop_reason": NSNull(),
                            "usage": ["input_tokens": inputTokens, "output_tokens": 1]],
            ])),
            sse(event: "content_block_start", data: jsonText([
                "type": "content_block_start", "index": 0, "content_block": ["type": "text", "text": ""],
            ])),
            sse(event: "ping", data: #"{"type": "ping"}"#),
        ]
        events += pieces(of: text, size: pieceSize).filter { !$0.isEmpty }.map {
            sse(event: "content_block_delta", data: jsonText([
                "type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": $0],
            ]))
        }
        guard stop else { return events }
        events.append(sse(event: "content_block_stop", data: #"{"type":"content_block_stop","index":0}"#))
        events.append(sse(event: "message_delta", data: jsonText([
            "type": "message_delta", "delta": ["stop_reason": "end_turn", "stop_sequence": NSNull()],
            "usage": ["output_tokens": outputTokens],
        ])))
        events.append(sse(event: "message_stop", data: #"{"type":"message_stop"}"#))
        return events
    }

    /// A streamed message of `text` (see `anthropicStreamEvents`), one event per chunk.
    public static func anthropicStream(text: String, model: String = "fake-claude", pieceSize: Int = 5,
                                       inputTokens: Int = 21, outputTokens: Int = 43, delay: Double = 0) -> FakeReply {
        eventStream(anthropicStreamEvents(text: text, model: model, pieceSize: pieceSize,
                                          inputTokens: inputTokens, outputTokens: outputTokens), delay: delay)
    }

    /// An `error` SSE event, as Anthropic sends mid-stream (e.g. `overloaded_error`).
    public static func anthropicErrorEvent(type: String = "overloaded_error", message: String = "Overloaded") -> String {
        sse(event: "error", data: jsonText(["type": "error", "error": ["type": type, "message": message]]))
    }

    /// An error in Anthropic's shape: `{"type": "error", "error": {"type", "message"}}`.
    public static func anthropicError(status: Int, message: String, type: String = "invalid_request_error",
                                      headers: [String: String] = [:]) -> FakeReply {
        .json(status: status, ["type": "error", "error": ["type": type, "message": message]], headers: headers)
    }

    /// A non-streaming `message` whose one content block is a `tool_use` of `name` with
    /// `input` (a JSON object's text), as a forced `tool_choice` produces; `text` adds a
    /// text block before it.
    public static func anthropicToolUse(name: String = "cpn_net", input: String, text: String? = nil,
                                        model: String = "fake-claude", inputTokens: Int = 21, outputTokens: Int = 43) -> FakeReply {
        var content: [[String: Any]] = []
        if let text { content.append(["type": "text", "text": text]) }
        content.append(["type": "tool_use", "id": "toolu_fake", "name": name, "input": "\u{1}INPUT\u{1}"])
        let body = jsonText([
            "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": "tool_use", "stop_sequence": NSNull(),
            "usage": ["input_tokens": inputTokens, "output_tokens": outputTokens],
        ])
        // `input` goes in as written, so its keys keep their order (a serializer would sort them).
        let placeholder = jsonText(["\u{1}INPUT\u{1}"]).dropFirst().dropLast()
        return .response(status: 200, headers: ["Content-Type": "application/json"],
                         body: Data(body.replacingOccurrences(of: String(placeholder), with: input).utf8))
    }

    /// The SSE events of a streamed forced tool call: `message_start`, a
    /// `content_block_start` of type `tool_use`, `content_block_delta`s of type
    /// `input_json_delta` whose `partial_json` pieces (`pieceSize` characters) join up to
    /// `input`, `content_block_stop`, `message_delta` (stop reason `tool_use`), `message_stop`.
    public static func anthropicToolStream(name: String = "cpn_net", input: String, pieceSize: Int = 9,
                                           model: String = "fake-claude", inputTokens: Int = 21, outputTokens: Int = 43) -> FakeReply {
        var events = [
            sse(event: "message_start", data: jsonText([
                "type": "message_start",
                "message": ["id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                            "content": [Any](), "stop_reason": NSNull(),
                            "usage": ["input_tokens": inputTokens, "output_tokens": 1]],
            ])),
            sse(event: "content_block_start", data: jsonText([
                "type": "content_block_start", "index": 0,
                "content_block": ["type": "tool_use", "id": "toolu_fake", "name": name, "input": [String: Any]()],
            ])),
            sse(event: "ping", data: #"{"type": "ping"}"#),
        ]
        events += pieces(of: input, size: pieceSize).map {
            sse(event: "content_block_delta", data: jsonText([
                "type": "content_block_delta", "index": 0, "delta": ["type": "input_json_delta", "partial_json": $0],
            ]))
        }
        events.append(sse(event: "content_block_stop", data: #"{"type":"content_block_stop","index":0}"#))
        events.append(sse(event: "message_delta", data: jsonText([
            "type": "message_delta", "delta": ["stop_reason": "tool_use", "stop_sequence": NSNull()],
            "usage": ["output_tokens": outputTokens],
        ])))
        events.append(sse(event: "message_stop", data: #"{"type":"message_stop"}"#))
        return eventStream(events)
    }
}
