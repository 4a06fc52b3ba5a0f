import Foundation

/// One HTTP header line. Names compare case-insensitively through `HTTPHeaders`.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Header lookup shared by requests and responses.
extension Array where Element == HTTPHeader {
    /// The value of the first header with this name, compared case-insensitively.
    public func value(for name: String) -> String? {
        first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// What `HTTPClient` sends.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: Data

    public init(method: String = "POST", url: String, headers: [HTTPHeader] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What `HTTPClient` received: the final status line, its headers and the whole body
/// (streamed bodies are kept too, so a transcript can record them).
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: Data

    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The media type without parameters, lowercased: `text/event-stream`, `application/json`.
    public var mediaType: String? {
        headers.value(for: "content-type")?
            .split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}
