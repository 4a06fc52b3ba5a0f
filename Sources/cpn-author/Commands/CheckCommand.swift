import ArgumentParser
import CPNDiagnostics
import CPNLoad
import CPNReport
import Foundation

/// `cpn-author check`: parse and type-check nets, report every problem.
///
/// ```
/// $ cpn-author check bad.yaml
/// error[E0201]: unknown color `Proxi`
///  --> bad.yaml:9:22
///   |
/// 9 |   proxies: { color: Proxi, initial: [p1, p2] }
///   |                     ^^^^^
///   = help: did you mean `Proxy`?
///
/// bad.yaml: 1 error
/// ```
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and type-check net files; report every problem with its location and a fix.",
        discussion: """
            Checks the YAML, the net format, names and types, in one run, and reports all problems \
            rustc-style: a stable code (see `cpn-author explain CODE`), the file:line:column, the \
            source line with a caret, and a help line.

            Inputs: files, directories (searched recursively for .yaml/.yml files with a \
            top-level `cpn:` key, and .pnml files) and patterns with * and ** (quote them).

            \(ReportTargets.help) SARIF and annotations put each diagnostic on its line for code review.

            Exits 0 when every file is valid, 2 when any has an error (or a warning, with \
            --deny-warnings).
            """
    )

    @Argument(help: "Net files, directories or quoted patterns ('nets/**/*.yaml').")
    var files: [String]

    @Flag(help: "Treat warnings as errors.")
    var denyWarnings = false

    @Option(help: ArgumentHelp("Output format: text, json, sarif, junit, markdown, github. Repeatable, or a comma list.",
                               valueName: "format"))
    var format: [String] = []

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("Write the report of the --format just before to FILE (atomically), or FORMAT=FILE.",
                               valueName: "file"))
    var output: [String] = []

    @Option(help: "Color the text output: auto, always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .shortAndLong, help: "Print only problems, not a line per valid file.")
    var quiet = false

    func validate() throws { _ = try targets() }

    func targets() throws -> ReportTargets {
        try ReportTargets(formats: format, outputs: output, allowed: OutputFormat.allCases)
    }

    func run() throws {
        let targets = try targets()
        let paths: [String]
        do { paths = try NetPaths.expand(files) } catch let e as NetPaths.NoMatch { throw ValidationFailure(e.description) }
        let results = OrderedParallelMap.run(paths, work: { NetInput.load(path: $0) }, deliver: { _, _ in })
        let failed = results.filter { $0.hasErrors || (denyWarnings && $0.warningCount > 0) }
        let reports = results.map { NetReport(loaded: $0, result: nil) }
        let options = ReportOptions(command: "check", toolVersion: CPNAuthorVersion.string)
        let stdout = try targets.writeFiles { format in
            switch format {
            case .text: text(results, failed: failed.count, color: targets.stdoutFormat == .text && color.enabled(forFileDescriptor: STDOUT_FILENO))
            case .json: CheckReport(results: results, denyWarnings: denyWarnings).json() + "\n"
            case .sarif: SARIFReport(options: options).render(reports)
            case .junit: JUnitReport(options: options).render(reports)
            case .markdown: MarkdownReport(options: options).render(reports)
            case .github: GitHubAnnotations(options: options).render(reports)
            }
        }
        if let stdout { print(stdout, terminator: "") }
        if !failed.isEmpty { throw ExitCode(ExitStatus.invalidInput) }
    }

    /// The rustc-style report: every file's diagnostics, a line per file, and a
    /// summary when there are several.
    private func text(_ results: [LoadResult], failed: Int, color: Bool) -> String {
        var out = ""
        let renderer = DiagnosticRenderer(useColor: color)
        for r in results {
            if !r.diagnostics.isEmpty {
                out += renderer.render(r.diagnostics) { path in path == r.path ? r.source : nil } + "\n"
            }
            out += summary(r)
        }
        if results.count > 1 {
            out += "checked \(results.count) files: \(results.count - failed) ok, \(failed) failed\n"
        }
        return out
    }

    /// Prints a net's diagnostics to stderr and exits 2: what every command
    /// that needs a valid net does with an invalid one.
    static func reportInvalid(_ loaded: LoadResult) throws -> Never {
        var err = StandardError()
        let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
        print(renderer.render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
        print("\(VisibleText.escaped(loaded.path)): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s")", to: &err)
        throw ExitCode(ExitStatus.invalidInput)
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
}

/// The JSON form of a `check` run, for editors, CI and the LLM repair loop.
struct CheckReport: Encodable {
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

    init(results: [LoadResult], denyWarnings: Bool) {
        files = results.map { r in
            File(path: r.path, ok: !r.hasErrors && !(denyWarnings && r.warningCount > 0), errors: r.errorCount,
                 warnings: r.warningCount,
                 diagnostics: r.diagnostics.map {
                     Item(severity: $0.severity.rawValue, code: $0.code.rawValue, message: $0.message, file: $0.span?.file,
                          line: $0.span?.start.line, column: $0.span?.start.column, help: $0.help)
                 })
        }
        ok = files.allSatisfy(\.ok)
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
