import CPNDiagnostics
import CPNExplore
import CPNLoad
import CPNReport
import Foundation

/// Builds the pull-request review: finds the net files a change touches,
/// reads their base and new versions, verifies every version in parallel and
/// pairs them (`ReviewReport`). `cpn-author review` is this plus rendering.
public struct ReviewBuilder: Sendable {
    /// The base revision; nil: the merge base with the main branch (see `resolveBase`).
    public var base: String?
    /// Git pathspecs limiting the search (relative to the repository's working directory).
    public var paths: [String]
    /// Any failure of a changed net fails the review, not only new ones.
    public var strict: Bool
    public var options: ExplorationOptions

    public init(base: String? = nil, paths: [String] = [], strict: Bool = false, options: ExplorationOptions = ExplorationOptions()) {
        self.base = base
        self.paths = paths
        self.strict = strict
        self.options = options
    }

    /// The review of the working tree of `repo` against the base.
    /// Throws `GitRepository.Failure` (git itself failed) or `ValidationFailure`
    /// (an unknown base, a path that exists nowhere).
    public func build(in repo: GitRepository) throws -> ReviewReport {
        let (baseRef, baseCommit) = try resolveBase(repo)
        for p in paths where !FileManager.default.fileExists(atPath: resolved(p, in: repo)) {
            // A path gone from the working tree may be a deleted net: fine if git knows it at the base.
            let known = try repo.changes(since: baseCommit, pathspecs: [p])
            if known.isEmpty { throw ValidationFailure("\(p): no such file or directory, here or at \(baseRef)") }
        }
        let candidates = try changedNets(in: repo, since: baseCommit)

        // Verify every version present, all in parallel.
        var sources: [NetSource] = []
        var slots: [(base: Int?, head: Int?)] = []
        for c in candidates {
            var slot: (base: Int?, head: Int?) = (nil, nil)
            if let data = c.baseData { slot.base = sources.count; sources.append(.bytes(data, path: c.basePath ?? c.path)) }
            if let data = c.headData { slot.head = sources.count; sources.append(.bytes(data, path: c.path)) }
            slots.append(slot)
        }
        let reports = Verification.verify(sources, options: options)
        let reviews = zip(candidates, slots).map { c, slot in
            NetReview(path: c.path, basePath: c.basePath, fileChange: c.change,
                      base: slot.base.map { reports[$0] }, head: slot.head.map { reports[$0] })
        }
        return ReviewReport(baseRef: baseRef, baseCommit: try repo.abbreviated(baseCommit), reviews: reviews, strict: strict)
    }

    /// A changed file that is a net in its base version, its new one, or both.
    struct ChangedNet {
        var change: NetReview.FileChange
        var path: String
        var basePath: String?
        var headData: Data?
        var baseData: Data?
    }

    /// The changed YAML files that are nets (a top-level `cpn:` key) in either version, both versions read.
    func changedNets(in repo: GitRepository, since baseCommit: String) throws -> [ChangedNet] {
        let changes = try repo.changes(since: baseCommit, pathspecs: paths)
            .filter { NetInput.isYAML($0.path) || $0.oldPath.map(NetInput.isYAML) == true }
        var out: [ChangedNet] = []
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
            out.append(ChangedNet(change: change, path: c.path, basePath: c.oldPath, headData: head, baseData: base))
        }
        return out
    }

    /// The base revision: `base`, else the merge base with the main branch, else
    /// HEAD~1 (when on main with nothing uncommitted, the last commit is reviewed).
    public func resolveBase(_ repo: GitRepository) throws -> (ref: String, commit: String) {
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
            let local = try repo.locallyChangedFiles(paths).contains(where: NetInput.isYAML)
            if mergeBase != head || local { return ("merge-base(HEAD, \(branch))", mergeBase) }
            break
        }
        guard let previous = try repo.commit("HEAD~1") else {
            throw ValidationFailure("no base revision: HEAD is the first commit (there is no HEAD~1) and no main branch differs from it; pass --base REF")
        }
        return ("HEAD~1", previous)
    }

    /// A pathspec as a file path (relative to where git runs).
    private func resolved(_ path: String, in repo: GitRepository) -> String {
        guard let dir = repo.directory, !path.hasPrefix("/") else { return path }
        return dir + "/" + path
    }
}
