import CPNExplore
import CPNReport
import Foundation
import Testing

/// SARIF output: valid against the official SARIF 2.1.0 schema, results on the
/// right lines, counterexamples as code flows that walk the net file.
@Suite struct SARIFReportTests {
    func sarif(_ names: [String]) throws -> JSONValue {
        try JSONValue.parse(SARIFReport().render(try ReportFixtures.reports(names)))
    }

    func results(_ document: JSONValue) -> [JSONValue] {
        document["runs"]?.arrayValue.first?["results"]?.arrayValue ?? []
    }

    @Test func theSchemaItselfLoadedWithEveryDefinition() throws {
        let schema = ReportFixtures.sarifSchema.root
        guard case .object(let definitions)? = schema["definitions"] else { Issue.record("no definitions"); return }
        #expect(definitions.count == 52)
        #expect(schema["$schema"]?.stringValue == "http://json-schema.org/draft-04/schema#")
    }

    @Test(arguments: [["passing.yaml"], ["failing.yaml"], ["deadlock.yaml"], ["erroneous.yaml"], ["invalid.yaml"],
                      ["unbounded.yaml"], ReportFixtures.all])
    func everyReportIsValidSARIF(names: [String]) throws {
        let errors = ReportFixtures.sarifSchema.validate(try sarif(names))
        #expect(errors.isEmpty, "\(names): \(errors.prefix(10).joined(separator: "\n"))")
    }

    /// The validator really validates: each of these breaks one rule of the schema.
    @Test func theValidatorRejectsBrokenSARIF() throws {
        let good = SARIFReport().render(try ReportFixtures.reports(["failing.yaml"]))
        let breakages: [(String, String, String)] = [
            ("\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"", "not one of"),
            ("\"level\": \"error\"", "\"level\": \"fatal\"", "not one of"),
            ("\"startLine\": 30", "\"startLine\": 0", "below the minimum"),
            ("\"ruleId\": \"invariant\"", "\"ruleId\": \"invariant\", \"colour\": \"red\"", "colour"),
            ("\"columnKind\": \"unicodeCodePoints\"", "\"columnKind\": 7", "expected string"),
        ]
        for (from, to, expected) in breakages {
            #expect(good.contains(from), "the report has no `\(from)` to break")
            let broken = try JSONValue.parse(good.replacingOccurrences(of: from, with: to))
            let errors = ReportFixtures.sarifSchema.validate(broken)
            #expect(errors.contains { $0.contains(expected) }, "changing `\(from)` to `\(to)` gave \(errors)")
        }
    }

    /// The result points at the cause: `acquire`, whose firing made the
    /// marking bad (the last step); the invariant is a related location.
    @Test func theInvariantViolationIsAtTheCulpritWithACodeFlowThroughTheTransitions() throws {
        let document = try sarif(["failing.yaml"])
        let result = try #require(results(document).first { $0["ruleId"]?.stringValue == "invariant" })
        #expect(result["level"]?.stringValue == "error")
        let region = try #require(result["locations"]?.arrayValue.first?["physicalLocation"]?["region"])
        let mutexLine = try ReportFixtures.line(of: "mutex:", in: "failing.yaml")
        let culprit = try ReportFixtures.line(of: "  acquire:", in: "failing.yaml")
        #expect(region["startLine"]?.intValue == culprit)
        #expect(region["startColumn"]?.intValue == 3)
        #expect(region["endColumn"]?.intValue == 10, "the region covers `acquire`")
        let related = result["relatedLocations"]?.arrayValue ?? []
        #expect(related.contains { $0["physicalLocation"]?["region"]?["startLine"]?.intValue == mutexLine }, "the invariant is related")
        let artifact = try #require(result["locations"]?.arrayValue.first?["physicalLocation"]?["artifactLocation"])
        #expect(artifact["uri"]?.stringValue == "failing.yaml")
        #expect(artifact["uriBaseId"]?.stringValue == "%SRCROOT%")

        let steps = try #require(result["codeFlows"]?.arrayValue.first?["threadFlows"]?.arrayValue.first?["locations"]?.arrayValue)
        // initial marking, 4 steps, the violation.
        #expect(steps.count == 6)
        func line(_ i: Int) -> Int? { steps[i]["location"]?["physicalLocation"]?["region"]?["startLine"]?.intValue }
        let acquire = try ReportFixtures.line(of: "  acquire:", in: "failing.yaml")
        let expire = try ReportFixtures.line(of: "  expire:", in: "failing.yaml")
        let lease = try ReportFixtures.line(of: "  lease:", in: "failing.yaml")
        #expect(line(1) == acquire)
        #expect(line(2) == lease, "the tick points at the place whose token becomes ready")
        #expect(line(3) == expire)
        #expect(line(4) == acquire)
        #expect(line(5) == culprit)
        let tick = steps[2]["location"]?["message"]?["text"]?.stringValue ?? ""
        #expect(tick.contains("clock advances to 2") && tick.contains("lease: a becomes ready"), "\(tick)")
        let fire = steps[1]["location"]?["message"]?["text"]?.stringValue ?? ""
        #expect(fire.contains("acquire (w = a)") && fire.contains("gives working: a (ready in 3)"), "\(fire)")
        #expect(steps[4]["state"]?["working"]?["text"]?.stringValue == "a@+1, b@+3", "the marking after the step")
        #expect(steps[5]["importance"]?.stringValue == "essential")
        #expect(steps.map { $0["executionOrder"]?.intValue } == [0, 1, 2, 3, 4, 5])
    }

    @Test func aDeadlockPointsAtTheLastTransitionFiredAndAnEvaluationErrorAtTheExpression() throws {
        let document = try sarif(["deadlock.yaml", "erroneous.yaml"])
        let all = results(document)
        let deadlock = try #require(all.first { $0["ruleId"]?.stringValue == "deadlock" })
        #expect(deadlock["locations"]?.arrayValue.first?["physicalLocation"]?["region"]?["startLine"]?.intValue
                == (try ReportFixtures.line(of: "  take_left:", in: "deadlock.yaml")))
        let error = try #require(all.first { $0["ruleId"]?.stringValue == "expression-error" })
        let region = try #require(error["locations"]?.arrayValue.first?["physicalLocation"]?["region"])
        #expect(region["startLine"]?.intValue == (try ReportFixtures.line(of: "3 / n", in: "erroneous.yaml")))
        #expect(error["message"]?["text"]?.stringValue?.contains("division by zero") == true)
        let last = error["codeFlows"]?.arrayValue.first?["threadFlows"]?.arrayValue.first?["locations"]?.arrayValue.last
        #expect(last?["location"]?["message"]?["text"]?.stringValue?.contains("divide (n = 0) fails") == true)
    }

    @Test func rulesCoverEveryKindAndTheDiagnosticCodesThatOccur() throws {
        let document = try sarif(ReportFixtures.all)
        let rules = document["runs"]?.arrayValue.first?["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        let ids = rules.compactMap { $0["id"]?.stringValue }
        #expect(Array(ids.prefix(9)) == ["invariant", "deadlock", "final-reachable", "leads-to", "boundedness", "expected-dead",
                                         "expression-error", "dead-transition", "exploration-bound"])
        #expect(Set(ids).isSuperset(of: ["E0201", "E0403", "W0003"]))
        #expect(Set(ids).count == ids.count)
        for r in results(document) {
            let index = try #require(r["ruleIndex"]?.intValue)
            #expect(ids[index] == r["ruleId"]?.stringValue, "ruleIndex points at the result's rule")
        }
        let e0201 = try #require(results(document).first { $0["ruleId"]?.stringValue == "E0201" })
        #expect(e0201["locations"]?.arrayValue.first?["physicalLocation"]?["region"]?["startLine"]?.intValue == 7)
        #expect(e0201["message"]?["text"]?.stringValue?.contains("did you mean `Proxy`?") == true)
        let kinds = Set(results(document).compactMap { $0["ruleId"]?.stringValue })
        #expect(kinds.isSuperset(of: ["invariant", "deadlock", "expression-error", "dead-transition", "exploration-bound"]))
    }

    @Test func sameInputSameBytesAndNoTimestampsUnlessAsked() throws {
        let reports = try ReportFixtures.reports(ReportFixtures.all)
        let a = SARIFReport().render(reports), b = SARIFReport().render(try ReportFixtures.reports(ReportFixtures.all))
        #expect(a == b)
        #expect(!a.contains("Utc") && !a.contains("elapsed"))
        #expect(SARIFReport(options: ReportOptions(includeTiming: true)).render(reports).contains("elapsedMs"))
    }

    @Test func pathsBecomeRelativeURIsPercentEncoded() throws {
        var report = try ReportFixtures.report("failing.yaml")
        report.path = "./nets/my net ü.yaml"
        let text = SARIFReport().render([report])
        #expect(text.contains("\"uri\": \"nets/my%20net%20%C3%BC.yaml\""))
        let errors = ReportFixtures.sarifSchema.validate(try JSONValue.parse(text))
        #expect(errors.isEmpty, "\(errors)")
        report.path = "/abs/net.yaml"
        #expect(SARIFReport().render([report]).contains("\"uri\": \"file:///abs/net.yaml\""))
    }

    @Test func reviewBaselineStatesAreWritten() throws {
        let report = try ReportFixtures.report("failing.yaml")
        let text = SARIFReport(baselineState: { _, f in f.rule == .invariant ? "new" : "unchanged" }).render([report])
        let all = results(try JSONValue.parse(text))
        #expect(all.first { $0["ruleId"]?.stringValue == "invariant" }?["baselineState"]?.stringValue == "new")
        #expect(all.first { $0["ruleId"]?.stringValue == "dead-transition" }?["baselineState"]?.stringValue == "unchanged")
        #expect(ReportFixtures.sarifSchema.validate(try JSONValue.parse(text)).isEmpty)
    }
}
