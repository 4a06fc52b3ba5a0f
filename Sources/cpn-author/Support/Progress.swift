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
