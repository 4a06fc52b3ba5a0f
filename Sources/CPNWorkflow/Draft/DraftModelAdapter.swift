import CPNDraft
import CPNLLM

/// Lets the drafting loop (`CPNDraft`, which knows nothing of HTTP) talk to an LLM
/// provider: turns become chat messages, and the provider's progress and retry
/// events go to the session's observer, tagged with the round they belong to.
public struct DraftModelAdapter: DraftModel {
    public let provider: any LLMProvider
    public let stream: Bool
    public let maxTokens: Int?
    public let cancellation: CancellationFlag?
    let progress: any DraftSessionObserver
    /// How many replies have been asked for: the round of the next one minus one.
    public private(set) var calls = 0

    public init(provider: any LLMProvider, stream: Bool, maxTokens: Int?, cancellation: CancellationFlag?,
                progress: any DraftSessionObserver) {
        self.provider = provider
        self.stream = stream
        self.maxTokens = maxTokens
        self.cancellation = cancellation
        self.progress = progress
    }

    public mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply {
        calls += 1
        let round = calls
        let request = ChatRequest(system: system,
                                  messages: conversation.map { ChatMessage($0.role == .user ? .user : .assistant, $0.content) },
                                  maxTokens: maxTokens, stream: stream)
        progress.asking(round: round)
        let completion: Completion
        do {
            completion = try provider.complete(request, cancellation: cancellation) { [progress] event in
                switch event {
                case .sending: break
                case .progress(let p): progress.receiving(round: round, p)
                case .retrying(let notice): progress.retrying(round: round, notice)
                }
            }
        } catch {
            progress.clearLine()
            throw error
        }
        progress.received(round: round, completion)
        return ModelReply(text: completion.text, inputTokens: completion.usage.input, outputTokens: completion.usage.output)
    }
}
