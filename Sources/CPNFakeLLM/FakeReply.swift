import Foundation

/// What the fake server does with one request. Tests queue replies in order.
///
/// ```swift
/// server.enqueue(.openAIError(status: 429, message: "slow down", headers: ["Retry-After": "2"]),
///                .openAIStream(text: "cpn: 1\n"))
/// ```
public enum FakeReply: Sendable {
    /// A whole response with a `Content-Length` body.
    case response(status: Int, headers: [String: String], body: Data)
    /// A chunked (`Transfer-Encoding: chunked`) response written piece by piece.
    /// `ending: .abrupt` drops the connection instead of sending the final empty chunk.
    case stream(status: Int, headers: [String: String], chunks: [StreamChunk], ending: StreamEnding)
    /// Reads the request, then resets the connection without answering.
    case dropConnection
    /// Reads the request, then answers nothing for this many seconds (or until `stop()`).
    case hang(seconds: Double)

    /// One piece of a streamed body, written after waiting `delay` seconds.
    public struct StreamChunk: Sendable {
        public var bytes: Data
        public var delay: Double

        public init(_ bytes: Data, delay: Double = 0) {
            self.bytes = bytes
            self.delay = delay
        }

        public init(_ text: String, delay: Double = 0) {
            self.init(Data(text.utf8), delay: delay)
        }
    }

    public enum StreamEnding: Sendable {
        /// The final empty chunk: the body ends cleanly.
        case complete
        /// The connection is reset mid-body.
        case abrupt
    }

    /// A server-sent event as it goes on the wire: optional `event:` line, `data:` lines
    /// (one per line of `data`), blank line.
    public static func sse(event: String? = nil, data: String) -> String {
        var text = event.map { "event: \($0)\n" } ?? ""
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    /// A JSON response from an object made of dictionaries, arrays, strings and numbers.
    public static func json(status: Int = 200, _ object: Any, headers: [String: String] = [:]) -> FakeReply {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return .response(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a },
                         body: body)
    }

    /// A text response, e.g. the HTML page of a misconfigured proxy.
    public static func text(status: Int = 200, _ text: String, contentType: String = "text/html") -> FakeReply {
        .response(status: status, headers: ["Content-Type": contentType], body: Data(text.utf8))
    }

    /// An event stream: each string is one chunk, written in order, `delay` seconds apart.
    public static func eventStream(_ chunks: [String], delay: Double = 0, status: Int = 200,
                                   ending: StreamEnding = .complete) -> FakeReply {
        .stream(status: status, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"],
                chunks: chunks.map { StreamChunk($0, delay: delay) }, ending: ending)
    }

    /// `text` cut into pieces of at most `size` characters (at least one piece, even for "").
    static func pieces(of text: String, size: Int) -> [String] {
        guard !text.isEmpty else { return [""] }
        var result: [String] = []
        var current = text.startIndex
        while current < text.endIndex {
            let next = text.index(current, offsetBy: max(1, size), limitedBy: text.endIndex) ?? text.endIndex
            result.append(String(text[current..<next]))
            current = next
        }
        return result
    }

    static func jsonText(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
