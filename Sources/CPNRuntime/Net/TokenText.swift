import CPNDiagnostics
import CPNExpressions
import CPNLoad
import CPNModel

/// Token values as the store keeps them: the text a net file would use
/// (`{domain: shop, prio: 2, attempt: 0}`), which `Color.format` writes in one
/// canonical way per value. Equal values have equal texts, so the database can
/// find copies of a value by comparing strings, and a person reading the
/// tables sees what a trace shows.
///
/// Parsing goes through the expression language itself (a constant
/// expression of the place's color), so `tokens add` accepts exactly what an
/// `initial:` entry accepts. Parsed texts are cached: a worker reads the same
/// few values on every firing.
public final class TokenText {
    public let net: CheckedNet
    private var cache: [[String: Value]]

    public init(net: CheckedNet) {
        self.net = net
        self.cache = Array(repeating: [:], count: net.places.count)
    }

    public func format(_ value: Value, place: Int) -> String { net.places[place].color.format(value) }

    /// The value `text` denotes as a token of `place`, or a message saying why it is not one.
    public func parse(_ text: String, place: Int) -> Result<Value, TokenTextError> {
        if let v = cache[place][text] { return .success(v) }
        let color = net.places[place].color
        let source = ExpressionSource(text: text, file: "<token>")
        let expr: Expr
        switch ExpressionParser.parse(source) {
        case .failure(let d): return .failure(TokenTextError(text: text, place: net.places[place].name, message: d.message))
        case .success(let e): expr = e
        }
        let compiler = ExpressionCompiler(symbols: net.symbols, context: .constant)
        guard let compiled = compiler.compile(expr, expected: color) else {
            let message = compiler.diagnostics.items.first?.message ?? "not a value of \(color)"
            return .failure(TokenTextError(text: text, place: net.places[place].name, message: message))
        }
        var ctx = EvalContext(slotCount: compiler.slotCount)
        let value: Value
        do { value = try compiled.evaluate(&ctx) } catch {
            return .failure(TokenTextError(text: text, place: net.places[place].name, message: error.message))
        }
        guard color.contains(value) else {
            return .failure(TokenTextError(text: text, place: net.places[place].name, message: "\(color.format(value)) is not a value of \(color.explained)"))
        }
        if cache[place].count < 100_000 { cache[place][text] = value }
        return .success(value)
    }
}

public struct TokenTextError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var place: String
    public var message: String
    public var description: String { "`\(text)` is not a token of place `\(place)`: \(message)" }
}
