import CPNExplore
import Foundation

/// GitHub Actions workflow commands: one `::error` or `::warning` line per
/// finding, which GitHub shows on the pull request's diff at the net's line.
///
/// ```
/// $ cpn-author verify nets/ --format github
/// ::error file=nets/lease.yaml,line=30,col=3,endColumn=8,title=cpn-author%3A invariant `mutex` violated (lease)::Invariant `mutex` of net `lease` is violated after 4 steps ...
/// ```
///
/// Escaping follows the Actions toolkit: in the message `%`, CR and LF become
/// `%25`, `%0D`, `%0A` (so the whole trace fits on one line and GitHub shows it
/// line by line); in property values `:` and `,` are escaped as well.
public struct GitHubAnnotations: Sendable {
    public var options: ReportOptions
    /// The level each finding is annotated at, nil to leave it out: `review`
    /// shows failures a change did not introduce as warnings.
    public var level: @Sendable (NetReport, Finding) -> Finding.Level?

    public init(options: ReportOptions = ReportOptions(),
                level: @escaping @Sendable (NetReport, Finding) -> Finding.Level? = { $1.level }) {
        self.options = options
        self.level = level
    }

    public func render(_ reports: [NetReport]) -> String {
        var out = ""
        for report in reports {
            for f in Finding.of(report) {
                guard let level = level(report, f) else { continue }
                let command = level == .error ? "error" : (level == .warning ? "warning" : "notice")
                var properties: [(String, String)] = []
                if let r = f.region {
                    properties.append(("file", r.file))
                    properties.append(("line", String(r.line)))
                    properties.append(("col", String(r.column)))
                    if let length = r.length { properties.append(("endColumn", String(r.column + length))) }
                } else {
                    properties.append(("file", report.path))
                }
                properties.append(("title", "cpn-author: \(f.title) (\(report.displayName))"))
                let message = ([f.message] + f.details + (f.property?.trace.map(TraceNarration.lines) ?? []))
                    .joined(separator: "\n")
                out += "::\(command) " + properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
                    + "::" + Self.escapeData(message) + "\n"
            }
        }
        return out
    }

    /// Message text: `%` first, so the escapes themselves are not escaped again.
    public static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Property values: as the message, plus `:` and `,`, which separate properties.
    public static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
