import ArgumentParser
import CPNExplore
import CPNReport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The live progress line on a terminal's stderr during long explorations.
enum ProgressLine {
    @Sendable static func print(_ p: ExplorationOptions.Progress) {
        let rate = p.elapsed > 0 ? Int(Double(p.states) / p.elapsed) : 0
        let line = "\r\u{1B}[2K  \(group(p.states)) states, \(group(rate)) states/s, depth \(p.depth), \(p.memoryBytes >> 20) MiB"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}

/// Progress for a log (CI, a file): one self-contained line every `seconds`,
/// in the spirit of TLC's `Progress(...)` lines.
enum ProgressLog {
    static func every(seconds: Double) -> @Sendable (ExplorationOptions.Progress) -> Void {
        let last = LastPrinted()
        return { p in
            guard last.due(p.elapsed, every: seconds) else { return }
            let line = "progress: \(group(p.states)) states, \(group(p.generated)) generated, queue \(group(p.queue)), "
                + "depth \(p.depth), \(group(Int(p.statesPerSecond))) states/s, "
                + "\(p.residentBytes > 0 ? p.residentBytes >> 20 : p.memoryBytes >> 20) MiB, \(Int(p.elapsed)) s\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// When the last line was printed, shared by the explorations of one run.
    private final class LastPrinted: @unchecked Sendable {
        private let lock = NSLock()
        private var at = 0.0
        func due(_ t: Double, every seconds: Double) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            guard t - at >= seconds else { return false }
            at = t
            return true
        }
    }
}

/// Set by Ctrl-C so a long exploration stops cleanly with a partial report;
/// a second Ctrl-C exits at once.
final class InterruptFlag: @unchecked Sendable {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    nonisolated(unsafe) private static var shared: InterruptFlag?

    var isSet: Bool { InterruptFlag.flag != 0 }

    static func install() -> InterruptFlag {
        if let s = shared { return s }
        let s = InterruptFlag()
        shared = s
        signal(SIGINT) { _ in
            if InterruptFlag.flag != 0 { _exit(130) }
            InterruptFlag.flag = 1
        }
        return s
    }
}
