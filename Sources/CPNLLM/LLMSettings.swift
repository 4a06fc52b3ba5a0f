/// LLM settings from one source (command-line flags, or a config file), each optional.
/// `LLMConfiguration.resolve` merges the sources in order of precedence.
public struct LLMSettings: Sendable, Equatable {
    /// `openai` or `anthropic`.
    public var provider: String?
    public var baseURL: String?
    public var model: String?
    public var apiKey: String?
    public var maxTokens: Int?
    /// Total seconds allowed for one HTTP request.
    public var timeout: Double?
    public var connectTimeout: Double?
    /// The largest reply body accepted, in bytes.
    public var maxReplyBytes: Int?

    public init(provider: String? = nil, baseURL: String? = nil, model: String? = nil, apiKey: String? = nil,
                maxTokens: Int? = nil, timeout: Double? = nil, connectTimeout: Double? = nil, maxReplyBytes: Int? = nil) {
        self.provider = provider
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.maxTokens = maxTokens
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxReplyBytes = maxReplyBytes
    }
}
