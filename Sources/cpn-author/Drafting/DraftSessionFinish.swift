import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNReport
import CPNWorkflow
import Foundation

extension DraftSessionRunner {
    /// Ends a session the same way for every command: the net written atomically to the
    /// output only when it passed, the `--report`, the error on stderr, the summary on
    /// stdout, and the exit status. `passedLines` adds lines to the summary of a passing
    /// session (revise's structural diff).
    func finish(_ outcome: DraftSessionOutcome, input: String, passedLines: (String) -> [String] = { _ in [] }) throws {
        var err = StandardError()
        if let error = outcome.error {
            print("error: \(error)", to: &err)
        }
        var extra: [String] = []
        if let net = outcome.net {
            try Self.createDirectory(containing: outputPath)
            try AtomicFile.write(net, to: outputPath)
            extra = passedLines(net)
        }
        if let reportPath = options.report {
            // A passing net is explored again under its real path, so the report points into it.
            let passing = outcome.net.flatMap { net -> ExplorationResult? in
                switch gate.evaluate(yaml: net, path: outputPath) {
                case .passed(let result, _, _): result
                default: nil
                }
            }
            if let result = passing ?? outcome.lastExploration {
                try Self.createDirectory(containing: reportPath)
                try AtomicFile.write(JSONReport.render([result]) + "\n", to: reportPath)
                extra.append("  report   \(reportPath)")
            } else {
                extra.append("  report   none written: no net was explored")
            }
        }
        print(outcome.summary(input: input, extraLines: extra))
        if outcome.exitStatus != ExitStatus.success { throw ExitCode(outcome.exitStatus) }
    }
}
