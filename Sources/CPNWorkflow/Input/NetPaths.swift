import CPNDiagnostics
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the paths given to `check` and `verify` into the list of net files to read.
///
/// - A file is used as given, whatever it holds: the loader reports what is wrong.
/// - A directory is searched recursively for net files: `*.yaml`/`*.yml` files with
///   a top-level `cpn:` key, and `*.pnml` files. Hidden files and directories
///   (`.git`, `.build`) are skipped, symbolic links to directories are not followed.
/// - A pattern with `*`, `?` or `[...]` is expanded here, so it works when quoted
///   (`'nets/**/*.yaml'`): `*` matches within one path component, `**` any number
///   of directories. Like a directory, it brings in net files only.
///
/// Results are in argument order, each directory's and pattern's files sorted, and
/// a file named twice is read once.
public enum NetPaths {
    public struct NoMatch: Error, CustomStringConvertible {
        public let description: String
    }

    public static func expand(_ arguments: [String]) throws -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ path: String) {
            if seen.insert(normalized(path)).inserted { out.append(path) }
        }
        for argument in arguments {
            if isPattern(argument) && !FileManager.default.fileExists(atPath: argument) {
                let matches = glob(argument).filter(isNetFile)
                if matches.isEmpty { throw NoMatch(description: "no net files match `\(argument)`") }
                matches.forEach(add)
            } else if isDirectory(argument) {
                let found = netFiles(under: argument)
                if found.isEmpty {
                    throw NoMatch(description: "no net files in \(argument) (a net file is a .yaml/.yml file with a top-level `cpn:` key, or a .pnml file)")
                }
                found.forEach(add)
            } else {
                add(argument)
            }
        }
        return out
    }

    /// `./a/b.yaml` and `a/b.yaml` are the same file.
    public static func normalized(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }

    public static func isPattern(_ s: String) -> Bool { s.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    public static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }

    /// Net files below `directory`, sorted, as `directory/relative/path`.
    public static func netFiles(under directory: String) -> [String] {
        var out: [String] = []
        walk(directory) { path in if isNetFile(path) { out.append(path) } }
        return out.sorted()
    }

    /// Every regular file below `directory` (hidden entries and symlinked directories skipped).
    private static func walk(_ directory: String, _ visit: (String) -> Void) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(path, visit)
            case S_IFREG: visit(path)
            case S_IFLNK where isRegularFile(path): visit(path)
            default: break
            }
        }
    }

    // MARK: - Which files are nets

    /// Only regular files are looked into: a named pipe or a device found by a
    /// directory walk or a pattern is not a net file (reading it could block).
    public static func isNetFile(_ path: String) -> Bool {
        let lower = path.lowercased()
        guard isRegularFile(path) else { return false }
        if lower.hasSuffix(".pnml") { return true }
        guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") else { return false }
        // The loader refuses files above 8 MiB anyway; a file that large is not read here.
        guard case .success(let contents) = InputFile.read(path, limit: 8 << 20) else { return false }
        return hasTopLevelCPNKey(String(decoding: contents.data, as: UTF8.self))
    }

    /// A regular file, or a link to one.
    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// Whether a YAML text has `cpn:` as a key of its top-level mapping: a line
    /// that starts, at column 1, with `cpn:` (or the key quoted). Other YAML files
    /// (workflows, configuration) do not have it.
    public static func hasTopLevelCPNKey(_ text: String) -> Bool {
        for var line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            for key in ["cpn", "\"cpn\"", "'cpn'"] where line.hasPrefix(key) {
                let rest = line.dropFirst(key.count).drop { $0 == " " }
                if rest.hasPrefix(":") { return true }
            }
        }
        return false
    }

    // MARK: - Patterns

    /// The files matching a pattern, sorted. `**` as a whole component matches
    /// zero or more directories; other components match with fnmatch(3), so `*`
    /// and `?` do not match `/` or a leading dot.
    public static func glob(_ pattern: String) -> [String] {
        let absolute = pattern.hasPrefix("/")
        let components = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var results: Set<String> = []
        func join(_ base: String, _ name: String) -> String {
            base.isEmpty ? name : (base == "/" ? "/" + name : base + "/" + name)
        }
        func match(_ base: String, _ index: Int) {
            if index == components.count {
                if !isDirectory(base.isEmpty ? "." : base) { results.insert(base) }
                return
            }
            let component = components[index]
            let directory = base.isEmpty ? "." : base
            if component == "**" {
                match(base, index + 1)  // zero directories
                for name in subdirectories(of: directory) { matchDeep(join(base, name), index) }
                return
            }
            if !isPattern(component) {
                let next = join(base, component)
                if FileManager.default.fileExists(atPath: next.isEmpty ? "." : next) { match(next, index + 1) }
                return
            }
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
            for name in names where fnmatch(component, name, FNM_PERIOD) == 0 {
                match(join(base, name), index + 1)
            }
        }
        func matchDeep(_ base: String, _ starIndex: Int) {
            match(base, starIndex + 1)
            for name in subdirectories(of: base) { matchDeep(join(base, name), starIndex) }
        }
        match(absolute ? "/" : "", 0)
        return results.sorted()
    }

    /// Visible subdirectories, not through symbolic links (no cycles).
    private static func subdirectories(of directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { name in
            guard !name.hasPrefix(".") else { return false }
            var info = stat()
            let path = directory == "/" ? "/" + name : directory + "/" + name
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
        }
    }
}
