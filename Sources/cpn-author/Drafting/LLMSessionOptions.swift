import ArgumentParser
import CPNLLM
import CPNWorkflow
import Foundation

/// The options `draft` and `revise` share: which model to ask and how, the gate's
/// bounds, and where the session's record goes.
struct LLMSessionOptions: ParsableArguments {
    @Option(name: .customLong("max-rounds"), parsing: .unconditional, help: "Ask the model at most this many times (the first draft and its repairs).")
    var maxRounds: Int = 4

    @Option(help: ArgumentHelp("Wire format: openai (also Ollama, vLLM, llama.cpp, OpenRouter, gateways) or anthropic.",
                               discussion: "Else CPN_AUTHOR_PROVIDER, then the config file; inferred when unset."))
    var provider: String?

    @Option(help: ArgumentHelp("The model to ask.", discussion: "Else CPN_AUTHOR_MODEL, then `model:` in the config file."))
    var model: String?

    @Option(name: .customLong("base-url"),
            help: ArgumentHelp("The API's base URL, e.g. http://localhost:11434/v1 for Ollama.",
                               discussion: "Else CPN_AUTHOR_BASE_URL, OPENAI_BASE_URL or ANTHROPIC_BASE_URL, then the config file."))
    var baseURL: String?

    @Option(name: .customLong("max-tokens"), parsing: .unconditional, help: "Limit each reply to this many tokens (for Anthropic, which requires a limit: \(AnthropicMessagesProvider.defaultMaxTokens) unless set).")
    var maxTokens: Int?

    @Option(parsing: .unconditional, help: "Seconds allowed for one request, the whole reply included.")
    var timeout: Double?

    @Option(name: .customLong("max-reply-size"),
            help: ArgumentHelp("The largest reply accepted from the model, e.g. 8MiB (the default); a larger one is cut off and the round fails.",
                               discussion: "Else `max_reply_size:` in the config file. Whatever arrives is then checked like a net file: at most 8 MiB (E0002).",
                               valueName: "size"))
    var maxReplySize: String?

    @Option(parsing: .unconditional, help: "Try a failed request (429, 5xx, broken connection, timeout) again at most this many times.")
    var retries: Int = 3

    // The first wait of the exponential backoff; tests make it tiny so retries are instant.
    @Option(name: .customLong("retry-base-delay"), parsing: .unconditional, help: .hidden)
    var retryBaseDelay: Double = 1

    @Flag(name: .customLong("no-stream"), help: "Ask for whole replies instead of streamed ones (no live token count).")
    var noStream = false

    @Flag(name: .customLong("no-structured"),
          help: ArgumentHelp("Ask for replies in fenced YAML instead of JSON constrained to the net schema.",
                             discussion: "By default a reply is asked for as JSON against the net's JSON Schema (OpenAI-compatible: response_format json_schema, then json_object when the server refuses it; Anthropic: a forced tool call) and written as YAML; a server that refuses a mode is asked again in the next one, fenced YAML last."))
    var noStructured = false

    @Option(help: ArgumentHelp("Read prompts from this directory (system.md, draft.md, repair.md, revise.md, example.yaml; any subset) instead of the built-in ones.",
                               valueName: "dir"))
    var prompts: String?

    @Option(help: ArgumentHelp("Append the session's JSONL transcript to this file (default: beside the output, <name>.draft.jsonl or <name>.revise.jsonl).",
                               valueName: "file"))
    var transcript: String?

    @Option(help: ArgumentHelp("Re-run the session recorded in this transcript, offline: the n-th request gets the n-th recorded reply. No network, no key.",
                               valueName: "transcript.jsonl"))
    var replay: String?

    @Option(name: .customLong("replay-session"), parsing: .unconditional,
            help: ArgumentHelp("Which session of the --replay file to re-run: 1 is the first, -1 the last.", valueName: "n"))
    var replaySession: Int = -1

    @Option(help: ArgumentHelp("Write the JSON verification report (specs/report.schema.json) of the last net explored to this file.",
                               valueName: "file"))
    var report: String?

    @Option(name: .customLong("max-states"), parsing: .unconditional, help: "The gate's exploration bound; a net that reaches it is not accepted.")
    var maxStates: Int = 200_000

    @Flag(name: .customLong("accept-bounded"), help: "Accept a net whose exploration hit --max-states without finding a violation.")
    var acceptBounded = false

    // Written as the transcript's first line; scripts/make-demo-transcript.sh uses it to
    // label a session made with a scripted fake model.
    @Option(name: .customLong("transcript-note"), help: .hidden)
    var transcriptNote: String?

    func validate() throws {
        guard (1...50).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 50") }
        guard (0...10).contains(retries) else { throw ValidationError("--retries must be between 0 and 10") }
        if let timeout, !(timeout > 0 && timeout.isFinite) { throw ValidationError("--timeout must be a positive number of seconds") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        guard retryBaseDelay >= 0, retryBaseDelay.isFinite else { throw ValidationError("--retry-base-delay cannot be negative") }
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1") }
        if let maxReplySize {
            guard let n = ByteCount.parse(maxReplySize), n >= 1 else {
                throw ValidationError("--max-reply-size must be a size such as 8MiB or 500KiB, not `\(maxReplySize)`")
            }
            guard n <= 1 << 30 else { throw ValidationError("--max-reply-size is at most 1GiB") }
        }
        if replay != nil {
            let live = [("--provider", provider), ("--model", model), ("--base-url", baseURL)].filter { $0.1 != nil }.map(\.0)
            if !live.isEmpty {
                throw ValidationError("--replay re-runs a recorded session offline; \(live.joined(separator: ", ")) do\(live.count == 1 ? "es" : "") not apply")
            }
            if let transcript, Self.samePath(transcript, replay!) {
                throw ValidationError("--transcript cannot be the file being replayed")
            }
        }
    }

    /// The settings given on the command line, for `LLMConfiguration.resolve`.
    var settings: LLMSettings {
        LLMSettings(provider: provider, baseURL: baseURL, model: model, maxTokens: maxTokens, timeout: timeout,
                    maxReplyBytes: maxReplySize.flatMap(ByteCount.parse))
    }

    var retryPolicy: RetryPolicy {
        RetryPolicy(maxAttempts: retries + 1, baseDelay: retryBaseDelay, maxDelay: max(retryBaseDelay, 20))
    }

    /// These flags as the library's session settings.
    var sessionSettings: DraftSessionSettings {
        var s = DraftSessionSettings()
        s.maxRounds = maxRounds
        s.settings = settings
        s.retryPolicy = retryPolicy
        s.maxTokens = maxTokens
        s.noStream = noStream
        s.noStructured = noStructured
        s.prompts = prompts
        s.transcript = transcript
        s.transcriptNote = transcriptNote
        s.replay = replay
        s.replaySession = replaySession
        s.report = report
        s.maxStates = maxStates
        s.acceptBounded = acceptBounded
        return s
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        URL(fileURLWithPath: a).standardizedFileURL.path == URL(fileURLWithPath: b).standardizedFileURL.path
    }
}
