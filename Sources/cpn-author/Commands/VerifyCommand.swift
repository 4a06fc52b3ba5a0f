import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNReport
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

            Exit codes: 0 every property holds and exploration was complete; 1 a property is \
            violated; 2 invalid input; 3 a bound stopped exploration first (0 with --accept-bounded).
            """
    )

    @Argument(help: "Net files (YAML) to verify.")
    var files: [String]

    @Option(help: "Stop after this many states.")
    var maxStates: Int = 5_000_000

    @Option(help: "Do not explore beyond this depth (number of steps from the initial marking).")
    var maxDepth: Int?

    @Option(help: "Stop after this many seconds.")
    var timeLimit: Double?

    @Flag(help: "Exit 0 instead of 3 when a bound stopped exploration and no violation was found.")
    var acceptBounded = false

    @Option(help: "Report format: text or json.")
    var format: ReportFormat = .text

    @Option(help: "Write the first counterexample trace as JSON to this file (for `cpn-author replay`).")
    var traceOut: String?

    @Flag(help: "Leave out time, rate and memory figures (for byte-identical reports).")
    var noTiming = false

    @Option(help: "Color the text output: auto, always or never.")
    var color: ColorChoice = .auto

    enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1") }
        if let d = maxDepth, d < 0 { throw ValidationError("--max-depth cannot be negative") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
    }

    func run() throws {
        var worst: Int32 = ExitStatus.success
        var results: [ExplorationResult] = []
        var err = StandardError()
        let useColor = color.enabled(forFileDescriptor: STDOUT_FILENO)
        let interrupt = InterruptFlag.install()
        for file in files {
            let loaded = NetInput.load(path: file)
            guard let net = loaded.checked else {
                let renderer = DiagnosticRenderer(useColor: color.enabled(forFileDescriptor: STDERR_FILENO))
                print(renderer.render(loaded.diagnostics) { $0 == loaded.path ? loaded.source : nil }, to: &err)
                print("\(file): \(loaded.errorCount) error\(loaded.errorCount == 1 ? "" : "s"); not verified", to: &err)
                worst = ExitStatus.invalidInput
                continue
            }
            var options = ExplorationOptions()
            options.maxStates = maxStates
            options.maxDepth = maxDepth
            options.timeLimit = timeLimit
            options.isCancelled = { interrupt.isSet }
            if isatty(STDERR_FILENO) == 1 { options.progress = ProgressLine.print }
            let result = Explorer(net: net, options: options).run(file: file)
            if options.progress != nil { ProgressLine.clear() }
            results.append(result)
            if format == .text {
                print(TextReport(showTiming: !noTiming, useColor: useColor).render(result))
            }
            let code: Int32 = result.verdict == .bounded && acceptBounded ? 0 : result.verdict.exitCode
            if worst != ExitStatus.invalidInput, code == ExitStatus.violated || (code == ExitStatus.bounded && worst == 0) {
                worst = code
            }
        }
        if format == .json { print(JSONReport.render(results, includeTiming: !noTiming)) }
        if let traceOut, let trace = results.lazy.flatMap(\.properties).first(where: { $0.trace != nil })?.trace {
            try AtomicFile.write(JSONReport.encode(trace) + "\n", to: traceOut)
        }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }
}
