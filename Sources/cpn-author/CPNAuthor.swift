import ArgumentParser

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
            its line and column and a suggested fix.

            Exit codes: 0 success, 1 a property is violated, 2 invalid input or usage, \
            3 exploration stopped at a bound.

            Examples:
              cpn-author check examples/*/net.yaml
              cpn-author explain E0302
              cpn-author schema > cpn-net.schema.json
            """,
        version: CPNAuthorVersion.string,
        subcommands: [CheckCommand.self, VerifyCommand.self, SimulateCommand.self, ReplayCommand.self, ExportCommand.self, ConvertCommand.self, ExplainCommand.self, SchemaCommand.self]
    )
}

enum CPNAuthorVersion {
    static let string = "0.1.0"
}
