import ArgumentParser
import CPNExplore
import CPNLoad
import CPNReport
import CPNDiagnostics
import Foundation
import CPNWorkflow

/// `cpn-author simulate`: seeded random runs with statistics.
///
/// ```
/// $ cpn-author simulate examples/polite-scraper/net.yaml --seed 7 --runs 100 --steps 200
/// simulate examples/polite-scraper/net.yaml (net `polite-scraper`), seed 7
///   runs     100 (100 finished, 0 deadlocked, 0 hit the step limit)
///   ...
/// ```
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a net at random (seeded, reproducible) and report statistics.",
        discussion: """
            Each step picks one enabled binding uniformly at random; when nothing can fire, the \
            clock advances to the next ready token. The same seed gives the same runs on any \
            machine. Invariants are checked at every step. Exit 1 if a run violated an invariant, \
            deadlocked or hit an evaluation error.
            """
    )

    @Argument(help: "The net file (YAML).")
    var file: String

    @Option(parsing: .unconditional, help: "Seed of the random choices.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: "Number of runs.")
    var runs: Int = 100

    @Option(parsing: .unconditional, help: "Maximum steps per run.")
    var steps: Int = 1000

    @Option(help: "Report format: text or json.")
    var format: TextOrJSON = .text

    @Option(help: "Write the first run's trace (or the first violating run's) as JSON, for `cpn-author replay`.")
    var traceOut: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        let loaded = NetInput.load(path: file)
        guard let net = loaded.checked else { try InvalidNet.exit(loaded) }
        var result = Simulator(net: net).run(file: file, seed: seed, runs: runs, steps: steps)
        if let traceOut, let trace = result.trace {
            try AtomicFile.write(JSONReport.encode(trace) + "\n", to: traceOut)
        }
        switch format {
        case .json:
            let trace = result.trace
            result.trace = nil  // traces go to --trace-out; the report stays small
            print(JSONReport.encode(result))
            result.trace = trace
        case .text:
            print(TerminalText.inert(SimulationText.render(result)))
        }
        if !result.violations.isEmpty { throw ExitCode(ExitStatus.violated) }
    }
}
