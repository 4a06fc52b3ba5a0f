/// The wire formats the client speaks.
public enum ProviderKind: String, Sendable, CaseIterable {
    /// OpenAI chat completions, and every server that copies it (Ollama, vLLM, llama.cpp, OpenRouter…).
    case openai
    /// Anthropic messages.
    case anthropic

    /// The base URL used when none is configured.
    public var defaultBaseURL: String {
        switch self {
        case .openai: "https://api.openai.com/v1"
        case .anthropic: "https://api.anthropic.com"
        }
    }

    /// The provider's own environment variable for its key, read after `CPN_AUTHOR_API_KEY`.
    public var keyVariable: String {
        switch self {
        case .openai: "OPENAI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        }
    }

    /// The provider's own environment variable for its base URL, read after `CPN_AUTHOR_BASE_URL`.
    public var baseURLVariable: String {
        switch self {
        case .openai: "OPENAI_BASE_URL"
        case .anthropic: "ANTHROPIC_BASE_URL"
        }
    }
}
