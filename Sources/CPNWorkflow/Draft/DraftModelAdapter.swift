import CPNDraft
import CPNLLM

/// Lets the drafting loop (`CPNDraft`, which knows nothing of HTTP) talk to an LLM
/// provider: turns become chat messages, and the provider's progress and retry
/// events go to the session's observer, tagged with the round they belong to.
///
/// With `structured`, each request asks for the reply in the session's current mode
/// (`StructuredReplyNegotiation`: `json_schema`, `json_object`, `tool`, `fenced_yaml`),
/// the mode's instruction appended to the system prompt. A server that refuses the mode
/// is asked again at once in the next one, in the same round (no repair round is spent),
/// and the session keeps to the mode it reached. A replayed session asks in the mode each
/// recorded reply was made in, and reads the reply the same way.
public struct DraftModelAdapter: DraftModel {
    public let provider: any LLMProvider
    public let stream: Bool
    public let maxTokens: Int?
    public let cancellation: CancellationFlag?
    let progress: any DraftSessionObserver
    /// How many replies have been asked for: the round of the next one minus one.
    public private(set) var calls = 0
    /// The schema and prompt words of structured replies; nil asks for fenced YAML only.
    public let structured: StructuredReplySetup?
    /// The mode the next request uses, and what was refused so far.
    public private(set) var negotiation: StructuredReplyNegotiation
    /// The transcript being replayed, which decides each request's mode.
    let replay: ReplayProvider?

    public init(provider: any LLMProvider, stream: Bool, maxTokens: Int?, cancellation: CancellationFlag?,
                progress: any DraftSessionObserver, structured: StructuredReplySetup? = nil, replay: ReplayProvider? = nil) {
        self.provider = provider
        self.stream = stream
        self.maxTokens = maxTokens
        self.cancellation = cancellation
        self.progress = progress
        self.structured = structured
        self.replay = replay
        negotiation = StructuredReplyNegotiation(modes: replay != nil ? StructuredReplyMode.allCases : provider.structuredReplyModes,
                                                 structured: structured != nil || replay != nil)
    }

    public mutating func reply(system: String, conversation: [ChatTurn]) throws -> ModelReply {
        calls += 1
        let round = calls
        progress.asking(round: round)
        let messages = conversation.map { ChatMessage($0.role == .user ? .user : .assistant, $0.content) }
        while true {
            if let recorded = replay?.upcomingReplyMode { negotiation.settle(on: recorded) }
            let mode = negotiation.current
            let instruction = structured?.instruction(for: mode)
            let request = ChatRequest(system: instruction.map { system + "\n" + $0 } ?? system, messages: messages,
                                      maxTokens: maxTokens, stream: stream, replyMode: mode,
                                      replySchema: mode.isJSON ? (structured?.schema ?? StructuredReplySetup.netSchema) : nil)
            let completion: Completion
            do {
                completion = try provider.complete(request, cancellation: cancellation) { [progress] event in
                    switch event {
                    case .sending: break
                    case .progress(let p): progress.receiving(round: round, p)
                    case .retrying(let notice): progress.retrying(round: round, notice)
                    }
                }
            } catch let error as LLMError where error.refusedReplyMode == mode {
                let reason = Self.reason(error)
                guard let next = negotiation.fallBack(from: mode, reason: reason) else {
                    progress.clearLine()
                    throw error
                }
                progress.say("round \(round): the server refused \(mode.rawValue) replies (\(reason)); "
                    + "asking again for \(next.explanation), for the rest of the session")
                continue
            } catch {
                progress.clearLine()
                throw error
            }
            negotiation.settle(on: completion.replyMode)
            progress.received(round: round, completion)
            return ModelReply(text: completion.text, inputTokens: completion.usage.input, outputTokens: completion.usage.output,
                              format: completion.replyMode.isJSON ? .json : .yaml, mode: completion.replyMode.rawValue)
        }
    }

    /// The refusal in a few words: the status and the start of the provider's message.
    static func reason(_ error: LLMError) -> String {
        var words: String
        if case let .http(status) = error.kind { words = "HTTP \(status)" } else { words = "an error reply" }
        if let message = error.providerMessage?.split(whereSeparator: \.isNewline).joined(separator: " "), !message.isEmpty {
            words += ": \"" + (message.count > 140 ? String(message.prefix(140)) + "…" : message) + "\""
        }
        return words
    }
}
