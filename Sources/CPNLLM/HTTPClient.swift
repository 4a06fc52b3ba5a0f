import CCurl
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

    public init(connectTimeout: Double = 15, timeout: Double = 600, userAgent: String = "cpn-author") {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Parameters:
    ///   - cancellation: raised by another thread, it aborts the transfer (`.cancelled`).
    ///   - onChunk: called with each piece of a 2xx body as it arrives (a non-2xx body is
    ///     only collected). If it throws, the transfer stops and `send` rethrows that error.
    public func send(_ request: HTTPRequest, cancellation: CancellationFlag? = nil,
                     onChunk: (Data) throws -> Void = { _ in }) throws -> HTTPResponse {
        if cancellation?.isCancelled == true {
            throw LLMError(.cancelled, "cancelled before \(request.method) \(request.url)")
        }
        guard let transfer = CurlTransfer() else {
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
        if transfer.wasCancelled || cancellation?.isCancelled == true && result.code != CURLE_OK {
            throw LLMError(.cancelled, "cancelled during \(request.method) \(request.url)")
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
        let target = "\(request.method) \(request.url)"
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
            return LLMError(.configuration, "cannot use the URL \(request.url) (\(result.message))",
                            hint: "the base URL must look like https://host[:port][/path]")
        default:
            return LLMError(.connectionFailed, "\(target) failed: \(result.message) (curl error \(result.code.rawValue))",
                            hint: "check the base URL, the network and any proxy settings")
        }
    }

    /// `value` comes from a `Retry-After` header: any size, so no conversion to Int.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f s", value) : String(format: "%.1f s", value)
    }
}
