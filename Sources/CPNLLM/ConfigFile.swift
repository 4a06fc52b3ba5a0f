import CPNDiagnostics
import Foundation

/// The user's config file, `$XDG_CONFIG_HOME/cpn-author/config.yaml` or else
/// `~/.config/cpn-author/config.yaml`.
///
/// It is read as flat YAML: one `key: value` per line, `#` comments, values optionally
/// in single or double quotes. Nested maps and lists are not read (an indented line is
/// an error that says so). Keys: `provider`, `base_url`, `model`, `api_key`,
/// `max_tokens`, `timeout`, `connect_timeout`, `max_reply_size`; an unknown key is an error naming the line,
/// so a typo is not silently ignored.
///
/// ```yaml
/// # ~/.config/cpn-author/config.yaml
/// provider: anthropic
/// model: claude-sonnet-4-5
/// max_tokens: 8000
/// ```
public struct ConfigFile: Sendable {
    public static let knownKeys = ["provider", "base_url", "model", "api_key", "max_tokens", "timeout", "connect_timeout", "max_reply_size"]

    /// Where the file was read from, for messages.
    public var path: String
    public var settings: LLMSettings

    public init(path: String, settings: LLMSettings) {
        self.path = path
        self.settings = settings
    }

    /// Settings from already-parsed `key: value` pairs (for callers that read the YAML
    /// themselves). Throws `LLMError(.configuration)` for an unknown key or a bad number.
    public init(path: String, values: [String: String]) throws {
        self.path = path
        settings = LLMSettings()
        for key in values.keys.sorted() {
            try apply(key: key, value: values[key] ?? "", line: nil)
        }
    }

    /// Parses the flat `key: value` text described above.
    public init(path: String, text: String) throws {
        self.path = path
        settings = LLMSettings()
        for (index, rawLine) in text.components(separatedBy: .newlines).enumerated() {
            let line = index + 1
            let content = Self.removingComment(rawLine)
            if content.trimmingCharacters(in: .whitespaces).isEmpty || content == "---" { continue }
            if content.first == " " || content.first == "\t" {
                throw fail(line, "nested values are not read; write one `key: value` per line, unindented")
            }
            guard let colon = content.firstIndex(of: ":") else {
                throw fail(line, "expected `key: value`")
            }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces)
            let value = Self.unquoted(content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            try apply(key: key, value: value, line: line)
        }
    }

    /// Reads the file at `path`.
    public static func load(path: String) throws -> ConfigFile {
        switch InputFile.read(path, limit: 1 << 20) {
        case .success(let contents): return try ConfigFile(path: path, text: String(decoding: contents.data, as: UTF8.self))
        case .failure(let f): throw LLMError(.configuration, "cannot read the config file: \(f.message)")
        }
    }

    /// The default location for this environment.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return xdg + "/cpn-author/config.yaml"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.config/cpn-author/config.yaml"
    }

    /// The file at the default location, or nil when there is none.
    public static func loadDefault(environment: [String: String]) throws -> ConfigFile? {
        guard let path = defaultPath(environment: environment), FileManager.default.fileExists(atPath: path) else {
            return nil
        }
        return try load(path: path)
    }

    private mutating func apply(key: String, value: String, line: Int?) throws {
        let text: String? = value.isEmpty ? nil : value
        switch key {
        case "provider": settings.provider = text
        case "base_url": settings.baseURL = text
        case "model": settings.model = text
        case "api_key": settings.apiKey = text
        case "max_tokens":
            guard text == nil || Int(value).map({ $0 > 0 }) == true else { throw fail(line, "max_tokens must be a positive whole number, not '\(value)'") }
            settings.maxTokens = text.flatMap { Int($0) }
        case "timeout", "connect_timeout":
            guard text == nil || Double(value).map({ $0 > 0 && $0.isFinite }) == true else {
                throw fail(line, "\(key) must be a positive number of seconds, not '\(value)'")
            }
            if key == "timeout" { settings.timeout = text.flatMap { Double($0) } } else { settings.connectTimeout = text.flatMap { Double($0) } }
        case "max_reply_size":
            guard text == nil || ByteCount.parse(value).map({ $0 > 0 }) == true else {
                throw fail(line, "max_reply_size must be a size such as 8MiB, not '\(value)'")
            }
            settings.maxReplyBytes = text.flatMap(ByteCount.parse)
        default:
            throw fail(line, "unknown key '\(key)'; known keys: \(Self.knownKeys.joined(separator: ", "))")
        }
    }

    private func fail(_ line: Int?, _ message: String) -> LLMError {
        LLMError(.configuration, "\(path)\(line.map { ":\($0)" } ?? ""): \(message)")
    }

    /// The line without a `#` comment (one at the start, or after a space, outside quotes).
    static func removingComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && (previous == " " || previous == "\t") {
                return String(line[..<index]).trimmingTrailingWhitespace
            }
            previous = character
        }
        return line.trimmingTrailingWhitespace
    }

    static func unquoted(_ value: String) -> String {
        guard value.count >= 2, let first = value.first, first == value.last, first == "\"" || first == "'" else {
            return value
        }
        let inner = String(value.dropFirst().dropLast())
        if first == "'" { return inner.replacingOccurrences(of: "''", with: "'") }
        return inner.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = self
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }
}
