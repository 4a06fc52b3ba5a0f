import CPNLoad
import CPNJSON

/// Writes a net that arrived as JSON (a structured reply) as the YAML the user gets:
/// canonical key order, one line per small thing, a header comment saying where it
/// came from.
///
/// The JSON form of the net format is the YAML format with the same keys (YAML is a
/// superset of JSON), so nothing is translated, only laid out:
///
/// - top-level keys in the order of `specs/net-format.md` (`cpn`, `name`, `description`,
///   `constants`, `colors`, `places`, `transitions`, `invariants`, `leads_to`, `final`),
///   a blank line between sections; a place's keys as `color`, `initial`, `capacity`,
///   `order`, `description`; a transition's as `description`, `in`, `read`, `unless`,
///   `cancel`, `guard`, `out`, `weight`, `priority`, `expect`. Names (places, colors…) keep
///   the model's order, and keys the format does not know stay, after the known ones, so
///   the checker reports them where they are;
/// - a value goes on one line in flow style (`{ color: Worker, initial: [w1, w2] }`) when
///   it fits in 100 columns, otherwise it is a block; a string of several lines (a long
///   invariant, a description) is a literal block (`|`);
/// - a string is plain only when it is a name (`w1`, `Unit`, `one-lock`, `t.domain`) that
///   YAML cannot read as anything else (`yes`, `null`, `true` are quoted); everything else is double-quoted,
///   with control, bidi and invisible format characters escaped, so the file shows what
///   the model sent.
///
/// What the checker says about the result points at lines of this YAML: the text the
/// repair prompt numbers and the file that is written.
///
/// ```swift
/// let yaml = JSONNetYAML.yaml(from: .parse(#"{"places": {"idle": {"color": "Unit", "initial": 2}}, "cpn": 1}"#)!,
///                             header: ["Drafted by cpn-author draft."])
/// // # Drafted by cpn-author draft.
/// // cpn: 1
/// //
/// // places:
/// //   idle: { color: Unit, initial: 2 }
/// ```
public enum JSONNetYAML {
    public static let topLevelOrder = ["cpn", "name", "description", "constants", "colors", "places", "transitions",
                                       "invariants", "leads_to", "final"]
    static let placeOrder = ["color", "initial", "capacity", "order", "description"]
    static let transitionOrder = ["description", "in", "read", "unless", "cancel", "guard", "out", "weight", "priority", "expect"]
    static let tokenOrder = ["token", "count"]
    static let width = 100

    /// The YAML text of `net`, each line of `header` as a `# ` comment first. A value that
    /// is not an object (the model sent an array) is written all the same: the checker
    /// then says what is wrong with it, at line 1.
    public static func yaml(from net: JSONValue, header: [String] = []) -> String {
        var lines = header.map { "# " + commentText($0) }
        guard case .object(let members) = net, !members.isEmpty else {
            lines += block(net, indent: 0, path: [])
            return lines.joined(separator: "\n") + "\n"
        }
        for (index, (key, value)) in ordered(members, by: topLevelOrder).enumerated() {
            // A blank line before each section that spans lines, as the examples are written.
            if index > 0, !isScalar(value) { lines.append("") }
            lines += entry(key: key, value: value, indent: 0, path: [key])
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Layout

    /// `key: value` at `indent`, on one line when it fits, else `key:` and a block.
    static func entry(key: String, value: JSONValue, indent: Int, path: [String]) -> [String] {
        let prefix = String(repeating: " ", count: indent) + plainOrQuoted(key) + ":"
        if case .string(let text) = value, let literal = literalBlock(text, indent: indent + 2) {
            return [prefix + " " + literal[0]] + literal.dropFirst()
        }
        // A large value is never flow: checked first, so that a big reply is not rendered
        // once per level of its nesting.
        guard isScalar(value) || isEmpty(value) || !exceeds(value, width) else {
            return [prefix] + block(value, indent: indent + 2, path: path)
        }
        let inline = flow(value, path: path)
        if isScalar(value) || (prefix.count + 1 + inline.count <= width && !isTopLevelSection(path)) || isEmpty(value) {
            return [prefix + " " + inline]
        }
        return [prefix] + block(value, indent: indent + 2, path: path)
    }

    /// A block rendering of a collection (a scalar on its own line).
    static func block(_ value: JSONValue, indent: Int, path: [String]) -> [String] {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let members) where !members.isEmpty:
            return ordered(members, by: order(at: path)).flatMap { entry(key: $0.0, value: $0.1, indent: indent, path: path + [$0.0]) }
        case .array(let items) where !items.isEmpty:
            return items.flatMap { item -> [String] in
                if isScalar(item) || !exceeds(item, width) {
                    let inline = flow(item, path: path + ["[]"])
                    if pad.count + 2 + inline.count <= width || isScalar(item) { return [pad + "- " + inline] }
                }
                let nested = block(item, indent: indent + 2, path: path + ["[]"])
                // The first line of the nested block moves up beside the dash.
                return [pad + "- " + nested[0].dropFirst(indent + 2)] + nested.dropFirst()
            }
        default:
            return [pad + flow(value, path: path)]
        }
    }

    /// The flow rendering: `{ a: 1, b: [x, y] }`, scalars as `scalar` writes them.
    static func flow(_ value: JSONValue, path: [String]) -> String {
        switch value {
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{ " + ordered(members, by: order(at: path)).map { plainOrQuoted($0.0) + ": " + flow($0.1, path: path + [$0.0]) }
                .joined(separator: ", ") + " }"
        case .array(let items):
            return "[" + items.map { flow($0, path: path + ["[]"]) }.joined(separator: ", ") + "]"
        default:
            return scalar(value)
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let n): String(n)
        case .double(let d): d.isFinite ? String(d) : "null"
        case .string(let s): plainOrQuoted(s)
        case .array, .object: flow(value, path: [])
        }
    }

    /// Key order for the members of the object at `path`.
    static func order(at path: [String]) -> [String] {
        guard path.count >= 2 else { return path.isEmpty ? topLevelOrder : [] }
        let section = path[0]
        // An arc's token list or a token object: `token`, then `count`.
        if path.last == "[]" || (section == "transitions" && path.count == 4) || (section == "places" && path.count == 3 && path[2] == "initial") {
            return tokenOrder
        }
        switch (section, path.count) {
        case ("places", 2): return placeOrder
        case ("transitions", 2): return transitionOrder
        case ("invariants", 2): return ["expr", "description"]
        case ("leads_to", 2): return ["from", "to", "description"]
        default: return []
        }
    }

    /// Known keys first, in `order`; the others after them, as they came.
    static func ordered(_ members: [(String, JSONValue)], by order: [String]) -> [(String, JSONValue)] {
        guard !order.isEmpty else { return members }
        let known = members.filter { order.contains($0.0) }.sorted { order.firstIndex(of: $0.0)! < order.firstIndex(of: $1.0)! }
        return known + members.filter { !order.contains($0.0) }
    }

    /// `colors`, `places`, `transitions`… are always blocks, one name per line.
    static func isTopLevelSection(_ path: [String]) -> Bool { path.count == 1 && !["cpn", "name", "description", "final"].contains(path[0]) }

    /// Whether the flow rendering of `value` is surely longer than `limit`: counts what it
    /// holds (keys, strings in UTF-8 bytes, a few characters per separator) and stops once
    /// past the limit. Bytes overcount non-ASCII text: such a value may go in a block
    /// though it would have fit, which only changes the layout.
    static func exceeds(_ value: JSONValue, _ limit: Int) -> Bool {
        var left = limit
        func visit(_ v: JSONValue) -> Bool {
            switch v {
            case .object(let members):
                for (key, member) in members {
                    left -= key.utf8.count + 4
                    if left < 0 || visit(member) { return true }
                }
            case .array(let items):
                for item in items {
                    left -= 2
                    if left < 0 || visit(item) { return true }
                }
            case .string(let s): left -= s.utf8.count
            default: left -= 1
            }
            return left < 0
        }
        return visit(value)
    }

    static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: false
        default: true
        }
    }

    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        default: false
        }
    }

    // MARK: - Scalars

    /// YAML 1.1 words a plain scalar would turn into a boolean or null.
    static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"]

    /// `s` as a plain scalar when it is an identifier YAML reads as that string, else quoted.
    static func plainOrQuoted(_ s: String) -> String {
        // Letters, digits, `_`, `-`, `.` after a letter or `_`: YAML reads that as a string.
        let isName = s.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && s.allSatisfy { $0 == "_" || $0 == "-" || $0 == "." || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return isName && !reservedWords.contains(s.lowercased()) ? s : quoted(s)
    }

    /// A string of several lines as a literal block (`|` keeps one final line break, `|-`
    /// none), as a person writes a long invariant; nil when a literal block could not say
    /// it exactly (characters to escape, a leading space, several final breaks), which then
    /// goes double-quoted.
    static func literalBlock(_ s: String, indent: Int) -> [String]? {
        guard s.contains("\n"), !s.hasSuffix("\n\n"), let first = s.first, first != " ", first != "\t", first != "\n",
              !s.unicodeScalars.contains(where: { YAMLQuoting.mustEscape($0) && $0 != "\n" && $0 != "\t" }) else { return nil }
        let keepsBreak = s.hasSuffix("\n")
        let body = keepsBreak ? String(s.dropLast()) : s
        let pad = String(repeating: " ", count: indent)
        return [keepsBreak ? "|" : "|-"] + body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
    }

    static func quoted(_ s: String) -> String { YAMLQuoting.doubleQuoted(s) }

    /// A header line cannot break out of its comment nor hide anything.
    static func commentText(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0 == "\n" || $0 == "\r" || YAMLQuoting.mustEscape($0) ? " " : $0 }))
    }
}
