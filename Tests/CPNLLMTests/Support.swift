import CPNFakeLLM
import CPNLLM
import Foundation
import Testing

/// The key the tests hand to providers; every "never echoed" assertion looks for it.
let testKey = "sk-test-7f3a9c2e41b8d605"

/// Records the waits a retry policy asks for instead of sleeping.
final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Double] = []

    var delays: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    /// A policy that never really sleeps and always draws `random`.
    func policy(maxAttempts: Int = 4, random: Double = 0.5, baseDelay: Double = 1, maxDelay: Double = 20) -> RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, baseDelay: baseDelay, maxDelay: maxDelay,
                    sleep: { [self] seconds, _ in
                        lock.lock()
                        recorded.append(seconds)
                        lock.unlock()
                    },
                    random: { random })
    }
}

/// A client with short timeouts, so a mistake fails fast instead of hanging the suite.
let fastClient = HTTPClient(connectTimeout: 2, timeout: 5)

func openAI(_ server: FakeLLMServer, retry: RetryPolicy = .never, key: String? = testKey,
            client: HTTPClient = fastClient) -> OpenAIChatProvider {
    OpenAIChatProvider(baseURL: server.baseURL + "/v1", apiKey: key, model: "gpt-test", client: client, retry: retry)
}

func anthropic(_ server: FakeLLMServer, retry: RetryPolicy = .never, key: String? = testKey,
               client: HTTPClient = fastClient) -> AnthropicMessagesProvider {
    AnthropicMessagesProvider(baseURL: server.baseURL, apiKey: key, model: "claude-test", client: client, retry: retry)
}

func ask(_ text: String = "Draft a net for a lease.", stream: Bool) -> ChatRequest {
    ChatRequest(system: "You write colored Petri nets.", messages: [ChatMessage(.user, text)], stream: stream)
}

/// Runs `body`, which must throw an `LLMError`, and returns it (nil, with a failed
/// expectation, if it throws something else or nothing).
func llmError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> LLMError? {
    do {
        try body()
        Issue.record("expected an LLMError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as LLMError {
        return error
    } catch {
        Issue.record("expected an LLMError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A multi-line net, the kind of text the model sends back.
let sampleNet = """
cpn: 1
name: lease — “quoted” ünïcode
places:
  free: { color: Unit, initial: 3 }
  held: Unit
transitions:
  take: { in: { free: 1 }, out: { held: 1 } }
  give: { in: { held: 1 }, out: { free: 1 } }

"""

/// Runs `body` on another thread and waits for it at most `seconds`, generous enough
/// that a busy machine never gets there: only a real hang does, and the test then
/// fails with "hung". Tests never assert how fast something was.
func hangGuard<T: Sendable>(_ what: String, seconds: Double = 120, sourceLocation: SourceLocation = #_sourceLocation,
                            _ body: @escaping @Sendable () -> T) -> T? {
    let box = HangGuardBox<T>()
    let done = DispatchSemaphore(value: 0)
    Thread {
        box.value = body()
        done.signal()
    }.start()
    guard done.wait(timeout: .now() + seconds) == .success else {
        Issue.record("hung: \(what) did not return within \(Int(seconds)) s", sourceLocation: sourceLocation)
        return nil
    }
    return box.value
}

/// What `hangGuard`'s thread hands back (written once, read after the semaphore).
private final class HangGuardBox<T>: @unchecked Sendable {
    var value: T?
}
