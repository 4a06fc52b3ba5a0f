#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGTERM as a service manager sends it (`systemctl stop`, `docker stop`,
/// Kubernetes): a request to stop soon, not now. Once installed, the first
/// SIGTERM only sets a flag that the workers read between transactions
/// (`Runner.run`'s `isCancelled`), so each finishes the transaction it is in
/// and the rest is left in the store for the next run; a second SIGTERM ends
/// the process at once (exit 143), as a second Ctrl-C does.
///
/// ```swift
/// let term = TerminationSignal.install()
/// let report = Runner.run(workers: 4, goal: .final, isCancelled: { term.isSet }) { ... }
/// if term.isSet { exit(TerminationSignal.exitStatus) }
/// ```
public final class TerminationSignal: @unchecked Sendable {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var shared: TerminationSignal?

    /// 128 + SIGTERM, what a shell reports for a process SIGTERM ended.
    public static let exitStatus: Int32 = 128 + SIGTERM

    public var isSet: Bool { TerminationSignal.flag != 0 }

    public static func install() -> TerminationSignal {
        if let s = shared { return s }
        let s = TerminationSignal()
        shared = s
        signal(SIGTERM) { _ in
            if TerminationSignal.flag != 0 { _exit(TerminationSignal.exitStatus) }
            TerminationSignal.flag = 1
        }
        // A parent may have left SIGTERM blocked (a mask is inherited through exec): unblock it
        // here, on the thread that starts the workers, whose threads inherit this mask.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        return s
    }
}
