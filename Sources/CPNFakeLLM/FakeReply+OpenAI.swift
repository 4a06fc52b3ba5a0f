import Foundation

/// Replies in the OpenAI chat-completions wire format.
extension FakeReply {
    /// A non-streaming `chat.completion` whose one choice holds `text`.
    public static func openAIChat(text: String, model: String = "fake-gpt", finishReason: String = "stop",
                                  inputTokens: Int = 12, outputTokens: Int = 34) -> FakeReply {
        .json([
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [[
                "index": 0,
                "message": ["role": "assistant", "content": text],
                "finish_reason": finishReason,
            ]],
            "usage": ["prompt_tokens": inputTokens, "completion_tokens": outputTokens,
                      "total_tokens": inputTokens + outputTokens],
        ])
    }

    /// The SSE chunks of a streamed completion of `text`, `pieceSize` characters per
    /// delta: a role delta, content deltas, a `finish_reason` chunk, a usage chunk
    /// (as with `stream_options.include_usage`) and `data: [DONE]`. `done: false` stops
    /// after the content deltas, as a cut stream would.
    public static func openAIStreamEvents(text: String, model: String = "fake-gpt", pieceSize: Int = 5,
                                          inputTokens: Int = 12, outputTokens: Int = 34,
                                          done: Bool = true) -> [String] {
        func chunk(_ delta: [String: Any], finish: String? = nil) -> String {
            var choice: [String: Any] = ["index": 0, "delta": delta]
            choice["finish_reason"] = finish ?? NSNull()
            return sse(data: jsonText(["id": "chatcmpl-fake", "object": "chat.completion.chunk",
                                       "model": model, "choices": [choice]]))
        }
        var events = [chunk(["role": "assistant", "content": ""])]
        events += pieces(of: text, size: pieceSize).filter { !$0.isEmpty }.map { chunk(["content": $0]) }
        guard done else { return events }
        events.append(chunk([:], finish: "stop"))
        events.append(sse(data: jsonText([
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model, "choices": [Any](),
            "usage": ["prompt_tokens": inputTokens, "completion_tokens": outputTokens,
                      "total_tokens": inputTokens + outputTokens],
        ])))
        events.append(sse(data: "[DONE]"))
        return events
    }

    /// A streamed completion of `text` (see `openAIStreamEvents`), one event per chunk.
    public static func openAIStream(text: String, model: String = "fake-gpt", pieceSize: Int = 5,
                                    inputTokens: Int = 12, outputTokens: Int = 34, delay: Double = 0) -> FakeReply {
        eventStream(openAIStreamEvents(text: text, model: model, pieceSize: pieceSize,
                                       inputTokens: inputTokens, outputTokens: outputTokens), delay: delay)
    }

    /// An error in OpenAI's shape: `{"error": {"message", "type", "code"}}`.
    public static func openAIError(status: Int, message: String, type: String = "invalid_request_error",
                                   code: String? = nil, headers: [String: String] = [:]) -> FakeReply {
        var error: [String: Any] = ["message": message, "type": type]
        error["code"] = code ?? NSNull()
        return .json(status: status, ["error": error], headers: headers)
    }

    /// A server refusing `response_format: {type: "json_schema"}` the way llama-cpp-python
    /// 0.3.36's `llama_cpp.server` was seen to: HTTP 500 carrying the request validation
    /// error ("Input should be 'text' or 'json_object'"). The body's wording is modelled
    /// on that report (pydantic's message), not captured from the server.
    public static func llamaCppJSONSchemaRefusal() -> FakeReply {
        openAIError(status: 500, message: "1 validation error for CreateChatCompletionRequest\nresponse_format.type\n"
                        + "  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]",
                    type: "internal_server_error")
    }

    /// A server that knows no `response_format` at all: HTTP 400 naming the field.
    public static func responseFormatUnsupported(status: Int = 400) -> FakeReply {
        openAIError(status: status, message: "Unrecognized request argument supplied: response_format", type: "invalid_request_error")
    }
}
