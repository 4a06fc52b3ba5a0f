/// The text of an input file, split into lines once, so diagnostics can quote
/// the line they point at.
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    public let lines: [Substring]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        // Split on the scalar "\n" and drop a trailing "\r", so CRLF files quote
        // cleanly. Not `text.split(separator: "\n")`: that splits Characters, and
        // "\r\n" is one Character, so a CRLF file came out as a single line and
        // every diagnostic in it lost its excerpt and its expression columns.
        var lines: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            if scalars[index] == "\n" {
                lines.append(Self.line(scalars[start..<index]))
                start = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        lines.append(Self.line(scalars[start..<scalars.endIndex]))
        self.lines = lines
    }

    private static func line(_ scalars: Substring.UnicodeScalarView) -> Substring {
        Substring(scalars.last == "\r" ? scalars.dropLast() : scalars)
    }

    /// The 1-based line `number`, or nil when it lies outside the file.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1, number <= lines.count else { return nil }
        return lines[number - 1]
    }
}
