import ArgumentParser
import Foundation
import CPNDiagnostics
import CPNWorkflow

/// The `cpn-author` command: colored Petri nets as a safety gate for
/// LLM-written coordination logic.
///
/// ```
/// $ cpn-author check examples/polite-scraper/net.yaml
/// examples/polite-scraper/net.yaml: ok (7 places, 6 transitions, 3 invariants)
/// ```
@main
struct CPNAuthor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cpn-author",
        abstract: "Write coordination logic as colored Petri nets, and refuse nets that are unsafe.",
        discussion: """
            A net file (YAML) declares colors (token types), places, transitions with guards, \
            and invariants. `check` parses and type-checks nets and reports every problem with \
            its line and column and a suggested fix; `verify` explores every reachable marking \
            and shows the shortest trace that breaks a property; `draft` has an LLM write a net \
            and keeps it only if it verifies; `review` is the pull-request gate; `run` executes \
            a verified net on SQLite or PostgreSQL.

            Exit codes: 0 success, 1 a property is violated, 2 invalid input or usage, \
            3 exploration stopped at a bound.

            Output files (-o, --output, --trace-out, --report) are written to a new \
            temporary file beside them and renamed into place; an existing file keeps its \
            mode and owner. A FIFO or a device is written into as a stream; a symbolic link \
            is refused unless it leads to one; - is standard output. A write that fails, \
            standard output included, exits 2. Nets, traces, stores and model replies are \
            untrusted input: see SECURITY.md.

            Examples:
              cpn-author check examples/*/net.yaml
              cpn-author verify examples/polite-scraper/net.yaml
              cpn-author verify net.yaml --format json --trace-out trace.json
              cpn-author replay trace.json --step 3
              cpn-author draft requirements.md -o net.yaml
              cpn-author review --base origin/main
              cpn-author run net.yaml --store sqlite:state.db --until final
              cpn-author explain E0302
            """,
        version: CPNAuthorVersion.string,
        // Grouped by job in `--help`, so each group can grow on its own.
        groupedSubcommands: [
            CommandGroup(name: "Drafting with a model", subcommands: [DraftCommand.self, ReviseCommand.self]),
            CommandGroup(name: "Checking and exploring", subcommands: [
                CheckCommand.self, VerifyCommand.self, SimulateCommand.self, ReplayCommand.self, ConformCommand.self,
            ]),
            CommandGroup(name: "Reviewing and pictures", subcommands: [ReviewCommand.self, GraphCommand.self]),
            CommandGroup(name: "Running a net for real", subcommands: [
                RunCommand.self, TokensCommand.self, InjectCommand.self, StatusCommand.self, LogCommand.self, PartitionCommand.self,
            ]),
            CommandGroup(name: "Other formats", subcommands: [ExportCommand.self, ConvertCommand.self]),
            CommandGroup(name: "For coding agents", subcommands: [MCPCommand.self]),
            CommandGroup(name: "Reference", subcommands: [ExplainCommand.self, SchemaCommand.self]),
        ]
    )

    /// Runs the command with the tool's exit codes. Commands throw `ExitCode`
    /// for their verdicts (1 violated, 3 bounded); argument-parser would exit
    /// 64 on usage errors and 1 on any other error, but cpn-author promises 2
    /// for every invalid input or usage, so scripts need only 0/1/2/3.
    ///
    /// Whatever the outcome, standard output is flushed and checked last: a
    /// report that could not be written (a full disk) makes the command fail
    /// with exit 2, never exit 0 with nothing written.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
            finishOutput()
        } catch let code as ExitCode {
            finishOutput()
            exit(withError: code)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help, --version
            var err = StandardError()
            print(fullMessage(for: error), to: &err)
            finishOutput()
            Foundation.exit(ExitStatus.invalidInput)
        }
    }

    /// Exits 2 when standard output could not be written.
    private static func finishOutput() {
        do {
            try StandardOutput.finish()
        } catch {
            var err = StandardError()
            print("error: \(error)", to: &err)
            Foundation.exit(ExitStatus.invalidInput)
        }
    }
}

enum CPNAuthorVersion {
    static let string = "0.1.0"
}
