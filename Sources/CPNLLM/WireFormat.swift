import Foundation
import CPNJSON

/// What a provider's wire format contributes to `ChatExchange`: how to read a whole
/// JSON reply and how to follow a streamed one. Internal: each provider has one.
protocol WireFormat: Sendable {
    associatedtype Stream: StreamAccumulator
    /// Reads a whole (non-streamed) reply whose JSON carries no `error` member.
    func parseReply(_ json: JSONValue) throws -> ParsedReply
    func makeStream() -> Stream
}

/// Follows one streamed reply, event by event.
protocol StreamAccumulator {
    /// Takes one event; throws `LLMError` for an `error` event or an unreadable one.
    mutating func consume(_ event: ServerSentEvent) throws
    /// Whether the stream's closing event (or the stop reason) has arrived.
    var isComplete: Bool { get }
    var reply: ParsedReply { get }
    /// Text deltas seen so far.
    var deltas: Int { get }
    /// Characters of text seen so far (kept as a count: `String.count` walks the string).
    var characters: Int { get }
}

/// The parts of a reply both formats share.
struct ParsedReply: Sendable {
    var text = ""
    var model: String?
    var stopReason: String?
    var usage = TokenUsage()
}

/// Reading error bodies, shared by both formats and the HTTP status handling.
enum ErrorBody {
    /// The provider's message in a JSON error body: `error.message` (OpenAI, Anthropic),
    /// `error` as a string (Ollama), `message` or `detail` (other gateways).
    static func message(in json: JSONValue) -> String? {
        json["error"]?["message"]?.string ?? json["error"]?.string ?? json["message"]?.string
            ?? json["detail"]?.string ?? json["detail"]?[0]?["msg"]?.string
    }

    /// The error `type` (`overloaded_error`, `server_error`…), when given.
    static func type(in json: JSONValue) -> String? {
        json["error"]?["type"]?.string ?? json["error"]?["code"]?.string
    }

    /// Whether an error reported inside a 2xx reply or stream is worth another attempt.
    static func isTransient(type: String?) -> Bool {
        guard let type else { return false }
        return ["overloaded_error", "api_error", "rate_limit_error", "server_error", "internal_error"].contains(type)
    }

    /// The start of a body that is not JSON, on one line, for an error message.
    static func snippet(_ body: Data, limit: Int = 120) -> String {
        let text = String(decoding: body.prefix(4 * limit), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
