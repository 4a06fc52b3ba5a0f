import CPNFakeLLM
@testable import CPNLLM
import Foundation
import Testing

/// The client against a server, a key or a base URL that tries to do harm:
/// a reply too large to hold, a key that would inject a header, credentials
/// and query secrets in the base URL that must not be shown, an endpoint
/// built around a query.
@Suite struct HostileReplyTests {
    // MARK: - Reply size

    @Test func aWholeReplyOverTheCapIsCutOff() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: String(repeating: "x", count: 3 << 20)))
        let client = HTTPClient(connectTimeout: 2, timeout: 30, maxResponseBytes: 1 << 20)
        let error = llmError { _ = try openAI(server, client: client).complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: false)) }
        #expect(error?.kind == .invalidResponse)
        #expect(error?.summary.contains("is larger than 1 MiB; it was cut off there") == true, "\(String(describing: error))")
        #expect(error?.hint?.contains("--max-reply-size") == true)
    }

    @Test func aStreamedReplyOverTheCapIsCutOff() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIStream(text: String(repeating: "cpn: 1\n", count: 200_000), pieceSize: 4_096))
        let client = HTTPClient(connectTimeout: 2, timeout: 30, maxResponseBytes: 256 << 10)
        let error = llmError { _ = try openAI(server, client: client).complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: true)) }
        #expect(error?.kind == .invalidResponse, "\(String(describing: error))")
        #expect(error?.summary.contains("larger than 256 KiB") == true, "\(String(describing: error))")
    }

    @Test func aReplyUnderTheCapArrives() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: String(repeating: "y", count: 100_000)))
        let reply = try openAI(server).complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: false))
        #expect(reply.text.count == 100_000)
    }

    @Test func theCapIsConfigurable() throws {
        #expect(ByteCount.parse("4MiB") == 4 << 20 && ByteCount.parse("512 KiB") == 512 << 10 && ByteCount.parse("100") == 100)
        #expect(ByteCount.parse("3 parsecs") == nil && ByteCount.parse("") == nil && ByteCount.parse("99999999999999999999G") == nil)
        let configuration = try LLMConfiguration.resolve(flags: LLMSettings(model: "m", maxReplyBytes: 1 << 20),
                                                         environment: ["CPN_AUTHOR_BASE_URL": "http://127.0.0.1:9/v1"])
        #expect(configuration.maxReplyBytes == 1 << 20)
        let file = try ConfigFile(path: "c.yaml", text: "max_reply_size: 2MiB\n")
        #expect(file.settings.maxReplyBytes == 2 << 20)
        #expect(throws: LLMError.self) { try ConfigFile(path: "c.yaml", text: "max_reply_size: lots\n") }
        #expect(HTTPClient().maxResponseBytes == 8 << 20)
    }

    // MARK: - Header injection

    @Test(arguments: ["sk-abc\r\nX-Injected: evil", "sk-abc\nX-Injected: evil", "sk-\u{0}abc", "sk-abc\r"])
    func aKeyWithControlCharactersIsNeverSent(key: String) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: "hi"))
        let error = llmError { _ = try openAI(server, key: key).complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: false)) }
        #expect(error?.kind == .configuration, "\(String(describing: error))")
        #expect(error?.description.contains("X-Injected") == false && error?.description.contains("sk-abc") == false, "the key is echoed")
        #expect(server.requests.isEmpty, "a request went out: \(server.requests.map(\.rawText))")
    }

    @Test func anAnthropicKeyWithALineBreakIsNeverSent() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIChat(text: "hi"))
        let error = llmError { _ = try anthropic(server, key: "k\r\nX-Injected: evil").complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: false)) }
        #expect(error?.kind == .configuration)
        #expect(server.requests.isEmpty)
    }

    @Test func resolvingAKeyWithALineBreakInsideFails() {
        let error = llmError {
            _ = try LLMConfiguration.resolve(flags: LLMSettings(model: "m"),
                                             environment: ["CPN_AUTHOR_API_KEY": "sk-one\r\nX-Injected: evil", "CPN_AUTHOR_BASE_URL": "https://api.example.com/v1"])
        }
        #expect(error?.kind == .configuration)
        #expect(error?.summary.contains("CPN_AUTHOR_API_KEY holds a line break") == true, "\(String(describing: error))")
        #expect(error?.description.contains("sk-one") == false)
        // A trailing newline (a key pasted from a file) is trimmed, not refused.
        let trimmed = try? LLMConfiguration.resolve(flags: LLMSettings(model: "m"),
                                                    environment: ["CPN_AUTHOR_API_KEY": "sk-one\n", "CPN_AUTHOR_BASE_URL": "https://api.example.com/v1"])
        #expect(trimmed?.apiKey == "sk-one")
    }

    // MARK: - URL secrets

    @Test func urlCredentialsAndQuerySecretsAreRedacted() {
        #expect(Redactor.display(url: "http://user:PASS@host:8080/v1?api-key=QKEY&api-version=2024-02-01#x")
                == "http://[redacted]@host:8080/v1?api-key=[redacted]&api-version=2024-02-01#x")
        #expect(Redactor.display(url: "https://TOKEN@gw.example/v1") == "https://[redacted]@gw.example/v1")
        #expect(Redactor.display(url: "https://api.openai.com/v1") == "https://api.openai.com/v1")
        #expect(Set(Redactor.secrets(in: "http://user:PASS@host/v1?key=QKEY&api-version=1")) == ["user", "PASS", "QKEY"])
        let c = LLMConfiguration(provider: .openai, baseURL: "http://u:PASSWORD1@h/v1?api-key=QUERYKEY1", model: "m", apiKey: "sk-x")
        #expect(!c.description.contains("PASSWORD1") && !c.description.contains("QUERYKEY1"), "\(c.description)")
    }

    @Test func endpointsKeepTheQueryAtTheEnd() {
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://gw.example/openai/v1?api-version=2024-02-01")
                == "https://gw.example/openai/v1/chat/completions?api-version=2024-02-01")
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://gw.example/v1/?k=1") == "https://gw.example/v1/chat/completions?k=1")
        #expect(OpenAIChatProvider.endpoint(baseURL: "https://gw.example/v1/chat/completions?k=1") == "https://gw.example/v1/chat/completions?k=1")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://a.example?x=1") == "https://a.example/v1/messages?x=1")
        #expect(AnthropicMessagesProvider.endpoint(baseURL: "https://a.example/v1?x=1") == "https://a.example/v1/messages?x=1")
        #expect(OpenAIChatProvider.endpoint(baseURL: "http://localhost:11434/v1/") == "http://localhost:11434/v1/chat/completions")
    }

    /// The server sees the query after the path; an error names the endpoint without
    /// the password or the query's key.
    @Test func aFailingRequestNamesTheEndpointWithoutItsSecrets() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIError(status: 500, message: "boom", type: "server_error"))
        let base = server.baseURL.replacingOccurrences(of: "http://", with: "http://agent:HUNTER2PASS@") + "/v1?api-key=QUERYSECRET9"
        let provider = OpenAIChatProvider(baseURL: base, apiKey: nil, model: "m", client: fastClient, retry: .never)
        let error = llmError { _ = try provider.complete(ChatRequest(messages: [ChatMessage(.user, "hi")], stream: false)) }
        #expect(server.requests.first?.path == "/v1/chat/completions?api-key=QUERYSECRET9", "\(server.requests.map(\.path))")
        let text = String(describing: error)
        #expect(!text.contains("HUNTER2PASS") && !text.contains("QUERYSECRET9"), "\(text)")
        #expect(text.contains("/v1/chat/completions?api-key=[redacted]"), "\(text)")
    }

    @Test func theTranscriptNeverHoldsURLSecrets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-transcript-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let configuration = LLMConfiguration(provider: .openai, baseURL: "http://agent:HUNTER2PASS@127.0.0.1:1/v1?api-key=QUERYSECRET9",
                                             model: "m", apiKey: "sk-transcript-key-1")
        let path = dir.appendingPathComponent("t.jsonl").path
        let writer = try TranscriptWriter(path: path, secrets: configuration.secrets)
        try writer.sessionStart(provider: "openai", model: "m", baseURL: configuration.shownBaseURL)
        try writer.event("echo", ["text": .string("the server said HUNTER2PASS and QUERYSECRET9 and sk-transcript-key-1")])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for secret in ["HUNTER2PASS", "QUERYSECRET9", "sk-transcript-key-1"] { #expect(!text.contains(secret), "\(secret) in \(text)") }
    }

    /// A link planted where the transcript goes must not redirect it.
    @Test func theTranscriptIsNotWrittenThroughALink() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cpn-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let victim = dir.appendingPathComponent("victim").path
        FileManager.default.createFile(atPath: victim, contents: Data("precious\n".utf8))
        let link = dir.appendingPathComponent("t.jsonl").path
        symlink(victim, link)
        #expect(throws: LLMError.self) { _ = try TranscriptWriter(path: link) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let fifo = dir.appendingPathComponent("f.jsonl").path
        mkfifo(fifo, 0o600)
        #expect(throws: LLMError.self) { _ = try TranscriptWriter(path: fifo) }
    }
}
