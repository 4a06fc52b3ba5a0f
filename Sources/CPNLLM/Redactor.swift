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
