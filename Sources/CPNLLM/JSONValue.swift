import Foundation

/// A JSON document as a Sendable value: what the providers build requests from, read
/// responses with, and what transcripts are written in.
///
/// ```swift
/// let reply = try JSONValue(parsing: Data(#"{"choices":[{"message":{"content":"hi"}}]}"#.utf8))
/// reply["choices"][0]["message"]["content"].string   // "hi"
/// ```
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `data`; throws when it is not JSON.
    public init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .int(value): try container.encode(value)
        case let .double(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Compact JSON with sorted keys and unescaped slashes: stable, one line.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a JSONValue cannot fail: every case maps to a JSON value (a
        // non-finite double is the one exception, and is written as null instead).
        return (try? encoder.encode(self.finite())) ?? Data("null".utf8)
    }

    public var encodedText: String { String(decoding: encoded(), as: UTF8.self) }

    private func finite() -> JSONValue {
        switch self {
        case let .double(value) where !value.isFinite: .null
        case let .array(items): .array(items.map { $0.finite() })
        case let .object(fields): .object(fields.mapValues { $0.finite() })
        default: self
        }
    }

    /// The member `key` of an object, or `.null`.
    public subscript(key: String) -> JSONValue {
        if case let .object(fields) = self { return fields[key] ?? .null }
        return .null
    }

    /// The element at `index` of an array, or `.null`.
    public subscript(index: Int) -> JSONValue {
        if case let .array(items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }

    public var string: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    public var int: Int? {
        switch self {
        case let .int(value): value
        case let .double(value) where value == value.rounded() && abs(value) < 1e15: Int(value)
        default: nil
        }
    }

    public var double: Double? {
        switch self {
        case let .int(value): Double(value)
        case let .double(value): value
        default: nil
        }
    }

    public var bool: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case let .array(value) = self { return value }
        return nil
    }

    public var object: [String: JSONValue]? {
        if case let .object(value) = self { return value }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The same value with `transform` applied to every string in it (keys excepted).
    public func mapStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case let .string(value): .string(transform(value))
        case let .array(items): .array(items.map { $0.mapStrings(transform) })
        case let .object(fields): .object(fields.mapValues { $0.mapStrings(transform) })
        default: self
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
