import CPNReport
import Foundation

/// JUnit XML: one test case per log case (a failure when a token was missing
/// or remained), one for the fitness bound and one per invariant, escaped with
/// `JUnitReport`'s XML escaping.
public struct ConformanceJUnitReport {
    public var maximumCases: Int

    public init(maximumCases: Int = 10_000) { self.maximumCases = maximumCases }

    public func render(_ r: ConformanceResult) -> String {
        typealias X = JUnitReport
        var cases: [(name: String, failure: String?)] = []
        let bound = r.fitness + 1e-12 >= r.minimumFitness
        cases.append(("fitness ≥ \(r.minimumFitness)", bound ? nil : "fitness \(String(format: "%.4f", r.fitness)) < \(r.minimumFitness)"))
        for name in r.invariantsChecked {
            let v = r.invariants.first { $0.name == name }
            cases.append(("invariant \(name)", v.map { "false in case \($0.caseID) after line \($0.line); marking: \($0.marking)" }))
        }
        for c in r.cases.prefix(maximumCases) {
            let fails = c.tokens.missing > 0 || c.tokens.remaining > 0
            var text: String? = nil
            if fails {
                text = "fitness \(String(format: "%.4f", c.tokens.fitness)) (missing \(c.tokens.missing), remaining \(c.tokens.remaining))"
                if let d = c.firstDeviation { text! += "; first deviation at event \(d.index) (line \(d.line)): \(d.message)" }
            }
            cases.append(("case \(c.id)", text))
        }
        let failures = cases.count { $0.failure != nil }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"cpn-author conform\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        out += "  <testsuite name=\"\(X.attribute(r.net)) ~ \(X.attribute(r.log))\" file=\"\(X.attribute(r.log))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        out += "    <properties>\n"
        for (k, v) in [("verdict", r.passed ? "conforms" : "deviates"), ("fitness", String(r.fitness)), ("events", String(r.events))] {
            out += "      <property name=\"\(k)\" value=\"\(X.attribute(v))\"/>\n"
        }
        out += "    </properties>\n"
        for c in cases {
            out += "    <testcase name=\"\(X.attribute(c.name))\" classname=\"conform.\(X.attribute(r.net))\""
            if let f = c.failure {
                out += ">\n      <failure message=\"\(X.attribute(f))\">\(X.text(f))</failure>\n    </testcase>\n"
            } else {
                out += "/>\n"
            }
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }
}
