/// Renders diagnostics as text in the style of rustc: header, location arrow,
/// the quoted source line with a caret under the span, then notes and help.
///
/// Long lines are cut to a window around the caret (generated YAML can put a
/// whole net on one line, and libyaml quotes whole lines in its messages), so
/// a diagnostic never prints more than about `maxLineWidth` columns of source.
public struct DiagnosticRenderer: Sendable {
    public var useColor: Bool
    public var maxLineWidth: Int

    public init(useColor: Bool = false, maxLineWidth: Int = 100) {
        self.useColor = useColor
        self.maxLineWidth = max(20, maxLineWidth)
    }

    public func render(_ diagnostic: Diagnostic, source: (String) -> SourceFile?) -> String {
        var out = ""
        let label = diagnostic.severity.rawValue
        let header = "\(label)[\(diagnostic.code)]"
        out += paint(header, diagnostic.severity == .error ? .red : .yellow) + paint(": \(shorten(diagnostic.message))", .bold) + "\n"
        let gutterWidth = String(maxLine(diagnostic)).count
        let pad = String(repeating: " ", count: gutterWidth)
        if let span = diagnostic.span {
            out += excerpt(span, severity: diagnostic.severity, label: nil, source: source, pad: pad, gutterWidth: gutterWidth)
        }
        for note in diagnostic.notes {
            if let span = note.span {
                out += "\(pad) \(paint("=", .blue)) note: \(shorten(note.message))\n"
                out += excerpt(span, severity: nil, label: nil, source: source, pad: pad, gutterWidth: gutterWidth)
            } else {
                out += "\(pad) \(paint("=", .blue)) note: \(shorten(note.message))\n"
            }
        }
        if let help = diagnostic.help {
            out += "\(pad) \(paint("=", .blue)) \(paint("help", .bold)): \(shorten(help))\n"
        }
        return out
    }

    /// All diagnostics, in reading order, separated by blank lines.
    public func render(_ diagnostics: [Diagnostic], source: (String) -> SourceFile?) -> String {
        diagnostics.map { render($0, source: source) }.joined(separator: "\n")
    }

    private func maxLine(_ d: Diagnostic) -> Int {
        ([d.span?.start.line] + d.notes.map { $0.span?.start.line }).compactMap { $0 }.max() ?? 1
    }

    private func excerpt(_ span: SourceSpan, severity: Severity?, label: String?,
                         source: (String) -> SourceFile?, pad: String, gutterWidth: Int) -> String {
        var out = "\(pad)\(paint("-->", .blue)) \(VisibleText.escaped(span.file)):\(span.start.line):\(span.start.column)\n"
        guard let file = source(span.file), let line = file.line(span.start.line) else { return out }
        let scalars = Array(line.unicodeScalars.map(Self.visible))
        let caretStart = max(0, min(span.start.column - 1, scalars.count))
        let caretLength = max(1, min(span.length, max(1, scalars.count - caretStart)))
        // Cut a window around the caret when the line is too long to read.
        var lo = 0, hi = scalars.count
        if scalars.count > maxLineWidth {
            let context = maxLineWidth / 2
            lo = max(0, min(caretStart - context / 2, scalars.count - maxLineWidth))
            hi = min(scalars.count, lo + maxLineWidth)
        }
        let prefix = lo > 0 ? "…" : ""
        let suffix = hi < scalars.count ? "…" : ""
        let shown = prefix + String(scalars[lo..<hi]) + suffix
        let caretColumn = caretStart - lo + prefix.count
        let visibleLength = max(1, min(caretLength, hi - caretStart))
        let number = String(span.start.line)
        let numberPadded = String(repeating: " ", count: gutterWidth - number.count) + number
        out += "\(pad) \(paint("|", .blue))\n"
        out += "\(paint(numberPadded, .blue)) \(paint("|", .blue)) \(shown)\n"
        let caret = String(repeating: " ", count: max(0, caretColumn)) + String(repeating: "^", count: visibleLength)
        let color: Paint = severity == .error ? .red : severity == .warning ? .yellow : .blue
        out += "\(pad) \(paint("|", .blue)) \(paint(caret, color))\(label.map { " " + $0 } ?? "")\n"
        return out
    }

    /// One visible character per source scalar, so carets stay aligned: a tab
    /// as a space, other control characters as their Unicode pictures (`␀`),
    /// bidi controls and other invisible format characters as `�`, never raw
    /// (a NUL or an escape sequence would garble the terminal, a U+202E would
    /// reorder the line).
    static func visible(_ c: Unicode.Scalar) -> Character {
        switch c.value {
        case 0x09: return " "
        case 0x00..<0x20: return Character(Unicode.Scalar(0x2400 + c.value)!)
        case 0x7F: return "\u{2421}"
        case _ where VisibleText.isUnsafe(c): return "\u{FFFD}"
        default: return Character(c)
        }
    }

    /// Messages quote names from the file, which can be a megabyte long in a
    /// generated or hostile file: a quoted name longer than 60 characters (any
    /// other stretch longer than 300) keeps its two ends, and control
    /// characters are made visible.
    func shorten(_ text: String) -> String {
        var out = ""
        for (index, part) in text.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out += "`" }
            let scalars = Array(part.unicodeScalars)
            let quoted = index % 2 == 1
            let keep = quoted ? 28 : 140
            if scalars.count > 2 * keep + 4 {
                out += String(scalars.prefix(keep).map(Self.visible)) + "…" + String(scalars.suffix(keep).map(Self.visible))
            } else {
                out += String(scalars.map { $0 == "\n" ? " " : Self.visible($0) })
            }
        }
        return out
    }

    private enum Paint: String {
        case red = "\u{1B}[1;31m", yellow = "\u{1B}[1;33m", blue = "\u{1B}[1;34m", bold = "\u{1B}[1m"
    }

    private func paint(_ text: String, _ paint: Paint) -> String {
        useColor ? paint.rawValue + text + "\u{1B}[0m" : text
    }
}
