import Foundation

/// Which model to ask, where, and with which key: the resolved settings.
///
/// `description` never shows the key, only where it came from.
///
/// ```swift
/// let configuration = try LLMConfiguration.resolve(flags: LLMSettings(model: "gpt-4.1"))
/// print(configuration)   // openai gpt-4.1 at https://api.openai.com/v1 (key from OPENAI_API_KEY)
/// let provider = configuration.makeProvider()
/// ```
public struct LLMConfiguration: Sendable, CustomStringConvertible {
    public var provider: ProviderKind
    public var baseURL: String
    public var model: String
    /// Nil only for local servers (localhost, 127.0.0.1, ::1), which may need none.
    public var apiKey: String?
    public var maxTokens: Int?
    public var timeout: Double
    public var connectTimeout: Double
    /// The largest reply body accepted (`HTTPClient.maxResponseBytes`).
    public var maxReplyBytes: Int
    /// Where each setting came from (`--model`, `CPN_AUTHOR_MODEL`, the config file's
    /// path, `default`), keyed `provider`, `base_url`, `model`, `api_key`.
    public var sources: [String: String]

    public static let defaultTimeout: Double = 600
    public static let defaultConnectTimeout: Double = 15

    public init(provider: ProviderKind, baseURL: String? = nil, model: String, apiKey: String?,
                maxTokens: Int? = nil, timeout: Double = LLMConfiguration.defaultTimeout,
                connectTimeout: Double = LLMConfiguration.defaultConnectTimeout,
                maxReplyBytes: Int = HTTPClient.defaultMaxResponseBytes, sources: [String: String] = [:]) {
        self.provider = provider
        self.baseURL = baseURL ?? provider.defaultBaseURL
        self.model = model
        self.apiKey = apiKey
        self.maxTokens = maxTokens
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxReplyBytes = maxReplyBytes
        self.sources = sources
    }

    /// The base URL as it may be shown: without credentials (`Redactor.display`).
    public var shownBaseURL: String { Redactor.display(url: baseURL) }

    /// The secrets that must never be shown or recorded: the key, and what the base URL carries.
    public var secrets: [String] { [apiKey].compactMap { $0 } + Redactor.secrets(in: baseURL) }

    /// The URL requests are posted to.
    public var endpoint: String {
        switch provider {
        case .openai: OpenAIChatProvider.endpoint(baseURL: baseURL)
        case .anthropic: AnthropicMessagesProvider.endpoint(baseURL: baseURL)
        }
    }

    /// Whether the base URL points at this machine, where a server may need no key.
    public var isLocal: Bool { Self.isLocal(baseURL) }

    public var description: String {
        let key = apiKey == nil ? "no key" : "key from \(sources["api_key"] ?? "settings")"
        return "\(provider.rawValue) \(model) at \(Redactor.display(url: baseURL)) (\(key))"
    }

    /// The provider for these settings, with its HTTP client and retry policy.
    public func makeProvider(retry: RetryPolicy = RetryPolicy()) -> any LLMProvider {
        let client = HTTPClient(connectTimeout: connectTimeout, timeout: timeout, maxResponseBytes: maxReplyBytes)
        switch provider {
        case .openai:
            return OpenAIChatProvider(baseURL: baseURL, apiKey: apiKey, model: model, client: client, retry: retry)
        case .anthropic:
            return AnthropicMessagesProvider(baseURL: baseURL, apiKey: apiKey, model: model, client: client, retry: retry)
        }
    }

    static func isLocal(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        return ["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"].contains(host) || host.hasSuffix(".localhost")
    }
}
