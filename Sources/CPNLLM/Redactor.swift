import Foundation

/// Keeps API keys out of everything the client writes or shows.
///
/// A key is replaced wherever it occurs inside a string. Keys shorter than
/// `minimumEmbeddedLength` (toy keys such as `x` for a local server) are replaced
/// only when a whole string or header value equals them, so they cannot mangle text.
public enum Redactor {
    public static let placeholder = "[redacted]"
    static let minimumEmbeddedLength = 6

    /// `text` with `secret` replaced by `[redacted]`.
    public static func redact(_ text: String, secret: String) -> String {
        guard !secret.isEmpty else { return text }
        if text == secret || text == "Bearer " + secret { return placeholder }
        guard secret.count >= minimumEmbeddedLength else { return text }
        return text.replacingOccurrences(of: secret, with: placeholder)
    }

    /// `text` with each of `secrets` replaced.
    public static func redact(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { redact($0, secret: $1) }
    }

    /// Header names whose values are credentials whatever they hold.
    static func isCredentialHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "x-api-key" || lower == "api-key"
            || lower == "proxy-authorization"
    }
}

/// Credentials a URL can carry: `https://user:PASSWORD@host/v1?api-key=KEY`
/// (Azure-style gateways put the key in the query). Wherever a base URL or an
/// endpoint is shown (messages, `--help`-style summaries, the transcript), it
/// is shown as `display(_:)` makes it.
extension Redactor {
    /// Query parameters whose values are shown; every other value may be a key.
    static let harmlessQueryNames: Set<String> = ["api-version", "version", "stream", "model"]

    /// `url` with its user information and its query values (except the harmless
    /// ones) replaced by `[redacted]`. Text that is not a URL is returned as it is.
    public static func display(url: String) -> String {
        var text = url
        // User information: everything between "://" and the last "@" before the path.
        if let scheme = text.range(of: "://") {
            let rest = text[scheme.upperBound...]
            let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@") {
                text.replaceSubrange(scheme.upperBound..<at, with: placeholder)
            }
        }
        guard let question = text.firstIndex(of: "?") else { return text }
        let fragmentStart = text[question...].firstIndex(of: "#") ?? text.endIndex
        let query = text[text.index(after: question)..<fragmentStart]
        let shown = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let eq = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<eq]
            return harmlessQueryNames.contains(name.lowercased()) ? String(item) : name + "=" + placeholder
        }.joined(separator: "&")
        return text[..<question] + "?" + shown + text[fragmentStart...]
    }

    /// The secrets a URL carries (its password, its user name, its query values
    /// other than the harmless ones), for redacting them from text that quotes them.
    public static func secrets(in url: String) -> [String] {
        guard let components = URLComponents(string: url) else { return [] }
        var out: [String] = []
        if let p = components.password, !p.isEmpty { out.append(p) }
        if let u = components.user, !u.isEmpty { out.append(u) }
        for item in components.queryItems ?? [] where !harmlessQueryNames.contains(item.name.lowercased()) {
            if let v = item.value, !v.isEmpty { out.append(v) }
        }
        return out
    }

    /// Whether a header name or value would change the request's shape: a line
    /// break (which starts another header), a NUL or another control character.
    /// A tab is allowed in values, as HTTP allows it.
    public static func isUnsafeHeaderText(_ text: String, isName: Bool) -> Bool {
        text.unicodeScalars.contains { s in
            if isName { return !(s.value > 0x20 && s.value < 0x7F) || s == ":" }
            return (s.value < 0x20 && s != "\t") || s.value == 0x7F
        }
    }
}

/// Endpoint URLs: a path appended to a base URL goes before its query and
/// fragment (`https://gw/v1?api-version=2` → `https://gw/v1/chat/completions?api-version=2`).
enum EndpointURL {
    /// The base's path, its query (with the `?`) and its fragment (with the `#`).
    static func split(_ url: String) -> (path: String, query: String, fragment: String) {
        var text = url.trimmingCharacters(in: .whitespaces)
        var fragment = ""
        if let hash = text.firstIndex(of: "#") {
            fragment = String(text[hash...])
            text = String(text[..<hash])
        }
        var query = ""
        if let question = text.firstIndex(of: "?") {
            query = String(text[question...])
            text = String(text[..<question])
        }
        while text.hasSuffix("/") { text.removeLast() }
        return (text, query, fragment)
    }

    /// `base` + `path` (which starts with `/`), unless the base already ends with `path`.
    static func appending(_ path: String, to base: String, unlessEndsWith suffixes: [String] = []) -> String {
        let (p, query, fragment) = split(base)
        for suffix in suffixes where p.hasSuffix(suffix) { return p + query + fragment }
        return p + path + query + fragment
    }
}
