import CPNDiagnostics
import CPNLoad
import CPNReport
import Foundation

/// The outcome of checking net files (`cpn-author check`): per file its
/// diagnostics and whether it is valid, as rustc-style text or JSON.
public struct CheckReport: Sendable {
    public let results: [LoadResult]
    /// Warnings count as errors (`--deny-warnings`).
    public let denyWarnings: Bool
    /// Text lists only files with problems (`--quiet`).
    public let quiet: Bool

    public init(results: [LoadResult], denyWarnings: Bool = false, quiet: Bool = false) {
        self.results = results
        self.denyWarnings = denyWarnings
        self.quiet = quiet
    }

    /// A file fails with an error, or with a warning when warnings are denied.
    public func failed(_ r: LoadResult) -> Bool { r.hasErrors || (denyWarnings && r.warningCount > 0) }

    /// Every file is valid.
    public var ok: Bool { !results.contains(where: failed) }

    /// The rustc-style report: every file's diagnostics, a line per file, and a
    /// summary when there are several.
    public func text(color: Bool) -> String {
        var out = ""
        let renderer = DiagnosticRenderer(useColor: color)
        for r in results {
            if !r.diagnostics.isEmpty {
                out += renderer.render(r.diagnostics) { path in path == r.path ? r.source : nil } + "\n"
            }
            out += summary(r)
        }
        if results.count > 1 {
            let failed = results.count(where: failed)
            out += "checked \(results.count) files: \(results.count - failed) ok, \(failed) failed\n"
        }
        return out
    }

    private func summary(_ r: LoadResult) -> String {
        var parts: [String] = []
        if r.errorCount > 0 { parts.append("\(r.errorCount) error\(r.errorCount == 1 ? "" : "s")") }
        if r.warningCount > 0 { parts.append("\(r.warningCount) warning\(r.warningCount == 1 ? "" : "s")") }
        if let net = r.checked, !(denyWarnings && r.warningCount > 0) {
            if quiet && parts.isEmpty { return "" }
            let shape = "\(net.places.count) places, \(net.transitions.count) transitions, \(net.invariants.count) invariants"
            return "\(VisibleText.escaped(r.path)): ok (\(shape))" + (parts.isEmpty ? "" : ", " + parts.joined(separator: ", ")) + "\n"
        }
        let denied = r.errorCount == 0 && denyWarnings && r.warningCount > 0 ? " (denied by --deny-warnings)" : ""
        return "\(VisibleText.escaped(r.path)): " + parts.joined(separator: ", ") + denied + "\n"
    }

    /// The report in `format` (text without color).
    public func render(as format: OutputFormat, toolVersion: String) -> String {
        let reports = results.map { NetReport(loaded: $0, result: nil) }
        let options = ReportOptions(command: "check", toolVersion: toolVersion)
        switch format {
        case .text: return text(color: false)
        case .json: return json() + "\n"
        case .sarif: return SARIFReport(options: options).render(reports)
        case .junit: return JUnitReport(options: options).render(reports)
        case .markdown: return MarkdownReport(options: options).render(reports)
        case .github: return GitHubAnnotations(options: options).render(reports)
        }
    }

    /// `{files: [{path, ok, errors, warnings, diagnostics: [...]}], ok}`.
    public func json() -> String {
        let document = Document(results: results, failed: failed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// The JSON shape of a check report.
private struct Document: Encodable {
    struct File: Encodable {
        let path: String
        let ok: Bool
        let errors: Int
        let warnings: Int
        let diagnostics: [Item]
    }
    struct Item: Encodable {
        let severity: String
        let code: String
        let message: String
        let file: String?
        let line: Int?
        let column: Int?
        let help: String?
    }
    let files: [File]
    let ok: Bool

    init(results: [LoadResult], failed: (LoadResult) -> Bool) {
        files = results.map { r in
            File(path: r.path, ok: !failed(r), errors: r.errorCount,
                 warnings: r.warningCount,
                 diagnostics: r.diagnostics.map {
                     Item(severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message, file: $0.span?.file,
                          line: $0.span?.start.line, column: $0.span?.start.column, help: $0.help)
                 })
        }
        ok = files.allSatisfy(\.ok)
    }
}
