#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import CPNDiagnostics
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

/// Text about to reach a terminal, with only the controls cpn-author itself writes.
enum TerminalText {
    /// The select-graphic-rendition parameters of the colors cpn-author paints
    /// with (bold, red, green, yellow, blue, reset). Other sequences, which could
    /// move the cursor, clear the screen or hide text, are escaped.
    static let ownColors: Set<String> = ["0", "1", "1;31", "1;32", "1;33", "1;34"]

    /// `text` with every unsafe character (`VisibleText.isUnsafe`) escaped except
    /// line breaks, tabs and the escape sequences of `ownColors`.
    static func inert(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { VisibleText.isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\u{1B}", let end = colorSequenceEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if c == "\n" || c == "\t" || !VisibleText.isUnsafe(c) {
                out.append(c)
            } else {
                out.append(contentsOf: (c == "\r" ? "\\r" : VisibleText.escape(c)).unicodeScalars)
            }
            i += 1
        }
        return String(out)
    }

    /// The index of the `m` that ends one of `ownColors` starting at `start` (an ESC).
    private static func colorSequenceEnd(_ s: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < s.count, s[start + 1] == "[" else { return nil }
        var parameters = ""
        var i = start + 2
        while i < s.count, i < start + 10 {
            if s[i] == "m" { return ownColors.contains(parameters) ? i : nil }
            parameters.unicodeScalars.append(s[i])
            i += 1
        }
        return nil
    }
}

/// Exit codes shared by every command; scripts and the PR gate rely on them.
enum ExitStatus {
    static let success: Int32 = 0
    static let violated: Int32 = 1
    static let invalidInput: Int32 = 2
    static let bounded: Int32 = 3
}
