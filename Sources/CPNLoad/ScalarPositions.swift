import CPNDiagnostics
import CPNExpressions

/// Maps each character of a scalar's value back to the file, so columns
/// inside an expression string point at the right place in the YAML.
///
/// A plain scalar on one line is the value itself. Quoted and block scalars
/// differ from their value (quotes, escapes, folded line breaks): for those
/// the raw text is walked forward in step with the value, each value
/// character matched to the next raw character equal to it.
enum ScalarPositions {
    static func expressionSource(for scalar: YAMLScalar, in source: SourceFile) -> ExpressionSource {
        let text = scalar.string
        let start = scalar.span.start
        if scalar.style == .plain, !text.contains("\n"), rawMatches(text, at: start, in: source) {
            return ExpressionSource(text: text, file: source.path, start: start)
        }
        var line = start.line, column = start.column
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: column += 1
        case .literal, .folded: line += 1; column = 1
        case .plain: break
        }
        var positions: [SourceLocation] = []
        var rawLine = source.line(line).map { Array($0.unicodeScalars) } ?? []
        for c in text.unicodeScalars {
            var found = false
            var budget = 400  // never scan far: a mismatch falls back to the last position
            while budget > 0 {
                if column - 1 < rawLine.count {
                    if rawLine[column - 1] == c {
                        found = true
                        break
                    }
                    column += 1
                } else {
                    guard line < source.lines.count else { break }
                    line += 1
                    column = 1
                    rawLine = source.line(line).map { Array($0.unicodeScalars) } ?? []
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
        return ExpressionSource(text: text, file: source.path, positions: positions)
    }

    private static func rawMatches(_ text: String, at start: SourceLocation, in source: SourceFile) -> Bool {
        guard let line = source.line(start.line) else { return false }
        let raw = line.unicodeScalars.dropFirst(start.column - 1)
        return raw.starts(with: text.unicodeScalars)
    }
}
