import Foundation

/// The prompt templates: embedded in the binary, or read from a directory
/// that overrides them (`--prompts DIR`, any subset of the files).
///
/// Templates hold `{{name}}` placeholders; `render` fills them and refuses a
/// template that still has an unfilled one, so a prompt never reaches the
/// model with a hole in it.
public struct PromptLibrary: Sendable {
    /// `structured` is appended to the system prompt when replies are constrained to JSON.
    public static let names = ["system", "draft", "repair", "revise", "structured"]

    private var texts: [String: String]

    /// The prompts shipped in the binary.
    public static let embedded = PromptLibrary(texts: EmbeddedPrompts.texts)

    public init(texts: [String: String]) { self.texts = texts }

    /// The embedded prompts, with each `NAME.md` found in `directory` replacing its namesake.
    public static func overridden(by directory: String) throws(PromptError) -> PromptLibrary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PromptError("prompt directory `\(directory)` does not exist")
        }
        var library = embedded
        var found = 0
        for name in names + ["example"] {
            let path = (directory as NSString).appendingPathComponent(name == "example" ? "example.yaml" : "\(name).md")
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw PromptError("cannot read `\(path)` as UTF-8 text")
            }
            library.texts[name] = text
            found += 1
        }
        guard found > 0 else {
            throw PromptError("`\(directory)` holds none of " + (names.map { "\($0).md" } + ["example.yaml"]).joined(separator: ", "))
        }
        return library
    }

    /// The version line of a template (`<!-- prompt: NAME · version N · ... -->`), for transcripts.
    public func version(of name: String) -> String {
        guard let first = texts[name]?.split(separator: "\n", maxSplits: 1).first,
              let range = first.range(of: "version ") else { return "unversioned" }
        return String(first[range.upperBound...].prefix { $0.isNumber })
    }

    /// The template `name` with its placeholders filled; the header comment line is dropped.
    public func render(_ name: String, _ values: [String: String]) throws(PromptError) -> String {
        guard var text = texts[name] else { throw PromptError("no prompt named `\(name)`") }
        if text.hasPrefix("<!--"), let end = text.range(of: "-->\n") { text.removeSubrange(text.startIndex..<end.upperBound) }
        var values = values
        if values["example"] == nil { values["example"] = texts["example"].map { "```yaml\n\($0)```" } ?? "(no example available)" }
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        if let open = text.range(of: "{{"), let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) {
            throw PromptError("prompt `\(name)` has an unfilled placeholder `\(text[open.lowerBound..<close.upperBound])`")
        }
        return text
    }
}

public struct PromptError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
