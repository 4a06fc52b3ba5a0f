import CPNReport
import Testing

/// Workflow commands: one line per finding, escaped as the Actions toolkit escapes.
@Suite struct GitHubAnnotationsTests {
    @Test func escapingFollowsTheToolkit() {
        #expect(GitHubAnnotations.escapeData("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b")
        #expect(GitHubAnnotations.escapeProperty("cpn-author: a, b%\n") == "cpn-author%3A a%2C b%25%0A")
        // `%` first: an escape is never escaped twice.
        #expect(GitHubAnnotations.escapeData("%0A") == "%250A")
    }

    @Test func oneLinePerFindingAtItsLine() throws {
        let reports = try ReportFixtures.reports(ReportFixtures.all)
        let text = GitHubAnnotations().render(reports)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let findings = reports.flatMap(Finding.of)
        #expect(lines.count == findings.count)
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") })
        let mutex = try #require(lines.first { $0.contains("invariant mutex violated") })
        // At the transition whose firing broke it (the trace's last step), not the invariant.
        let line = try ReportFixtures.line(of: "  acquire:", in: "failing.yaml")
        #expect(mutex.hasPrefix("::error file=failing.yaml,line=\(line),col=3,endColumn=10,title=cpn-author%3A invariant mutex violated (lease)::"))
        #expect(mutex.contains("%0AShortest counterexample (4 steps):%0A"))
        #expect(!mutex.contains("\r"))
        let bound = try #require(lines.first { $0.contains("exploration incomplete") })
        #expect(bound.hasPrefix("::warning file=unbounded.yaml,line=1,col=1,"))
    }

    @Test func aPassingNetGivesNoAnnotation() throws {
        #expect(GitHubAnnotations().render(try ReportFixtures.reports(["passing.yaml"])) == "")
    }

    @Test func reviewCanLowerOrDropFindings() throws {
        let reports = try ReportFixtures.reports(["failing.yaml"])
        let lowered = GitHubAnnotations(level: { _, f in f.rule == .invariant ? .warning : nil }).render(reports)
        #expect(lowered.split(separator: "\n").count == 1)
        #expect(lowered.hasPrefix("::warning "))
    }
}
