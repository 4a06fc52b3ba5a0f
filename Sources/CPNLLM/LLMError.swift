/// Every failure of the LLM client, in words a user can act on.
///
/// `description` is what to print: the first line says what happened (with the HTTP
/// status and the provider's own message when there is one, and how many attempts were
/// made), the second line, `help: …`, says what to do. No error ever holds the API key:
/// providers redact it from anything the server sent back.
///
/// ```
/// HTTP 404 Not Found from openai (POST http://127.0.0.1:8080/v1/chat/completions): "The model `gpt-9` does not exist"
/// help: check the model name (--model or CPN_AUTHOR_MODEL) and the base URL (--base-url or CPN_AUTHOR_BASE_URL)
/// ```
public struct LLMError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Settings are missing or malformed (no key, bad URL, unknown provider).
        case configuration
        /// The caller raised the `CancellationFlag`.
        case cancelled
        /// No connection: refused, host not found, network unreachable.
        case connectionFailed
        /// The connection broke after it was made: reset, empty reply, body cut short.
        case connectionLost
        /// The connect timeout or the total timeout expired.
        case timedOut
        /// The TLS handshake or certificate check failed.
        case tls
        /// The server answered with a status outside 2xx.
        case http(status: Int)
        /// A 2xx answer that carries an error: a JSON error body or an SSE `error` event.
        case providerError
        /// A body that is not what the wire format promises (not JSON, fields missing).
        case invalidResponse
        /// A stream that ended before its final event (`[DONE]`, `message_stop`).
        case truncatedStream
        /// A replayed transcript cannot serve the request.
        case replay
        /// The transcript file cannot be written.
        case transcript
    }

    public var kind: Kind
    /// What happened, one line, without the provider's message.
    public var message: String
    /// The provider's own explanation (`error.message` in the JSON body), when it sent one.
    public var providerMessage: String?
    /// What the user can do about it.
    public var hint: String?
    /// How many attempts were made before giving up.
    public var attempts: Int
    /// How long the server asked us to wait before trying again (`Retry-After`), in seconds.
    public var retryAfter: Double?
    /// Whether trying again may succeed (429, 5xx, 529, connection errors, timeouts).
    public var isRetryable: Bool
    /// Set when the server refused the reply mode the request asked for (an HTTP 500
    /// naming `response_format`, say): asking again in another mode may succeed, asking
    /// again in this one will not. See `StructuredReplyNegotiation.isRefusal`.
    public var refusedReplyMode: StructuredReplyMode?

    public init(_ kind: Kind, _ message: String, providerMessage: String? = nil, hint: String? = nil,
                retryable: Bool = false, retryAfter: Double? = nil, attempts: Int = 1) {
        self.kind = kind
        self.message = message
        self.providerMessage = providerMessage
        self.hint = hint
        self.isRetryable = retryable
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    /// The first line of `description`: what happened.
    public var summary: String {
        var line = message
        if let providerMessage, !providerMessage.isEmpty {
            line += ": \"\(providerMessage)\""
        }
        if attempts > 1 {
            line += " (gave up after \(attempts) attempts)"
        }
        return line
    }

    public var description: String {
        guard let hint else { return summary }
        return summary + "\nhelp: " + hint
    }

    /// The same error with every occurrence of each of `secrets` replaced by `[redacted]`.
    func redacting(_ secrets: [String]) -> LLMError {
        let secrets = secrets.filter { !$0.isEmpty }
        guard !secrets.isEmpty else { return self }
        var copy = self
        copy.message = Redactor.redact(message, secrets: secrets)
        copy.providerMessage = providerMessage.map { Redactor.redact($0, secrets: secrets) }
        copy.hint = hint.map { Redactor.redact($0, secrets: secrets) }
        return copy
    }
}
