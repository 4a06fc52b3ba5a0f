import Foundation

/// The formats a report can be written in.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, markdown, github

    /// The format a file name suggests, for an `--output FILE` that follows no `--format`.
    public static func guessed(from path: String) -> OutputFormat? {
        switch (path as NSString).pathExtension.lowercased() {
        case "txt", "text", "log": .text
        case "json": .json
        case "sarif": .sarif
        case "xml": .junit
        case "md", "markdown": .markdown
        default: nil
        }
    }
}

/// Where each requested format goes: `--format` and `--output` resolved into
/// (format, destination) pairs, at most one of them on standard output.
///
/// The rules, also in each command's `--help`:
/// - `--format` is repeatable and takes comma lists: `--format sarif,markdown`.
/// - `--output FILE` belongs to the `--format` just before it; after a comma list,
///   the outputs that follow go to its formats in order. `--output FORMAT=FILE`
///   names its format (and requests it). An `--output FILE` before any `--format`
///   takes its format from the extension (.txt .json .sarif .xml .md).
/// - A format without a file, or with `-`, goes to standard output; only one may.
/// - Nothing given: text on standard output.
///
/// ```
/// --format text --format sarif --output cpn.sarif --format markdown --output comment.md
///   → text on stdout, SARIF to cpn.sarif, Markdown to comment.md
/// ```
public struct ReportTargets {
    public struct Target: Equatable {
        public var format: OutputFormat
        /// Nil: standard output.
        public var path: String?
    }

    /// One `--format` or `--output` value, in command-line order.
    public enum Item: Equatable {
        case format(String)
        case output(String)
    }

    public var targets: [Target]

    public var stdoutFormat: OutputFormat? { targets.first { $0.path == nil }?.format }
    public var formats: [OutputFormat] { targets.map(\.format) }

    /// `formats` and `outputs` are the parsed option values; the order in which
    /// they were interleaved comes from the raw command line (argument-parser keeps
    /// each option's values but not how the two options alternate).
    public init(formats: [String], outputs: [String], allowed: [OutputFormat], defaultFormat: OutputFormat = .text,
         commandLine: [String] = CommandLine.arguments) throws {
        let scanned = Self.items(in: commandLine)
        let scannedFormats = scanned.compactMap { if case .format(let f) = $0 { f } else { nil } }
        let scannedOutputs = scanned.compactMap { if case .output(let o) = $0 { o } else { nil } }
        // Should the scan ever disagree with the parser, formats first keeps the parser's word.
        let items = scannedFormats == formats && scannedOutputs == outputs
            ? scanned : formats.map(Item.format) + outputs.map(Item.output)
        try self.init(items: items, allowed: allowed, defaultFormat: defaultFormat)
    }

    public init(items: [Item], allowed: [OutputFormat], defaultFormat: OutputFormat = .text) throws {
        func parse(_ name: String) throws -> OutputFormat {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let f = OutputFormat(rawValue: trimmed), allowed.contains(f) else {
                throw ValidationFailure("unknown format `\(name)`; choose from \(allowed.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        var result: [Target] = []
        /// Sends `f` to `path`, adding it when no --format asked for it (callers check duplicates).
        func send(_ f: OutputFormat, to path: String?) {
            if let i = result.firstIndex(where: { $0.format == f }) { result[i].path = path } else { result.append(Target(format: f, path: path)) }
        }
        var pending: [OutputFormat] = []  // formats of the last --format, waiting for their files
        for item in items {
            switch item {
            case .format(let argument):
                pending = []
                for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
                    guard !name.isEmpty else { throw ValidationFailure("empty format name in `--format \(argument)`") }
                    let f = try parse(String(name))
                    if result.contains(where: { $0.format == f }) { throw ValidationFailure("format `\(f.rawValue)` is requested twice") }
                    result.append(Target(format: f, path: nil))
                    pending.append(f)
                }
            case .output(let output):
                guard !output.isEmpty else { throw ValidationFailure("--output needs a file name") }
                if let eq = output.firstIndex(of: "="), let f = try? parse(String(output[..<eq])) {
                    let path = String(output[output.index(after: eq)...])
                    guard !path.isEmpty else { throw ValidationFailure("--output \(output) needs a file name after `=`") }
                    if let i = result.firstIndex(where: { $0.format == f }), result[i].path != nil {
                        throw ValidationFailure("two --output files for format `\(f.rawValue)`")
                    }
                    pending.removeAll { $0 == f }
                    send(f, to: path == "-" ? nil : path)
                } else if !pending.isEmpty {
                    send(pending.removeFirst(), to: output == "-" ? nil : output)
                } else {
                    guard let f = OutputFormat.guessed(from: output), allowed.contains(f) else {
                        throw ValidationFailure("`--output \(output)` follows no --format and its extension names none; write --output FORMAT=\(output)")
                    }
                    if let i = result.firstIndex(where: { $0.format == f }), result[i].path != nil {
                        throw ValidationFailure("two --output files for format `\(f.rawValue)`")
                    }
                    send(f, to: output == "-" ? nil : output)
                }
            }
        }
        if result.isEmpty { result = [Target(format: defaultFormat, path: nil)] }
        let onStdout = result.filter { $0.path == nil }
        if onStdout.count > 1 {
            throw ValidationFailure("formats \(onStdout.map(\.format.rawValue).joined(separator: " and ")) would share standard output; give all but one an --output FILE")
        }
        let paths = result.compactMap(\.path)
        if Set(paths).count != paths.count { throw ValidationFailure("two formats are written to the same file") }
        targets = result
    }

    /// The `--format` and `--output` values of a command line, in order, in every
    /// spelling argument-parser accepts (`--format x`, `--format=x`, `-o x`, `-ox`).
    public static func items(in arguments: [String]) -> [Item] {
        var out: [Item] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            if a == "--format" || a == "--output" || a == "-o" {
                if i + 1 < arguments.count { out.append(a == "--format" ? .format(arguments[i + 1]) : .output(arguments[i + 1])) }
                i += 2
                continue
            }
            if a.hasPrefix("--format=") { out.append(.format(String(a.dropFirst("--format=".count)))) }
            else if a.hasPrefix("--output=") { out.append(.output(String(a.dropFirst("--output=".count)))) }
            else if a.hasPrefix("-o"), !a.hasPrefix("--"), a.count > 2 { out.append(.output(String(a.dropFirst(2)))) }
            i += 1
        }
        return out
    }

    /// Writes every file target atomically (after all are rendered), and returns
    /// the text for standard output. The text and GitHub formats are read on
    /// terminals and CI logs: control and bidi characters that came from a net
    /// (its name, its path) are made inert there (`TerminalText`); the other
    /// formats escape them their own way.
    /// `render` gets each format with its destination (nil: standard output).
    public func writeFiles(_ render: (OutputFormat, _ path: String?) -> String) throws -> String? {
        var stdout: String?
        var files: [(String, String)] = []
        for t in targets {
            let rendered = render(t.format, t.path)
            let text = t.format == .text || t.format == .github ? TerminalText.inert(rendered) : rendered
            if let path = t.path { files.append((path, text)) } else { stdout = text }
        }
        for (path, text) in files { try AtomicFile.write(text, to: path) }
        return stdout
    }

    public static let help = """
        Formats: text, json, sarif (SARIF 2.1.0, for GitHub code scanning), junit (JUnit XML), \
        markdown (a pull-request comment), github (workflow annotations). Repeat --format, or give \
        a comma list, to write several in one run. Each --output FILE belongs to the --format just \
        before it (after a comma list, to its formats in order); --output FORMAT=FILE names its \
        format; an --output before any --format takes its format from the extension. At most one \
        format goes to standard output. Files are replaced atomically (mode and owner kept); a \
        symbolic link is refused unless it leads to a FIFO or a device (SECURITY.md).
        """
}
