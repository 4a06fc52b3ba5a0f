import ArgumentParser
import CPNExplore
import CPNLoad
import CPNReport
import Foundation
import CPNWorkflow

/// `cpn-author graph`: the net as a picture, Graphviz DOT or Mermaid.
///
/// ```
/// $ cpn-author graph examples/polite-scraper/net.yaml | dot -Tsvg > net.svg
/// $ cpn-author verify net.yaml --trace-out trace.json
/// $ cpn-author graph net.yaml --format mermaid --trace trace.json
/// flowchart LR
///   p_proxies(("proxies<br/>Proxy<br/>p1, p2"))
///   t_start_fetch["start_fetch<br/>step 1"]
///   p_proxies -->|"p"| t_start_fetch
///   ...
/// ```
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a net as Graphviz DOT or a Mermaid flowchart, a trace's transitions highlighted.",
        discussion: """
            Places are circles labelled with their color, initial tokens and capacity; transitions \
            are boxes with their guard; arcs carry their inscriptions. With --trace (a file written \
            by `verify --trace-out` or `simulate --trace-out`), the transitions the trace fires and \
            their arcs are red, labelled with the steps at which they fire.

            DOT renders with Graphviz (`dot -Tsvg net.dot > net.svg`); Mermaid renders in GitHub \
            Markdown inside a ```mermaid block.

            Exit codes: 0 drawn; 2 the net is invalid, the trace does not fit the net, or a file \
            cannot be read or written.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case dot, mermaid }

    @Argument(help: "The net file (YAML or PNML).")
    var file: String

    @Option(help: "Picture format: dot or mermaid.")
    var format: Format = .dot

    @Option(help: "Highlight the transitions of this trace (JSON from --trace-out).")
    var trace: String?

    @Option(name: [.customShort("o"), .long], help: "Write to this file (atomically) instead of standard output.")
    var output: String?

    func run() throws {
        let loaded = NetInput.load(path: file)
        guard loaded.checked != nil, let net = loaded.net else { try InvalidNet.exit(loaded) }
        var steps: Trace?
        if let trace {
            let t = try TraceFile.load(trace)
            try TraceFile.check(t, fits: net, tracePath: trace, netPath: file)
            steps = t
        }
        let graph = NetGraph(net: net, trace: steps)
        let text = switch format {
        case .dot: DOTGraph.render(graph)
        case .mermaid: MermaidGraph.render(graph)
        }
        if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
    }
}
