import Foundation

/// A parsed JSON document that keeps what schema validation needs and
/// `JSONSerialization` blurs on Linux: booleans apart from numbers, integers
/// apart from other numbers.
indirect enum JSONValue: Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double, isInteger: Bool)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> JSONValue {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        parser.skipSpace()
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.scalars.count else { throw ParseError(description: "text after the JSON value at \(parser.index)") }
        return value
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): String(b)
        case .number(let d, let i): i ? String(Int(d)) : String(d)
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!)" }.joined(separator: ", ") + "}"
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var arrayValue: [JSONValue] { if case .array(let a) = self { a } else { [] } }
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    var intValue: Int? { if case .number(let d, true) = self { Int(d) } else { nil } }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func skipSpace() {
            while index < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[index]) { index += 1 }
        }

        mutating func expect(_ s: String) throws {
            for c in s.unicodeScalars {
                guard index < scalars.count, scalars[index] == c else { throw ParseError(description: "expected `\(s)` at \(index)") }
                index += 1
            }
        }

        mutating func value() throws -> JSONValue {
            guard index < scalars.count else { throw ParseError(description: "unexpected end of JSON") }
            switch scalars[index] {
            case "{":
                index += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if index < scalars.count, scalars[index] == "}" { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    guard case .string(let key) = try value() else { throw ParseError(description: "object key is not a string at \(index)") }
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    guard members[key] == nil else { throw ParseError(description: "duplicate key `\(key)`") }
                    members[key] = try value()
                    skipSpace()
                    if index < scalars.count, scalars[index] == "," { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            case "[":
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if index < scalars.count, scalars[index] == "]" { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value())
                    skipSpace()
                    if index < scalars.count, scalars[index] == "," { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case "\"":
                index += 1
                var out = String.UnicodeScalarView()
                while true {
                    guard index < scalars.count else { throw ParseError(description: "unterminated string") }
                    let c = scalars[index]
                    index += 1
                    if c == "\"" { return .string(String(out)) }
                    if c.value < 0x20 { throw ParseError(description: "raw control character in a string at \(index)") }
                    guard c == "\\" else { out.append(c); continue }
                    guard index < scalars.count else { throw ParseError(description: "unterminated escape") }
                    let e = scalars[index]
                    index += 1
                    switch e {
                    case "\"": out.append("\"")
                    case "\\": out.append("\\")
                    case "/": out.append("/")
                    case "b": out.append("\u{08}")
                    case "f": out.append("\u{0C}")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    case "t": out.append("\t")
                    case "u":
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code) {
                            try expect("\\u")
                            let low = try hex4()
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw ParseError(description: "bad \\u escape") }
                        out.append(scalar)
                    default: throw ParseError(description: "bad escape \\\(e)")
                    }
                }
            case "t": try expect("true"); return .bool(true)
            case "f": try expect("false"); return .bool(false)
            case "n": try expect("null"); return .null
            default:
                let start = index
                while index < scalars.count, "-+.eE0123456789".unicodeScalars.contains(scalars[index]) { index += 1 }
                let text = String(String.UnicodeScalarView(scalars[start..<index]))
                guard let d = Double(text), !text.isEmpty else { throw ParseError(description: "bad number `\(text)` at \(start)") }
                return .number(d, isInteger: !text.contains(".") && !text.contains("e") && !text.contains("E"))
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= scalars.count, let v = UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16) else {
                throw ParseError(description: "bad \\u escape at \(index)")
            }
            index += 4
            return v
        }
    }
}
