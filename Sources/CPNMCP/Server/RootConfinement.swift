import Foundation

/// The directories a client lets the server touch (its MCP roots, else the
/// working directory), and the check that every path a tool reads or writes
/// resolves inside one of them: symbolic links and `..` are resolved first, so
/// `roots/../../etc/passwd` and a link pointing out are both refused.
public struct RootConfinement: Sendable, Equatable {
    /// Canonical absolute directories, no trailing slash.
    public let roots: [String]
    /// Where a relative path starts: the working directory when it lies in a root, else the first root.
    public let base: String?
    /// Where the roots came from, for messages: "the client's roots" or "the working directory".
    public let origin: String

    public init(roots: [String], workingDirectory: String, origin: String) {
        let canonical = roots.compactMap(Self.canonical)
        self.roots = canonical
        let cwd = Self.canonical(workingDirectory)
        self.base = cwd.flatMap { c in canonical.contains { Self.contains($0, c) } ? c : nil } ?? canonical.first
        self.origin = origin
    }

    /// Roots from `file://` URIs; any other scheme is ignored (MCP roots are file URIs).
    public init(rootURIs: [String], workingDirectory: String) {
        let paths = rootURIs.compactMap { uri -> String? in
            guard let url = URL(string: uri), url.isFileURL else { return nil }
            return url.path
        }
        self.init(roots: paths, workingDirectory: workingDirectory, origin: "the client's roots")
    }

    /// The canonical path of an existing file to read, inside a root.
    public func readable(_ path: String) throws(PathRefusal) -> String {
        let absolute = try self.absolute(path)
        guard let resolved = Self.canonical(absolute) else { throw PathRefusal("\(path): no such file or directory") }
        try inside(resolved, asGiven: path)
        return resolved
    }

    /// The path to write `path` at: its directory must exist and lie inside a
    /// root, and the file itself must not be a link (the atomic write would
    /// replace the link, but a link in a root to a file elsewhere says the
    /// user meant that file).
    public func writable(_ path: String) throws(PathRefusal) -> String {
        let absolute = try self.absolute(path)
        let url = URL(fileURLWithPath: absolute)
        let name = url.lastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else { throw PathRefusal("\(path): not a file name to write") }
        guard let directory = Self.canonical(url.deletingLastPathComponent().path) else {
            throw PathRefusal("\(path): its directory does not exist")
        }
        try inside(directory, asGiven: path)
        let target = directory == "/" ? "/" + name : directory + "/" + name
        var info = stat()
        if lstat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            throw PathRefusal("\(path) is a symbolic link; write to the file it names instead")
        }
        return target
    }

    private func absolute(_ path: String) throws(PathRefusal) -> String {
        guard !path.isEmpty else { throw PathRefusal("the path is empty") }
        guard !path.utf8.contains(0) else { throw PathRefusal("the path contains a NUL byte") }
        if path.hasPrefix("/") { return path }
        guard let base else { throw PathRefusal("\(path): no roots to resolve a relative path in (\(origin) are empty)") }
        return base + "/" + path
    }

    private func inside(_ resolved: String, asGiven path: String) throws(PathRefusal) {
        guard roots.contains(where: { Self.contains($0, resolved) }) else {
            let list = roots.isEmpty ? "none" : roots.joined(separator: ", ")
            throw PathRefusal("\(path) is outside \(origin) (\(list)); pass the net inline as `net`, or add its directory to the roots")
        }
    }

    static func contains(_ root: String, _ path: String) -> Bool {
        path == root || root == "/" || path.hasPrefix(root + "/")
    }

    /// realpath(3): absolute, links and `..` resolved; nil when it does not exist.
    static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A path a tool may not use, and why.
public struct PathRefusal: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
