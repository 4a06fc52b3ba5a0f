import CPNDiagnostics

/// A lexical pass over an XML document that finds where each start tag
/// begins, in document order, and whether the document has a DTD.
///
/// Foundation's `XMLParser` reports the position where it *is* (after a start
/// tag, in bytes on Linux), not where an element starts; diagnostics should
/// point at the `<` of the element, in the Unicode-scalar columns every other
/// diagnostic uses. Start tags come to the parser's delegate in document order,
/// so the n-th `didStartElement` is the n-th start tag found here.
///
/// A DTD is refused before parsing: its entities can expand into text
/// (libxml2 without entity substitution silently drops text after an entity
/// reference), and a net file has no use for one.
struct XMLMarkupScan {
    /// Where each start tag's `<` is, and the tag name's length.
    var startTags: [SourceSpan] = []
    /// The `<!DOCTYPE` declaration, if the document has one.
    var doctype: SourceSpan?

    init(text: String, path: String) {
        let scalars = Array(text.unicodeScalars)
        var line = 1, column = 1
        var i = 0
        func advance(_ n: Int = 1) {
            for _ in 0..<n where i < scalars.count {
                if scalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
                i += 1
            }
        }
        func starts(with s: String) -> Bool {
            var j = i
            for c in s.unicodeScalars {
                guard j < scalars.count, scalars[j] == c else { return false }
                j += 1
            }
            return true
        }
        /// Moves past the first occurrence of `end` (or to the end of the text).
        func skip(past end: String) {
            while i < scalars.count, !starts(with: end) { advance() }
            advance(end.unicodeScalars.count)
        }
        while i < scalars.count {
            guard scalars[i] == "<" else { advance(); continue }
            if starts(with: "<!--") {
                skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                skip(past: "]]>")
            } else if starts(with: "<?") {
                skip(past: "?>")
            } else if starts(with: "<!DOCTYPE") {
                if doctype == nil { doctype = SourceSpan(file: path, line: line, column: column, length: 9) }
                // An internal subset may hold `>` inside brackets; the parse is refused anyway.
                skip(past: ">")
            } else if starts(with: "</") || starts(with: "<!") {
                skip(past: ">")
            } else {
                let start = (line, column)
                advance()
                var nameLength = 0
                while i < scalars.count, !Self.endsName(scalars[i]) { nameLength += 1; advance() }
                startTags.append(SourceSpan(file: path, line: start.0, column: start.1, length: nameLength + 1))
                // To the closing `>`, over quoted attribute values (which may hold `>`, never `<`).
                var quote: Unicode.Scalar?
                while i < scalars.count {
                    let c = scalars[i]
                    if let q = quote {
                        if c == q { quote = nil }
                    } else if c == "\"" || c == "'" {
                        quote = c
                    } else if c == ">" || c == "<" {
                        break
                    }
                    advance()
                }
                if i < scalars.count, scalars[i] == ">" { advance() }
            }
        }
    }

    private static func endsName(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c == ">" || c == "/" || c == "<"
    }
}
