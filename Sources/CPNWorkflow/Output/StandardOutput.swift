// `stdout` is a C global that Swift 6 sees as shared mutable state; it is only
// touched from the main thread, at the end of a command or inside `tokens take`.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
import Foundation

/// Standard output, checked. `print` writes into the C library's buffer and
/// never says when the bytes could not be written (a full disk, `/dev/full`,
/// a closed descriptor), so a report could vanish with exit 0. Every command
/// ends with `finish()`, and a command whose output must be written before it
/// commits something (`tokens take`) calls `flush()` first.
///
/// ```
/// $ cpn-author check examples/polite-scraper/net.yaml > /dev/full
/// error: cannot write standard output: No space left on device
/// $ echo $?
/// 2
/// ```
public enum StandardOutput {
    /// Set once a failure was reported: the command has failed, and the bytes
    /// still buffered are not reported a second time at exit.
    nonisolated(unsafe) private static var failureReported = false

    /// Writes out what `print` buffered; throws if that, or any write before it, failed.
    public static func flush() throws {
        if fflush(stdout) != 0 {
            let reason = String(cString: strerror(errno))
            clearerr(stdout)
            failureReported = true
            throw WriteFailure("cannot write standard output: \(reason)")
        }
        if ferror(stdout) != 0 {
            // An earlier write failed when the buffer filled up; its errno is still the last one set.
            let reason = errno != 0 ? String(cString: strerror(errno)) : "a write failed"
            clearerr(stdout)
            failureReported = true
            throw WriteFailure("cannot write standard output: \(reason)")
        }
    }

    /// `flush()`, then, for a file, closes the descriptor, which reports what
    /// some file systems can tell only at close (NFS, quotas). Called once, as
    /// the process ends.
    public static func finish() throws {
        if failureReported { return }
        try flush()
        var info = stat()
        guard fstat(STDOUT_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        if close(STDOUT_FILENO) != 0 && errno != EINTR {
            throw WriteFailure("cannot write standard output: \(String(cString: strerror(errno)))")
        }
    }

    /// Bytes for standard output (`-o -`), through the same buffer as `print`.
    public static func write(_ data: Data) throws {
        guard !data.isEmpty else { return }
        let written = data.withUnsafeBytes { fwrite($0.baseAddress, 1, data.count, stdout) }
        guard written == data.count else {
            let reason = String(cString: strerror(errno))
            clearerr(stdout)
            throw WriteFailure("cannot write standard output: \(reason)")
        }
    }
}

/// Output that could not be written: the command fails (exit 2) with this message.
public struct WriteFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
