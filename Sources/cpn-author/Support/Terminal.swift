#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation

/// When to color output: `auto` colors a terminal unless `NO_COLOR` is set.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    func enabled(forFileDescriptor fd: Int32) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
            return isatty(fd) == 1
        }
    }
}

/// Standard error as a text stream, for diagnostics and progress.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

/// Exit codes shared by every command; scripts and the PR gate rely on them.
enum ExitStatus {
    static let success: Int32 = 0
    static let violated: Int32 = 1
    static let invalidInput: Int32 = 2
    static let bounded: Int32 = 3
}
