import CPNDiagnostics

/// Text about to reach a terminal, with only the controls cpn-author itself writes.
public enum TerminalText {
    /// The select-graphic-rendition parameters of the colors cpn-author paints
    /// with (bold, red, green, yellow, blue, reset). Other sequences, which could
    /// move the cursor, clear the screen or hide text, are escaped.
    public static let ownColors: Set<String> = ["0", "1", "1;31", "1;32", "1;33", "1;34"]

    /// `text` with every unsafe character (`VisibleText.isUnsafe`) escaped except
    /// line breaks, tabs and the escape sequences of `ownColors`.
    public static func inert(_ text: String) -> String {
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
