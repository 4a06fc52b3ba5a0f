import CPNExpressions
import CPNJSON
import CPNModel
import Foundation

/// Turns an event's attribute into a value of a color: `"shop"` into the enum
/// case, `"3"` or `3` into an Int, `"true"` into a Bool, and any other text
/// through the expression language as a constant of the color
/// (`"{domain: shop, prio: 2, attempt: 0}"`, `"(p1, 3)"`), as `tokens add` and
/// the runtime's event log write values. Results are cached by text.
public final class AttributeValues {
    private let symbols: SymbolTable
    private var cache: [Color: [String: Value]] = [:]

    public init(symbols: SymbolTable) { self.symbols = symbols }

    /// The value, or why the attribute is not one of the color.
    public func value(_ json: JSONValue, of color: Color) -> Result<Value, AttributeRefusal> {
        switch json {
        case .bool(let b):
            if color.isBool { return .success(.bool(b)) }
            return text(b ? "true" : "false", color)
        case .int(let i):
            if color.isInt { return color.contains(.int(i)) ? .success(.int(i)) : .failure(AttributeRefusal("\(i) is not a value of \(color.explained)")) }
            return text(String(i), color)
        case .double(let d):
            if color.isInt, let i = Int(exactly: d) { return value(.int(i), of: color) }
            return .failure(AttributeRefusal("\(d) is not a value of \(color.explained)"))
        case .string(let s): return text(s, color)
        case .null: return .failure(AttributeRefusal("the attribute is null"))
        case .array, .object: return .failure(AttributeRefusal("a JSON \(json.array != nil ? "list" : "object") is not a value of \(color.explained)"))
        }
    }

    public func text(_ s: String, _ color: Color) -> Result<Value, AttributeRefusal> {
        if let v = cache[color]?[s] { return .success(v) }
        let result = parse(s, color)
        if case .success(let v) = result, (cache[color]?.count ?? 0) < 100_000 { cache[color, default: [:]][s] = v }
        return result
    }

    private func parse(_ s: String, _ color: Color) -> Result<Value, AttributeRefusal> {
        if color.kind == .unit { return .success(.unit) }
        if let cases = color.cases, let i = cases.firstIndex(of: s) { return .success(.enumCase(i)) }
        if color.isInt, let i = Int(s.trimmingCharacters(in: .whitespaces)) {
            return color.contains(.int(i)) ? .success(.int(i)) : .failure(AttributeRefusal("\(i) is not a value of \(color.explained)"))
        }
        if color.isBool, s == "true" || s == "false" { return .success(.bool(s == "true")) }
        let source = ExpressionSource(text: s, file: "<attribute>")
        let expr: Expr
        switch ExpressionParser.parse(source) {
        case .failure(let d): return .failure(AttributeRefusal("`\(s)` is not a value of \(color.explained): \(d.message)"))
        case .success(let e): expr = e
        }
        let compiler = ExpressionCompiler(symbols: symbols, context: .constant)
        guard let compiled = compiler.compile(expr, expected: color) else {
            return .failure(AttributeRefusal("`\(s)` is not a value of \(color.explained)" + (compiler.diagnostics.items.first.map { ": \($0.message)" } ?? "")))
        }
        var ctx = EvalContext(slotCount: compiler.slotCount)
        do {
            let v = try compiled.evaluate(&ctx)
            return color.contains(v) ? .success(v) : .failure(AttributeRefusal("`\(s)` is not a value of \(color.explained)"))
        } catch {
            return .failure(AttributeRefusal("`\(s)` is not a value of \(color.explained): \(error.message)"))
        }
    }
}

/// Why an attribute is not a value of a color, as a sentence.
public struct AttributeRefusal: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ message: String) { description = message }
}
