import CCurl
import CPNDiagnostics
import Foundation

/// A small, synchronous HTTP client over libcurl easy handles.
///
/// TLS, certificates and proxies are libcurl's: `https_proxy`, `http_proxy`, `all_proxy`
/// and `no_proxy` are honoured as curl honours them, except that loopback hosts
/// (`localhost`, `127.0.0.1`, `::1`) never go through a proxy, since a proxy cannot
/// reach this machine's loopback. Redirects are not followed (a POST must not be
/// silently turned into a GET); a 3xx comes back as a response.
///
/// `send` blocks until the transfer ends; run it off the main thread if something
/// else must go on meanwhile. It throws `LLMError` (kinds `.connectionFailed`,
/// `.connectionLost`, `.timedOut`, `.tls`, `.cancelled`) and never retries:
/// `RetryPolicy` does that.
///
/// ```swift
/// let client = HTTPClient(connectTimeout: 5, timeout: 60)
/// let response = try client.send(HTTPRequest(url: "http://127.0.0.1:11434/api/version", method: "GET"))
/// print(response.status)   // 200
/// ```
public struct HTTPClient: Sendable {
    /// Seconds allowed to establish the connection (TCP and TLS).
    public var connectTimeout: Double
    /// Seconds allowed for the whole transfer, streaming included.
    public var timeout: Double
    public var userAgent: String
    /// The most bytes a response body may have; a larger one is cut off with
    /// `.invalidResponse` (a hostile or broken server must not fill the memory).
    public var maxResponseBytes: Int

    /// 8 MiB: a net file's limit (E0002), with room for the wire format around it.
    public static let defaultMaxResponseBytes = 8 << 20

    public init(connectTimeout: Double = 15, timeout: Double = 600, userAgent: String = "cpn-author",
                maxResponseBytes: Int = HTTPClient.defaultMaxResponseBytes) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Parameters:
    ///   - cancellation: raised by another thread, it aborts the transfer (`.cancelled`).
    ///   - onChunk: called with each piece of a 2xx body as it arrives (a non-2xx body is
    ///     only collected). If it throws, the transfer stops and `send` rethrows that error.
    public func send(_ request: HTTPRequest, cancellation: CancellationFlag? = nil,
                     onChunk: (Data) throws -> Void = { _ in }) throws -> HTTPResponse {
        let shownURL = Redactor.display(url: request.url)
        if cancellation?.isCancelled == true {
            throw LLMError(.cancelled, "cancelled before \(request.method) \(shownURL)")
        }
        // A line break in a header value (a key pasted with its newline, or planted)
        // would start a header of its own: refused, without showing the value.
        for header in request.headers + [HTTPHeader("User-Agent", userAgent)] {
            if Redactor.isUnsafeHeaderText(header.name, isName: true) || Redactor.isUnsafeHeaderText(header.value, isName: false) {
                throw LLMError(.configuration, "refusing to send \(request.method) \(shownURL): the header `\(VisibleText.escaped(header.name))` holds a line break or another control character",
                               hint: header.name.lowercased() == "authorization" || header.name.lowercased() == "x-api-key"
                                   ? "the API key holds a control character; copy it again without line breaks" : "remove the control character")
            }
        }
        if request.url.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw LLMError(.configuration, "refusing to send \(request.method) \(VisibleText.escaped(shownURL)): the URL holds a space or a control character",
                           hint: "check the base URL (--base-url or CPN_AUTHOR_BASE_URL)")
        }
        guard let transfer = CurlTransfer(maxBodyBytes: maxResponseBytes) else {
            throw LLMError(.connectionFailed, "libcurl could not create a transfer handle")
        }
        transfer.set(CURLOPT_URL, request.url)
        switch request.method.uppercased() {
        case "GET":
            transfer.set(CURLOPT_HTTPGET, 1)
        case "POST":
            transfer.set(CURLOPT_POST, 1)
            transfer.setBody(request.body)
        default:
            transfer.set(CURLOPT_CUSTOMREQUEST, request.method)
            if !request.body.isEmpty { transfer.setBody(request.body) }
        }
        // An empty `Expect:` stops curl from waiting for `100 Continue` before large bodies.
        transfer.setHeaders(request.headers + [HTTPHeader("Expect", "")])
        transfer.set(CURLOPT_NOSIGNAL, 1)
        transfer.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
        transfer.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout))
        transfer.set(CURLOPT_USERAGENT, userAgent)
        transfer.set(CURLOPT_ACCEPT_ENCODING, "")
        transfer.set(CURLOPT_TCP_KEEPALIVE, 1)
        transfer.set(CURLOPT_NOPROXY, Self.noProxyList(environment: ProcessInfo.processInfo.environment))

        // The transfer keeps the callback only until perform() returns.
        let result = withoutActuallyEscaping(onChunk) { transfer.perform(cancellation: cancellation, onChunk: $0) }
        if let error = transfer.chunkError {
            throw error
        }
        if transfer.bodyTooLarge {
            throw LLMError(.invalidResponse, "the reply to \(request.method) \(shownURL) is larger than \(Self.bytes(maxResponseBytes)); it was cut off there",
                           hint: "a net is at most 8 MiB; if the model's replies really are larger, raise --max-reply-size")
        }
        if transfer.wasCancelled || cancellation?.isCancelled == true && result.code != CURLE_OK {
            throw LLMError(.cancelled, "cancelled during \(request.method) \(shownURL)")
        }
        guard result.code == CURLE_OK else {
            throw Self.transportError(result, request: request, timeouts: (connectTimeout, timeout))
        }
        return HTTPResponse(status: transfer.status, headers: transfer.responseHeaders, body: transfer.body)
    }

    static func milliseconds(_ seconds: Double) -> Int {
        Int(max(1, min(seconds * 1000, Double(Int32.max))))
    }

    /// The user's `no_proxy` list with the loopback names added.
    static func noProxyList(environment: [String: String]) -> String {
        let user = environment["no_proxy"] ?? environment["NO_PROXY"] ?? ""
        if user.trimmingCharacters(in: .whitespaces) == "*" { return "*" }
        let entries = user.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return (entries + ["localhost", "127.0.0.1", "::1"]).joined(separator: ",")
    }

    /// Maps a failed curl transfer to an error that says what to check.
    static func transportError(_ result: CurlTransfer.Result, request: HTTPRequest,
                               timeouts: (connect: Double, total: Double)) -> LLMError {
        let target = "\(request.method) \(Redactor.display(url: request.url))"
        var result = result
        result.message = Redactor.redact(result.message, secrets: Redactor.secrets(in: request.url))
        switch result.code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return LLMError(.connectionFailed, "cannot connect for \(target) (\(result.message))",
                            hint: "is the server running at that address? check the base URL (--base-url or CPN_AUTHOR_BASE_URL), the network and any proxy settings",
                            retryable: true)
        case CURLE_OPERATION_TIMEDOUT:
            if !result.connected {
                return LLMError(.timedOut, "no connection within \(Self.seconds(timeouts.connect)) for \(target)",
                                hint: "check the base URL and the network; the server may be down or unreachable",
                                retryable: true)
            }
            return LLMError(.timedOut, "no complete answer within \(Self.seconds(timeouts.total)) for \(target)",
                            hint: "the server is slow or stuck; try again later or allow more time (--timeout)",
                            retryable: true)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return LLMError(.connectionLost, "the connection broke during \(target) (\(result.message))",
                            hint: "the server or a proxy dropped the connection; try again later",
                            retryable: true)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR:
            return LLMError(.tls, "TLS failed for \(target) (\(result.message))",
                            hint: "check the system CA certificates, the base URL's scheme (http or https) and any intercepting proxy")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return LLMError(.configuration, "cannot use the URL \(Redactor.display(url: request.url)) (\(result.message))",
                            hint: "the base URL must look like https://host[:port][/path]")
        default:
            return LLMError(.connectionFailed, "\(target) failed: \(result.message) (curl error \(result.code.rawValue))",
                            hint: "check the base URL, the network and any proxy settings")
        }
    }

    static func bytes(_ n: Int) -> String {
        n >= 1 << 20 && n % (1 << 20) == 0 ? "\(n >> 20) MiB" : n >= 1 << 10 && n % (1 << 10) == 0 ? "\(n >> 10) KiB" : "\(n) bytes"
    }

    /// `value` comes from a `Retry-After` header: any size, so no conversion to Int.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f s", value) : String(format: "%.1f s", value)
    }
}
