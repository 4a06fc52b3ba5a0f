import CPNDiagnostics
import CPNExplore

/// JUnit XML, for CI systems that show test results (GitLab, Jenkins, Azure,
/// GitHub test-report actions).
///
/// One `<testsuite>` per net file, one `<testcase>` per property: a violated
/// property is a `<failure>` whose body is the shortest counterexample as the
/// text report prints it; a property left unknown by a bound is `<skipped>`. A
/// net with errors is one failing `check` test case carrying its diagnostics.
/// Dead transitions and warnings go to the suite's `<system-out>`. No `time`
/// attributes unless timings are asked for, so the same nets give the same bytes.
///
/// ```
/// $ cpn-author verify nets/ --format junit --output cpn-junit.xml
/// ```
public struct JUnitReport: Sendable {
    public var options: ReportOptions

    public init(options: ReportOptions = ReportOptions()) { self.options = options }

    struct Case {
        var name: String
        var className: String
        var file: String
        var line: Int?
        /// nil: passed.
        var outcome: Outcome?
        enum Outcome {
            case failure(message: String, type: String, body: String)
            case skipped(message: String)
        }
    }

    public func render(_ reports: [NetReport]) -> String {
        let suites = reports.map { ($0, cases(of: $0)) }
        let all = suites.flatMap(\.1)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"cpn-author \(Self.attribute(options.command))\" tests=\"\(all.count)\""
            + " failures=\"\(all.count(where: Self.isFailure))\" errors=\"0\" skipped=\"\(all.count(where: Self.isSkipped))\""
            + timeAttribute(reports.compactMap(\.result).reduce(0) { $0 + $1.elapsedMs }) + ">\n"
        for (report, cases) in suites {
            out += "  <testsuite name=\"\(Self.attribute(report.displayName))\" file=\"\(Self.attribute(report.path))\""
                + " tests=\"\(cases.count)\" failures=\"\(cases.count(where: Self.isFailure))\" errors=\"0\""
                + " skipped=\"\(cases.count(where: Self.isSkipped))\"" + timeAttribute(report.result?.elapsedMs) + ">\n"
            if let r = report.result {
                out += "    <properties>\n"
                var figures: [(String, String)] = [
                    ("verdict", r.verdict.rawValue), ("complete", String(r.complete)), ("states", String(r.states)),
                    ("edges", String(r.edges)), ("depth", String(r.depth)),
                ]
                if let reason = r.stopReason { figures.append(("stop_reason", reason)) }
                for (name, value) in figures {
                    out += "      <property name=\"\(name)\" value=\"\(Self.attribute(value))\"/>\n"
                }
                out += "    </properties>\n"
            }
            for c in cases {
                out += "    <testcase name=\"\(Self.attribute(c.name))\" classname=\"\(Self.attribute(c.className))\""
                    + " file=\"\(Self.attribute(c.file))\"" + (c.line.map { " line=\"\($0)\"" } ?? "")
                switch c.outcome {
                case nil:
                    out += "/>\n"
                case .failure(let message, let type, let body)?:
                    out += ">\n      <failure message=\"\(Self.attribute(message))\" type=\"\(Self.attribute(type))\">"
                        + Self.text(body) + "</failure>\n    </testcase>\n"
                case .skipped(let message)?:
                    out += ">\n      <skipped message=\"\(Self.attribute(message))\"/>\n    </testcase>\n"
                }
            }
            let notes = systemOut(report)
            if !notes.isEmpty { out += "    <system-out>" + Self.text(notes) + "</system-out>\n" }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    private func cases(of report: NetReport) -> [Case] {
        let className = report.displayName
        if report.isInvalid || report.result == nil {
            let errors = report.diagnostics.filter(\.isError)
            let outcome: Case.Outcome? = errors.isEmpty ? nil : .failure(
                message: "\(errors.count) error\(errors.count == 1 ? "" : "s"); the net was not verified",
                type: Array(Set(errors.map(\.code.rawValue))).sorted().joined(separator: " "),
                body: errors.map(Self.describe).joined(separator: "\n"))
            return [Case(name: "check", className: className, file: report.path,
                         line: errors.first?.span?.start.line, outcome: outcome)]
        }
        let result = report.result!
        let locations = NetLocations(report.net)
        let text = TextReport(showTiming: false)
        return result.properties.map { p in
            let region = locations.region(of: p, in: report.path)
            var outcome: Case.Outcome?
            switch p.status {
            case .holds: outcome = nil
            case .unknown:
                // The same reason the text report gives: a bound, or an evaluation failure.
                outcome = .skipped(message: "unknown: " + (p.undecidedBecause ?? "exploration was incomplete (\(result.stopReason ?? "stopped"))"))
            case .violated:
                let finding = Finding.of(report).first { $0.property?.name == p.name && $0.property?.kind == p.kind }
                var body = (p.message.map { $0 + "\n" } ?? "")
                if let trace = p.trace { body += text.renderTrace(trace, indent: "") }
                outcome = .failure(message: finding?.message ?? "\(TraceNarration.label(p)) is violated",
                                   type: Finding.rule(for: p.kind).rawValue, body: body)
            }
            return Case(name: TraceNarration.label(p), className: className, file: report.path,
                        line: (outcome.map { _ in locations.primaryRegion(of: p, in: report.path) } ?? region)?.line,
                        outcome: outcome)
        }
    }

    private func systemOut(_ report: NetReport) -> String {
        var lines = report.diagnostics.filter { !$0.isError }.map(Self.describe)
        for t in report.result?.deadTransitions ?? [] {
            lines.append("warning: transition `\(t)` can never fire (dead transition)")
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ d: Diagnostic) -> String {
        "\(d.severity.rawValue)[\(d.code.rawValue)]: \(d.message)" + (d.span.map { " (\($0))" } ?? "")
            + (d.help.map { "\n  help: \($0)" } ?? "")
    }

    private func timeAttribute(_ ms: Int?) -> String {
        guard options.includeTiming, let ms else { return "" }
        return " time=\"\(ms / 1000).\(String(ms % 1000).leftPadded(to: 3))\""
    }

    private static func isFailure(_ c: Case) -> Bool { if case .failure? = c.outcome { true } else { false } }
    private static func isSkipped(_ c: Case) -> Bool { if case .skipped? = c.outcome { true } else { false } }

    // MARK: - XML escaping

    /// Text content: `&`, `<`, `>` escaped; characters XML 1.0 cannot hold replaced.
    public static func text(_ s: String) -> String { escape(s, quotes: false) }

    /// Attribute values: also quotes, and line breaks as character references so
    /// parsers keep them.
    public static func attribute(_ s: String) -> String { escape(s, quotes: true) }

    private static func escape(_ s: String, quotes: Bool) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "\n" where quotes: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where quotes: out += "&#9;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            // XML 1.0 allows no other control characters, not even as references.
            case _ where scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
