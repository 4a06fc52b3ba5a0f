import Foundation

/// Reads one HTTP/1.1 request from a connection: the head, `100 Continue` when the
/// client expects it, then a `Content-Length` body. Chunked request bodies are not
/// supported (libcurl sends a length when it knows one, and the client always does).
enum HTTPRequestReader {
    static func read(from connection: Socket) -> RecordedRequest? {
        var buffer = Data()
        let separator = Data("\r\n\r\n".utf8)
        var headEnd: Range<Data.Index>?
        while headEnd == nil {
            let more = connection.receive()
            if more.isEmpty { return nil }
            buffer.append(more)
            headEnd = buffer.range(of: separator)
        }
        guard let headEnd else { return nil }
        let head = String(decoding: buffer[..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers: [(name: String, value: String)] = lines.compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
        }
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        let length = Int(header("Content-Length") ?? "0") ?? 0
        var body = Data(buffer[headEnd.upperBound...])
        if body.count < length, header("Expect")?.lowercased() == "100-continue" {
            connection.send("HTTP/1.1 100 Continue\r\n\r\n")
        }
        while body.count < length {
            let more = connection.receive()
            if more.isEmpty { return nil }
            body.append(more)
        }
        return RecordedRequest(method: String(requestLine[0]), path: String(requestLine[1]),
                               headers: headers, body: body.prefix(length))
    }
}
