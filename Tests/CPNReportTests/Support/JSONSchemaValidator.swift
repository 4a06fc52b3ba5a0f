import Foundation

/// A JSON Schema validator for exactly the keywords used by the schemas the
/// tests check against: the official SARIF 2.1.0 schema (draft-04) and
/// specs/report.schema.json (2020-12). A keyword it does not implement is an
/// error, never silently accepted, so a schema that grows a new keyword fails
/// loudly here instead of passing unchecked.
///
/// Draft differences that matter for these two schemas: draft-04 names its
/// definitions `definitions` and its identifier `id`; 2020-12 uses `$defs`,
/// `$id`, `const` and `if`/`then`/`else`. Both are accepted; `$ref` resolves
/// local JSON pointers (`#/definitions/x`, `#/$defs/x`) only.
struct JSONSchemaValidator {
    let root: JSONValue

    /// Annotations: meaning for readers, nothing to check.
    static let annotations: Set<String> = ["$schema", "id", "$id", "title", "description", "default", "definitions", "$defs",
                                           "examples", "$comment"]
    static let implemented: Set<String> = [
        "type", "properties", "additionalProperties", "required", "$ref", "enum", "const", "minItems", "maxItems",
        "uniqueItems", "items", "minimum", "maximum", "pattern", "minLength", "maxLength", "anyOf", "oneOf", "allOf",
        "not", "if", "then", "else", "format",
    ]

    init(schema: JSONValue) { root = schema }

    /// Every violation, as `path: what is wrong`; empty when the instance is valid.
    func validate(_ instance: JSONValue) -> [String] {
        var errors: [String] = []
        check(instance, against: root, at: "$", errors: &errors)
        return errors
    }

    private func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node = root
        for part in ref.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = node[key] else { return nil }
            node = next
        }
        return node
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, errors: inout [String]) {
        if case .bool(let allowed) = schema {
            if !allowed { errors.append("\(path): no value is allowed here") }
            return
        }
        guard case .object(let keywords) = schema else {
            errors.append("\(path): schema is neither an object nor a boolean")
            return
        }
        for key in keywords.keys where !Self.annotations.contains(key) && !Self.implemented.contains(key) {
            errors.append("\(path): schema keyword `\(key)` is not implemented by the test validator")
        }
        if let ref = keywords["$ref"]?.stringValue {
            guard let target = resolve(ref) else { errors.append("\(path): cannot resolve $ref \(ref)"); return }
            check(value, against: target, at: path, errors: &errors)
        }
        if let type = keywords["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue.compactMap(\.stringValue)
            if !names.contains(where: { Self.has(value, type: $0) }) {
                errors.append("\(path): expected \(names.joined(separator: " or ")), found \(Self.typeName(value))")
            }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(value) {
            errors.append("\(path): \(value) is not one of \(options)")
        }
        if let constant = keywords["const"], constant != value {
            errors.append("\(path): expected \(constant), found \(value)")
        }
        switch value {
        case .object(let members):
            for name in keywords["required"]?.arrayValue.compactMap(\.stringValue) ?? [] where members[name] == nil {
                errors.append("\(path): required property `\(name)` is missing")
            }
            let properties: [String: JSONValue] = if case .object(let p)? = keywords["properties"] { p } else { [:] }
            for (name, member) in members {
                if let sub = properties[name] {
                    check(member, against: sub, at: "\(path).\(name)", errors: &errors)
                } else if let extra = keywords["additionalProperties"] {
                    check(member, against: extra, at: "\(path).\(name)", errors: &errors)
                }
            }
        case .array(let items):
            if let min = keywords["minItems"]?.intValue, items.count < min { errors.append("\(path): fewer than \(min) items") }
            if let max = keywords["maxItems"]?.intValue, items.count > max { errors.append("\(path): more than \(max) items") }
            if keywords["uniqueItems"] == .bool(true) {
                for i in items.indices where items[..<i].contains(items[i]) {
                    errors.append("\(path)[\(i)]: duplicate item in an array whose items must be unique")
                }
            }
            if let itemSchema = keywords["items"] {
                for (i, item) in items.enumerated() { check(item, against: itemSchema, at: "\(path)[\(i)]", errors: &errors) }
            }
        case .number(let d, _):
            if case .number(let min, _)? = keywords["minimum"], d < min { errors.append("\(path): \(d) is below the minimum \(min)") }
            if case .number(let max, _)? = keywords["maximum"], d > max { errors.append("\(path): \(d) is above the maximum \(max)") }
        case .string(let s):
            if let min = keywords["minLength"]?.intValue, s.unicodeScalars.count < min { errors.append("\(path): shorter than \(min)") }
            if let max = keywords["maxLength"]?.intValue, s.unicodeScalars.count > max { errors.append("\(path): longer than \(max)") }
            if let pattern = keywords["pattern"]?.stringValue {
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    let range = NSRange(s.startIndex..., in: s)
                    if regex.firstMatch(in: s, range: range) == nil { errors.append("\(path): `\(s)` does not match /\(pattern)/") }
                } else {
                    errors.append("\(path): the schema's pattern /\(pattern)/ does not compile")
                }
            }
            if let format = keywords["format"]?.stringValue, !Self.matches(s, format: format) {
                errors.append("\(path): `\(s)` is not a valid \(format)")
            }
        default: break
        }
        if let all = keywords["allOf"]?.arrayValue {
            for sub in all { check(value, against: sub, at: path, errors: &errors) }
        }
        if let any = keywords["anyOf"]?.arrayValue, !any.contains(where: { passes(value, $0) }) {
            errors.append("\(path): matches none of the anyOf alternatives")
        }
        if let one = keywords["oneOf"]?.arrayValue {
            let n = one.count { passes(value, $0) }
            if n != 1 { errors.append("\(path): matches \(n) of the oneOf alternatives, not exactly one") }
        }
        if let not = keywords["not"], passes(value, not) {
            errors.append("\(path): matches a schema it must not match")
        }
        if let condition = keywords["if"] {
            if passes(value, condition) {
                if let then = keywords["then"] { check(value, against: then, at: path, errors: &errors) }
            } else if let otherwise = keywords["else"] {
                check(value, against: otherwise, at: path, errors: &errors)
            }
        }
    }

    private func passes(_ value: JSONValue, _ schema: JSONValue) -> Bool {
        var errors: [String] = []
        check(value, against: schema, at: "", errors: &errors)
        return errors.isEmpty
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
            true
        case ("integer", .number(_, let isInteger)): isInteger
        default: false
        }
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number(_, let i): i ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The formats the SARIF schema uses. `uri-reference`: RFC 3986 characters
    /// only (percent-encoded otherwise); `uri`: the same with a scheme.
    static func matches(_ s: String, format: String) -> Bool {
        let allowed = CharacterSet(charactersIn:
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
        let onlyURIChars = s.unicodeScalars.allSatisfy { allowed.contains($0) }
        switch format {
        case "uri-reference": return onlyURIChars
        case "uri":
            guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
            return onlyURIChars && s[..<colon].allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
        default: return true  // date-time and others: not produced by cpn-author
        }
    }
}
