import Foundation
import CPNJSON

/// One request/response exchange with a provider, shared by both wire formats: sends
/// the body with retries, follows the event stream or reads the whole reply, and turns
/// every failure into an `LLMError` that names the status, quotes the provider and says
/// what to do, with the key redacted.
struct ChatExchange<Format: WireFormat> {
    var providerName: String
    var endpoint: String
    var headers: [HTTPHeader]
    var body: JSONValue
    var stream: Bool
    var apiKey: String?
    var client: HTTPClient
    var retry: RetryPolicy
    var format: Format
    /// What the body asks of the reply's form: an HTTP error naming it is a refusal of the
    /// mode (`StructuredReplyNegotiation.isRefusal`), reported as such and not retried.
    var replyMode: StructuredReplyMode = .fencedYAML

    /// The endpoint as messages and the transcript show it: no user information, no query secrets.
    var shownEndpoint: String { Redactor.display(url: endpoint) }

    /// The key and the secrets the endpoint URL carries.
    var secrets: [String] { [apiKey].compactMap { $0 } + Redactor.secrets(in: endpoint) }

    func run(cancellation: CancellationFlag?, observe: (CompletionEvent) -> Void) throws -> Completion {
        let requestBody = Data(body.rendered.utf8)
        let shownHeaders = headers.map {
            Redactor.isCredentialHeader($0.name) ? HTTPHeader($0.name, Redactor.placeholder) : $0
        }
        observe(.sending(url: shownEndpoint, headers: shownHeaders, body: requestBody))
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = clock.now - start
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        do {
            return try retry.run(cancellation: cancellation, onRetry: { observe(.retrying($0.redacting(secrets))) }) { number in
                var completion = try attempt(number: number, body: requestBody, cancellation: cancellation) { accumulator in
                    observe(.progress(StreamProgress(characters: accumulator.characters, deltas: accumulator.deltas,
                                                     outputTokens: accumulator.reply.usage.output,
                                                     elapsed: elapsed(), attempt: number)))
                }
                completion.seconds = elapsed()
                completion.attempts = number
                return completion
            }
        } catch let error as LLMError {
            throw error.redacting(secrets)
        }
    }

    private func attempt(number: Int, body: Data, cancellation: CancellationFlag?,
                         progress: (Format.Stream) -> Void) throws -> Completion {
        var parser = SSEParser()
        var accumulator = format.makeStream()
        var sawEvents = false
        let request = HTTPRequest(method: "POST", url: endpoint, headers: headers, body: body)
        let response = try client.send(request, cancellation: cancellation) { chunk in
            guard stream else { return }
            for event in parser.feed(chunk) {
                sawEvents = true
                let before = accumulator.deltas
                try accumulator.consume(event)
                if accumulator.deltas != before { progress(accumulator) }
            }
        }
        guard response.isSuccess else { throw httpError(response) }

        let isEventStream = response.mediaType == "text/event-stream" || (response.mediaType == nil && sawEvents)
        let reply: ParsedReply
        if stream && isEventStream {
            for event in parser.finish() { try accumulator.consume(event) }
            guard accumulator.isComplete else {
                throw LLMError(.truncatedStream,
                               "the reply stream from \(providerName) ended before its last event "
                                   + "(\(accumulator.characters) characters received) for POST \(shownEndpoint)",
                               hint: "the server or a proxy cut the stream; try again later", retryable: true)
            }
            reply = accumulator.reply
        } else {
            reply = try parseWhole(response)
        }
        var completion = Completion(text: reply.text, model: reply.model, stopReason: reply.stopReason, usage: reply.usage,
                                    status: response.status, streamed: stream && isEventStream,
                                    requestBody: body, responseBody: response.body)
        completion.replyMode = replyMode
        return completion
    }

    /// A whole JSON reply: an error body is a provider error, anything not JSON is reported
    /// with its first characters.
    private func parseWhole(_ response: HTTPResponse) throws -> ParsedReply {
        guard !response.body.isEmpty else {
            throw LLMError(.invalidResponse, "\(providerName) answered HTTP \(response.status) with an empty body to POST \(shownEndpoint)",
                           hint: "check the base URL: it should point at the API (for OpenAI-compatible servers it usually ends in /v1)")
        }
        guard let json = JSONValue.parse(response.body) else {
            throw LLMError(.invalidResponse,
                           "\(providerName) answered HTTP \(response.status) to POST \(shownEndpoint) with a body that is not JSON "
                               + "(\(response.mediaType ?? "no content type"): \(ErrorBody.snippet(response.body)))",
                           hint: "check the base URL (--base-url or CPN_AUTHOR_BASE_URL): it should be the API, not a web page; a proxy may be answering instead")
        }
        if !(json["error"]?.isNull ?? true) || json["type"]?.string == "error" {
            let message = ErrorBody.message(in: json) ?? ErrorBody.snippet(response.body)
            let type = ErrorBody.type(in: json)
            var error = LLMError(.providerError, "\(providerName) reported an error in an HTTP \(response.status) reply to POST \(shownEndpoint)",
                                 providerMessage: message, hint: Self.hint(forProviderError: type),
                                 retryable: ErrorBody.isTransient(type: type))
            // A gateway that answers 200 with an error body is judged as if it had said 400.
            if StructuredReplyNegotiation.isRefusal(status: 400, body: response.body, mode: replyMode) { markRefused(&error) }
            throw error
        }
        return try format.parseReply(json)
    }

    private func httpError(_ response: HTTPResponse) -> LLMError {
        let status = response.status
        let json = JSONValue.parse(response.body)
        let reason = Self.reason(status)
        var message = "\(providerName) answered HTTP \(status)\(reason.isEmpty ? "" : " " + reason) to POST \(shownEndpoint)"
        let providerMessage = json.flatMap(ErrorBody.message(in:))
        if providerMessage == nil, !response.body.isEmpty {
            message += " (\(response.mediaType ?? "body"): \(ErrorBody.snippet(response.body)))"
        }
        let retryable = [429, 500, 502, 503, 504, 529].contains(status)
        var error = LLMError(.http(status: status), message, providerMessage: providerMessage,
                             hint: hint(forStatus: status, location: response.headers.value(for: "location")),
                             retryable: retryable, retryAfter: retryable ? RetryAfter.seconds(in: response.headers) : nil)
        if StructuredReplyNegotiation.isRefusal(status: status, body: response.body, mode: replyMode) { markRefused(&error) }
        return error
    }

    /// The server will not answer in `replyMode`: another attempt in it would fail the same
    /// way (a llama.cpp 500 is no overload), so it is not retried; the caller may ask again
    /// in another mode.
    private func markRefused(_ error: inout LLMError) {
        error.refusedReplyMode = replyMode
        error.isRetryable = false
        error.retryAfter = nil
        error.hint = "the server does not accept \(replyMode.rawValue) replies; cpn-author asks again in the next mode "
            + "(json_schema, json_object, fenced YAML), or pass --no-structured to ask for fenced YAML from the start"
    }

    private func hint(forStatus status: Int, location: String?) -> String {
        let keyVariables = providerName == "anthropic" ? "CPN_AUTHOR_API_KEY or ANTHROPIC_API_KEY" : "CPN_AUTHOR_API_KEY or OPENAI_API_KEY"
        switch status {
        case 300..<400:
            return "the server redirects to \(location ?? "another address"); use that address as the base URL"
        case 400:
            return "the provider rejected the request; check the model name and its limits (max tokens, context length)"
        case 401:
            return "check the API key (\(keyVariables)); it is missing, wrong or revoked"
        case 403:
            return "the key is not allowed to do this; check the key (\(keyVariables)) and that it may use this model"
        case 404:
            return "check the model name (--model or CPN_AUTHOR_MODEL) and the base URL (--base-url or CPN_AUTHOR_BASE_URL)"
        case 408, 504:
            return "the provider timed out; try again later"
        case 413:
            return "the request is too large for the provider; shorten the input"
        case 429:
            return "the provider is rate limiting this key; try again later, or check the account's quota and billing"
        case 500..<600:
            return "the provider is failing or overloaded; try again later"
        default:
            return "check the base URL, the model name and the API key"
        }
    }

    private static func hint(forProviderError type: String?) -> String {
        ErrorBody.isTransient(type: type)
            ? "the provider is failing or overloaded; try again later"
            : "check the model name and the request; the provider's message says what it refused"
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 301: "Moved Permanently"
        case 302: "Found"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Payload Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 529: "Overloaded"
        default: ""
        }
    }
}

extension RetryPolicy.Notice {
    func redacting(_ secrets: [String]) -> RetryPolicy.Notice {
        var copy = self
        copy.error = error.redacting(secrets)
        return copy
    }
}
