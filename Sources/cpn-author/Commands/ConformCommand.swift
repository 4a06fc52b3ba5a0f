import ArgumentParser
import CPNConformance
import CPNDiagnostics
import CPNLoad
import CPNWorkflow
import Foundation

/// Report formats of `conform`: all but GitHub annotations.
enum ConformReportFormats: ReportFormatSet {
    static let formats = ConformReportRenderer.formats
}

extension LogFormat: ExpressibleByArgument {}
extension ConformanceOptions.BadLine: ExpressibleByArgument {}

/// `cpn-author conform`: replay an event log against the net (token-based
/// replay, PM4Py's fitness).
///
/// ```
/// $ cd examples/polite-scraper/conformance
/// $ cpn-author conform ../net.yaml scraper.jsonl --map map.yml --no-timing
/// conformance of polite-scraper (../net.yaml) to scraper.jsonl (jsonl, map map.yml): 8 events in 1 case (2 ignored)
///   fitness 0.9881 (missing 1, consumed 42, remaining 0, produced 41), 0 of 1 cases fit, average case fitness 0.9881
/// ...
///     missing_tokens: `start_fetch` is not enabled: the marking lacks `domain_slots: shop`
/// ...
/// DEVIATES: fitness 0.9881 < 1.0000 required, 2 invariants broken
/// ```
struct ConformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Replay an event log against the net: does the running system behave like the model?",
        discussion: """
            Logs: JSON Lines (one event a line; `cpn-author log export` writes one), CSV with a \
            header row, XES (IEEE 1849) and OCEL 2.0 JSON; the format comes from --log-format, the \
            mapping's `format:`, or the file name (.jsonl .csv .xes .jsonocel/.ocel.json). Logs are \
            read as a stream, except OCEL (sorted by time first).

            Without --map, an event's name (`event` or `transition` field, XES/OCEL `concept:name` or \
            type) is the transition's name, and attributes named like its variables bind them. A \
            mapping file (specs/conformance.md) maps event names to transitions, attributes to \
            variables or their fields (`t.domain: $.url_host`), names the case attribute, silent \
            transitions and the final marking.

            Each case starts from the net's initial marking. An event fires its transition with a \
            binding that agrees with it if the net allows; else silent transitions may fire first; \
            else the firing is forced and the missing tokens are counted (token-based replay). \
            Fitness is PM4Py's: ½(1 − missing/consumed) + ½(1 − remaining/produced), per case and \
            for the whole log. Invariants are checked on every replayed marking.

            \(ReportTargets.help)

            Exits 0 when the fitness is at least --min-fitness and no invariant broke on the \
            replayed run, 1 otherwise, 2 on bad input (a malformed log line stops the run, or is \
            skipped and counted with --on-bad-line skip).

            Example: cpn-author conform net.yaml <(cpn-author log export --store sqlite:run.db)
            """
    )

    @Argument(help: "The net (YAML or PNML).")
    var net: String

    @Argument(help: "The event log (JSONL, CSV, XES or OCEL 2.0 JSON; a pipe works).")
    var log: String

    @Option(help: ArgumentHelp("The mapping file (specs/conformance.md).", valueName: "map.yaml"))
    var map: String?

    @Option(help: "The log's format: jsonl, csv, xes or ocel (default: from the mapping or the file name, else jsonl).")
    var logFormat: LogFormat?

    @Option(help: "The least fitness that conforms, from 0 to 1.")
    var minFitness: Double = 1.0

    @Option(help: "A malformed log line: stop (exit 2) or skip (count it, go on).")
    var onBadLine: ConformanceOptions.BadLine = .stop

    @Flag(help: "Leave timings out of the reports (for reproducible output).")
    var noTiming = false

    @OptionGroup(title: "Reports")
    var report: ReportOutputOptions<ConformReportFormats>

    func validate() throws {
        guard minFitness >= 0, minFitness <= 1 else { throw ValidationError("--min-fitness is a number from 0 to 1") }
    }

    func run() throws {
        let targets = try report.targets()
        var options = ConformanceOptions()
        options.minimumFitness = minFitness
        options.onBadLine = onBadLine
        let outcome = ConformanceRun.run(.init(net: net, log: log, map: map, format: logFormat, options: options))
        var err = StandardError()
        switch outcome {
        case .invalidNet(let loaded):
            try InvalidNet.exit(loaded)
        case .invalidMap(let diagnostics, let source):
            let renderer = DiagnosticRenderer(useColor: ColorChoice.auto.enabled(forFileDescriptor: STDERR_FILENO))
            let file = source ?? map.flatMap { try? SourceReader.read(path: $0).get() }
            print(renderer.render(diagnostics) { $0 == file?.path ? file : nil }, to: &err)
            let n = diagnostics.count { $0.isError }
            print("\(VisibleText.escaped(map ?? "the mapping")): \(n) error\(n == 1 ? "" : "s")", to: &err)
            throw ExitCode(ExitStatus.invalidInput)
        case .invalidLog(let e):
            print("error: \(VisibleText.escaped(e.description))", to: &err)
            throw ExitCode(ExitStatus.invalidInput)
        case .done(let result):
            let renderer = ConformReportRenderer(showTiming: !noTiming)
            let stdout = try targets.writeFiles { format, _ in renderer.render(result, as: format) }
            if let stdout { print(stdout, terminator: "") }
            if !result.passed { throw ExitCode(ExitStatus.violated) }
        }
    }
}
