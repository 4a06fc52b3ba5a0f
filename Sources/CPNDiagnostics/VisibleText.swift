/// Text from an untrusted input made safe to show on a terminal, in a log or
/// in a CI page: every character that could act instead of being seen is
/// written as an escape.
///
/// A net, a trace, a store or a model's reply can hold an ANSI escape
/// sequence (which rewrites the terminal, or hides the rest of a line), a
/// carriage return (which overwrites what came before it), a bidi control
/// such as U+202E (which makes `evil.yaml` read as something else, the
/// "Trojan Source" trick), or a line break that starts a fake line of output
/// (a GitHub workflow command, a forged verdict). Messages quote such text;
/// they go through `escaped` first.
///
/// ```swift
/// VisibleText.escaped("a\u{1B}[2J\u{202E}lmay.exe")   // a\u{1B}[2J\u{202E}lmay.exe, in plain characters
/// ```
public enum VisibleText {
    /// `text` with each unsafe scalar (`isUnsafe`) written as `\u{XXXX}`,
    /// and line breaks and tabs as `\n`, `\r`, `\t`: one line of plain text.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 16)
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += escape(scalar)
            }
        }
        return out
    }

    /// `\u{1B}`: the scalar's code in hex (two digits at least), as Swift writes it.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2) + "}"
    }

    /// Control characters (C0, DEL, C1), and the invisible format characters that
    /// change how the text around them is displayed: bidi embeddings, overrides
    /// and isolates, directional marks, zero-width characters, the line and
    /// paragraph separators, the byte-order mark.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C: return true                    // Arabic letter mark
        case 0x180E: return true                    // Mongolian vowel separator
        case 0x200B...0x200F: return true           // zero-width space/joiners, LRM, RLM
        case 0x2028...0x202E: return true           // line/paragraph separators, LRE RLE PDF LRO RLO
        case 0x2060...0x206F: return true           // word joiner, invisible operators, LRI RLI FSI PDI, deprecated format
        case 0xFEFF: return true                    // byte-order mark / zero-width no-break space
        case 0xFFF9...0xFFFB: return true           // interlinear annotation
        default: return false
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
