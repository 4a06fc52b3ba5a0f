/// Writing a string as a YAML scalar that reads back as exactly that string
/// and shows what it holds: the one quoting of everything that writes net
/// files (PNML conversion, JSON replies turned into YAML).
public enum YAMLQuoting {
    /// A YAML double-quoted scalar. YAML refuses control characters in a
    /// scalar; bidi controls and invisible format characters are escaped too,
    /// so that a viewer shows them.
    public static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where mustEscape(c): out += "\\u" + hex(c.value)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Control characters, bidi controls, zero-width and line/paragraph separators, the BOM.
    public static func mustEscape(_ c: Unicode.Scalar) -> Bool {
        c.value < 0x20 || (0x7F...0x9F).contains(c.value) || (0x200B...0x200F).contains(c.value)
            || (0x202A...0x202E).contains(c.value) || (0x2066...0x2069).contains(c.value)
            || c == "\u{2028}" || c == "\u{2029}" || c == "\u{FEFF}"
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
