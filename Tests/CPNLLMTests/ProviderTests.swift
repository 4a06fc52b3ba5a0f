import CPNFakeLLM
@testable import CPNLLM
import Foundation
import Testing

/// Both providers, streaming and not, against the fake server's wire formats.
@Suite struct ProviderTests {
    @Test(arguments: [false, true])
    func openAIReplyUsageAndRequestShape(stream: Bool) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(stream ? .openAIStream(text: sampleNet, pieceSize: 7, inputTokens: 120, outputTokens: 55)
                              : .openAIChat(text: sampleNet, inputTokens: 120, outputTokens: 55))
        var progress: [StreamProgress] = []
        var sent: (url: String, headers: [HTTPHeader])?
        let completion = try openAI(server).complete(ask(stream: stream)) { event in
            switch event {
            case let .progress(p): progress.append(p)
            case let .sending(url, headers, _): sent = (url, headers)
            case .retrying: break
            }
        }
        #expect(completion.text == sampleNet)
        #expect(completion.model == "fake-gpt")
        #expect(completion.stopReason == "stop")
        #expect(completion.usage == TokenUsage(input: 120, output: 55))
        #expect(completion.streamed == stream)
        #expect(completion.status == 200)
        #expect(completion.attempts == 1)

        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/chat/completions")
        #expect(request.header("Authorization") == "Bearer \(testKey)")
        let body = try #require(request.bodyJSON())
        #expect(body["model"] as? String == "gpt-test")
        #expect(body["stream"] as? Bool == stream)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["system", "user"])
        #expect(messages[1]["content"] == "Draft a net for a lease.")
        #expect((body["stream_options"] as? [String: Bool])?["include_usage"] == (stream ? true : nil))
        #expect(body["max_tokens"] == nil)
        #expect(completion.requestBody == request.body)

        #expect(sent?.url == server.baseURL + "/v1/chat/completions")
        #expect(sent?.headers.value(for: "Authorization") == "[redacted]")
        if stream {
            #expect(progress.count == (sampleNet.count + 6) / 7)
            #expect(progress.last?.characters == sampleNet.count)
            #expect(progress.map(\.deltas) == Array(1...progress.count))
        } else {
            #expect(progress.isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func anthropicReplyUsageAndRequestShape(stream: Bool) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(stream ? .anthropicStream(text: sampleNet, pieceSize: 3, inputTokens: 300, outputTokens: 77)
                              : .anthropicMessage(text: sampleNet, inputTokens: 300, outputTokens: 77))
        var progress: [StreamProgress] = []
        let completion = try anthropic(server).complete(ask(stream: stream)) { event in
            if case let .progress(p) = event { progress.append(p) }
        }
        #expect(completion.text == sampleNet)
        #expect(completion.model == "fake-claude")
        #expect(completion.stopReason == "end_turn")
        #expect(completion.usage == TokenUsage(input: 300, output: 77))
        #expect(completion.streamed == stream)

        let request = try #require(server.requests.first)
        #expect(request.path == "/v1/messages")
        #expect(request.header("x-api-key") == testKey)
        #expect(request.header("anthropic-version") == "2023-06-01")
        #expect(request.header("Authorization") == nil)
        let body = try #require(request.bodyJSON())
        #expect(body["system"] as? String == "You write colored Petri nets.")
        #expect(body["max_tokens"] as? Int == AnthropicMessagesProvider.defaultMaxTokens)
        #expect(body["stream"] as? Bool == stream)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages.map { $0["role"] } == ["user"])
        #expect(progress.last?.characters == (stream ? sampleNet.count : nil))
        if stream { #expect(progress.last?.outputTokens == 1) }  // message_start's count until message_delta
    }

    @Test func conversationTurnsKeepTheirRolesAndLimitsAreSent() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: "ok"), .anthropicMessage(text: "ok"))
        let request = ChatRequest(system: nil, messages: [ChatMessage(.user, "a"), ChatMessage(.assistant, "b"),
                                                          ChatMessage(.user, "c")],
                                  maxTokens: 900, temperature: 0.25, stream: false)
        _ = try openAI(server).complete(request)
        _ = try anthropic(server).complete(request)
        let (first, second) = (try #require(server.requests.first?.bodyJSON()), try #require(server.requests.last?.bodyJSON()))
        for body in [first, second] {
            #expect((body["messages"] as? [[String: String]])?.map { $0["role"] } == ["user", "assistant", "user"])
            #expect(body["max_tokens"] as? Int == 900)
            #expect(body["temperature"] as? Double == 0.25)
            #expect(body["system"] == nil)
        }
    }

    @Test func localServersNeedNoKey() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: "a"), .anthropicMessage(text: "b"))
        #expect(try openAI(server, key: nil).complete(ask(stream: false)).text == "a")
        #expect(try anthropic(server, key: nil).complete(ask(stream: false)).text == "b")
        #expect(server.requests[0].header("Authorization") == nil)
        #expect(server.requests[1].header("x-api-key") == nil)
    }

    @Test func endpointsJoinBaseURLs() {
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://api.openai.com/v1") == "https://api.openai.com/v1/chat/completions")
        #expect(OpenAIChatProvider.endpoint(baseURL: "http://localhost:11434/v1/") == "http://localhost:11434/v1/chat/completions")
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://gw.example/openai/deployments/x/chat/completions")
            == "https://gw.example/openai/deployments/x/chat/completions")
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://openrouter.ai/api/v1") == "https://openrouter.ai/api/v1/chat/completions")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://api.anthropic.com") == "https://api.anthropic.com/v1/messages")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://api.anthropic.com/") == "https://api.anthropic.com/v1/messages")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://proxy.example/anthropic/v1") == "https://proxy.example/anthropic/v1/messages")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://api.anthropic.com/v1/messages") == "https://api.anthropic.com/v1/messages")
    }

    @Test(arguments: [false, true])
    func emptyContentIsAnEmptyText(stream: Bool) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(stream ? .openAIStream(text: "") : .openAIChat(text: ""),
                       stream ? .anthropicStream(text: "") : .anthropicMessage(text: ""))
        #expect(try openAI(server).complete(ask(stream: stream)).text == "")
        #expect(try anthropic(server).complete(ask(stream: stream)).text == "")
    }

    @Test func streamSplitAtOddBytesAndCRLFStillReads() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let wire = FakeReply.anthropicStreamEvents(text: sampleNet).joined()
            .replacingOccurrences(of: "\n", with: "\r\n")
        let bytes = Array(wire.utf8)
        // Pieces of 1, 2, 3, … bytes: cuts land inside "\r\n", field names and UTF-8 characters.
        var chunks: [FakeReply.StreamChunk] = []
        var offset = 0, size = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + size)
            chunks.append(FakeReply.StreamChunk(Data(bytes[offset..<end])))
            offset = end
            size = size % 13 + 1
        }
        server.enqueue(.stream(status: 200, headers: ["Content-Type": "text/event-stream"], chunks: chunks, ending: .complete))
        let completion = try anthropic(server).complete(ask(stream: true))
        #expect(completion.text == sampleNet)
        #expect(completion.usage.output == 43)
    }

    @Test func aServerThatIgnoresStreamingIsReadAsAWholeReply() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: "whole"))
        let completion = try openAI(server).complete(ask(stream: true))
        #expect(completion.text == "whole")
        #expect(completion.streamed == false)
    }

    @Test func streamWithoutDoneButWithFinishReasonIsComplete() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let events = FakeReply.openAIStreamEvents(text: "abc", done: true).filter { !$0.contains("[DONE]") }
        server.enqueue(.eventStream(events))
        #expect(try openAI(server).complete(ask(stream: true)).text == "abc")
    }
}
