import CPNLLM
import Foundation

/// Everything a drafting session is run with: the model settings (or a
/// transcript to replay), the rounds and the gate's bounds, where the
/// transcript and the report go. The command line fills it from its flags.
public struct DraftSessionSettings: Sendable {
    /// Rounds (model replies) before giving up.
    public var maxRounds = 4
    /// Provider, model, base URL, timeouts, reply size: the flags' part of the
    /// LLM configuration (the settings file and environment fill the rest).
    public var settings = LLMSettings()
    public var retryPolicy = RetryPolicy()
    public var maxTokens: Int?
    /// Ask for streamed replies.
    public var noStream = false
    /// Never ask for structured (JSON) replies: fenced YAML from the first round.
    public var noStructured = false
    /// A directory of prompt files overriding the embedded ones.
    public var prompts: String?
    /// The JSONL transcript (default: beside the output, when not replaying).
    public var transcript: String?
    /// A line of prose written before the session line.
    public var transcriptNote: String?
    /// Replay this transcript instead of asking a model.
    public var replay: String?
    /// Which session of `replay` (from 1; negative counts from the end).
    public var replaySession = -1
    /// Write the last exploration as a JSON report here.
    public var report: String?
    /// The gate's state bound, and whether a bounded exploration passes it.
    public var maxStates = 200_000
    public var acceptBounded = false
    /// Ctrl-C cancels the request in flight (live sessions only).
    public var cancelOnInterrupt = true
    /// Where the settings file and keys are looked up.
    public var environment: [String: String] = ProcessInfo.processInfo.environment

    public init() {}
}
