import CPNFakeLLM
@testable import CPNLLM
import Foundation
import Testing
import CPNJSON

@Suite struct TranscriptTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cpn-llm-\(UUID().uuidString)/\(name)").path
    }

    func records(_ path: String) throws -> [JSONValue] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try #require(JSONValue.parse(Data($0.utf8))) }
    }

    /// A recorded session: session line, two successful rounds, a verdict event each, and a
    /// failed third round whose provider message quotes the key. The key must appear
    /// nowhere in the file, in the errors, or in what the caller observed.
    @Test func recordsASessionAndNeverWritesTheKey() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIStream(text: "round one: \(testKey) should vanish"),
                       .openAIChat(text: sampleNet, inputTokens: 5, outputTokens: 6),
                       .openAIError(status: 401, message: "Incorrect API key provided: \(testKey)"))
        let path = temporaryPath("session.jsonl")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let configuration = LLMConfiguration(provider: .openai, baseURL: server.baseURL + "/v1", model: "gpt-test", apiKey: testKey)
        let transcript = try TranscriptWriter(path: path, secrets: [configuration.apiKey])
        try transcript.sessionStart(configuration, extra: ["requirements": .string("a lease for \(testKey)")])
        let provider = RecordingProvider(openAI(server), transcript: transcript)

        var observed: [String] = []
        let first = try provider.complete(ask(stream: true)) { observed.append("\($0)") }
        try transcript.event("verdict", ["round": 1, "passed": false, "failure": "E0101 unknown place"])
        let second = try provider.complete(ask("repair it", stream: false))
        try transcript.event("verdict", ["round": 2, "passed": true])
        let failure = llmError { _ = try provider.complete(ask("once more", stream: false)) }

        #expect(first.text.contains(testKey))  // the caller gets what the model said…
        #expect(second.text == sampleNet)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(testKey))        // …but the transcript does not keep the key
        #expect(!"\(failure.map { "\($0)" } ?? "")".contains(testKey))
        #expect(!observed.joined().contains(testKey))
        #expect(text.hasSuffix("\n"))

        let lines = try records(path)
        #expect(lines.map { $0["type"]?.string ?? "?" }
            == ["session", "request", "response", "event", "request", "response", "event", "request", "error"])
        #expect(lines[0]["model"]?.string == "gpt-test")
        #expect(lines[0]["base_url"]?.string == server.baseURL + "/v1")
        #expect(lines[0]["requirements"]?.string == "a lease for [redacted]")
        #expect(lines[1]["round"]?.int == 1)
        #expect(lines[1]["headers"]?["Authorization"]?.string == "[redacted]")
        #expect(lines[1]["body"]?["messages"]?[1]?["content"]?.string == "Draft a net for a lease.")
        #expect(lines[2]["text"]?.string == "round one: [redacted] should vanish")
        #expect(lines[2]["streamed"]?.bool == true)
        #expect(lines[2]["usage"]?["output"]?.int == 34)
        #expect(lines[2]["body"]?.string?.contains("data: [DONE]") == true)
        #expect(lines[3]["name"]?.string == "verdict")
        #expect(lines[3]["failure"]?.string == "E0101 unknown place")
        #expect(lines[5]["round"]?.int == 2)
        #expect(lines[5]["usage"] == ["input": 5, "output": 6])
        #expect(lines[8]["round"]?.int == 3)
        #expect(lines[8]["status"]?.int == 401)
        #expect(lines[8]["provider_message"]?.string == "Incorrect API key provided: [redacted]")
        #expect(lines.allSatisfy { $0["time"]?.string != nil })

        // Whatever reached the server carried the key only in its header.
        #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer \(testKey)" && !$0.bodyText.contains(testKey) })
    }

    @Test func replayServesTheRecordedTextsInOrderThenSaysItRanOut() throws {
        let path = temporaryPath("replay.jsonl")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let transcript = try TranscriptWriter(path: path, secrets: [testKey])
        try transcript.sessionStart(provider: "anthropic", model: "claude-test", baseURL: "https://api.anthropic.com")
        for (index, text) in ["first net", "second net", sampleNet].enumerated() {
            try transcript.request(url: "https://api.anthropic.com/v1/messages", headers: [], body: Data(#"{"round":\#(index + 1)}"#.utf8))
            try transcript.response(Completion(text: text, model: "claude-test", stopReason: "end_turn",
                                               usage: TokenUsage(input: 10 * (index + 1), output: index + 1), seconds: 1.25))
        }
        // A second session appended to the same file is not mixed into the first.
        try transcript.sessionStart(provider: "openai", model: "other", baseURL: "http://localhost")
        try transcript.request(url: "x", headers: [], body: Data("{}".utf8))
        try transcript.response(Completion(text: "other session"))

        let replay = try ReplayProvider(transcriptPath: path)
        #expect(replay.model == "claude-test")
        #expect(replay.recordedCount == 3)
        let texts = try (0..<3).map { _ in try replay.complete(ask(stream: false)).text }
        #expect(texts == ["first net", "second net", sampleNet])
        #expect(replay.servedCount == 3)
        let error = llmError { _ = try replay.complete(ask(stream: false)) }
        #expect(error?.kind == .replay)
        #expect(error?.summary == "the transcript \(path) recorded 3 response(s); the session asks for response 4")

        let again = try ReplayProvider(transcriptPath: path)
        let completion = try again.complete(ask(stream: false))
        #expect(completion.usage == TokenUsage(input: 10, output: 1))
        #expect(completion.seconds == 1.25)
        #expect(completion.requestBody == Data(#"{"round":1}"#.utf8))

        let second = try ReplayProvider(transcriptPath: path, session: 2)
        #expect(try second.complete(ask(stream: false)).text == "other session")
        #expect(llmError { _ = try ReplayProvider(transcriptPath: path, session: 3) }?.summary
            == "the transcript \(path) holds 2 session(s); there is no session 3")
    }

    @Test func aRecordedLiveSessionReplaysOffline() throws {
        let server = try FakeLLMServer()
        let path = temporaryPath("live.jsonl")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        server.enqueue(.anthropicStream(text: "broken: ["), .anthropicMessage(text: sampleNet))
        let transcript = try TranscriptWriter(path: path, secrets: [testKey])
        try transcript.sessionStart(provider: "anthropic", model: "claude-test", baseURL: server.baseURL)
        let live = RecordingProvider(anthropic(server), transcript: transcript)
        _ = try live.complete(ask(stream: true))
        _ = try live.complete(ask("fix", stream: false))
        server.stop()

        let replay = try ReplayProvider(transcriptPath: path)
        var progress: [StreamProgress] = []
        #expect(try replay.complete(ask(stream: true)) { if case let .progress(p) = $0 { progress.append(p) } }.text == "broken: [")
        #expect(try replay.complete(ask(stream: true)).text == sampleNet)
        #expect(progress.last?.characters == "broken: [".count)
    }

    @Test func notesIntroduceTheirSessionAndNegativeNumbersCountFromTheEnd() throws {
        let path = temporaryPath("notes.jsonl")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let transcript = try TranscriptWriter(path: path)
        try transcript.note("WRITTEN FOR THE DEMO with a scripted fake model")
        try transcript.sessionStart(provider: "openai", model: "scripted", baseURL: "http://127.0.0.1:1/v1")
        try transcript.request(url: "x", headers: [], body: Data("{}".utf8))
        try transcript.response(Completion(text: "first"))
        try transcript.sessionStart(provider: "openai", model: "later", baseURL: "http://127.0.0.1:1/v1")
        try transcript.request(url: "x", headers: [], body: Data("{}".utf8))
        try transcript.response(Completion(text: "second"))

        let firstLine = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        #expect(firstLine.hasPrefix(#"{"text":"WRITTEN FOR THE DEMO"#))
        let first = try ReplayProvider(transcriptPath: path)
        #expect(first.notes == ["WRITTEN FOR THE DEMO with a scripted fake model"])
        #expect(first.sessionNumber == 1 && first.sessionCount == 2)
        let last = try ReplayProvider(transcriptPath: path, session: -1)
        #expect(last.model == "later" && last.notes.isEmpty && last.sessionNumber == 2)
        #expect(try last.complete(ask(stream: false)).text == "second")
        #expect(llmError { _ = try ReplayProvider(transcriptPath: path, session: 0) }?.summary
            == "the transcript \(path) holds 2 session(s); there is no session 0")
        #expect(llmError { _ = try ReplayProvider(transcript: #"{"type":"request"}"#, path: "t.jsonl") }?.summary
            == "the transcript t.jsonl holds no session line")
    }

    @Test func unreadableTranscriptsAreClearErrors() throws {
        #expect(llmError { _ = try ReplayProvider(transcriptPath: "/nonexistent/t.jsonl") }?.summary
            == "cannot read the transcript: no such file: /nonexistent/t.jsonl")
        #expect(llmError { _ = try ReplayProvider(transcript: "{\"type\":\"session\"}\nnot json\n", path: "t.jsonl") }?.summary
            == "t.jsonl:2: the line is not a JSON object")
    }

    @Test func shortSecretsAreRedactedOnlyWhenWhole() {
        #expect(Redactor.redact("x", secret: "x") == "[redacted]")
        #expect(Redactor.redact("Bearer x", secret: "x") == "[redacted]")
        #expect(Redactor.redact("max tokens", secret: "x") == "max tokens")
        #expect(Redactor.redact("key=sk-long-secret;", secret: "sk-long-secret") == "key=[redacted];")
    }
}
