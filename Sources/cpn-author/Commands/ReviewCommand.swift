import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNWorkflow
import CPNReport
import Foundation

/// `cpn-author review`: the pull-request gate. Verifies every net a change
/// touches, in its base and its new version, and reports what the change did.
///
/// ```
/// $ cpn-author review --base origin/main
/// review against origin/main (1a2b3c4): 1 net changed
///
/// nets/lease.yaml (modified, net `lease`)
///   structure: 1 changed
///     ~ transition expire
///         guard removed (was `w == a`)
///   NEW FAILURE    invariant mutex
///   holds          deadlock
///   ...
/// verdict: NEW FAILURE: invariant mutex in nets/lease.yaml
/// ```
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Verify the nets changed since a base revision and report what the change broke or fixed.",
        discussion: """
            Finds the net files that differ between the base revision and the working tree \
            (committed or not; untracked files count as added), verifies the base version \
            (from `git show BASE:path`) and the new one, and reports per net the structural \
            diff (colors, constants, places, transitions, guards, arcs, invariants, final) and \
            each property: new failure, fixed, still failing, added, removed. Whether the net \
            passes `check` counts as a property, so a change that breaks the YAML is a new failure.

            Net files: .yaml/.yml files with a top-level `cpn:` key (in either version); other \
            YAML (workflows, configuration) is ignored. PATHS limit the search (git pathspecs).

            Base: --base REF; by default the merge base of HEAD with origin/main (else main, \
            origin/master, master). When that is HEAD itself (you are on main) and nothing is \
            uncommitted, HEAD~1: the last commit is reviewed. With no such branch, HEAD~1.

            \(ReportTargets.help) Formats here: text, json, markdown, sarif, github. In SARIF, \
            each result of a new version has a baselineState (new or unchanged); GitHub \
            annotations are errors for new failures and warnings for failures that were there before.

            JSON: {version, base: {ref, commit}, strict, exit_code, new_failures, fixed, \
            still_failing, nets: [{path, base_path?, change, net, base_outcome, head_outcome, \
            structure: [{kind, element, name, details, line}], properties: [{name, kind, base, \
            head, verdict, trace?}], newly_dead_transitions, diagnostics}]}; traces have the \
            shape of specs/report.schema.json's $defs/trace.

            Exit codes: 1 a change introduces a failure (with --strict: any net it touches fails \
            anything); 0 otherwise; 2 not a git repository, an unknown base, or a bad option.
            """
    )

    @Argument(help: "Limit the review to these paths (files or directories; default: the whole repository).")
    var paths: [String] = []

    @Option(help: "The base revision (default: merge base with origin/main or main, see below).")
    var base: String?

    @Flag(help: "Fail (exit 1) on any failure in a changed net, not only on new ones.")
    var strict = false

    @OptionGroup(title: "Exploration limits")
    var limits: ExplorationLimitOptions

    @OptionGroup(title: "Reports")
    var report: ReportOutputOptions<ReviewFormats>

    /// `review` has no JUnit: its unit is a change, not a test suite.
    enum ReviewFormats: ReportFormatSet {
        static let formats: [OutputFormat] = [.text, .json, .markdown, .sarif, .github]
    }

    func run() throws {
        let targets = try report.targets()
        var options = ExplorationOptions()
        limits.apply(to: &options)
        let builder = ReviewBuilder(base: base, paths: paths, strict: strict, options: options)
        let review: ReviewReport
        do { review = try builder.build(in: GitRepository.current()) } catch let e as GitRepository.Failure { throw ValidationFailure(e.description) }

        let reportOptions = ReportOptions(command: "review", toolVersion: CPNAuthorVersion.string, exitCode: review.exitCode)
        let heads = review.reviews.compactMap(\.head)
        let strict = self.strict
        let color = targets.stdoutFormat == .text && report.color.enabled(forFileDescriptor: STDOUT_FILENO)
        let stdout = try targets.writeFiles { format, _ in
            switch format {
            case .text: ReviewTextReport(useColor: color).render(review)
            case .json: ReviewJSONReport().render(review)
            case .markdown: ReviewMarkdownReport().render(review)
            case .sarif: SARIFReport(options: reportOptions, baselineState: { review.baselineState($0, $1) }).render(heads)
            case .github: GitHubAnnotations(options: reportOptions, level: { report, finding in
                    strict || finding.level != .error || review.baselineState(report, finding) == "new" ? finding.level : .warning
                }).render(heads)
            case .junit: ""  // not offered by `review` (see `ReviewFormats`)
            }
        }
        if let stdout { print(stdout, terminator: "") }
        if targets.stdoutFormat != .text {
            var err = StandardError()
            print(review.summaryLine, to: &err)
        }
        if review.exitCode != ExitStatus.success { throw ExitCode(review.exitCode) }
    }
}
