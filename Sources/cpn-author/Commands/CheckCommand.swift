import ArgumentParser
import CPNDiagnostics
import CPNWorkflow
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

    @OptionGroup(title: "Reports")
    var report: ReportOutputOptions<AllReportFormats>

    @Flag(name: .shortAndLong, help: "Print only problems, not a line per valid file.")
    var quiet = false

    func run() throws {
        let targets = try report.targets()
        let paths: [String]
        do { paths = try NetPaths.expand(files) } catch let e as NetPaths.NoMatch { throw ValidationFailure(e.description) }
        let results = OrderedParallelMap.run(paths, work: { NetInput.load(path: $0) }, deliver: { _, _ in })
        let check = CheckReport(results: results, denyWarnings: denyWarnings, quiet: quiet)
        let color = targets.stdoutFormat == .text && report.color.enabled(forFileDescriptor: STDOUT_FILENO)
        let stdout = try targets.writeFiles { format, _ in
            format == .text ? check.text(color: color) : check.render(as: format, toolVersion: CPNAuthorVersion.string)
        }
        if let stdout { print(stdout, terminator: "") }
        if !check.ok { throw ExitCode(ExitStatus.invalidInput) }
    }
}
