#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CPNDiagnostics
import Foundation
import CPNWorkflow

/// Standard error as a text stream, for diagnostics and progress.
///
/// Messages quote paths, names and values from untrusted inputs, so what is
/// written is made inert on the way out (`TerminalText.inert`): line breaks
/// and tabs stay, cpn-author's own colors stay, every other control and bidi
/// character is written as an escape. A write error is ignored: there is no
/// other place left to report it.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(TerminalText.inert(string).utf8))
    }
}
