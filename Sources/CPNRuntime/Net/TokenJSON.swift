import CPNModel
import CPNJSON

/// Token values as JSON, for handlers written in any language: an enum case
/// is its name, a record an object with its fields in declared order, a tuple
/// an array, `()` is null.
///
/// ```text
/// (p1, {domain: shop, prio: 2, attempt: 0})  →  ["p1",{"domain":"shop","prio":2,"attempt":0}]
/// ```
public enum TokenJSON {
    public static func json(_ value: Value, _ color: Color) -> JSONValue {
        switch (color.kind, value) {
        case (_, .unit): return .null
        case let (_, .bool(b)): return .bool(b)
        case let (_, .int(i)): return .int(i)
        case let (.enumeration(cases), .enumCase(i)) where i >= 0 && i < cases.count: return .string(cases[i])
        case let (.record(fields), .record(parts)) where fields.count == parts.count:
            return .object(zip(fields, parts).map { ($0.name, json($1, $0.color)) })
        case let (.tuple(colors), .tuple(parts)) where colors.count == parts.count:
            return .array(zip(colors, parts).map { json($1, $0) })
        default: return .string(color.format(value))
        }
    }

    /// Flattened `NAME=text` pairs for a shell: `t=…`, `t_domain=shop`,
    /// `t_prio=2`; tuple components as `_0`, `_1`. Leaves are written as in a net file.
    public static func flatten(_ name: String, _ value: Value, _ color: Color) -> [(String, String)] {
        var out = [(name, color.format(value))]
        switch (color.kind, value) {
        case let (.record(fields), .record(parts)) where fields.count == parts.count:
            for (f, v) in zip(fields, parts) { out += flatten("\(name)_\(f.name)", v, f.color) }
        case let (.tuple(colors), .tuple(parts)) where colors.count == parts.count:
            for (i, (c, v)) in zip(colors, parts).enumerated() { out += flatten("\(name)_\(i)", v, c) }
        default: break
        }
        return out
    }
}
