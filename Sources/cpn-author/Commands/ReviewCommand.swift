import ArgumentParser
import CPNDiagnostics
import CPNExplore
import CPNLoad
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

    @Option(help: ArgumentHelp("Report format: text, json, markdown, sarif, github. Repeatable, or a comma list.",
                               valueName: "format"))
    var format: [String] = []

    @Option(name: [.customShort("o"), .long],
            help: ArgumentHelp("Write the report of the --format just before to FILE (atomically), or FORMAT=FILE.",
                               valueName: "file"))
    var output: [String] = []

    @Option(parsing: .unconditional, help: "Stop each exploration after this many states.")
    var maxStates: Int = 5_000_000

    @Option(parsing: .unconditional, help: "Do not explore beyond this depth.")
    var maxDepth: Int?

    @Option(parsing: .unconditional, help: "Stop each exploration after this many seconds.")
    var timeLimit: Double?

    @Option(help: "Color the text output: auto, always or never.")
    var color: ColorChoice = .auto

    static let formats: [OutputFormat] = [.text, .json, .markdown, .sarif, .github]

    func validate() throws {
        guard maxStates >= 1 else { throw ValidationError("--max-states must be at least 1") }
        if let d = maxDepth, d < 0 { throw ValidationError("--max-depth cannot be negative") }
        if let t = timeLimit, !(t > 0) { throw ValidationError("--time-limit must be a positive number of seconds") }
        _ = try ReportTargets(formats: format, outputs: output, allowed: Self.formats)
    }

    func run() throws {
        let targets = try ReportTargets(formats: format, outputs: output, allowed: Self.formats)
        let review: ReviewReport
        do { review = try makeReview() } catch let e as GitRepository.Failure { throw ValidationFailure(e.description) }

        let options = ReportOptions(command: "review", toolVersion: CPNAuthorVersion.string, exitCode: review.exitCode)
        let heads = review.reviews.compactMap(\.head)
        let strict = self.strict
        let stdout = try targets.writeFiles { format in
            switch format {
            case .text: ReviewTextReport(useColor: targets.stdoutFormat == .text && color.enabled(forFileDescriptor: STDOUT_FILENO)).render(review)
            case .json: ReviewJSONReport().render(review)
            case .markdown: ReviewMarkdownReport().render(review)
            case .sarif: SARIFReport(options: options, baselineState: { review.baselineState($0, $1) }).render(heads)
            case .github: GitHubAnnotations(options: options, level: { report, finding in
                    strict || finding.level != .error || review.baselineState(report, finding) == "new" ? finding.level : .warning
                }).render(heads)
            case .junit: ""  // not offered by `review` (see `formats`)
            }
        }
        if let stdout { print(stdout, terminator: "") }
        if targets.stdoutFormat != .text {
            var err = StandardError()
            print(review.summaryLine, to: &err)
        }
        if review.exitCode != 0 { throw ExitCode(review.exitCode) }
    }

    // MARK: - Building the review

    private func makeReview() throws -> ReviewReport {
        let repo = try GitRepository.current()
        let (baseRef, baseCommit) = try resolveBase(repo)
        for p in paths where !FileManager.default.fileExists(atPath: p) {
            // A path gone from the working tree may be a deleted net: fine if git knows it at the base.
            let known = try repo.changes(since: baseCommit, pathspecs: [p])
            if known.isEmpty { throw ValidationFailure("\(p): no such file or directory, here or at \(baseRef)") }
        }
        let changes = try repo.changes(since: baseCommit, pathspecs: paths).filter { Self.isYAML($0.path) || $0.oldPath.map(Self.isYAML) == true }

        // Read both versions; keep the files that are nets in either.
        struct Candidate: Sendable {
            var change: NetReview.FileChange
            var path: String
            var basePath: String?
            var headData: Data?
            var baseData: Data?
        }
        var candidates: [Candidate] = []
        for c in changes {
            let basePath = c.oldPath ?? c.path
            // A changed path can be a link to /dev/zero or a FIFO: read it as any input, bounded and without blocking.
            let head = c.status == .deleted ? nil : try? InputFile.read(repo.root + "/" + c.path, limit: SourceReader.maximumBytes + 1).get().data
            let base = c.status == .added ? nil : try repo.contents(of: basePath, at: baseCommit)
            let isNet = [head, base].contains { data in data.map { NetPaths.hasTopLevelCPNKey(String(decoding: $0, as: UTF8.self)) } ?? false }
            guard isNet else { continue }
            let change: NetReview.FileChange = switch c.status {
            case .added: .added
            case .deleted: .deleted
            case .modified: .modified
            case .renamed: .renamed
            }
            candidates.append(Candidate(change: change, path: c.path, basePath: c.oldPath, headData: head, baseData: base))
        }

        // Verify every version present, all in parallel.
        var exploration = ExplorationOptions()
        exploration.maxStates = maxStates
        exploration.maxDepth = maxDepth
        exploration.timeLimit = timeLimit
        let interrupt = InterruptFlag.install()
        exploration.isCancelled = { interrupt.isSet }
        let explorationOptions = exploration
        struct Job: Sendable { var data: Data; var path: String }
        var jobs: [Job] = []
        var slots: [(base: Int?, head: Int?)] = []
        for c in candidates {
            var slot: (base: Int?, head: Int?) = (nil, nil)
            if let data = c.baseData { slot.base = jobs.count; jobs.append(Job(data: data, path: c.basePath ?? c.path)) }
            if let data = c.headData { slot.head = jobs.count; jobs.append(Job(data: data, path: c.path)) }
            slots.append(slot)
        }
        let reports = OrderedParallelMap.run(jobs, work: { job in
            Self.verify(job.data, path: job.path, options: explorationOptions)
        }, deliver: { _, _ in })
        let reviews = zip(candidates, slots).map { c, slot in
            NetReview(path: c.path, basePath: c.basePath, fileChange: c.change,
                      base: slot.base.map { reports[$0] }, head: slot.head.map { reports[$0] })
        }
        return ReviewReport(baseRef: baseRef, baseCommit: try repo.abbreviated(baseCommit), reviews: reviews, strict: strict)
    }

    /// The base revision: --base, else the merge base with the main branch, else
    /// HEAD~1 (see the command's discussion).
    private func resolveBase(_ repo: GitRepository) throws -> (String, String) {
        if let base {
            guard let commit = try repo.commit(base) else {
                throw ValidationFailure("unknown revision `\(base)` (for a pull request, fetch the base branch first: git fetch origin main)")
            }
            return (base, commit)
        }
        guard let head = try repo.commit("HEAD") else {
            throw ValidationFailure("the repository has no commit yet: nothing to review against")
        }
        for branch in ["origin/main", "main", "origin/master", "master"] {
            guard try repo.commit(branch) != nil, let mergeBase = try repo.mergeBase("HEAD", branch) else { continue }
            // Only uncommitted YAML counts: a database or a build product left in the
            // tree must not change what is reviewed.
            let local = try repo.locallyChangedFiles(paths).contains(where: Self.isYAML)
            if mergeBase != head || local { return ("merge-base(HEAD, \(branch))", mergeBase) }
            break
        }
        guard let previous = try repo.commit("HEAD~1") else {
            throw ValidationFailure("no base revision: HEAD is the first commit (there is no HEAD~1) and no main branch differs from it; pass --base REF")
        }
        return ("HEAD~1", previous)
    }

    static func isYAML(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    /// Loads one version of a net from its bytes (shown under `path`) and explores it when valid.
    static func verify(_ data: Data, path: String, options: ExplorationOptions) -> NetReport {
        let loaded: LoadResult
        if data.count > SourceReader.maximumBytes {
            loaded = .failure(path: path, source: nil, diagnostics: [Diagnostic(
                .fileTooLarge, "\(path) is larger than \(SourceReader.maximumBytes >> 20) MiB; net files are limited to that",
                at: SourceSpan(file: path, line: 1, column: 1))])
        } else {
            switch SourceReader.decode(data, path: path) {
            case .failure(let d): loaded = .failure(path: path, source: nil, diagnostics: [d])
            case .success(let source): loaded = NetLoader.load(source)
            }
        }
        guard let net = loaded.checked else { return NetReport(loaded: loaded, result: nil) }
        return NetReport(loaded: loaded, result: Explorer(net: net, options: options).run(file: path))
    }
}
