import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNReport
import CPNStructure
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

    @Option(parsing: .unconditional, help: "Stop after this many states.")
    var maxStates: Int = 5_000_000

    @Option(parsing: .unconditional, help: "Do not explore beyond this depth (number of steps from the initial marking).")
    var maxDepth: Int?

    @Option(parsing: .unconditional, help: "Stop after this many seconds.")
    var timeLimit: Double?

    @Option(help: ArgumentHelp("Stop (unknown, exit 3) when the process's resident memory reaches this size: bytes, or with K, M, G (default: three quarters of the machine's memory).",
                               valueName: "size"))
    var maxMemory: MemorySize?

    @Flag(help: "Stop at the first violated property (TLC's default; the default here explores everything and reports every property).")
    var failFast = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads that expand states at once (default: the number of cores, at most 8; nets that do not unfold use one). The result is the same for any number.",
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

    @Option(help: ArgumentHelp("Report format: text, json, sarif, junit, markdown, github. Repeatable, or a comma list.",
                               valueName: "format"))
    var format: [String] = []

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("Write the report of the --format just before to FILE (atomically), or FORMAT=FILE.",
                               valueName: "file"))
    var output: [String] = []

    @Option(help: "Write the first counterexample trace as JSON to this file (for `cpn-author replay` and `graph --trace`).")
    var traceOut: String?

    @Flag(help: "Leave out time, rate and memory figures from text and JSON (for byte-identical reports).")
    var noTiming = false

    @Flag(help: "Add elapsed times to SARIF, JUnit and Markdown reports (left out by default).")
    var timings = false

    @Flag(help: "Add structural analysis (P-invariants, T-invariants, declared invariants they prove) to text and JSON reports.")
    var structure = false

    @Option(help: "Color the text output: auto, always or never.")
    var color: ColorChoice = .auto

    /// The text/JSON choice `simulate` offers (its own reports have no other formats).
    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1") }
        if let d = maxDepth, d < 0 { throw ValidationError("--max-depth cannot be negative") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        if let w = workers, !(1...256).contains(w) { throw ValidationError("--workers must be between 1 and 256") }
        _ = try targets()
    }

    func targets() throws -> ReportTargets {
        try ReportTargets(formats: format, outputs: output, allowed: OutputFormat.allCases)
    }

    func run() throws {
        let targets = try targets()
        let paths: [String]
        do { paths = try NetPaths.expand(files) } catch let e as NetPaths.NoMatch { throw ValidationFailure(e.description) }
        var options = ExplorationOptions()
        options.maxStates = maxStates
        options.maxDepth = maxDepth
        options.timeLimit = timeLimit
        if let maxMemory { options.maxMemory = maxMemory.bytes }
        options.failFast = failFast
        if let workers { options.workers = workers }
        options.engine = engine.engine
        let interrupt = InterruptFlag.install()
        options.isCancelled = { interrupt.isSet }
        // One live line makes sense for one exploration at a time only; a log
        // (CI) gets a line every 10 s instead, whatever the number of nets.
        if isatty(STDERR_FILENO) == 1 {
            if paths.count == 1 { options.progress = ProgressLine.print }
        } else {
            options.progress = ProgressLog.every(seconds: 10)
        }
        let exploration = options

        let streamText = targets.stdoutFormat == .text
        let text = TextReport(showTiming: !noTiming, useColor: color.enabled(forFileDescriptor: STDOUT_FILENO))
        let stderrColor = color.enabled(forFileDescriptor: STDERR_FILENO)
        var err = StandardError()
        let reports = OrderedParallelMap.run(paths, work: { path in
            Self.verify(path, options: exploration, structure: structure)
        }, deliver: { _, report in
            if report.isInvalid || report.result == nil {
                print(Self.invalidText(report, color: stderrColor), terminator: "", to: &err)
            }
            if streamText, let result = report.result { print(TerminalText.inert(text.render(result, structure: report.structure))) }
        })

        let reportOptions = ReportOptions(includeTiming: timings, acceptBounded: acceptBounded, command: "verify",
                                          toolVersion: CPNAuthorVersion.string)
        let stdout = try targets.writeFiles { format in
            switch format {
            case .text:
                // Streamed above for standard output; a file gets the same text, diagnostics included.
                return reports.map { r in
                    r.result.map { TextReport(showTiming: !noTiming).render($0, structure: r.structure) + "\n" } ?? Self.invalidText(r, color: false)
                }.joined() + (reports.count > 1 ? reports.summaryLine() + "\n" : "")
            case .json:
                if structure {
                    return JSONReport.render(reports.compactMap { r in r.result.map { ($0, r.structure) } }, includeTiming: !noTiming) + "\n"
                }
                return JSONReport.render(reports.compactMap(\.result), includeTiming: !noTiming) + "\n"
            case .sarif: return SARIFReport(options: reportOptions).render(reports)
            case .junit: return JUnitReport(options: reportOptions).render(reports)
            case .markdown: return MarkdownReport(options: reportOptions).render(reports)
            case .github: return GitHubAnnotations(options: reportOptions).render(reports)
            }
        }
        if let stdout, !streamText { print(stdout, terminator: "") }
        if reports.count > 1 {
            if streamText { print(reports.summaryLine()) } else { print(reports.summaryLine(), to: &err) }
        }
        if let traceOut, let trace = reports.lazy.compactMap(\.result).flatMap(\.properties).first(where: { $0.trace != nil })?.trace {
            try AtomicFile.write(JSONReport.encode(trace) + "\n", to: traceOut)
        }
        let worst = reports.worstExitCode(acceptBounded: acceptBounded)
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }

    /// Loads and, when valid, explores one net: the unit of parallel work.
    static func verify(_ path: String, options: ExplorationOptions, structure: Bool = false) -> NetReport {
        let loaded = NetInput.load(path: path)
        guard let net = loaded.checked else { return NetReport(loaded: loaded, result: nil) }
        let result = Explorer(net: net, options: options).run(file: path)
        if options.progress != nil, isatty(STDERR_FILENO) == 1 { ProgressLine.clear() }
        guard structure else { return NetReport(loaded: loaded, result: result) }
        var limits = StructuralLimits()
        limits.isCancelled = options.isCancelled
        let analysis = StructuralAnalysis(net: net).run(limits)
        return NetReport(loaded: loaded, result: result.provingStructurally(analysis), structure: analysis)
    }

    /// What `verify` prints (to standard error) for a net it could not explore.
    static func invalidText(_ r: NetReport, color: Bool) -> String {
        let renderer = DiagnosticRenderer(useColor: color)
        return renderer.render(r.diagnostics) { $0 == r.path ? r.source : nil } + "\n"
            + "\(VisibleText.escaped(r.path)): \(r.errorCount) error\(r.errorCount == 1 ? "" : "s"); not verified\n"
    }
}
