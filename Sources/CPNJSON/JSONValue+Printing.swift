import CPNDiagnostics

extension JSONValue {
    /// Compact JSON on one line (event logs, request bodies, handler input).
    public var rendered: String {
        var out = ""
        write(to: &out, indent: nil)
        return out
    }

    /// Indented JSON, two spaces a level, no final newline (reports, files people open).
    public var pretty: String {
        var out = ""
        write(to: &out, indent: "")
        return out
    }

    /// `indent` nil: compact.
    private func write(to out: inout String, indent: String?) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        // JSON has no NaN or infinity.
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): Self.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            let inner = indent.map { $0 + "  " }
            out += inner == nil ? "[" : "[\n"
            for (i, item) in items.enumerated() {
                if let inner { out += inner }
                item.write(to: &out, indent: inner)
                if i + 1 < items.count { out += "," }
                if inner != nil { out += "\n" }
            }
            out += (indent ?? "") + "]"
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            let inner = indent.map { $0 + "  " }
            out += inner == nil ? "{" : "{\n"
            for (i, (key, value)) in members.enumerated() {
                if let inner { out += inner }
                Self.quote(key, into: &out)
                out += inner == nil ? ":" : ": "
                value.write(to: &out, indent: inner)
                if i + 1 < members.count { out += "," }
                if inner != nil { out += "\n" }
            }
            out += (indent ?? "") + "}"
        }
    }

    /// RFC 8259 string escaping: quote, backslash and control characters, and
    /// also DEL, C1 and the bidi and other invisible format characters
    /// (`VisibleText.isUnsafe`, all in the BMP), which a viewer would act on;
    /// everything else, non-ASCII included, is written as UTF-8.
    public static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || VisibleText.isUnsafe(scalar):
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
