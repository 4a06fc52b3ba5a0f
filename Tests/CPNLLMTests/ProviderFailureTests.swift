import CPNFakeLLM
@testable import CPNLLM
import Foundation
import Testing

/// Every way a provider call can fail ends in an `LLMError` that says what happened
/// and what to do, and never holds the key.
@Suite struct ProviderFailureTests {
    @Test func retriesA429HonouringRetryAfterThenSucceeds() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIError(status: 429, message: "Rate limit reached", type: "rate_limit_error",
                                    headers: ["Retry-After": "7"]),
                       .openAIError(status: 429, message: "Rate limit reached", type: "rate_limit_error"),
                       .openAIStream(text: "done"))
        let sleeps = SleepRecorder()
        var notices: [RetryPolicy.Notice] = []
        let completion = try openAI(server, retry: sleeps.policy(maxAttempts: 4, random: 0.5)).complete(ask(stream: true)) {
            if case let .retrying(notice) = $0 { notices.append(notice) }
        }
        #expect(completion.text == "done")
        #expect(completion.attempts == 3)
        // Retry-After: 7 is waited out exactly; the second 429 has none: full jitter, 0.5 · 1 · 2¹.
        #expect(sleeps.delays == [7, 1])
        #expect(notices.map(\.failedAttempt) == [1, 2])
        #expect(notices.first?.error.kind == .http(status: 429))
        #expect(server.requests.count == 3)
    }

    @Test func retryAfterAsAnHTTPDateAndInMilliseconds() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let soon = Date(timeIntervalSinceNow: 30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        server.enqueue(.anthropicError(status: 529, message: "Overloaded", type: "overloaded_error",
                                       headers: ["Retry-After": formatter.string(from: soon)]),
                       .openAIError(status: 503, message: "busy", headers: ["retry-after-ms": "1500", "Retry-After": "9"]),
                       .anthropicMessage(text: "fine"))
        let sleeps = SleepRecorder()
        #expect(try anthropic(server, retry: sleeps.policy()).complete(ask(stream: false)).text == "fine")
        #expect(sleeps.delays.count == 2)
        #expect((27...31).contains(sleeps.delays[0]))
        #expect(sleeps.delays[1] == 1.5)
    }

    @Test func repeated500sEndInAClearErrorNamingStatusAndProviderMessage() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        for _ in 0..<3 {
            server.enqueue(.openAIError(status: 500, message: "The server had an error while processing your request.",
                                        type: "server_error"))
        }
        let sleeps = SleepRecorder()
        let error = llmError { _ = try openAI(server, retry: sleeps.policy(maxAttempts: 3, random: 1)).complete(ask(stream: true)) }
        #expect(error?.kind == .http(status: 500))
        #expect(error?.attempts == 3)
        #expect(sleeps.delays == [1, 2])  // full jitter ceilings 1 and 2 with random() = 1
        let text = error?.description ?? ""
        #expect(text.contains("openai answered HTTP 500 Internal Server Error to POST \(server.baseURL)/v1/chat/completions"))
        #expect(text.contains("\"The server had an error while processing your request.\""))
        #expect(text.contains("(gave up after 3 attempts)"))
        #expect(text.contains("help: the provider is failing or overloaded; try again later"))
        #expect(server.pendingReplies == 0)
    }

    @Test func unknownModelIsNotRetriedAndSaysWhatToCheck() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.anthropicError(status: 404, message: "model: claude-nine", type: "not_found_error"))
        let sleeps = SleepRecorder()
        let error = llmError { _ = try anthropic(server, retry: sleeps.policy()).complete(ask(stream: true)) }
        #expect(error?.kind == .http(status: 404))
        #expect(error?.providerMessage == "model: claude-nine")
        #expect(error?.attempts == 1)
        #expect(error?.hint?.contains("check the model name (--model or CPN_AUTHOR_MODEL)") == true)
        #expect(sleeps.delays.isEmpty)
    }

    @Test func badKeyNamesTheVariablesAndNeverEchoesTheKey() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        // Some servers quote the key they refused; the error must not.
        server.enqueue(.openAIError(status: 401, message: "Incorrect API key provided: \(testKey).", code: "invalid_api_key"))
        let error = llmError { _ = try openAI(server).complete(ask(stream: false)) }
        #expect(error?.kind == .http(status: 401))
        #expect(error?.providerMessage == "Incorrect API key provided: [redacted].")
        #expect(error?.hint?.contains("CPN_AUTHOR_API_KEY or OPENAI_API_KEY") == true)
        #expect(error.map { !"\($0)".contains(testKey) } == true)
    }

    @Test func connectionRefusedAfterRetries() throws {
        let server = try FakeLLMServer()
        let provider = openAI(server, retry: SleepRecorder().policy(maxAttempts: 2))
        server.stop()
        let error = llmError { _ = try provider.complete(ask(stream: true)) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.attempts == 2)
        #expect(error?.description.contains("cannot connect for POST \(server.baseURL)/v1/chat/completions") == true)
    }

    @Test func connectionResetThenSuccess() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.dropConnection, .anthropicStream(text: "after reset"))
        let completion = try anthropic(server, retry: SleepRecorder().policy()).complete(ask(stream: true))
        #expect(completion.text == "after reset")
        #expect(completion.attempts == 2)
    }

    @Test func totalTimeoutAgainstAHangingProvider() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.hang(seconds: 10), .hang(seconds: 10))
        let client = HTTPClient(connectTimeout: 2, timeout: 0.3)
        let error = llmError { _ = try openAI(server, retry: SleepRecorder().policy(maxAttempts: 2), client: client).complete(ask(stream: true)) }
        #expect(error?.kind == .timedOut)
        #expect(error?.attempts == 2)
        #expect(error?.summary.contains("no complete answer within 0.3 s") == true)
    }

    @Test func cancellationStopsAStreamAndIsNotRetried() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let events = FakeReply.openAIStreamEvents(text: String(repeating: "slow ", count: 40), pieceSize: 5)
        server.enqueue(.eventStream(events, delay: 0.05))
        let flag = CancellationFlag()
        var deltas = 0
        let error = llmError {
            _ = try openAI(server, retry: SleepRecorder().policy()).complete(ask(stream: true), cancellation: flag) { event in
                if case .progress = event {
                    deltas += 1
                    if deltas == 3 { flag.cancel() }
                }
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(deltas == 3)
        #expect(server.requests.count == 1)
    }

    @Test(arguments: ["openai", "anthropic"])
    func truncatedStreamIsAnErrorAndRetried(provider: String) throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let cut = provider == "openai" ? FakeReply.openAIStreamEvents(text: sampleNet, done: false)
                                       : FakeReply.anthropicStreamEvents(text: sampleNet, stop: false)
        server.enqueue(.eventStream(cut), .eventStream(cut))
        let sleeps = SleepRecorder()
        let error = llmError {
            _ = try (provider == "openai" ? openAI(server, retry: sleeps.policy(maxAttempts: 2)) as any LLMProvider
                                          : anthropic(server, retry: sleeps.policy(maxAttempts: 2))).complete(ask(stream: true))
        }
        #expect(error?.kind == .truncatedStream)
        #expect(error?.attempts == 2)
        #expect(error?.summary.contains("the reply stream from \(provider) ended before its last event (\(sampleNet.count) characters received)") == true)
    }

    @Test func streamCutMidEventByTheConnection() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        var events = FakeReply.openAIStreamEvents(text: sampleNet)
        events.removeLast(3)
        events.append("data: {\"choices\":[{\"delta\":{\"con")
        server.enqueue(.eventStream(events, ending: .abrupt))
        let error = llmError { _ = try openAI(server).complete(ask(stream: true)) }
        #expect(error?.kind == .connectionLost)
        #expect(error?.isRetryable == true)
    }

    @Test func errorEventMidStream() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        var events = Array(FakeReply.anthropicStreamEvents(text: sampleNet).prefix(5))
        events.append(FakeReply.anthropicErrorEvent(type: "overloaded_error", message: "Overloaded"))
        server.enqueue(.eventStream(events), .eventStream(events))
        let error = llmError { _ = try anthropic(server, retry: SleepRecorder().policy(maxAttempts: 2)).complete(ask(stream: true)) }
        #expect(error?.kind == .providerError)
        #expect(error?.providerMessage == "Overloaded")
        #expect(error?.attempts == 2)  // overloaded_error is worth another try
        #expect(error?.summary.contains("anthropic reported an error in the middle of the reply stream") == true)

        server.enqueue(.eventStream(["data: {\"error\":{\"message\":\"context length exceeded\",\"type\":\"invalid_request_error\"}}\n\n"]))
        let openAIError = llmError { _ = try openAI(server, retry: SleepRecorder().policy()).complete(ask(stream: true)) }
        #expect(openAIError?.providerMessage == "context length exceeded")
        #expect(openAIError?.attempts == 1)
    }

    @Test func status200WithAJSONErrorBody() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.json(["error": ["message": "model 'llama9' not found, try pulling it first"]]),
                       .json(["error": "model \"qwen\" not found"]))
        let first = llmError { _ = try openAI(server).complete(ask(stream: false)) }
        #expect(first?.kind == .providerError)
        #expect(first?.providerMessage == "model 'llama9' not found, try pulling it first")
        let second = llmError { _ = try openAI(server).complete(ask(stream: true)) }
        #expect(second?.providerMessage == "model \"qwen\" not found")
    }

    @Test func htmlFromAProxyIsAClearError() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        let page = "<html><head><title>Sign in to the Wi-Fi</title></head><body>…</body></html>"
        server.enqueue(.text(page), .text(status: 502, "<html><body><h1>502 Bad Gateway</h1></body></html>"))
        let ok = llmError { _ = try openAI(server).complete(ask(stream: false)) }
        #expect(ok?.kind == .invalidResponse)
        #expect(ok?.summary.contains("with a body that is not JSON (text/html: <html><head><title>Sign in to the Wi-Fi") == true)
        #expect(ok?.hint?.contains("a proxy may be answering") == true)
        let bad = llmError { _ = try anthropic(server).complete(ask(stream: true)) }
        #expect(bad?.kind == .http(status: 502))
        #expect(bad?.summary.contains("HTTP 502 Bad Gateway") == true)
        #expect(bad?.summary.contains("<h1>502 Bad Gateway</h1>") == true)
    }

    @Test func missingFieldsAreInvalidResponses() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.json(["id": "x"]), .json(["id": "y"]), .eventStream(["data: not json\n\n"]))
        #expect(llmError { _ = try openAI(server).complete(ask(stream: false)) }?.summary.contains("has no choices") == true)
        #expect(llmError { _ = try anthropic(server).complete(ask(stream: false)) }?.summary.contains("has no content") == true)
        #expect(llmError { _ = try openAI(server).complete(ask(stream: true)) }?.summary.contains("is not JSON: not json") == true)
    }

    @Test func aLongRetryAfterIsNotWaitedOut() throws {
        let server = try FakeLLMServer()
        defer { server.stop() }
        server.enqueue(.openAIError(status: 429, message: "quota", headers: ["Retry-After": "3600"]))
        let sleeps = SleepRecorder()
        let error = llmError { _ = try openAI(server, retry: sleeps.policy()).complete(ask(stream: false)) }
        #expect(error?.summary.contains("the server asks to wait 3600 s before trying again") == true)
        #expect(sleeps.delays.isEmpty)
    }
}
