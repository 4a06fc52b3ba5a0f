import CPNExplore
import CPNLoad
import CPNModel
@testable import CPNReport
import Foundation
import Testing

/// DOT and Mermaid pictures: every place and transition, arcs with inscriptions,
/// a trace's transitions highlighted, labels that cannot break the syntax.
@Suite struct GraphRenderingTests {
    func net(_ name: String) throws -> Net {
        try #require(NetLoader.load(text: try ReportFixtures.text("reports/" + name), path: name).net)
    }

    func trace(_ name: String, property: String) throws -> Trace {
        let report = try ReportFixtures.report(name)
        return try #require(report.result?.properties.first { $0.name == property }?.trace)
    }

    @Test func everyElementIsDrawnWithItsLabel() throws {
        let graph = NetGraph(net: try net("passing.yaml"))
        #expect(graph.nodes.filter { $0.kind == .place }.map(\.name) == ["queue", "idle", "busy", "done"])
        #expect(graph.nodes.filter { $0.kind == .transition }.map(\.name) == ["take", "finish"])
        #expect(graph.edges.count == 6)
        let dot = DOTGraph.render(graph)
        #expect(dot.contains("\"p_busy\" [shape=ellipse, label=\"busy\\n(Worker, Job)\\ncapacity 2\"];"))
        #expect(dot.contains("\"t_finish\" [shape=box, label=\"finish\\n[j >= 1]\"];"))
        #expect(dot.contains("\"t_take\" -> \"p_busy\" [label=\"(w, j)\"];"))
        #expect(!dot.contains("red"), "no trace, nothing highlighted")
    }

    @Test func aTraceMarksItsTransitionsWithTheirSteps() throws {
        let graph = NetGraph(net: try net("failing.yaml"), trace: try trace("failing.yaml", property: "mutex"))
        #expect(graph.nodes.first { $0.name == "acquire" }?.steps == [1, 4])
        #expect(graph.nodes.first { $0.name == "expire" }?.steps == [3])
        #expect(graph.nodes.first { $0.name == "finish" }?.steps == [])
        let dot = DOTGraph.render(graph)
        #expect(dot.contains("\"t_acquire\" [shape=box, label=\"acquire\\nsteps 1, 4\", color=red, fontcolor=red, penwidth=2];"))
        #expect(dot.contains("label=\"counterexample for mutex: 4 steps\""))
        let mermaid = MermaidGraph.render(graph)
        #expect(mermaid.contains("  class t_acquire,t_expire trace\n"))
        #expect(mermaid.contains("  linkStyle 0,1,2,3,4,5 stroke:#c00,stroke-width:2px\n"))
    }

    @Test func anEvaluationErrorsFailingTransitionIsMarkedToo() throws {
        let graph = NetGraph(net: try net("erroneous.yaml"), trace: try trace("erroneous.yaml", property: "expression-errors"))
        #expect(graph.nodes.first { $0.name == "down" }?.steps == [1])
        #expect(graph.nodes.first { $0.name == "divide" }?.steps == [2], "the binding that fails is step 2")
    }

    @Test func labelsAreEscaped() {
        #expect(DOTGraph.quote("a \"b\" \\ c\nd") == "\"a \\\"b\\\" \\\\ c\\nd\"")
        #expect(MermaidGraph.escape("a < b && \"c\" | #d") == "a #lt; b #amp;#amp; #quot;c#quot; #124; #35;d")
    }

    @Test func longLabelsAreCut() throws {
        let long = String(repeating: "x", count: 100)
        #expect(NetGraph.cut(long).count == NetGraph.labelLimit)
        #expect(NetGraph.cut(long).hasSuffix("…"))
        #expect(NetGraph.cut("short") == "short")
    }
}
