import CPNExplore
import CPNReport
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// JUnit XML: well-formed, a test case per net × property, counts that add up,
/// failures carrying the trace.
@Suite struct JUnitReportTests {
    func document(_ names: [String]) throws -> XMLDocument {
        try XMLDocument(xmlString: JUnitReport().render(try ReportFixtures.reports(names)), options: [])
    }

    func int(_ element: XMLElement?, _ attribute: String) -> Int? {
        element?.attribute(forName: attribute)?.stringValue.flatMap { Int($0) }
    }

    @Test func aTestCasePerNetAndPropertyWithCountsThatAddUp() throws {
        let xml = try document(ReportFixtures.all)
        let root = try #require(xml.rootElement())
        #expect(root.name == "testsuites")
        let suites = try xml.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
        #expect(suites.count == 6)
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["job-queue", "lease", "philosophers", "divider", "broken", "counter"])
        var total = 0, failures = 0, skipped = 0
        for suite in suites {
            let cases = suite.elements(forName: "testcase")
            #expect(int(suite, "tests") == cases.count)
            #expect(int(suite, "failures") == cases.count { !$0.elements(forName: "failure").isEmpty })
            #expect(int(suite, "skipped") == cases.count { !$0.elements(forName: "skipped").isEmpty })
            total += cases.count
            failures += int(suite, "failures") ?? 0
            skipped += int(suite, "skipped") ?? 0
        }
        #expect(int(root, "tests") == total)
        #expect(int(root, "failures") == failures)
        #expect(int(root, "skipped") == skipped)
        // job-queue 6 properties, lease 5, philosophers 3, divider 3, broken 1 (check), counter 3 (`bounded` in each).
        #expect(total == 21)
        #expect(failures == 6, "mutex, deadlock ×2, expression-errors, broken's check, counter's bounded")
        #expect(skipped == 2, "counter's two properties are unknown")
    }

    @Test func aFailureCarriesTheShortestTraceAndPointsAtItsLine() throws {
        let xml = try document(["failing.yaml"])
        let failure = try #require(try xml.nodes(forXPath: "//testcase[@name='invariant mutex']/failure").first as? XMLElement)
        #expect(failure.attribute(forName: "type")?.stringValue == "invariant")
        #expect(failure.attribute(forName: "message")?.stringValue?.hasPrefix("Invariant `mutex` of net `lease` is violated") == true)
        let body = failure.stringValue ?? ""
        #expect(body.contains("shortest trace: 4 steps"))
        #expect(body.contains("2. clock advances to 2"))
        #expect(body.contains("working: a@+1, b@+3"))
        let testcase = try #require(failure.parent as? XMLElement)
        #expect(int(testcase, "line") == (try ReportFixtures.line(of: "  acquire:", in: "failing.yaml")), "the culprit transition")
        let out = try xml.nodes(forXPath: "//testsuite/system-out").first?.stringValue ?? ""
        #expect(out.contains("transition `renew` can never fire"))
    }

    @Test func anInvalidNetIsOneFailingCheckCaseWithItsDiagnostics() throws {
        let xml = try document(["invalid.yaml"])
        let failure = try #require(try xml.nodes(forXPath: "//testcase[@name='check']/failure").first as? XMLElement)
        #expect(failure.attribute(forName: "type")?.stringValue == "E0201 E0403")
        #expect(failure.stringValue?.contains("error[E0201]: unknown color `Proxi` (invalid.yaml:7:21)") == true)
        #expect(failure.stringValue?.contains("help: did you mean `Proxy`?") == true)
    }

    @Test func specialCharactersAreEscapedAndTheResultStillParses() throws {
        var report = try ReportFixtures.report("failing.yaml")
        report.path = "a&b <\"c\">\u{1}.yaml"
        let text = JUnitReport().render([report])
        #expect(text.contains("file=\"a&amp;b &lt;&quot;c&quot;&gt;\u{FFFD}.yaml\""))
        let xml = try XMLDocument(xmlString: text, options: [])
        let suite = try #require(try xml.nodes(forXPath: "//testsuite").first as? XMLElement)
        #expect(suite.attribute(forName: "file")?.stringValue == "a&b <\"c\">\u{FFFD}.yaml")
    }

    @Test func timesOnlyWhenAsked() throws {
        let reports = try ReportFixtures.reports(["passing.yaml"])
        #expect(!JUnitReport().render(reports).contains("time="))
        #expect(JUnitReport(options: ReportOptions(includeTiming: true)).render(reports).contains(" time=\""))
    }
}
