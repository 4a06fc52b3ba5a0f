import CPNDiagnostics

/// The text of one expression and where each of its characters sits in the
/// net file, so a caret inside `"t.attempt < MAX"` lands on the right column
/// of the YAML line even though the parser only sees the string.
public struct ExpressionSource: Sendable {
    public let text: String
    public let file: String
    /// Location of each Unicode scalar of `text`, plus one past the end.
    let positions: [SourceLocation]

    public init(text: String, file: String, positions: [SourceLocation]) {
        self.text = text
        self.file = file
        let count = text.unicodeScalars.count
        if positions.count >= count + 1 {
            self.positions = Array(positions.prefix(count + 1))
        } else {
            // Pad with the last known location so every offset has one.
            let last = positions.last ?? SourceLocation(line: 1, column: 1)
            self.positions = positions + Array(repeating: last, count: count + 1 - positions.count)
        }
    }

    /// Text that starts at `start` and stays on one line (a plain or
    /// single-line quoted scalar, or a string made up for a test).
    public init(text: String, file: String = "<expr>", start: SourceLocation = .init(line: 1, column: 1)) {
        let count = text.unicodeScalars.count
        let positions = (0...count).map { SourceLocation(line: start.line, column: start.column + $0) }
        self.init(text: text, file: file, positions: positions)
    }

    /// The span of `length` scalars at scalar `offset`, cut to one line.
    public func span(offset: Int, length: Int) -> SourceSpan {
        let o = max(0, min(offset, positions.count - 1))
        let start = positions[o]
        let endOffset = max(o, min(o + max(length, 1) - 1, positions.count - 1))
        let end = positions[endOffset]
        let width = end.line == start.line ? end.column - start.column + 1 : 1
        return SourceSpan(file: file, start: start, length: max(1, width))
    }
}
