import CPNJSON

/// Where an event keeps a value: `$.url_host`, `$.binding.t`, `$.objects.order`,
/// `$['org:resource']` or `$["a.b"].c` (brackets for keys with dots), `$.items.0`
/// (an array element).
public struct AttributePath: Hashable, Sendable, CustomStringConvertible {
    public var segments: [String]

    public init(segments: [String]) { self.segments = segments }

    /// Parses `$.a.b`; nil when the text is not a path (it must start with `$`).
    public init?(_ text: String) {
        guard text.hasPrefix("$") else { return nil }
        var rest = Substring(text.dropFirst())
        var out: [String] = []
        while !rest.isEmpty {
            if rest.hasPrefix("[") {
                let inner = rest.dropFirst()
                guard let q = inner.first, q == "'" || q == "\"" else { return nil }
                let body = inner.dropFirst()
                guard let close = body.firstIndex(of: q), body[body.index(after: close)...].hasPrefix("]") else { return nil }
                out.append(String(body[..<close]))
                rest = body[body.index(close, offsetBy: 2)...]
            } else if rest.hasPrefix(".") {
                let body = rest.dropFirst()
                let end = body.firstIndex { $0 == "." || $0 == "[" } ?? body.endIndex
                guard end != body.startIndex else { return nil }
                out.append(String(body[..<end]))
                rest = body[end...]
            } else {
                return nil
            }
        }
        guard !out.isEmpty else { return nil }
        segments = out
    }

    public var description: String {
        "$" + segments.map { s in s.contains(".") || s.contains("[") ? "['\(s)']" : "." + s }.joined()
    }

    /// The value at this path in an event's attributes, if there is one (null counts as none).
    public func lookup(in attributes: [String: JSONValue]) -> JSONValue? {
        guard var v = attributes[segments[0]] else { return nil }
        for s in segments.dropFirst() {
            if let i = Int(s), let a = v.array { guard i >= 0, i < a.count else { return nil }; v = a[i] }
            else if let next = v[s] { v = next } else { return nil }
        }
        return v.isNull ? nil : v
    }
}
