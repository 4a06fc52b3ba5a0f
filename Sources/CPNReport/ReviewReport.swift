import CPNDiagnostics
import CPNExplore

/// The outcome of `cpn-author review`: the base revision and one `NetReview` per
/// changed net, in path order. Rendered as text, JSON, Markdown (the pull-request
/// comment), SARIF (results of the new versions, with `baselineState`) and GitHub
/// annotations.
public struct ReviewReport: Sendable {
    /// The base as named (`origin/main`, or the ref given with --base).
    public var baseRef: String
    /// The base commit's abbreviated hash.
    public var baseCommit: String
    public var reviews: [NetReview]
    /// With --strict, any failure in a new version fails the review.
    public var strict: Bool

    public init(baseRef: String, baseCommit: String, reviews: [NetReview], strict: Bool) {
        self.baseRef = baseRef
        self.baseCommit = baseCommit
        self.reviews = reviews
        self.strict = strict
    }

    public var newFailures: Int { reviews.reduce(0) { $0 + $1.newFailures.count } }
    public var fixed: Int { reviews.reduce(0) { $0 + $1.fixed.count } }
    public var stillFailing: Int { reviews.reduce(0) { $0 + $1.stillFailing.count } }

    /// 1 when a change introduces a failure (with --strict: when any new version
    /// fails anything), 0 otherwise.
    public var exitCode: Int32 {
        reviews.contains(where: \.hasNewFailure) || (strict && reviews.contains(where: \.hasFailure))
            ? ExitStatus.violated : ExitStatus.success
    }

    /// "2 nets changed: 1 new failure, 1 fixed" (counts that are not zero).
    public var summaryLine: String {
        let n = reviews.count
        var parts: [String] = []
        if newFailures > 0 { parts.append("\(newFailures) new failure\(newFailures == 1 ? "" : "s")") }
        if fixed > 0 { parts.append("\(fixed) fixed") }
        if stillFailing > 0 { parts.append("\(stillFailing) still failing") }
        if parts.isEmpty { parts.append(n == 0 ? "nothing to review" : "no failure") }
        return "\(n) net\(n == 1 ? "" : "s") changed since \(baseRef) (\(baseCommit)): " + parts.joined(separator: ", ")
    }

    /// The SARIF baseline state of a finding in a new version: `new` unless the
    /// base version had the same finding.
    public func baselineState(_ report: NetReport, _ finding: Finding) -> String? {
        guard let review = reviews.first(where: { $0.head?.path == report.path }) else { return nil }
        guard let base = review.base else { return "new" }
        let before = Set(Finding.of(base).map { Self.identity($0, path: report.path, basePath: base.path) })
        return before.contains(Self.identity(finding, path: report.path, basePath: report.path)) ? "unchanged" : "new"
    }

    /// A finding's identity across versions: its fingerprint with the file name
    /// normalised, and for diagnostics without the line (lines move).
    private static func identity(_ f: Finding, path: String, basePath: String) -> String {
        if f.rule == .diagnostic { return "\(f.ruleID):\(f.message)" }
        return String(f.fingerprint.dropFirst(basePath.count))
    }
}
