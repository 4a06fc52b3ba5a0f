/// A position in a source file. Lines and columns start at 1; columns count
/// Unicode scalars, as libyaml does, so marks from the YAML parser and offsets
/// inside expression strings agree.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// A region of one line of a file: where a diagnostic points its caret.
///
/// Spans never cross lines: a diagnostic underlines the first line of what it
/// talks about, which is what a reader needs to find it.
public struct SourceSpan: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var start: SourceLocation
    /// Width of the underline in columns, at least 1.
    public var length: Int

    public init(file: String, start: SourceLocation, length: Int = 1) {
        self.file = file
        self.start = start
        self.length = max(1, length)
    }

    public init(file: String, line: Int, column: Int, length: Int = 1) {
        self.init(file: file, start: SourceLocation(line: line, column: column), length: length)
    }

    public var description: String { "\(file):\(start.line):\(start.column)" }
}
