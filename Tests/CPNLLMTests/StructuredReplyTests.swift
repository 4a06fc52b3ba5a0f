import CPNFakeLLM
@testable import CPNLLM
import CPNJSON
import Foundation
import Testing

/// Structured replies on the wire: `response_format` (json_schema, json_object), Anthropic's
/// forced tool (whole and streamed `input_json_delta`), refusals and how they are told apart
/// from failures, the fallback order, and the transcript's `reply_mode`.
@Suite struct StructuredReplyTests {
    static let schema = ReplySchema(name: "cpn_net", description: "a net",
                                    schema: ["type": "object", "required": ["cpn"], "properties": ["cpn": ["const": 1]]])
    static let netJSON = #"{"cpn": 1, "places": {"free": {"color": "Unit", "initial": 3}}, "name": "lease"}"#

    func structured(_ mode: StructuredReplyMode, stream: Bool) -> ChatRequest {
        var request = ask(stream: stream)
        request.replyMode = mode
        request.replySchema = Self.schema
        return request
    }

    @Test(arguments: [false, true])
    func openAIJSONSchemaIsSentAsResponseFormat(stream: Bool) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(stream ? .openAIStream(text: Self.netJSON) : .openAIChat(text: Self.netJSON))
        let completion = try openAI(server).complete(structured(.jsonSchema, stream: stream))
        #expect(completion.text == Self.netJSON)
        #expect(completion.replyMode == .jsonSchema)
        let format = try #require(server.requests.first?.responseFormat)
        #expect(format["type"] as? String == "json_schema")
        let jsonSchema = try #require(format["json_schema"] as? [String: Any])
        #expect(jsonSchema["name"] as? String == "cpn_net")
        #expect(jsonSchema["strict"] as? Bool == false)
        #expect((jsonSchema["schema"] as? [String: Any])?["required"] as? [String] == ["cpn"])
        #expect(server.requests.first?.tools == nil)
    }

    @Test func openAIJSONObjectAndFencedYAMLBodies() throws {
        let provider = OpenAIChatProvider(baseURL: "http://127.0.0.1:1/v1", apiKey: nil, model: "m")
        #expect(provider.body(for: structured(.jsonObject, stream: false))["response_format"] == ["type": "json_object"])
        #expect(provider.body(for: structured(.fencedYAML, stream: false))["response_format"] == nil)
        // A mode this format does not have, or a JSON mode with no schema, asks for nothing.
        #expect(provider.body(for: structured(.tool, stream: false))["tools"] == nil)
        #expect(provider.body(for: structured(.tool, stream: false))["response_format"] == nil)
        #expect(provider.body(for: ChatRequest(messages: [], replyMode: .jsonSchema))["response_format"] == nil)
        #expect(provider.structuredReplyModes == [.jsonSchema, .jsonObject, .fencedYAML])
    }

    @Test(arguments: [false, true])
    func anthropicToolModeForcesTheToolAndReadsItsInput(stream: Bool) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(stream ? .anthropicToolStream(input: Self.netJSON, pieceSize: 4)
                              : .anthropicToolUse(input: Self.netJSON, text: "Here it is."))
        var deltas = 0
        let completion = try anthropic(server).complete(structured(.tool, stream: stream)) { event in
            if case .progress = event { deltas += 1 }
        }
        #expect(JSONValue.parse(completion.text) == JSONValue.parse(Self.netJSON))
        #expect(completion.replyMode == .tool)
        #expect(completion.stopReason == "tool_use")
        if stream { #expect(deltas == (Self.netJSON.count + 3) / 4) }
        let request = try #require(server.requests.first)
        let tool = try #require(request.tools?.first)
        #expect(tool["name"] as? String == "cpn_net")
        #expect((tool["input_schema"] as? [String: Any])?["type"] as? String == "object")
        #expect(request.toolChoice?["type"] as? String == "tool" && request.toolChoice?["name"] as? String == "cpn_net")
        #expect(request.responseFormat == nil)
        // The JSON modes are OpenAI's: Anthropic sends no tool for them.
        let plain = anthropic(server).body(for: structured(.jsonSchema, stream: false))
        #expect(plain["tools"] == nil && plain["tool_choice"] == nil)
    }

    @Test func aStreamedTextReplyInToolModeIsStillText() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.anthropicStream(text: sampleNet))
        let completion = try anthropic(server).complete(structured(.tool, stream: true))
        #expect(completion.text == sampleNet)
    }

    @Test func aLlamaCppRefusalIsNotRetriedAndSaysWhichModeWasRefused() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.llamaCppJSONSchemaRefusal(), .openAIChat(text: "never asked for"))
        let sleeps = SleepRecorder()
        let error = llmError { _ = try openAI(server, retry: sleeps.policy(maxAttempts: 4)).complete(structured(.jsonSchema, stream: true)) }
        #expect(error?.refusedReplyMode == .jsonSchema)
        #expect(error?.kind == .http(status: 500))
        #expect(error?.isRetryable == false)
        #expect(error?.attempts == 1)
        #expect(error?.providerMessage?.contains("Input should be 'text' or 'json_object'") == true)
        #expect(error?.hint?.contains("--no-structured") == true)
        #expect(server.requests.count == 1)
        #expect(sleeps.delays.isEmpty)
    }

    @Test func theSame500WithoutAConstraintIsAnOrdinaryRetryableFailure() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.llamaCppJSONSchemaRefusal(), .openAIChat(text: sampleNet))
        let sleeps = SleepRecorder()
        let completion = try openAI(server, retry: sleeps.policy(maxAttempts: 2)).complete(ask(stream: false))
        #expect(completion.text == sampleNet)
        #expect(completion.attempts == 2)
    }

    @Test func whatCountsAsARefusal() {
        func body(_ message: String, type: String = "invalid_request_error") -> Data {
            Data(JSONValue.object([("error", ["message": .string(message), "type": .string(type)])]).rendered.utf8)
        }
        let refusal = StructuredReplyNegotiation.isRefusal
        #expect(refusal(500, body("response_format type must be one of \"text\" or \"json_object\", but got: json_schema", type: "server_error"), .jsonSchema))
        #expect(refusal(422, body("Unrecognized request argument supplied: response_format"), .jsonObject))
        #expect(refusal(400, body("the model cannot do this", type: "unsupported_parameter"), .jsonSchema))
        #expect(refusal(400, body("tool_choice is not supported by this gateway"), .tool))
        // A failure that names nothing asked for, another status, or a request that asked for nothing.
        #expect(!refusal(500, body("The server had an error while processing your request", type: "server_error"), .jsonSchema))
        #expect(!refusal(503, body("response_format queue is full"), .jsonSchema))
        #expect(!refusal(400, body("response_format is wrong"), .fencedYAML))
        #expect(!refusal(400, body("tools are not allowed here"), .jsonSchema))
        #expect(!refusal(401, body("Incorrect API key provided"), .tool))
    }

    @Test func theFallbackOrderAndWhatIsRemembered() {
        var openAI = StructuredReplyNegotiation(modes: [.jsonSchema, .jsonObject, .fencedYAML])
        #expect(openAI.current == .jsonSchema)
        #expect(openAI.fallBack(from: .jsonSchema, reason: "HTTP 500") == .jsonObject)
        #expect(openAI.current == .jsonObject)
        #expect(openAI.fallBack(from: .jsonObject, reason: "HTTP 422") == .fencedYAML)
        #expect(openAI.fallBack(from: .fencedYAML, reason: "?") == nil)
        #expect(openAI.refusals.map(\.mode) == [.jsonSchema, .jsonObject])
        // A mode already given up is never offered again.
        #expect(openAI.fallBack(from: .jsonSchema, reason: "again") == nil)
        #expect(openAI.current == .fencedYAML)

        var anthropic = StructuredReplyNegotiation(modes: [.tool])
        #expect(anthropic.modes == [.tool, .fencedYAML])
        #expect(StructuredReplyNegotiation(modes: [.jsonSchema, .jsonObject], structured: false).modes == [.fencedYAML])
        anthropic.settle(on: .fencedYAML)
        #expect(anthropic.current == .fencedYAML)
        #expect(AnthropicMessagesProvider(baseURL: "http://127.0.0.1:1", apiKey: nil, model: "m").structuredReplyModes == [.tool, .fencedYAML])
    }

    /// A refused mode's error line keeps the round: the request asked again is the same
    /// round, and the replay serves the response with the mode it was made in.
    @Test func theTranscriptRecordsEachModeAndReplayReadsItBack() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.llamaCppJSONSchemaRefusal(), .openAIChat(text: Self.netJSON), .openAIChat(text: sampleNet))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-llm-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let transcript = try TranscriptWriter(path: path, secrets: [testKey])
        try transcript.sessionStart(provider: "openai", model: "gpt-test", baseURL: server.baseURL)
        let provider = RecordingProvider(openAI(server), transcript: transcript)
        let refused = llmError { _ = try provider.complete(structured(.jsonSchema, stream: false)) }
        #expect(refused?.refusedReplyMode == .jsonSchema)
        _ = try provider.complete(structured(.jsonObject, stream: false))
        _ = try provider.complete(ask(stream: false))

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap { JSONValue.parse(String($0)) }
        let summary = lines.dropFirst().map { line in
            [line["type"]?.string, line["round"].map { "\($0.int ?? -1)" }, line["reply_mode"]?.string ?? line["refused_reply_mode"]?.string]
                .compactMap { $0 }.joined(separator: " ")
        }
        #expect(summary == ["request 1 json_schema", "error 1 json_schema", "request 1 json_object", "response 1 json_object",
                            "request 2 fenced_yaml", "response 2 fenced_yaml"])

        let replay = try ReplayProvider(transcriptPath: path)
        #expect(replay.upcomingReplyMode == .jsonObject)
        let first = try replay.complete(ask(stream: false))
        #expect(first.replyMode == .jsonObject && first.text == Self.netJSON)
        #expect(replay.upcomingReplyMode == .fencedYAML)
        #expect(try replay.complete(ask(stream: false)).replyMode == .fencedYAML)
        #expect(replay.upcomingReplyMode == nil)
    }

    @Test func aTranscriptFromBeforeReplyModesReplaysAsFencedYAML() throws {
        let old = """
        {"type":"session","provider":"openai","model":"m","base_url":"x"}
        {"type":"request","round":1,"body":{}}
        {"type":"response","round":1,"text":"cpn: 1\\n"}
        """
        let replay = try ReplayProvider(transcript: old, path: "old.jsonl")
        #expect(try replay.complete(ask(stream: false)).replyMode == .fencedYAML)
    }
}
