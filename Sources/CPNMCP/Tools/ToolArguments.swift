import CPNJSON

/// A tool's arguments as the client sent them, read with the checks the input
/// schema states. A wrong argument is the caller's mistake, answered with a
/// tool error (`isError`) that says which argument and what it should be, so a
/// model can correct its call.
struct ToolArguments: Sendable {
    let tool: String
    let values: [String: JSONValue]
    /// The argument names the tool declares; any other is refused.
    let known: Set<String>

    init(tool: String, values: [String: JSONValue], known: Set<String>) throws(ToolMisuse) {
        self.tool = tool
        self.values = values
        self.known = known
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            let hint = known.isEmpty ? "it takes no arguments" : "it takes " + known.sorted().map { "`\($0)`" }.joined(separator: ", ")
            throw ToolMisuse("`\(tool)` has no argument `\(unknown)`; \(hint)")
        }
    }

    func has(_ name: String) -> Bool { values[name].map { !$0.isNull } ?? false }

    func string(_ name: String) throws(ToolMisuse) -> String? {
        guard let v = values[name], !v.isNull else { return nil }
        guard let s = v.string else { throw wrongType(name, "a string") }
        return s
    }

    func requiredString(_ name: String) throws(ToolMisuse) -> String {
        guard let s = try string(name) else { throw ToolMisuse("`\(tool)` needs the argument `\(name)`") }
        return s
    }

    func bool(_ name: String, default value: Bool = false) throws(ToolMisuse) -> Bool {
        guard let v = values[name], !v.isNull else { return value }
        guard let b = v.bool else { throw wrongType(name, "true or false") }
        return b
    }

    /// A whole number in `range`; a double with no fraction counts (JSON has one number type).
    func int(_ name: String, default value: Int? = nil, in range: ClosedRange<Int>) throws(ToolMisuse) -> Int? {
        guard let v = values[name], !v.isNull else { return value }
        guard case .int = v, let i = v.int else {
            if let d = v.double, d == d.rounded(), abs(d) < 9e15 { return try checked(name, Int(d), range) }
            throw wrongType(name, "a whole number between \(range.lowerBound) and \(range.upperBound)")
        }
        return try checked(name, i, range)
    }

    func oneOf(_ name: String, _ choices: [String], default value: String) throws(ToolMisuse) -> String {
        guard let s = try string(name) else { return value }
        guard choices.contains(s) else {
            throw ToolMisuse("`\(name)` must be one of \(choices.map { "`\($0)`" }.joined(separator: ", ")), not `\(s.prefix(80))`")
        }
        return s
    }

    private func checked(_ name: String, _ i: Int, _ range: ClosedRange<Int>) throws(ToolMisuse) -> Int {
        guard range.contains(i) else { throw ToolMisuse("`\(name)` must be between \(range.lowerBound) and \(range.upperBound), not \(i)") }
        return i
    }

    private func wrongType(_ name: String, _ expected: String) -> ToolMisuse {
        ToolMisuse("`\(name)` must be \(expected), not \(Self.describe(values[name]!))")
    }

    static func describe(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// The caller used a tool wrongly: an unknown argument, a wrong type, a path
/// outside the roots. Returned as a tool result with `isError: true`.
struct ToolMisuse: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
