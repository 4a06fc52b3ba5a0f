import CPNExplore
@testable import CPNReport
import Testing

/// The pull-request comment: a reviewer reading it alone knows what broke and where.
@Suite struct MarkdownReportTests {
    func render(_ names: [String]) throws -> String { MarkdownReport().render(try ReportFixtures.reports(names)) }

    @Test func theVerdictTableHasARowPerNet() throws {
        let text = try render(ReportFixtures.all)
        #expect(text.hasPrefix("### cpn-author verify: 🚫 1 of 6 nets invalid, 4 violated\n"))
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| step") && !$0.contains("---") }
        #expect(rows.count { $0.contains(".yaml`") } == 6)
        #expect(rows.contains { $0.hasPrefix("| ❌ | `lease` | `failing.yaml` | 20 | invariant `mutex` |") })
        #expect(rows.contains { $0.hasPrefix("| ❌ | `counter` | `unbounded.yaml` | 300 (incomplete) | `bounded` |") }, "diagnosed unbounded")
        #expect(try render(["passing.yaml"]).hasPrefix("### cpn-author verify: ✅ the net passes\n"))
    }

    @Test func eachFailureSaysWhereAndShowsTheTraceAsATable() throws {
        let text = try render(["failing.yaml"])
        // At the transition whose firing broke the invariant (the trace's last step).
        let line = try ReportFixtures.line(of: "  acquire:", in: "failing.yaml")
        #expect(text.contains("#### ❌ `lease`: invariant `mutex` at `failing.yaml:\(line):3`"))
        #expect(text.contains("> The invariant: `size(working) <= 1` (one worker at a time)"))
        #expect(text.contains("**Initial marking:** `free: ()` · `waiting: a, b`"))
        #expect(text.contains("| step | transition | binding | takes | gives | clock |"))
        #expect(text.contains("| 2 | *clock tick* | | | `lease: a` ready | 2 |"))
        #expect(text.contains("**Marking after step 4:** `working: a@+1, b@+3` · `lease: b@+2`"))
    }

    @Test func theNetIsAMermaidDiagramWithTheCounterexampleMarked() throws {
        let text = try render(["failing.yaml"])
        let start = try #require(text.range(of: "```mermaid\n"))
        let end = try #require(text.range(of: "```\n", range: start.upperBound..<text.endIndex))
        let diagram = String(text[start.upperBound..<end.lowerBound])
        #expect(diagram.hasPrefix("flowchart LR\n"))
        #expect(diagram.contains("  class t_acquire,t_expire trace\n"))
        #expect(diagram.contains("t_acquire[\"acquire<br/>steps 1, 4\"]"))
        #expect(!diagram.contains("t_finish trace"))
        #expect(text.contains("<details><summary>"))
    }

    @Test func invalidNetsListTheirDiagnostics() throws {
        let text = try render(["invalid.yaml"])
        #expect(text.contains("- `invalid.yaml:7:21` **E0201** unknown color `Proxi` — help: did you mean `Proxy`?"))
    }

    @Test func pipesAndBackticksCannotBreakATable() {
        #expect(MarkdownBlocks.code("a || b") == "`a \\|\\| b`")
        #expect(MarkdownBlocks.code("x`y") == "`` x`y ``")
        #expect(MarkdownBlocks.cell("one\ntwo | three") == "one two \\| three")
    }

    /// Outside a table GitHub would show the backslash of an escaped pipe.
    @Test func pipesOutsideTablesStayAsWritten() {
        #expect(MarkdownBlocks.line("The invariant: `a || b`\n(x)") == "The invariant: `a || b` (x)")
    }
}
