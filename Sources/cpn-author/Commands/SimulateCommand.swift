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
            print(TerminalText.inert(render(result)))
        }
        if !result.violations.isEmpty { throw ExitCode(ExitStatus.violated) }
    }

    private func render(_ r: SimulationResult) -> String {
        var out = "simulate \(VisibleText.escaped(r.file)) (net `\(VisibleText.escaped(r.net))`), seed \(r.seed)\n"
        var ends = "\(r.finished) finished, \(r.deadlocked) deadlocked, \(r.unfinished) hit the step limit of \(r.maxSteps)"
        if r.failed > 0 { ends += ", \(r.failed) stopped by an evaluation error" }
        out += "  runs     \(r.runs) (\(ends))\n"
        out += "  steps    \(group(r.totalSteps))\n"
        if let t = r.throughput {
            out += "  time     \(group(r.totalTime)) units of model time, \(String(format: "%.3f", t)) firings per unit\n"
        }
        out += "\n  transition fired:\n"
        let width = r.firings.map(\.transition.count).max() ?? 0
        for f in r.firings {
            out += "    \(f.transition)\(String(repeating: " ", count: width - f.transition.count + 2))\(group(f.count))\(f.count == 0 ? "  (never fired)" : "")\n"
        }
        out += "\n  most tokens per place:\n"
        let pw = r.maxTokens.map(\.place.count).max() ?? 0
        for p in r.maxTokens {
            out += "    \(p.place)\(String(repeating: " ", count: pw - p.place.count + 2))\(p.max)" + (p.capacity.map { " (capacity \($0))" } ?? "") + "\n"
        }
        if r.violations.isEmpty {
            out += "\n  no invariant violated, no deadlock, no evaluation error\n"
        } else {
            out += "\n"
            for v in r.violations { out += "  violated: \(v.property) in run \(v.run) at step \(v.step): \(v.message)\n" }
        }
        return out
    }
}
