import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNReport
import CPNWorkflow
import Foundation

/// `cpn-author verify`: explore every reachable marking and check every property.
///
/// ```
/// $ cpn-author verify examples/dining-philosophers/bugs/left-then-right.yaml
/// verify ... (net `dining-philosophers`)
///   states   82 (complete)
///   ...
///   deadlock ............... VIOLATED
///
/// violated: deadlock
///   shortest trace: 5 steps from the initial marking
///   ...
/// verdict: VIOLATED: deadlock
///
/// $ cpn-author verify nets/ --format sarif --output cpn.sarif --format markdown --output comment.md
/// 7 nets: 6 passed, 1 violated
/// ```
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a net, then explore its state space and check every property.",
        discussion: """
            Breadth-first search over every reachable marking: invariants in every marking, \
            deadlocks (dead markings that are not `final`), that `final` stays reachable, and \
            evaluation errors (overflow, division by zero, values outside their color). Each \
            violation comes with its shortest trace: transition, binding, tokens moved.

            Inputs: files, directories (searched recursively for net files: .yaml/.yml files \
            with a top-level `cpn:` key, and .pnml files) and patterns with * and ** (expanded \
            by cpn-author, so quote them). Nets are verified in parallel, one per processor; \
            reports come in input order, followed by one summary line ("7 nets: 6 passed, \
            1 violated") when there are several.

            \(ReportTargets.help) For example:
              verify nets/ --format sarif -o cpn.sarif --format markdown -o pr.md
              verify nets/ --format text --format junit -o junit.xml
              verify net.yaml -o sarif=cpn.sarif -o github=annotations.txt
            SARIF, JUnit, Markdown and annotations carry no timings unless --timings is given, so \
            the same nets give the same bytes; --no-timing does the same for text and JSON.

            --structure adds structural analysis to the text and JSON reports: the P-invariants \
            of the unfolded net (weighted token sums that no firing changes, the minimal ones, by \
            the Farkas algorithm), its T-invariants (firings that together return to the marking \
            they start from), and which declared invariants they prove for every initial marking \
            with the same weighted sums, e.g. `size(proxies) + size(in_flight) == 2` whatever the \
            number of proxies (specs/semantics.md §10). A net too large to \
            analyse says "not computed (too large: ...)"; verdicts and exit codes do not change.

            Exit codes: 0 every property holds and exploration was complete; 1 a property is \
            violated; 2 invalid input; 3 a bound stopped exploration first (0 with --accept-bounded). \
            With several nets, the worst: 2, then 1, then 3.
            """
    )

    @Argument(help: "Net files, directories or quoted patterns ('nets/**/*.yaml').")
    var files: [String]

    @OptionGroup(title: "Exploration limits")
    var limits: ExplorationLimitOptions

    @Flag(help: "Stop at the first violated property (TLC's default; the default here explores everything and reports every property).")
    var failFast = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads that expand and store states at once (default: the number of cores, at most 8; nets that do not unfold use one). The result is the same for any number.",
                               valueName: "n"))
    var workers: Int?

    @Option(help: .hidden)
    var engine: EngineChoice = .auto

    /// `--engine` (hidden, for comparing engines): every engine gives the same report but its `engine` line.
    enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, dynamic, unfolded

        var engine: ExplorationEngine {
            switch self {
            case .auto: .automatic
            case .dynamic: .dynamic
            case .unfolded: .unfolded
            }
        }
    }

    @Flag(help: "Exit 0 instead of 3 when a bound stopped exploration and no violation was found.")
    var acceptBounded = false

    @OptionGroup(title: "Reports")
    var report: ReportOutputOptions<AllReportFormats>

    @Option(help: "Write the first counterexample trace as JSON to this file (for `cpn-author replay` and `graph --trace`).")
    var traceOut: String?

    @Flag(help: "Leave out time, rate and memory figures from text and JSON (for byte-identical reports).")
    var noTiming = false

    @Flag(help: "Add elapsed times to SARIF, JUnit and Markdown reports (left out by default).")
    var timings = false

    @Flag(help: "Add structural analysis (P-invariants, T-invariants, declared invariants they prove) to text and JSON reports.")
    var structure = false

    func validate() throws {
        if let w = workers, !(1...256).contains(w) { throw ValidationError("--workers must be between 1 and 256") }
    }

    func run() throws {
        let targets = try report.targets()
        let paths: [String]
        do { paths = try NetPaths.expand(files) } catch let e as NetPaths.NoMatch { throw ValidationFailure(e.description) }
        var options = ExplorationOptions()
        limits.apply(to: &options)
        options.failFast = failFast
        if let workers { options.workers = workers }
        options.engine = engine.engine
        // One live line makes sense for one exploration at a time only; a log
        // (CI) gets a line every 10 s instead, whatever the number of nets.
        let liveLine = isatty(STDERR_FILENO) == 1
        if liveLine {
            if paths.count == 1 { options.progress = ProgressLine.print }
        } else {
            options.progress = ProgressLog.every(seconds: 10)
        }
        let clearsLine = liveLine && options.progress != nil

        let renderer = VerifyReportRenderer(showTiming: !noTiming, timingsInCIFormats: timings, acceptBounded: acceptBounded,
                                            structure: structure, toolVersion: CPNAuthorVersion.string)
        let streamText = targets.stdoutFormat == .text
        let stdoutColor = report.color.enabled(forFileDescriptor: STDOUT_FILENO)
        let stderrColor = report.color.enabled(forFileDescriptor: STDERR_FILENO)
        var err = StandardError()
        let reports = Verification.verify(paths.map(NetSource.file), options: options, structure: structure) { _, report in
            if clearsLine { ProgressLine.clear() }
            if report.isInvalid || report.result == nil {
                print(VerifyReportRenderer.invalidText(report, color: stderrColor), terminator: "", to: &err)
            }
            if streamText, report.result != nil { print(TerminalText.inert(renderer.text(report, useColor: stdoutColor))) }
        }
        // Text for standard output was streamed above; a file gets the same text, diagnostics included.
        let stdout = try targets.writeFiles { format, path in
            format == .text && path == nil ? "" : renderer.render(reports, as: format)
        }
        if let stdout, !streamText { print(stdout, terminator: "") }
        if reports.count > 1 {
            if streamText { print(reports.summaryLine()) } else { print(reports.summaryLine(), to: &err) }
        }
        if let traceOut, let trace = VerifyReportRenderer.firstTrace(reports) {
            try AtomicFile.write(JSONReport.encode(trace) + "\n", to: traceOut)
        }
        let worst = reports.worstExitCode(acceptBounded: acceptBounded)
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }

}
