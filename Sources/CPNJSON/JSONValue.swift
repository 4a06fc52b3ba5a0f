/// A JSON document whose objects keep their keys in the order they were
/// written: the one JSON value of cpn-author, used by the reports (SARIF keys
/// in the specification's order), the LLM client (request bodies, replies,
/// transcripts) and the runtime (handler requests, event logs).
///
/// Printing is deterministic (`rendered`, `pretty`): the same value always
/// gives the same bytes, with every string escaped so that no control, bidi or
/// invisible format character reaches a viewer (`JSONValue+Printing.swift`).
/// Parsing (`parse`) is strict RFC 8259 with nesting capped.
public indirect enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into h: inout Hasher) { h.combine(rendered) }

    /// The member named `key` of an object (nil: absent, or not an object).
    /// Setting appends a new key, replaces an existing one in place, and
    /// removes it when set to nil.
    public subscript(key: String) -> JSONValue? {
        get {
            if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
            return nil
        }
        set {
            guard case .object(var members) = self else { return }
            if let i = members.firstIndex(where: { $0.0 == key }) {
                if let newValue { members[i].1 = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append((key, newValue))
            }
            self = .object(members)
        }
    }

    /// The element at `index` of an array (nil: out of range, or not an array).
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }

    /// An integer, or a double with no fraction that an Int holds exactly.
    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var object: [(String, JSONValue)]? { if case .object(let o) = self { o } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The same value with `transform` applied to every string in it (keys excepted).
    public func mapStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let value): .string(transform(value))
        case .array(let items): .array(items.map { $0.mapStrings(transform) })
        case .object(let members): .object(members.map { ($0.0, $0.1.mapStrings(transform)) })
        default: self
        }
    }

    /// The same value with every object's keys in ascending order, at every
    /// depth (for records whose format promises sorted keys, like transcripts).
    public func sortingKeys() -> JSONValue {
        switch self {
        case .array(let items): .array(items.map { $0.sortingKeys() })
        case .object(let members): .object(members.map { ($0.0, $0.1.sortingKeys()) }.sorted { $0.0 < $1.0 })
        default: self
        }
    }

    /// An object from key/value pairs, leaving out the keys whose value is nil
    /// (optional SARIF properties are absent rather than null).
    public static func members(_ members: (String, JSONValue?)...) -> JSONValue {
        .object(members.compactMap { key, value in value.map { (key, $0) } })
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Keys in the order written; a repeated key keeps its first position and last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var value = JSONValue.object([])
        for (key, member) in elements { value[key] = member }
        self = value
    }
}
