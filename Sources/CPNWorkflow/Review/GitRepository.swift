import Foundation

/// The few git operations `review` needs, run through the `git` executable: the
/// repository root, revisions, the files changed since a base, and a file's text
/// at a revision. Paths in and out are relative to the repository root.
public struct GitRepository: Sendable {
    public let root: String
    /// Where git runs and pathspecs are relative to (nil: the current directory).
    public let directory: String?

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The repository containing `directory` (default: the current directory).
    public static func current(in directory: String? = nil) throws -> GitRepository {
        let result = try run(["rev-parse", "--show-toplevel"], in: directory)
        guard result.status == 0, let root = result.text.split(separator: "\n").first.map(String.init) else {
            throw Failure(description: "not a git repository (or git is not installed): `review` compares revisions; run it inside a clone")
        }
        return GitRepository(root: root, directory: directory)
    }

    /// The full hash of a commit, or nil when `ref` names none.
    public func commit(_ ref: String) throws -> String? {
        let r = try git(["rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"])
        return r.status == 0 ? r.text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    public func abbreviated(_ commit: String) throws -> String {
        let r = try git(["rev-parse", "--short", commit])
        return r.status == 0 ? r.text.trimmingCharacters(in: .whitespacesAndNewlines) : String(commit.prefix(7))
    }

    public func mergeBase(_ a: String, _ b: String) throws -> String? {
        let r = try git(["merge-base", a, b])
        return r.status == 0 ? r.text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The files in the given paths where the working tree differs from HEAD
    /// (changed, deleted or new and not ignored), relative to the repository root.
    public func locallyChangedFiles(_ pathspecs: [String]) throws -> [String] {
        let r = try git(["-c", "core.quotepath=off", "diff", "--name-only", "-z", "--no-ext-diff", "HEAD", "--"] + pathspecs)
        let changed = r.text.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)
        return changed + (try untracked(pathspecs))
    }

    public struct Change {
        public enum Status { case added, deleted, modified, renamed }
        public var status: Status
        public var path: String
        public var oldPath: String?
    }

    /// Files that differ between `base` and the working tree, renames detected,
    /// plus untracked files (not ignored): what a reviewer of the working tree sees.
    public func changes(since base: String, pathspecs: [String]) throws -> [Change] {
        let r = try git(["-c", "core.quotepath=off", "diff", "--name-status", "-z", "--find-renames", "--no-ext-diff", base, "--"] + pathspecs)
        guard r.status == 0 else { throw Failure(description: "git diff failed: \(r.error.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var fields = r.text.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)[...]
        var out: [Change] = []
        while let status = fields.popFirst() {
            guard let first = fields.popFirst() else { break }
            switch status.first {
            case "A": out.append(Change(status: .added, path: first))
            case "D": out.append(Change(status: .deleted, path: first))
            case "R":
                guard let second = fields.popFirst() else { break }
                out.append(Change(status: .renamed, path: second, oldPath: first))
            case "C":
                // A copy leaves the original in place: the copy is a new file.
                guard let second = fields.popFirst() else { break }
                out.append(Change(status: .added, path: second))
            default: out.append(Change(status: .modified, path: first))  // M, T (type change)
            }
        }
        for path in try untracked(pathspecs) where !out.contains(where: { $0.path == path }) {
            out.append(Change(status: .added, path: path))
        }
        return out.sorted { $0.path < $1.path }
    }

    public func untracked(_ pathspecs: [String]) throws -> [String] {
        let r = try git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--"] + pathspecs)
        return r.text.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)
    }

    /// The bytes of `path` at `commit`, or nil when it does not exist there.
    public func contents(of path: String, at commit: String) throws -> Data? {
        let r = try Self.runData(["-C", root, "show", "\(commit):\(path)"], in: nil)
        return r.status == 0 ? r.data : nil
    }

    // MARK: - Running git

    private func git(_ arguments: [String]) throws -> (status: Int32, text: String, error: String) {
        try Self.run(arguments, in: directory)
    }

    /// Pathspecs are relative to the working directory, which is why git runs
    /// there; `--full-name` and `diff` report paths relative to the root anyway.
    private static func run(_ arguments: [String], in directory: String?) throws -> (status: Int32, text: String, error: String) {
        let r = try runData(arguments, in: directory)
        return (r.status, String(decoding: r.data, as: UTF8.self), r.error)
    }

    private static func runData(_ arguments: [String], in directory: String?) throws -> (status: Int32, data: Data, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(description: "cannot run git: \(error.localizedDescription)")
        }
        // Drain standard output before waiting, so a large file from `git show` cannot
        // block git on a full pipe; git's messages on standard error are a few lines.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errorData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data, String(decoding: errorData, as: UTF8.self))
    }
}
