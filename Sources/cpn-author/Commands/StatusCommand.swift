import ArgumentParser
import CPNRuntime
import Foundation
import CPNWorkflow

/// `cpn-author status`: what a running net is doing.
///
/// ```
/// $ cpn-author status --store sqlite:scraper.db
/// net `polite-scraper` in sqlite:scraper.db (time unit 100ms)
/// marking: 9 tokens (6 ready, 2 waiting, 1 held by handlers), not final
///   targets       {id: 3, domain: news, prio: 0, attempt: 0}
///   domain_slots  news, shop (ready in 150ms)
///   ...
/// enabled: start_fetch
/// working: host:4242:0 holds 1
/// firings: 12 in all, 12 in the last 1m (0.2/s)
/// ```
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a running net: its marking, what is enabled, work in progress, firing rates.",
        discussion: """
            Reads the store only; it works while workers run, from any machine that reaches the store. \
            --format prometheus prints the same as Prometheus text metrics (firings per transition, \
            rates, tokens per place and state, handler work time, seconds since the last event), \
            for node_exporter's textfile collector or any scraper.
            """
    )

    @OptionGroup var store: RuntimeStoreOptions

    @Option(help: "The window for rates, e.g. 60s or 5m.")
    var window: String = "60s"

    @Option(help: "Output format: text, json or prometheus.")
    var format: StatusFormat = .text

    enum StatusFormat: String, ExpressibleByArgument, CaseIterable { case text, json, prometheus }

    func validate() throws {
        guard let w = RuntimeDuration.parse(window), w > 0 else { throw ValidationError("--window must be a duration such as 60s") }
    }

    func run() throws {
        try store.withEngine(mustExist: true) { engine in
            let report = try StatusReport(engine: engine, windowMicros: RuntimeDuration.parse(window) ?? 60_000_000)
            switch format {
            case .text: print(TerminalText.inert(report.text), terminator: "")
            case .json: print(report.json.pretty)
            case .prometheus: print(TerminalText.inert(report.prometheus), terminator: "")
            }
        }
    }
}
