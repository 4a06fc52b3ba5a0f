#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPNDiagnostics
import Foundation

/// Writes a command's output file (`-o`, `--output`, `--trace-out`, `--report`,
/// the net `draft` and `revise` write) so that readers see the old content or
/// the new, never half of it, and so that nothing but that file is written.
///
/// What is at the path decides how (SECURITY.md, "Output files"):
///
/// - nothing, or a regular file: the content goes to a new temporary file in
///   the same directory, created exclusively under an unpredictable name
///   (`mkstemp`: a link planted there in advance is never followed), synced,
///   then renamed over the path. A file that was there keeps its permission
///   bits and its owner and group (refused if they cannot be kept).
/// - a character device or a FIFO (`/dev/null`, a named pipe, `/dev/stdout`
///   on a terminal or pipe): the content is written into it as a stream; the
///   node stays what it is. A FIFO without a reader is an error (no hang).
/// - a symbolic link to anything else: refused, so that a link planted at the
///   output path cannot redirect the write; name the target itself.
/// - a directory, a block device, a socket: refused.
/// - `-`: standard output.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        if path == "-" {
            try StandardOutput.write(data)
            return
        }
        guard !path.isEmpty else { throw ValidationFailure("cannot write a file with an empty name") }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else { throw failure(path, errno) }
            try replace(path, with: data, keeping: nil)
            return
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            try replace(path, with: data, keeping: info)
        case S_IFCHR, S_IFIFO:
            try stream(data, to: path, followLink: false)
        case S_IFLNK:
            var target = stat()
            let kind = stat(path, &target) == 0 ? target.st_mode & S_IFMT : 0
            if kind == S_IFCHR || kind == S_IFIFO {
                try stream(data, to: path, followLink: true)
            } else {
                let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " (to \($0))" } ?? ""
                throw ValidationFailure("not writing \(shown(path)): it is a symbolic link\(destination); cpn-author does not write through links "
                    + "to files, so that a planted link cannot redirect its output. Give the target's own path"
                    + (path.hasPrefix("/dev/") || path.hasPrefix("/proc/") ? ", or - for standard output" : ""))
            }
        case S_IFDIR:
            throw ValidationFailure("cannot write \(shown(path)): it is a directory")
        default:
            throw ValidationFailure("not writing \(shown(path)): it is \(kindName(info.st_mode)), not a file; give a file name, or - for standard output")
        }
    }

    /// A new file under a temporary name in `path`'s directory, renamed over `path`.
    private static func replace(_ path: String, with data: Data, keeping old: stat?) throws {
        let url = URL(fileURLWithPath: path)
        let directory = (path as NSString).deletingLastPathComponent
        var template = Array(((directory.isEmpty ? "." : directory) + "/." + url.lastPathComponent + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw ValidationFailure("cannot write \(shown(path)): no temporary file can be made beside it (\(String(cString: strerror(errno))))")
        }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var closed = false
        func abandon(_ error: Int32, _ doing: String = "cannot write") -> ValidationFailure {
            if !closed { close(fd) }
            unlink(temporary)
            return failure(path, error, doing: doing)
        }
        if let old {
            // Keep who owns it (revise in place of another user's file, as root), then its mode.
            if old.st_uid != geteuid() || old.st_gid != getegid() {
                if fchown(fd, old.st_uid, old.st_gid) != 0 {
                    let e = errno
                    _ = abandon(e)
                    throw ValidationFailure("not writing \(shown(path)): its owner and group (\(old.st_uid):\(old.st_gid)) could not be kept "
                        + "(\(String(cString: strerror(e)))); write to another file")
                }
            }
            if fchmod(fd, old.st_mode & 0o777) != 0 { throw abandon(errno) }
        } else {
            // mkstemp makes 0600; a new output file gets what the umask gives any new file.
            let mask = umask(0)
            umask(mask)
            if fchmod(fd, 0o666 & ~mask) != 0 { throw abandon(errno) }
        }
        if let error = writeAll(data, to: fd) { throw abandon(error) }
        if fsync(fd) != 0 && errno != EINVAL { throw abandon(errno) }
        closed = true
        if close(fd) != 0 && errno != EINTR { throw abandon(errno) }
        if rename(temporary, path) != 0 { throw abandon(errno) }
        // The rename itself reaches the disk with the directory.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// Into a FIFO or a character device, as a shell's `>` would (no truncation, no new
    /// node). Opened non-blocking, so a FIFO without a reader is an error, not a hang.
    private static func stream(_ data: Data, to path: String, followLink: Bool) throws {
        let fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK | (followLink ? 0 : O_NOFOLLOW))
        guard fd >= 0 else {
            if errno == ENXIO {
                throw ValidationFailure("cannot write \(shown(path)): it is a named pipe (FIFO) with no reader; start the reader first")
            }
            throw failure(path, errno)
        }
        // Non-blocking was for the open; writes wait for the reader as usual.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        var info = stat()
        let kind = fstat(fd, &info) == 0 ? info.st_mode & S_IFMT : 0
        guard kind == S_IFCHR || kind == S_IFIFO else {
            // Replaced by something else between the look and the open.
            close(fd)
            throw ValidationFailure("not writing \(shown(path)): it changed while being opened")
        }
        if let error = writeAll(data, to: fd) {
            close(fd)
            throw failure(path, error)
        }
        if close(fd) != 0 && errno != EINTR { throw failure(path, errno) }
    }

    /// Writes every byte, or returns the `errno` that stopped it.
    private static func writeAll(_ data: Data, to fd: Int32) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
            guard var p = raw.baseAddress else { return nil }
            var left = raw.count
            while left > 0 {
                let n = posixWrite(fd, p, min(left, 1 << 20))
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return errno
                }
                if n == 0 { return EIO }
                p += n
                left -= n
            }
            return nil
        }
    }

    private static func failure(_ path: String, _ error: Int32, doing: String = "cannot write") -> ValidationFailure {
        ValidationFailure("\(doing) \(shown(path)): \(String(cString: strerror(error)))")
    }

    /// A path as messages show it: one line, controls escaped.
    private static func shown(_ path: String) -> String { VisibleText.escaped(path) }

    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }
}

/// write(2), which the `write` methods above hide.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// An error whose message is the whole story (printed as `Error: message`).
public struct ValidationFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
