import ArgumentParser
import CPNRuntime
import Foundation
import CPNWorkflow

/// `cpn-author log export`: the event log of a run, as JSON lines or as a
/// trace that `cpn-author replay` steps through.
///
/// ```
/// $ cpn-author log export --store sqlite:scraper.db --format trace -o run.json
/// wrote 42 steps to run.json
/// $ cpn-author replay run.json --step 3
/// step 3 of 42: fetch_ok
/// ...
/// ```
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Export the event log of a running or finished net.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the event log as JSON lines, or as a trace for `cpn-author replay`.",
            discussion: """
                jsonl: one event a line (firings, tokens added and taken, failed handler runs), with \
                the binding, token ids, worker and times. trace: the verifier's trace format \
                (specs/report.schema.json), one step per event with the marking after it.
                """
        )

        @OptionGroup var store: RuntimeStoreOptions

        @Option(help: "jsonl or trace.")
        var format: LogFormat = .jsonl

        @Flag(help: "Same as --format trace.")
        var asTrace = false

        @Option(parsing: .unconditional, help: "Only the last N events (a trace then starts from the marking before them).")
        var last: Int?

        @Option(name: [.short, .long], help: "Write to this file instead of standard output.")
        var output: String?

        enum LogFormat: String, ExpressibleByArgument, CaseIterable { case jsonl, trace }

        func validate() throws {
            if let last, last < 1 { throw ValidationError("--last must be at least 1") }
        }

        func run() throws {
            try store.withEngine(mustExist: true) { engine in
                let events = try EventLog.all(engine.store)
                let text: String
                let summary: String
                if format == .trace || asTrace {
                    let trace = try TraceExport.trace(events: events, net: engine.net, tickMicros: engine.tickMicros, last: last)
                    text = trace.pretty + "\n"
                    summary = "wrote \(trace["steps"]?.array?.count ?? 0) steps"
                } else {
                    let chosen = last.map { Array(events.suffix($0)) } ?? events
                    text = chosen.map(EventLog.jsonLine).map { $0 + "\n" }.joined()
                    summary = "wrote \(chosen.count) events"
                }
                if let output {
                    try AtomicFile.write(text, to: output)
                    var err = StandardError()
                    print("\(summary) to \(output)", to: &err)
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}
