import CPNDiagnostics
import CPNExpressions

/// Maps each character of a scalar's value back to the file, so columns
/// inside an expression string point at the right place in the YAML.
///
/// A plain scalar on one line is the value itself. A quoted scalar is decoded
/// again from the raw text (escapes, `''`, folded line breaks), remembering
/// where each value character came from. Block and multi-line plain scalars
/// are walked forward in step with the value, each value character matched to
/// the next raw character equal to it.
enum ScalarPositions {
    static func expressionSource(for scalar: YAMLScalar, in source: SourceFile) -> ExpressionSource {
        let text = scalar.string
        let start = scalar.span.start
        if scalar.style == .plain, !text.contains("\n"), rawMatches(text, at: start, in: source) {
            return ExpressionSource(text: text, file: source.path, start: start)
        }
        if scalar.style == .singleQuoted || scalar.style == .doubleQuoted,
           let positions = QuotedScalarReader(source: source, double: scalar.style == .doubleQuoted)
               .positions(openingAt: start, expecting: text) {
            return ExpressionSource(text: text, file: source.path, positions: positions)
        }
        return ExpressionSource(text: text, file: source.path, positions: followRaw(scalar, in: source).map { clamp($0, in: source) })
    }

    /// Keeps a walked position on a real line and column: an empty block
    /// scalar at the end of the file would otherwise start on a line after it.
    private static func clamp(_ location: SourceLocation, in source: SourceFile) -> SourceLocation {
        let line = min(max(1, location.line), source.lines.count)
        let width = source.line(line)?.unicodeScalars.count ?? 0
        return SourceLocation(line: line, column: min(max(1, location.column), width + 1))
    }

    /// Matches value characters to raw characters in order. A line break in
    /// the value matches the end of the current raw line (before this, the
    /// search for a "\n" that raw lines never contain ran past the block and
    /// put every later caret on the wrong line).
    private static func followRaw(_ scalar: YAMLScalar, in source: SourceFile) -> [SourceLocation] {
        let start = scalar.span.start
        var line = start.line, column = start.column
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: column += 1
        case .literal, .folded: line += 1; column = 1
        case .plain: break
        }
        var positions: [SourceLocation] = []
        var rawLine = source.line(line).map { Array($0.unicodeScalars) } ?? []
        func nextLine() -> Bool {
            guard line < source.lines.count else { return false }
            line += 1
            column = 1
            rawLine = source.line(line).map { Array($0.unicodeScalars) } ?? []
            return true
        }
        for c in scalar.string.unicodeScalars {
            if c == "\n" {
                positions.append(SourceLocation(line: line, column: max(column, rawLine.count + 1)))
                _ = nextLine()
                continue
            }
            var found = false
            var budget = 400  // never scan far: a mismatch falls back to the last position
            while budget > 0 {
                if column - 1 < rawLine.count {
                    if rawLine[column - 1] == c {
                        found = true
                        break
                    }
                    column += 1
                } else if !nextLine() {
                    break
                }
                budget -= 1
            }
            if found {
                positions.append(SourceLocation(line: line, column: column))
                column += 1
            } else {
                positions.append(positions.last ?? start)
            }
        }
        positions.append(SourceLocation(line: line, column: column))
        return positions
    }

    private static func rawMatches(_ text: String, at start: SourceLocation, in source: SourceFile) -> Bool {
        guard let line = source.line(start.line), start.column >= 1 else { return false }
        let raw = line.unicodeScalars.dropFirst(start.column - 1)
        return raw.starts(with: text.unicodeScalars)
    }
}

/// Decodes a single- or double-quoted YAML scalar from the raw file text, as
/// libyaml does, and records the file position of every value character: an
/// escape (`\t`, `\u006A`, `''`) maps to where it starts. Before this, value
/// characters were matched to equal raw characters, so an escape threw every
/// later caret off (a tab looked for a raw tab that is not there).
///
/// Returns nil when its decoding disagrees with the parser's value; the
/// caller then falls back to the approximate walk.
private struct QuotedScalarReader {
    let source: SourceFile
    let double: Bool

    func positions(openingAt start: SourceLocation, expecting text: String) -> [SourceLocation]? {
        var lineNumber = start.line
        guard let first = source.line(lineNumber) else { return nil }
        var line = Array(first.unicodeScalars)
        var i = start.column - 1
        let quote: Unicode.Scalar = double ? "\"" : "'"
        guard i >= 0, i < line.count, line[i] == quote else { return nil }
        i += 1
        var value: [Unicode.Scalar] = []
        var positions: [SourceLocation] = []
        // Raw spaces and tabs not yet followed by content on their line: YAML
        // drops them if the line ends first.
        var pending: [(Unicode.Scalar, SourceLocation)] = []
        var joinNextLine = false
        func here(_ index: Int) -> SourceLocation { SourceLocation(line: lineNumber, column: index + 1) }
        func keepPending() {
            for (w, at) in pending {
                value.append(w)
                positions.append(at)
            }
            pending.removeAll()
        }
        func emit(_ c: Unicode.Scalar, at location: SourceLocation) {
            keepPending()
            value.append(c)
            positions.append(location)
        }
        while true {
            if i >= line.count {
                // A line break inside the quotes folds to a space; each empty
                // line after it is a "\n" instead; an escaped break (`\` at the
                // end of the line) adds no space.
                if !joinNextLine { pending.removeAll() }
                var breaks = 0
                repeat {
                    lineNumber += 1
                    guard let next = source.line(lineNumber) else { return nil }
                    line = Array(next.unicodeScalars)
                    i = 0
                    while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
                    breaks += 1
                } while i >= line.count
                let at = here(i)
                if breaks == 1 {
                    if !joinNextLine { emit(" ", at: at) }
                } else {
                    for _ in 1..<breaks { emit("\n", at: at) }
                }
                joinNextLine = false
                continue
            }
            let c = line[i]
            if c == quote {
                if !double, i + 1 < line.count, line[i + 1] == "'" {
                    emit("'", at: here(i))
                    i += 2
                    continue
                }
                keepPending()  // whitespace before the closing quote is content
                break
            }
            if c == " " || c == "\t" {
                pending.append((c, here(i)))
                i += 1
                continue
            }
            if double, c == "\\" {
                guard i + 1 < line.count else {
                    keepPending()  // whitespace before an escaped line break is content
                    joinNextLine = true
                    i += 1
                    continue
                }
                guard let (decoded, width) = escape(line, after: i) else { return nil }
                emit(decoded, at: here(i))
                i += 1 + width
                continue
            }
            emit(c, at: here(i))
            i += 1
        }
        guard String(String.UnicodeScalarView(value)) == text else { return nil }
        positions.append(here(i))
        return positions
    }

    /// The character an escape stands for and how many raw characters follow the `\`.
    private func escape(_ line: [Unicode.Scalar], after backslash: Int) -> (Unicode.Scalar, Int)? {
        let e = line[backslash + 1]
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\u{0}", "a": "\u{7}", "b": "\u{8}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{B}",
            "f": "\u{C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let s = simple[e] { return (s, 1) }
        let digits = e == "x" ? 2 : e == "u" ? 4 : e == "U" ? 8 : 0
        guard digits > 0, backslash + 1 + digits < line.count else { return nil }
        let hex = String(String.UnicodeScalarView(line[(backslash + 2)...(backslash + 1 + digits)]))
        guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else { return nil }
        return (scalar, 1 + digits)
    }
}
