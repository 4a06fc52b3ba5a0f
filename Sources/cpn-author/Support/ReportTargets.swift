import ArgumentParser
import Foundation

/// The formats a report can be written in.
enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, junit, markdown, github

    /// The format a file name suggests, for `--output FILE` without `--format`.
    static func guessed(from path: String) -> OutputFormat? {
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
/// - `--output FORMAT=FILE` sends one format to a file (and requests it).
/// - `--output FILE` pairs, in order, with the formats given by `--format` that
///   have no `FORMAT=FILE`; without any `--format`, the format is guessed from
///   the extension (.txt .json .sarif .xml .md).
/// - A format without a file, or with `-`, goes to standard output; only one may.
/// - Nothing given: text on standard output.
struct ReportTargets {
    struct Target: Equatable {
        var format: OutputFormat
        /// Nil: standard output.
        var path: String?
    }

    var targets: [Target]

    var stdoutFormat: OutputFormat? { targets.first { $0.path == nil }?.format }
    var formats: [OutputFormat] { targets.map(\.format) }
    func wants(_ format: OutputFormat) -> Bool { targets.contains { $0.format == format } }

    init(formats formatArguments: [String], outputs: [String], allowed: [OutputFormat],
         defaultFormat: OutputFormat = .text) throws {
        func parse(_ name: String) throws -> OutputFormat {
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let f = OutputFormat(rawValue: trimmed), allowed.contains(f) else {
                throw ValidationError("unknown format `\(name)`; choose from \(allowed.map(\.rawValue).joined(separator: ", "))")
            }
            return f
        }
        var listed: [OutputFormat] = []
        for argument in formatArguments {
            for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
                guard !name.isEmpty else { throw ValidationError("empty format name in `--format \(argument)`") }
                let f = try parse(String(name))
                if listed.contains(f) { throw ValidationError("format `\(f.rawValue)` is requested twice") }
                listed.append(f)
            }
        }
        var explicit: [Target] = []
        var plain: [String] = []
        for output in outputs {
            guard !output.isEmpty else { throw ValidationError("--output needs a file name") }
            if let eq = output.firstIndex(of: "="), let f = try? parse(String(output[..<eq])) {
                let path = String(output[output.index(after: eq)...])
                guard !path.isEmpty else { throw ValidationError("--output \(output) needs a file name after `=`") }
                if explicit.contains(where: { $0.format == f }) {
                    throw ValidationError("two --output files for format `\(f.rawValue)`")
                }
                explicit.append(Target(format: f, path: path == "-" ? nil : path))
            } else {
                plain.append(output)
            }
        }
        var result: [Target] = []
        let unpaired = listed.filter { f in !explicit.contains { $0.format == f } }
        if listed.isEmpty && !plain.isEmpty {
            // No --format: each file's extension says its format.
            for path in plain {
                guard let f = OutputFormat.guessed(from: path), allowed.contains(f) else {
                    throw ValidationError("cannot tell the format of `\(path)` from its extension; add --format or write --output FORMAT=\(path)")
                }
                if explicit.contains(where: { $0.format == f }) || result.contains(where: { $0.format == f }) {
                    throw ValidationError("two --output files for format `\(f.rawValue)`")
                }
                result.append(Target(format: f, path: path == "-" ? nil : path))
            }
        } else {
            guard plain.count <= unpaired.count else {
                throw ValidationError("more --output files (\(plain.count)) than formats to write (\(unpaired.count)); write --output FORMAT=FILE")
            }
            for (i, f) in unpaired.enumerated() {
                result.append(Target(format: f, path: i < plain.count && plain[i] != "-" ? plain[i] : nil))
            }
        }
        // Formats keep the order they were asked for: listed ones first, then FORMAT=FILE ones.
        for t in explicit {
            if let i = result.firstIndex(where: { $0.format == t.format }) { result[i] = t } else { result.append(t) }
        }
        result.sort { a, b in
            (listed.firstIndex(of: a.format) ?? Int.max) < (listed.firstIndex(of: b.format) ?? Int.max)
        }
        if result.isEmpty { result = [Target(format: defaultFormat, path: nil)] }
        let onStdout = result.filter { $0.path == nil }
        if onStdout.count > 1 {
            throw ValidationError("formats \(onStdout.map(\.format.rawValue).joined(separator: " and ")) would share standard output; give all but one an --output FILE")
        }
        let paths = result.compactMap(\.path)
        if Set(paths).count != paths.count { throw ValidationError("two formats are written to the same file") }
        targets = result
    }

    /// Writes every file target atomically (after all are rendered, so a failure
    /// to render leaves no half set), and returns the text for standard output.
    func writeFiles(_ render: (OutputFormat) -> String) throws -> String? {
        var stdout: String?
        var files: [(String, String)] = []
        for t in targets {
            let text = render(t.format)
            if let path = t.path { files.append((path, text)) } else { stdout = text }
        }
        for (path, text) in files { try AtomicFile.write(text, to: path) }
        return stdout
    }

    static let help = """
        Formats: text, json, sarif (SARIF 2.1.0, for GitHub code scanning), junit (JUnit XML), \
        markdown (a pull-request comment), github (workflow annotations). Repeat --format or give \
        a comma list to write several in one run; each needs its own --output except one, which goes \
        to standard output.
        """
}
